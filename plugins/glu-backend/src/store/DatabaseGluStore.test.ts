import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { Leases } from '../engine/Leases';
import { resourceOf } from '../engine/resources';
import { DatabaseGluStore } from './DatabaseGluStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

function definition(
  name: string,
  owner: string,
  component: string,
): PipelineDefinition {
  return {
    ref: `pipeline:default/${name}`,
    name,
    namespace: 'default',
    owner,
    components: [component],
    phases: [
      {
        name: 'staging',
        source: {
          type: 'git',
          repository: 'file:///r',
          branch: 'main',
          path: 'a',
          format: { type: 'kubernetes' },
        },
        edges: [],
      },
    ],
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseGluStore on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return DatabaseGluStore.create({
        database: mockServices.database({ knex }),
      });
    }

    it('pages through pipelines, filtered by owner and component', async () => {
      const store = await createStore();
      for (const [name, owner] of [
        ['a', 'group:default/x'],
        ['b', 'group:default/y'],
        ['c', 'group:default/x'],
        ['d', 'group:default/x'],
      ]) {
        await store.upsertPipeline(
          definition(name, owner, `component:default/${name}`),
          name,
        );
      }
      const first = await store.listPipelines({
        owner: ['group:default/x'],
        limit: 2,
      });
      expect(first.items.map(p => p.name)).toEqual(['a', 'c']);
      const second = await store.listPipelines({
        owner: ['group:default/x'],
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map(p => p.name)).toEqual(['d']);
      expect(second.nextCursor).toBeUndefined();
      // Any of several owners: a person and their groups.
      const either = await store.listPipelines({
        owner: ['group:default/y', 'user:default/nobody'],
        limit: 10,
      });
      expect(either.items.map(p => p.name)).toEqual(['b']);
      const byComponent = await store.listPipelines({
        component: 'component:default/b',
        limit: 10,
      });
      expect(byComponent.items.map(p => p.name)).toEqual(['b']);

      await store.deletePipeline('pipeline:default/b');
      expect(
        (await store.listPipelines({ limit: 10 })).items.map(p => p.name),
      ).toEqual(['a', 'c', 'd']);
    });

    it('keeps every state of a phase, newest first, with resources stored once per digest', async () => {
      const store = await createStore();
      await store.upsertPipeline(
        definition('a', 'group:default/x', 'component:default/a'),
        'h',
      );
      const versions = ['1.0.0', '1.1.0', '1.0.0', '1.2.0', '1.3.0'];
      for (const tag of versions) {
        await store.addHistoryEntry({
          pipelineRef: 'pipeline:default/a',
          phase: 'staging',
          resource: resourceOf({ repository: 'r', tag }),
          content: `image: r:${tag}\n`,
          cause: 'commit',
          observedAt: new Date(),
        });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listHistory('pipeline:default/a', 'staging', {
          limit: 2,
          cursor,
        });
        seen.push(...page.items.map(e => e.version));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...versions].reverse());
      const state = await store.getPhaseState('pipeline:default/a', 'staging');
      expect(state?.current?.version).toBe('1.3.0');
      expect(await store.getBlob(state!.current!.blobHash!)).toBe(
        'image: r:1.3.0\n',
      );
    });

    it('gives a lease to one holder at a time, and frees it when its holder died', async () => {
      const store = await createStore();
      expect(
        await store.tryAcquireLease('phase:x', 'crashed-replica', 200),
      ).toBe(true);
      expect(await store.tryAcquireLease('phase:x', 'other-replica', 200)).toBe(
        false,
      );
      // The holder never releases it: it crashed. The lease runs out.
      const leases = new Leases(store, { ttlMillis: 200, waitMillis: 10_000 });
      const started = Date.now();
      await expect(
        leases.withLease('phase:x', async () => 'done'),
      ).resolves.toBe('done');
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      // Released after the work: free for the next one at once.
      expect(await store.tryAcquireLease('phase:x', 'next', 200)).toBe(true);
    });
  },
);
