import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { resourceOf } from '../pipelines/resources';
import { Quarantines } from '../quarantine/Quarantines';
import { createGluStore, GluStore } from '../store/GluStore';
import { DoraReports } from './DoraReports';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** Minutes after the start of the tests' day. */
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 0, minutes));
const build = {
  name: 'build',
  source: { type: 'api' as const },
  edges: [],
};

async function hold(
  store: GluStore,
  pipeline: PipelineDefinition,
  phase: string,
  tag: string,
  minute: number,
  keptVersion?: boolean,
) {
  await store.phases.addHistoryEntry({
    pipelineRef: pipeline.ref,
    phase,
    resource: resourceOf({ repository: 'ghcr.io/acme/app', tag }),
    cause: 'observed',
    observedAt: at(minute),
    ...(keptVersion ? { keptVersion } : {}),
  });
}

describe.each(databases.eachSupportedId())(
  'the lag between environments on %p',
  databaseId => {
    it('is how long each version waited from when the upstream first held it, per pair of environments, over the period', async () => {
      const knex = await databases.init(databaseId);
      const store = await createGluStore({
        database: mockServices.database({ knex }),
      });
      const dora = new DoraReports({
        store,
        quarantines: new Quarantines({ store }),
      });
      // Its phases stand for environments of other names.
      const checkout = storedPipeline('checkout', [
        build,
        { ...storedGitPhase('stage', 'build'), environment: 'staging' },
        { ...storedGitPhase('live', 'stage'), environment: 'production' },
      ]);
      const quiet = storedPipeline('quiet', [
        build,
        storedGitPhase('qa', 'build'),
      ]);
      for (const pipeline of [checkout, quiet]) {
        await store.pipelines.upsertPipeline(pipeline, 'h');
      }
      await hold(store, checkout, 'build', '0.9.0', 0);
      await hold(store, checkout, 'build', '1.0.0', 1);
      await hold(store, checkout, 'build', '1.1.0', 60);
      await hold(store, checkout, 'build', '1.2.0', 120);
      // Before the period.
      await hold(store, checkout, 'stage', '0.9.0', 3);
      // 10, 29 and 5 minutes.
      await hold(store, checkout, 'stage', '1.0.0', 11);
      await hold(store, checkout, 'stage', '1.1.0', 89);
      // A change that kept the version is no version arriving.
      await hold(store, checkout, 'stage', '1.1.0', 100, true);
      await hold(store, checkout, 'stage', '1.2.0', 125);
      // 1.0.0 first reached staging at minute 11: 90 minutes.
      await hold(store, checkout, 'live', '1.0.0', 101);
      // Never in staging: left out.
      await hold(store, checkout, 'live', '9.9.9', 110);
      // After the period.
      await hold(store, checkout, 'live', '1.1.0', 300);
      await hold(store, quiet, 'build', '1.0.0', 1);

      const report = await dora.ofPipelines(
        ['group:default/team-a'],
        [checkout, quiet],
        { from: at(5), to: at(200) },
      );
      expect(report.lag).toEqual([
        {
          from: 'build',
          to: 'staging',
          changes: 3,
          median: 600,
          p90: 29 * 60,
        },
        {
          from: 'staging',
          to: 'production',
          changes: 1,
          median: 90 * 60,
          p90: 90 * 60,
        },
        { from: 'build', to: 'qa', changes: 0 },
      ]);
    });
  },
);
