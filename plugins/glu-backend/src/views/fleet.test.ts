import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  GateDefinition,
  PhaseDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { readSideOf } from '../__testUtils__/engine';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { resourceOf } from '../pipelines/resources';
import { createGluStore, GluStore } from '../store/GluStore';
import { environmentsOf, FleetEntry } from './fleetCells';
import { FleetViews } from './FleetViews';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** Minutes after the start of the tests' day. */
const at = (minutes: number) =>
  new Date(Date.UTC(2026, 10, 1, 0, minutes)).toISOString();
const image = (tag: string) =>
  resourceOf({ repository: 'ghcr.io/acme/app', tag });
const build: PhaseDefinition = {
  name: 'build',
  source: { type: 'api' },
  edges: [],
};

/** build → staging → production, by hand, through these gates into production. */
function staged(
  name: string,
  options: { owner?: string; system?: string; gates?: GateDefinition[] } = {},
): PipelineDefinition {
  return {
    ...storedPipeline(
      name,
      [
        build,
        storedGitPhase('staging', 'build'),
        storedGitPhase('production', 'staging', options.gates),
      ],
      options.owner,
    ),
    ...(options.system ? { system: options.system } : {}),
  };
}

async function setUp(databaseId: any) {
  const knex = await databases.init(databaseId);
  const store = await createGluStore({
    database: mockServices.database({ knex }),
  });
  const { decisions } = readSideOf(store);
  return { store, fleet: new FleetViews({ store, decisions }) };
}

/** The phase holds the version from that minute on. */
async function hold(
  store: GluStore,
  pipeline: PipelineDefinition,
  phase: string,
  tag: string,
  minute: number,
) {
  await store.phases.addHistoryEntry({
    pipelineRef: pipeline.ref,
    phase,
    resource: image(tag),
    cause: 'observed',
    observedAt: new Date(at(minute)),
  });
}

/** build and staging hold 1.1.0, production 1.0.0 (or nothing). */
async function stage(
  store: GluStore,
  pipeline: PipelineDefinition,
  production: string | null,
) {
  await store.pipelines.upsertPipeline(pipeline, pipeline.name);
  await hold(store, pipeline, 'build', '1.1.0', 0);
  await hold(store, pipeline, 'staging', '1.1.0', 1);
  if (production) await hold(store, pipeline, 'production', production, 2);
}

describe.each(databases.eachSupportedId())('the fleet on %p', databaseId => {
  it('leaves a phase up to date while its upstream holds nothing', async () => {
    const { store, fleet } = await setUp(databaseId);
    const pipeline = staged('quiet');
    await store.pipelines.upsertPipeline(pipeline, pipeline.name);
    await hold(store, pipeline, 'staging', '1.0.0', 1);
    await hold(store, pipeline, 'production', '1.0.0', 2);
    const [row] = (await fleet.getFleet({ limit: 10 })).items;
    expect(row.cells.map(c => c.status)).toEqual([
      'empty',
      'up-to-date',
      'up-to-date',
    ]);
    expect(row.cells[1].behind).toBeUndefined();
    expect(row.cells[1].reasons).toEqual([]);
  });

  it("tells each phase's status, the first that applies, and what an upstream holds that it does not", async () => {
    const { store, fleet } = await setUp(databaseId);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const pipelines = {
      behind: staged('behind'),
      blocked: staged('blocked', { gates: [{ approvals: 1 }] }),
      empty: staged('empty'),
      failing: staged('failing'),
      frozen: staged('frozen'),
      pinned: staged('pinned'),
      'pinned-frozen': staged('pinned-frozen'),
      promoting: staged('promoting'),
      quarantined: staged('quarantined'),
      'up-to-date': staged('up-to-date'),
    };
    for (const [name, pipeline] of Object.entries(pipelines)) {
      const held: Record<string, string | null> = {
        empty: null,
        'up-to-date': '1.1.0',
      };
      await stage(store, pipeline, name in held ? held[name] : '1.0.0');
    }
    const pin = {
      phase: 'production',
      digest: image('1.0.0').digest,
      version: '1.0.0',
      pinnedBy: 'user:default/alice',
      reason: 'the launch',
      pinnedAt: hourAgo,
    };
    for (const name of ['pinned', 'pinned-frozen']) {
      await store.pins.setPin(`pipeline:default/${name}`, pin);
    }
    await store.freezes.setFreeze({
      reason: 'the holidays',
      scope: {
        pipelines: [
          'pipeline:default/frozen',
          'pipeline:default/pinned-frozen',
        ],
      },
      rollbacks: false,
      setBy: 'user:default/sre',
      startsAt: hourAgo,
    });
    await store.promotions.createPromotion({
      id: 'p-1',
      pipelineRef: 'pipeline:default/promoting',
      from: 'staging',
      to: 'production',
      kind: 'promotion',
      strategy: 'commit',
      status: 'running',
      triggeredBy: 'user:default/alice',
      trigger: 'manual',
      createdAt: hourAgo,
    });
    await store.quarantines.addQuarantine({
      pipelineRef: 'pipeline:default/quarantined',
      version: '1.0.0',
      reason: 'it corrupts carts',
      quarantinedBy: 'user:default/sre',
      quarantinedAt: hourAgo,
      rollback: false,
    });
    await store.phases.markRefreshed(
      'pipeline:default/failing',
      'production',
      'the remote did not answer',
    );

    const recent = jest.spyOn(store.figures, 'recentHistory');
    const page = await fleet.getFleet({ limit: 1000 });
    // The upstreams' history of every waiting phase, in one question.
    expect(recent).toHaveBeenCalledTimes(1);
    expect(page.environments).toEqual(['build', 'staging', 'production']);
    expect(page.nextCursor).toBeUndefined();
    const production = Object.fromEntries(
      page.items.map(row => [row.name, row.cells[2]]),
    );
    expect(
      Object.fromEntries(
        Object.entries(production).map(([name, c]) => [name, c.status]),
      ),
    ).toEqual({
      behind: 'behind',
      blocked: 'blocked',
      empty: 'empty',
      failing: 'refresh-failing',
      frozen: 'frozen',
      pinned: 'pinned',
      'pinned-frozen': 'pinned',
      promoting: 'promoting',
      quarantined: 'quarantined',
      'up-to-date': 'up-to-date',
    });
    // Upstreams hold what they hold: up to date.
    expect(page.items[0].cells.map(c => c.status)).toEqual([
      'up-to-date',
      'up-to-date',
      'behind',
    ]);
    const waiting = {
      from: 'staging',
      version: '1.1.0',
      digest: image('1.1.0').digest,
      versions: 1,
      // Later than staging's 1.1.0: held since then.
      since: at(2),
    };
    expect(production.behind).toEqual({
      environment: 'production',
      phase: 'production',
      version: '1.0.0',
      digest: image('1.0.0').digest,
      since: at(2),
      status: 'behind',
      reasons: [],
      behind: waiting,
    });
    // Whatever its status, a phase says what waits.
    expect(production.pinned.behind).toEqual(waiting);
    expect(production.empty).toEqual({
      environment: 'production',
      phase: 'production',
      status: 'empty',
      reasons: ['production has not been observed yet'],
      behind: { ...waiting, since: at(1) },
    });
    expect(production['up-to-date'].behind).toBeUndefined();
    expect(production.blocked.reasons).toEqual([
      expect.stringMatching(/^approvals: /),
    ]);
    expect(production.failing.reasons[0]).toBe('the remote did not answer');
    expect(production.frozen.reasons).toEqual([
      expect.stringMatching(
        /^frozen: the holidays \(freeze \d+ by user:default\/sre/,
      ),
    ]);
    expect(production.pinned.reasons).toEqual([
      `production is pinned at 1.0.0 by user:default/alice: the launch`,
    ]);
    expect(production.promoting.promotionId).toBe('p-1');
    expect(production.quarantined.reasons[0]).toMatch(
      /^quarantined: 1.0.0 — it corrupts carts/,
    );

    // Compared: what staging holds that production does not.
    const diff = await fleet.diffFleet(
      { from: 'staging', to: 'production' },
      { limit: 1000 },
    );
    const items = Object.fromEntries(diff.items.map(i => [i.pipeline.name, i]));
    expect(Object.keys(items)).toEqual([
      'behind',
      'blocked',
      'empty',
      'failing',
      'frozen',
      'pinned',
      'pinned-frozen',
      'promoting',
      'quarantined',
    ]);
    expect(items.behind).toMatchObject({ promotable: true, reasons: [] });
    expect(items.behind.pipeline).toEqual({
      ref: 'pipeline:default/behind',
      name: 'behind',
      namespace: 'default',
      owner: 'group:default/team-a',
      components: ['component:default/behind'],
    });
    expect(items.blocked).toMatchObject({
      promotable: false,
      reasons: [expect.stringMatching(/^approvals: /)],
    });
    expect(items['pinned-frozen'].reasons).toEqual([
      production.pinned.reasons[0],
      production.frozen.reasons[0],
    ]);
    expect(items.promoting.reasons).toEqual([
      'promotion p-1 into production is under way',
    ]);
  });

  it('counts the versions an upstream held since the one the phase holds, and since when, from explicit times', async () => {
    const { store, fleet } = await setUp(databaseId);
    const counted = staged('counted');
    const late = staged('late');
    await store.pipelines.upsertPipeline(counted, 'h');
    await store.pipelines.upsertPipeline(late, 'h');
    for (const [tag, minute] of [
      ['1.0.0', 0],
      ['1.1.0', 10],
      ['1.0.0', 15],
      ['1.2.0', 20],
      ['1.3.0', 30],
    ] as const) {
      await hold(store, counted, 'build', tag, minute);
    }
    await hold(store, counted, 'staging', '1.0.0', 5);
    await hold(store, late, 'build', '1.0.0', 0);
    await hold(store, late, 'build', '1.1.0', 10);
    await hold(store, late, 'staging', '0.9.0', 20);

    const [first, second] = (await fleet.getFleet({ limit: 10 })).items;
    // After its newest 1.0.0: 1.2.0 and 1.3.0, from minute 20.
    expect(first.cells[1].behind).toEqual({
      from: 'build',
      version: '1.3.0',
      digest: image('1.3.0').digest,
      versions: 2,
      since: at(20),
    });
    // Never held upstream: every version it held, since the phase's own.
    expect(second.cells[1].behind).toMatchObject({
      versions: 2,
      since: at(20),
    });
  });

  it('lines environments up upstream first, by the environments phases stand for', async () => {
    const { store, fleet } = await setUp(databaseId);
    const api = storedPipeline('a-api', [
      build,
      { ...storedGitPhase('stage', 'build'), environment: 'staging' },
      { ...storedGitPhase('live', 'stage'), environment: 'production' },
    ]);
    const web = storedPipeline('b-web', [
      build,
      storedGitPhase('qa', 'build'),
      storedGitPhase('staging', 'qa'),
      storedGitPhase('production', 'staging'),
    ]);
    await store.pipelines.upsertPipeline(api, 'h');
    await store.pipelines.upsertPipeline(web, 'h');
    const page = await fleet.getFleet({ limit: 10 });
    expect(page.environments).toEqual(['build', 'qa', 'staging', 'production']);
    expect(page.items[0].cells.map(c => [c.environment, c.phase])).toEqual([
      ['build', 'build'],
      ['staging', 'stage'],
      ['production', 'live'],
    ]);
    // Compared by environment, whatever the phases are called.
    await hold(store, api, 'stage', '1.1.0', 1);
    await hold(store, api, 'live', '1.0.0', 2);
    const diff = await fleet.diffFleet(
      { from: 'staging', to: 'production' },
      { limit: 10 },
    );
    expect(diff.items.map(i => [i.from.phase, i.to.phase])).toEqual([
      ['stage', 'live'],
    ]);
  });

  it('says what leads into a phase when the environments compared are not joined', async () => {
    const { store, fleet } = await setUp(databaseId);
    const canary = storedPipeline('canary', [
      build,
      storedGitPhase('staging', 'build'),
      storedGitPhase('canary', 'build'),
      storedGitPhase('production', 'canary'),
    ]);
    await store.pipelines.upsertPipeline(canary, 'h');
    await hold(store, canary, 'staging', '1.1.0', 1);
    await hold(store, canary, 'production', '1.0.0', 2);
    const diff = await fleet.diffFleet(
      { from: 'staging', to: 'production' },
      { limit: 10 },
    );
    expect(diff.items).toMatchObject([
      {
        promotable: false,
        reasons: ['production is promoted from canary, not staging'],
      },
    ]);
    await expect(
      fleet.diffFleet({ from: 'staging', to: 'staging' }, { limit: 10 }),
    ).rejects.toThrow(/not staging with itself/);
  });

  it('filters by owner, by system (in any case), by what the caller may read, and pages up to 1,000 pipelines at once', async () => {
    const { store, fleet } = await setUp(databaseId);
    await store.pipelines.upsertPipeline(
      staged('a', {
        owner: 'group:default/team-a',
        system: 'system:default/Shop',
      }),
      'h',
    );
    await store.pipelines.upsertPipeline(
      staged('b', {
        owner: 'group:default/team-b',
        system: 'system:default/ledger',
      }),
      'h',
    );
    await store.pipelines.upsertPipeline(
      staged('c', { owner: 'group:default/team-b' }),
      'h',
    );
    const names = async (query: object, readable?: any) =>
      (await fleet.getFleet({ limit: 10, ...query }, readable)).items.map(
        r => r.name,
      );
    expect(await names({ system: ['system:default/shop'] })).toEqual(['a']);
    expect(
      (await fleet.getFleet({ limit: 10, system: ['system:default/SHOP'] }))
        .items[0].system,
    ).toBe('system:default/Shop');
    expect(await names({ owner: ['group:default/Team-B'] })).toEqual([
      'b',
      'c',
    ]);
    expect(
      await names({
        owner: ['group:default/team-b'],
        system: ['system:default/ledger'],
      }),
    ).toEqual(['b']);
    expect(
      await names({ filter: { ownerIn: ['group:default/team-a'] } }),
    ).toEqual(['a']);
    const readable = jest.fn(async (refs: string[]) =>
      refs.filter(ref => ref !== 'pipeline:default/b'),
    );
    expect(await names({}, readable)).toEqual(['a', 'c']);
    expect(readable).toHaveBeenCalledTimes(1);

    // Nothing is read again for pipelines that did not change.
    const states = jest.spyOn(store.phases, 'getPhaseStates');
    await fleet.getFleet({ limit: 10 });
    expect(states).not.toHaveBeenCalled();

    for (let i = 0; i < 600; i++) {
      await store.pipelines.upsertPipeline(
        storedPipeline(`many-${String(i).padStart(3, '0')}`, [build]),
        'h',
      );
    }
    const many = await fleet.getFleet({ limit: 1000 });
    expect(many.items).toHaveLength(603);
    expect(many.nextCursor).toBeUndefined();
  });
});

describe('the environments of a page', () => {
  const entry = (cells: string[], edges: Array<[string, string]>) =>
    ({
      row: {
        cells: cells.map(phase => ({ phase, environment: phase })),
      },
      edges: edges.map(([from, to]) => ({ from, to })),
    } as unknown as FleetEntry);

  it('fall back to the order they first appear in, for those in a cycle across pipelines', () => {
    expect(
      environmentsOf([
        entry(
          ['dev', 'two', 'one'],
          [
            ['dev', 'two'],
            ['two', 'one'],
          ],
        ),
        entry(['one', 'two'], [['one', 'two']]),
      ]),
    ).toEqual(['dev', 'two', 'one']);
    expect(
      environmentsOf([entry(['b', 'a'], []), entry(['a', 'b'], [['a', 'b']])]),
    ).toEqual(['a', 'b']);
  });
});
