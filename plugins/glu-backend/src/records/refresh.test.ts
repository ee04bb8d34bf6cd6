import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { PhaseDefinition } from '@glu-dev/plugin-glu-common';
import {
  GluFormat,
  gluLimits,
  GluObservation,
  GluSource,
  GluSourcePhase,
  GluWriteScopes,
} from '@glu-dev/plugin-glu-node';
import { ServiceUnavailableError } from '@backstage/errors';
import { storedPipeline } from '../__testUtils__/pipelines';
import { builtInFormats } from '../documents/builtInFormats';
import { DocumentThreads } from '../documents/DocumentThreads';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { PhaseSources } from '../pipelines/PhaseSources';
import { createGluStore } from '../store/GluStore';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { Leases } from './Leases';
import { PhaseHistory } from './PhaseHistory';
import { PhaseRefresher } from './PhaseRefresher';
import { PromotionRecords } from './PromotionRecords';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/**
 * A source whose phases hold what the test says, grouped by their
 * `repository`; it counts what it is asked.
 */
function fakeSource() {
  const holds = new Map<string, GluObservation | Error>();
  const asked: string[][] = [];
  const source: GluSource = {
    type: 'fake',
    writable: false,
    groupOf: (phase: GluSourcePhase) => String(phase.config.repository),
    observe: async (phases: GluSourcePhase[]) => {
      asked.push(phases.map(p => `${p.pipelineRef}/${p.phase}`));
      return phases.map(
        p =>
          holds.get(String(p.config.repository)) ?? new Error('nothing there'),
      );
    },
  };
  const hold = (repository: string, tag: string | Error) =>
    holds.set(
      repository,
      tag instanceof Error
        ? tag
        : { fields: { repository: 'ghcr.io/acme/app', tag } },
    );
  return { source, hold, asked };
}

const phase = (
  name: string,
  repository: string,
  interval?: string,
): PhaseDefinition => ({
  name,
  source: { type: 'fake', repository, ...(interval ? { interval } : {}) },
  edges: [],
});

describe.each(databases.eachSupportedId())('a refresh on %p', databaseId => {
  async function setup() {
    const store = await createGluStore({
      database: mockServices.database({
        knex: await databases.init(databaseId),
      }),
    });
    const fake = fakeSource();
    const registry = new ExtensionRegistry<GluSource>('source');
    registry.add(fake.source);
    const limits = gluLimits(new ConfigReader({}));
    const formats = new ExtensionRegistry<GluFormat>('format');
    formats.add(...builtInFormats(new DocumentThreads(limits), limits));
    const sources = new PhaseSources({
      sources: registry,
      formats,
      scopes: GluWriteScopes.of([]),
    });
    const logger = mockServices.logger.mock();
    const leases = new Leases(store);
    const records = new PromotionRecords({ store, logger, leases });
    const refresher = new PhaseRefresher({
      store,
      sources,
      history: new PhaseHistory({ store, records }),
      leases,
      logger,
      telemetry: new GluTelemetry(),
    });
    // Forty pipelines in two repositories, one phase each.
    const pipelines = Array.from({ length: 40 }, (_, i) =>
      storedPipeline(`p${i}`, [phase('prod', `repo-${i % 2}`)]),
    );
    for (const p of pipelines) await store.pipelines.upsertPipeline(p, 'h');
    const revisions = async () =>
      Promise.all(
        pipelines.map(p => store.pipelines.getPipelineRevision(p.ref)),
      );
    return { store, fake, refresher, pipelines, revisions, sources };
  }

  it('checks each repository once when nothing moved, writes nothing per phase and moves no revision', async () => {
    const { store, fake, refresher, pipelines, revisions, sources } =
      await setup();
    fake.hold('repo-0', '1.0.0');
    fake.hold('repo-1', '1.0.0');
    expect(await refresher.refresh()).toHaveLength(40);
    expect(fake.asked.map(a => a.length).sort()).toEqual([20, 20]);

    const before = await revisions();
    const states = JSON.stringify(await store.phases.getPhaseStates());
    fake.asked.length = 0;
    expect(await refresher.refresh()).toEqual([]);
    // Both groups were asked (no interval: at every refresh)...
    expect(fake.asked).toHaveLength(2);
    // ...and nothing a view shows changed.
    expect(await revisions()).toEqual(before);
    expect(JSON.stringify(await store.phases.getPhaseStates())).toBe(states);

    // When each phase was looked at follows from its group's check.
    const [p0] = pipelines;
    const { key } = refresher.checkOf(sources.phase(p0, p0.phases[0]));
    const checked = (await store.checks.getChecks([key])).get(key)!;
    const [state] = await store.phases.getPhaseStates([p0.ref]);
    expect(checked.getTime()).toBeGreaterThanOrEqual(
      Date.parse(state.refreshedAt!),
    );
    expect(await refresher.refreshOf(p0)).toEqual({
      phases: [{ name: 'prod', lookedAt: checked.toISOString() }],
    });

    // A change in one repository moves only its pipelines.
    fake.hold('repo-1', '1.1.0');
    const changed = await refresher.refresh();
    expect(changed.map(c => c.pipelineRef).sort()).toEqual(
      pipelines
        .filter((_, i) => i % 2 === 1)
        .map(p => p.ref)
        .sort(),
    );
    const after = await revisions();
    expect(after.map((revision, i) => revision !== before[i])).toEqual(
      pipelines.map((_, i) => i % 2 === 1),
    );
  });

  it('asks a group again only once its interval has passed since its check', async () => {
    const { store, fake, refresher } = await setup();
    await store.pipelines.upsertPipeline(
      storedPipeline('slow', [phase('prod', 'repo-slow', '1h')]),
      'h',
    );
    fake.hold('repo-0', '1.0.0');
    fake.hold('repo-1', '1.0.0');
    fake.hold('repo-slow', '1.0.0');
    await refresher.refresh();
    expect(fake.asked.flat()).toContain('pipeline:default/slow/prod');
    fake.asked.length = 0;
    await refresher.refresh();
    expect(fake.asked.flat()).not.toContain('pipeline:default/slow/prod');
    // Asked for by name (a webhook, a person), it is looked at now, and
    // says so for itself.
    await refresher.refresh(['pipeline:default/slow']);
    expect(fake.asked.flat()).toContain('pipeline:default/slow/prod');
    const [state] = await store.phases.getPhaseStates([
      'pipeline:default/slow',
    ]);
    expect(Date.now() - Date.parse(state.refreshedAt!)).toBeLessThan(30_000);
  });

  it('writes a failure once, not at every check, and its end', async () => {
    const { store, fake, refresher, pipelines, revisions } = await setup();
    fake.hold('repo-0', '1.0.0');
    fake.hold('repo-1', '1.0.0');
    await refresher.refresh();
    fake.hold('repo-0', new ServiceUnavailableError('the host is down'));
    await refresher.refresh();
    const failing = await revisions();
    const [state] = await store.phases.getPhaseStates([pipelines[0].ref]);
    expect(state).toMatchObject({
      refreshError: 'the host is down',
      refreshFailure: 'unreachable',
    });
    // The same failure again: nothing a view shows changed.
    await refresher.refresh();
    expect(await revisions()).toEqual(failing);
    // It ends: the phases of repo-0 show it.
    fake.hold('repo-0', '1.0.0');
    await refresher.refresh();
    const ended = await revisions();
    expect(ended.map((revision, i) => revision !== failing[i])).toEqual(
      pipelines.map((_, i) => i % 2 === 0),
    );
    expect(
      (await store.phases.getPhaseStates([pipelines[0].ref]))[0].refreshError,
    ).toBeUndefined();
  });
});
