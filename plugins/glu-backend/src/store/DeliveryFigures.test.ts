import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { resourceOf } from '../pipelines/resources';
import { createGluStore } from './GluStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** A pipeline with one Git phase, `staging`, owned by `owner`. */
function definition(name: string, owner: string): PipelineDefinition {
  return storedPipeline(name, [storedGitPhase('staging')], owner);
}

describe.each(databases.eachSupportedId())(
  'delivery figures on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return createGluStore({
        database: mockServices.database({ knex }),
      });
    }

    it('answers when phases first held versions, questions asked together each from its own pipeline and phases', async () => {
      const store = await createStore();
      await store.pipelines.upsertPipeline(
        definition('a', 'group:default/x'),
        'h',
      );
      await store.pipelines.upsertPipeline(
        definition('b', 'group:default/x'),
        'h',
      );
      const held = async (
        pipeline: string,
        phase: string,
        tag: string,
        at: string,
      ) =>
        store.phases.addHistoryEntry({
          pipelineRef: `pipeline:default/${pipeline}`,
          phase,
          resource: resourceOf({ repository: 'r', tag }),
          cause: 'commit',
          message: `${pipeline} ${phase} ${tag}`,
          observedAt: new Date(at),
        });
      await held('a', 'staging', '1.0.0', '2026-01-01T00:00:00.000Z');
      await held('b', 'staging', '1.0.0', '2026-01-02T00:00:00.000Z');
      await held('a', 'staging', '1.1.0', '2026-01-03T00:00:00.000Z');
      await held('a', 'staging', '1.0.0', '2026-01-04T00:00:00.000Z');
      await held('b', 'production', '1.1.0', '2026-01-05T00:00:00.000Z');
      const v100 = resourceOf({ repository: 'r', tag: '1.0.0' });
      const v110 = resourceOf({ repository: 'r', tag: '1.1.0' });
      const [a, b, none] = await Promise.all([
        store.figures.firstHeld(
          'pipeline:default/a',
          ['staging'],
          [v100, v110],
        ),
        store.figures.firstHeld(
          'pipeline:default/b',
          ['staging'],
          [v100, v110],
        ),
        store.figures.firstHeld('pipeline:default/b', ['staging'], [v110]),
      ]);
      expect(Object.fromEntries(a)).toEqual({
        [v100.digest]: {
          at: '2026-01-01T00:00:00.000Z',
          message: 'a staging 1.0.0',
        },
        [v110.digest]: {
          at: '2026-01-03T00:00:00.000Z',
          message: 'a staging 1.1.0',
        },
      });
      // Not another pipeline's, nor another phase's.
      expect(Object.fromEntries(b)).toEqual({
        [v100.digest]: {
          at: '2026-01-02T00:00:00.000Z',
          message: 'b staging 1.0.0',
        },
      });
      expect(none.size).toBe(0);
    });
  },
);
