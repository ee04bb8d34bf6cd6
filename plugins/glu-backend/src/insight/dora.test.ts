import { Quarantines } from '../quarantine/Quarantines';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  GLU_AUTO_ROLLBACK_ACTOR,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore, GluStore } from '../store/GluStore';
import { HistoryCause } from '../store/types';
import { doraPeriodOf } from './dora';
import { DoraReports } from './DoraReports';
import { resourceOf } from '../pipelines/resources';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_18'] });

const image = (tag: string) =>
  resourceOf({ repository: 'ghcr.io/acme/checkout', tag });

/** build → staging → production, in the store. */
function threePhases(name: string, owner = 'group:default/team-a') {
  return storedPipeline(
    name,
    [
      { name: 'build', source: { type: 'api' }, edges: [] },
      storedGitPhase('staging', 'build'),
      storedGitPhase('production', 'staging'),
    ],
    owner,
  );
}

const period = {
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-12-01T00:00:00Z'),
};

describe.each(databases.eachSupportedId())('DORA figures on %s', databaseId => {
  let store: GluStore;
  let dora: DoraReports;

  beforeEach(async () => {
    store = await createGluStore({
      database: mockServices.database({
        knex: await databases.init(databaseId),
      }),
    });
    dora = new DoraReports({ store, quarantines: new Quarantines({ store }) });
  });

  /** A state of a phase, at a moment of the scripted history. */
  async function held(
    pipeline: PipelineDefinition,
    phase: string,
    tag: string,
    at: string,
    cause: HistoryCause,
    message?: string,
    actor?: string,
  ) {
    await store.phases.addHistoryEntry({
      pipelineRef: pipeline.ref,
      phase,
      resource: image(tag),
      cause,
      ...(message ? { message } : {}),
      ...(actor ? { actor } : {}),
      observedAt: new Date(at),
    });
  }

  it('count deployments, lead times, failed changes and restores from a scripted history', async () => {
    const checkout = threePhases('checkout');
    await store.pipelines.upsertPipeline(checkout, 'h1');
    // Before the period: staging and production held 0.9.0.
    await held(
      checkout,
      'production',
      '0.9.0',
      '2026-10-20T10:00:00Z',
      'observed',
    );
    await held(
      checkout,
      'staging',
      '0.9.0',
      '2026-10-20T09:00:00Z',
      'observed',
    );
    // CI publishes versions into build; its messages say what they are.
    await held(
      checkout,
      'build',
      '1.0.0',
      '2026-11-01T10:00:00Z',
      'published',
      'feat: a',
    );
    await held(
      checkout,
      'build',
      '1.1.0',
      '2026-11-03T09:00:00Z',
      'published',
      'feat: b',
    );
    await held(
      checkout,
      'build',
      '1.2.0',
      '2026-11-05T08:00:00Z',
      'published',
      'feat: c',
    );
    await held(
      checkout,
      'build',
      '1.2.1',
      '2026-11-05T12:00:00Z',
      'published',
      'fix: c broke the cart',
    );
    await held(
      checkout,
      'build',
      '1.3.0',
      '2026-11-19T20:00:00Z',
      'published',
      'feat: d',
    );
    await held(
      checkout,
      'build',
      '1.4.0',
      '2026-12-05T10:00:00Z',
      'published',
      'fix: after the period',
    );
    // Staging is no production phase: something promotes from it.
    await held(
      checkout,
      'staging',
      '1.0.0',
      '2026-11-01T11:00:00Z',
      'promotion',
    );
    // Production: 1.0.0 after a day.
    await held(
      checkout,
      'production',
      '1.0.0',
      '2026-11-02T10:00:00Z',
      'promotion',
    );
    // 1.1.0, rolled back an hour later: failed, restored in 1h.
    await held(
      checkout,
      'production',
      '1.1.0',
      '2026-11-04T09:00:00Z',
      'promotion',
    );
    await held(
      checkout,
      'production',
      '1.0.0',
      '2026-11-04T10:00:00Z',
      'rollback',
    );
    // 1.2.0, fixed by 1.2.1 three hours later: failed, restored in 3h.
    await held(
      checkout,
      'production',
      '1.2.0',
      '2026-11-05T10:00:00Z',
      'promotion',
    );
    await held(
      checkout,
      'production',
      '1.2.1',
      '2026-11-05T13:00:00Z',
      'promotion',
    );
    // A commit that kept the version is no deployment.
    await held(
      checkout,
      'production',
      '1.2.1',
      '2026-11-06T09:00:00Z',
      'commit',
    );
    // 1.3.0; the fix that follows comes after the failure window.
    await held(
      checkout,
      'production',
      '1.3.0',
      '2026-11-20T00:00:00Z',
      'promotion',
    );
    await held(
      checkout,
      'production',
      '1.4.0',
      '2026-12-05T12:00:00Z',
      'promotion',
    );

    const report = await dora.ofPipeline(checkout, period);
    expect(report).toMatchObject({
      pipelineRef: 'pipeline:default/checkout',
      production: ['production'],
      failureWindow: '1d',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    expect(
      report.deployments.map(d => [
        d.version,
        d.leadTimeSeconds,
        d.failed,
        d.fix,
      ]),
    ).toEqual([
      ['1.3.0', 4 * 3600, false, false],
      ['1.2.1', 3600, false, true],
      ['1.2.0', 2 * 3600, true, false],
      ['1.1.0', 86_400, true, false],
      ['1.0.0', 86_400, false, false],
    ]);
    expect(report.deployments[2].restoredAt).toBe('2026-11-05T13:00:00.000Z');
    expect(report.deployments[3].restoredAt).toBe('2026-11-04T10:00:00.000Z');
    const { days, ...figures } = report.figures;
    expect(figures).toEqual({
      deployments: 5,
      hotfixes: 0,
      deploymentsPerWeek: 1.17,
      medianLeadTimeSeconds: 4 * 3600,
      failedDeployments: 2,
      changeFailureRate: 0.4,
      medianTimeToRestoreSeconds: 2 * 3600,
    });
    expect(days).toHaveLength(31);
    expect(days.find(d => d.date === '2026-11-05')).toEqual({
      date: '2026-11-05',
      deployments: 2,
      failures: 1,
    });
    expect(days.filter(d => d.deployments > 0).map(d => d.date)).toEqual([
      '2026-11-02',
      '2026-11-04',
      '2026-11-05',
      '2026-11-20',
    ]);

    // A longer failure window counts 1.3.0, fixed by 1.4.0, as failed too
    // (the history after the period's end is read for it).
    const patient = { ...checkout, dora: { failureWindow: '20d' } };
    const december = await dora.ofPipeline(patient, period);
    expect(december.figures.failedDeployments).toBe(3);
    expect(december.deployments[0]).toMatchObject({
      version: '1.3.0',
      failed: true,
      restoredAt: '2026-12-05T12:00:00.000Z',
    });

    // Production is what the pipeline says; fixes are what its pattern says.
    const staged = {
      ...checkout,
      dora: { production: ['staging'], fix: '^hotfix' },
    };
    const staging = await dora.ofPipeline(staged, period);
    expect(staging.production).toEqual(['staging']);
    expect(staging.figures).toMatchObject({
      deployments: 1,
      medianLeadTimeSeconds: 3600,
      failedDeployments: 0,
      changeFailureRate: 0,
    });
    const noFixes = await dora.ofPipeline(
      { ...checkout, dora: { fix: '^hotfix' } },
      period,
    );
    expect(noFixes.figures.failedDeployments).toBe(1);
  });

  it('count a version that Glu rolled back, because a gate found it broken, as failed whenever it was', async () => {
    const checkout = threePhases('checkout');
    await store.pipelines.upsertPipeline(checkout, 'h1');
    await held(
      checkout,
      'production',
      '1.0.0',
      '2026-11-01T10:00:00Z',
      'observed',
    );
    await held(
      checkout,
      'production',
      '1.1.0',
      '2026-11-02T10:00:00Z',
      'promotion',
    );
    await held(
      checkout,
      'production',
      '1.2.0',
      '2026-11-10T10:00:00Z',
      'promotion',
    );
    // Three days on, its error rate climbs: Glu rolls it back.
    await held(
      checkout,
      'production',
      '1.1.0',
      '2026-11-13T10:00:00Z',
      'rollback',
      undefined,
      GLU_AUTO_ROLLBACK_ACTOR,
    );
    // A person's rollback as late is no failure of the window's.
    await held(
      checkout,
      'production',
      '1.3.0',
      '2026-11-20T10:00:00Z',
      'promotion',
    );
    await held(
      checkout,
      'production',
      '1.1.0',
      '2026-11-25T10:00:00Z',
      'rollback',
      undefined,
      'user:default/alice',
    );
    const report = await dora.ofPipeline(checkout, period);
    expect(report.deployments.map(d => [d.version, d.failed])).toEqual([
      ['1.3.0', false],
      ['1.2.0', true],
      ['1.1.0', false],
    ]);
    expect(report.deployments[1].restoredAt).toBe('2026-11-13T10:00:00.000Z');
  });

  it('put an owner’s pipelines together, and say nothing of rates without deployments', async () => {
    const checkout = threePhases('checkout');
    const payments = threePhases('payments');
    const idle = threePhases('idle');
    for (const p of [checkout, payments, idle]) {
      await store.pipelines.upsertPipeline(p, p.name);
      // Where production stood when Glu began to watch it.
      await held(p, 'production', '0.1.0', '2026-10-01T00:00:00Z', 'observed');
    }
    await held(checkout, 'build', '1.0.0', '2026-11-10T10:00:00Z', 'published');
    await held(
      checkout,
      'production',
      '1.0.0',
      '2026-11-10T12:00:00Z',
      'promotion',
    );
    await held(
      checkout,
      'production',
      '0.9.0',
      '2026-11-10T13:00:00Z',
      'rollback',
    );
    await held(payments, 'build', '2.0.0', '2026-11-11T10:00:00Z', 'published');
    await held(
      payments,
      'production',
      '2.0.0',
      '2026-11-11T16:00:00Z',
      'promotion',
    );

    const team = await dora.ofPipelines(
      ['group:default/team-a'],
      [checkout, payments, idle],
      period,
    );
    expect(team.figures).toMatchObject({
      deployments: 2,
      failedDeployments: 1,
      changeFailureRate: 0.5,
      medianLeadTimeSeconds: 4 * 3600,
      medianTimeToRestoreSeconds: 3600,
    });
    expect(
      team.pipelines.map(p => [p.pipelineRef, p.figures.deployments]),
    ).toEqual([
      ['pipeline:default/checkout', 1],
      ['pipeline:default/payments', 1],
      ['pipeline:default/idle', 0],
    ]);
    const { days: _days, ...idleFigures } = team.pipelines[2].figures;
    expect(idleFigures).toEqual({
      deployments: 0,
      hotfixes: 0,
      deploymentsPerWeek: 0,
      failedDeployments: 0,
    });
  });
});

describe('the period of a DORA question', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('is the last 30 days by default, and at most 366 days', () => {
    expect(doraPeriodOf({}, now)).toEqual({
      from: new Date('2026-11-01T12:00:00Z'),
      to: now,
    });
    expect(() =>
      doraPeriodOf(
        { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
        now,
      ),
    ).toThrow(/must end after it starts/);
    expect(() => doraPeriodOf({ from: '2024-01-01T00:00:00Z' }, now)).toThrow(
      /at most 366 days/,
    );
    expect(() => doraPeriodOf({ to: 'yesterday' }, now)).toThrow(
      /must be date-times/,
    );
  });
});
