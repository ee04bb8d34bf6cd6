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
  'phases and their history on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return createGluStore({
        database: mockServices.database({ knex }),
      });
    }

    it('keeps every state of a phase, newest first, with its file content stored once per hash', async () => {
      const store = await createStore();
      await store.pipelines.upsertPipeline(
        definition('a', 'group:default/x'),
        'h',
      );
      const versions = ['1.0.0', '1.1.0', '1.0.0', '1.2.0', '1.3.0'];
      for (const tag of versions) {
        await store.phases.addHistoryEntry({
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
        const page = await store.phases.listHistory(
          'pipeline:default/a',
          'staging',
          {
            limit: 2,
            cursor,
          },
        );
        seen.push(...page.items.map(e => e.version));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...versions].reverse());
      const state = await store.phases.getPhaseState(
        'pipeline:default/a',
        'staging',
      );
      expect(state?.current?.version).toBe('1.3.0');
      expect(await store.phases.getBlob(state!.current!.blobHash!)).toBe(
        'image: r:1.3.0\n',
      );
    });

    it('records writes that end together in one transaction, each with its promotion ended, and a refused one alone', async () => {
      const knex = await databases.init(databaseId);
      const store = await createGluStore({
        database: mockServices.database({ knex }),
      });
      const names = ['a', 'b', 'c'];
      for (const name of names) {
        await store.pipelines.upsertPipeline(
          definition(name, 'group:default/x'),
          name,
        );
      }
      const written = async (tag: string, ids: string[], refused?: number) => {
        for (const [i, id] of ids.entries()) {
          await store.promotions.createPromotion({
            id,
            pipelineRef: `pipeline:default/${names[i]}`,
            from: 'build',
            to: 'staging',
            kind: 'promotion',
            strategy: 'commit',
            status: 'running',
            triggeredBy: 'user:default/alice',
            trigger: 'manual',
            createdAt: new Date().toISOString(),
          });
        }
        const revisions = await Promise.all(
          names.map(n =>
            store.pipelines.getPipelineRevision(`pipeline:default/${n}`),
          ),
        );
        const transactions: unknown[] = [];
        const count = (query: { sql: string }) => {
          if (/^(begin|BEGIN)/.test(query.sql)) transactions.push(query);
        };
        knex.on('query', count);
        try {
          // Asked for in one turn, as the promotions of one commit are.
          return {
            results: await Promise.allSettled(
              ids.map((id, i) =>
                store.phases.recordWrite(
                  {
                    pipelineRef: `pipeline:default/${names[i]}`,
                    phase: 'staging',
                    resource: resourceOf({ repository: 'r', tag }),
                    content: `image: r:${tag}\n`,
                    // A value the database refuses (it is required).
                    cause: i === refused ? (null as any) : 'promotion',
                    promotionId: id,
                    commitSha: 'c0ffee',
                    observedAt: new Date(),
                  },
                  {
                    id,
                    patch: {
                      status: 'succeeded',
                      after: resourceOf({ repository: 'r', tag }),
                      commitSha: 'c0ffee',
                      finishedAt: new Date().toISOString(),
                    },
                    onlyIfStatus: ['running'],
                  },
                ),
              ),
            ),
            transactions: transactions.length,
            revisions,
          };
        } finally {
          knex.removeListener('query', count);
        }
      };

      const ok = await written('1.0.0', ['p1', 'p2', 'p3']);
      expect(ok.results.map(r => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      expect(ok.transactions).toBe(1);
      for (const [i, name] of names.entries()) {
        const ref = `pipeline:default/${name}`;
        expect(
          (await store.phases.getPhaseState(ref, 'staging'))?.current,
        ).toMatchObject({ version: '1.0.0', promotionId: `p${i + 1}` });
        expect(await store.promotions.getPromotion(`p${i + 1}`)).toMatchObject({
          status: 'succeeded',
          after: { version: '1.0.0' },
          commitSha: 'c0ffee',
        });
        // Every view of them moved on.
        expect(await store.pipelines.getPipelineRevision(ref)).not.toBe(
          ok.revisions[i],
        );
      }

      // One write that the database refuses fails alone: its transaction is
      // undone, and the others are recorded again one by one, each whole.
      const failed = await written('2.0.0', ['q1', 'q2', 'q3'], 2);
      expect(failed.results.map(r => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      for (const [name, version, id, status] of [
        ['a', '2.0.0', 'q1', 'succeeded'],
        ['b', '2.0.0', 'q2', 'succeeded'],
        ['c', '1.0.0', 'q3', 'running'],
      ]) {
        expect(
          (
            await store.phases.getPhaseState(
              `pipeline:default/${name}`,
              'staging',
            )
          )?.current?.version,
        ).toBe(version);
        expect(await store.promotions.getPromotion(id)).toMatchObject({
          status,
        });
      }
    });

    it('records the writes of one commit in a few statements, each phase and record as if recorded one after another', async () => {
      const knex = await databases.init(databaseId);
      const store = await createGluStore({
        database: mockServices.database({ knex }),
      });
      const refs = ['a', 'b', 'c'].map(n => `pipeline:default/${n}`);
      for (const ref of refs) {
        const name = ref.split('/')[1];
        await store.pipelines.upsertPipeline(
          definition(name, 'group:default/x'),
          name,
        );
      }
      const promotion = (id: string, pipelineRef: string, status: any) =>
        store.promotions.createPromotion({
          id,
          pipelineRef,
          from: 'build',
          to: 'staging',
          kind: 'promotion',
          strategy: 'commit',
          status,
          triggeredBy: 'user:default/alice',
          trigger: 'manual',
          createdAt: new Date().toISOString(),
        });
      await promotion('p1', refs[0], 'running');
      await promotion('p2', refs[0], 'running');
      await promotion('p3', refs[1], 'running');
      // Ended already (cancelled meanwhile): it is not moved.
      await promotion('p4', refs[2], 'failed');
      await promotion('p5', refs[2], 'running');
      const t = (seconds: number) =>
        new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
      const write = (
        id: string,
        pipelineRef: string,
        tag: string,
        at: number,
        options: { keptVersion?: boolean; error?: string } = {},
      ) =>
        store.phases.recordWrite(
          {
            pipelineRef,
            phase: 'staging',
            resource: resourceOf({ repository: 'r', tag }),
            content: `image: r:${tag}\n`,
            cause: 'promotion',
            keptVersion: options.keptVersion,
            promotionId: id,
            commitSha: 'c0ffee',
            observedAt: t(at),
          },
          {
            id,
            patch: {
              status: 'succeeded',
              after: resourceOf({ repository: 'r', tag }),
              commitSha: 'c0ffee',
              // Each its own moment.
              finishedAt: t(at + 30).toISOString(),
              ...(options.error ? { error: options.error } : {}),
            },
            onlyIfStatus: ['running'],
          },
        );
      const statements: string[] = [];
      const count = (query: { sql: string }) => statements.push(query.sql);
      knex.on('query', count);
      const results = await Promise.all([
        write('p1', refs[0], '1.0.0', 1),
        // The same phase again, keeping its version (its comments changed):
        // it holds this entry, and has held its version since the first.
        write('p2', refs[0], '1.0.0', 2, { keptVersion: true }),
        write('p3', refs[1], '2.0.0', 3, { error: 'a warning' }),
        write('p4', refs[2], '3.0.0', 4),
        write('p5', refs[2], '3.0.1', 5),
      ]);
      knex.removeListener('query', count);

      // One transaction, its rows written a few statements at a time, not
      // one or two per write.
      const updates = statements.filter(sql => /^update/i.test(sql));
      expect(updates.filter(sql => sql.includes('glu_phases')).length).toBe(1);
      expect(updates.filter(sql => sql.includes('glu_promotions')).length).toBe(
        2,
      );
      expect(statements.length).toBeLessThanOrEqual(9);

      expect(results.map(r => [r.record.id, r.record.status, r.moved])).toEqual(
        [
          ['p1', 'succeeded', true],
          ['p2', 'succeeded', true],
          ['p3', 'succeeded', true],
          ['p4', 'failed', false],
          ['p5', 'succeeded', true],
        ],
      );
      expect(results[2].record.error).toBe('a warning');
      expect(results[0].record.error).toBeUndefined();
      // Each moved record with its own values, the one not moved as it was.
      expect(
        results.map(({ record }) => [
          record.finishedAt,
          record.commitSha,
          record.after?.version,
        ]),
      ).toEqual([
        [t(31).toISOString(), 'c0ffee', '1.0.0'],
        [t(32).toISOString(), 'c0ffee', '1.0.0'],
        [t(33).toISOString(), 'c0ffee', '2.0.0'],
        [undefined, undefined, undefined],
        [t(35).toISOString(), 'c0ffee', '3.0.1'],
      ]);

      const a = await store.phases.getPhaseState(refs[0], 'staging');
      expect(a?.current).toMatchObject({ promotionId: 'p2', version: '1.0.0' });
      expect(a?.heldSince).toBe(t(1).toISOString());
      const b = await store.phases.getPhaseState(refs[1], 'staging');
      expect(b?.current).toMatchObject({ promotionId: 'p3', version: '2.0.0' });
      expect(b?.heldSince).toBe(t(3).toISOString());
      // The last write of a phase is what it holds.
      const c = await store.phases.getPhaseState(refs[2], 'staging');
      expect(c?.current).toMatchObject({ promotionId: 'p5', version: '3.0.1' });
      expect(c?.heldSince).toBe(t(5).toISOString());
      expect(c?.current?.id).toBe(results[4].entry.id);
    });
  },
);
