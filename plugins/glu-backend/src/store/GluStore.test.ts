import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { Leases } from '../engine/Leases';
import { resourceOf } from '../engine/resources';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from './GluStore';
import { PromotionRecord } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** A pipeline with one Git phase, `staging`, owned by `owner`. */
function definition(name: string, owner: string): PipelineDefinition {
  return storedPipeline(name, [storedGitPhase('staging')], owner);
}

it('leaves SQLite durable at every commit unless told that a checkpoint is enough', async () => {
  const knex = await databases.init('SQLITE_3');
  await createGluStore({ database: mockServices.database({ knex }) });
  // 2 is FULL, SQLite's default: the host's setting is not changed.
  expect(await knex.raw('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
  await createGluStore({
    database: mockServices.database({ knex }),
    sqliteSynchronous: 'normal',
  });
  // 1 is NORMAL: with the write-ahead log, durable through a crash of the
  // backend, synced at checkpoints.
  expect(await knex.raw('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
});

describe.each(databases.eachSupportedId())('GluStore on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    return createGluStore({
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
      await store.pipelines.upsertPipeline(definition(name, owner), name);
    }
    const first = await store.pipelines.listPipelines({
      owner: ['group:default/x'],
      limit: 2,
    });
    expect(first.items.map(p => p.definition.name)).toEqual(['a', 'c']);
    const second = await store.pipelines.listPipelines({
      owner: ['group:default/x'],
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map(p => p.definition.name)).toEqual(['d']);
    expect(second.nextCursor).toBeUndefined();
    // Any of several owners: a person and their groups.
    const either = await store.pipelines.listPipelines({
      owner: ['group:default/y', 'user:default/nobody'],
      limit: 10,
    });
    expect(either.items.map(p => p.definition.name)).toEqual(['b']);
    const byComponent = await store.pipelines.listPipelines({
      component: 'component:default/b',
      limit: 10,
    });
    expect(byComponent.items.map(p => p.definition.name)).toEqual(['b']);
    // What a permission policy lets the caller read, in the same query.
    const readable = async (
      filter: Parameters<typeof store.pipelines.listPipelines>[0]['filter'],
    ) =>
      (await store.pipelines.listPipelines({ filter, limit: 10 })).items.map(
        p => p.definition.name,
      );
    expect(await readable({ ownerIn: ['GROUP:default/y'] })).toEqual(['b']);
    expect(await readable({ not: { ownerIn: ['group:default/x'] } })).toEqual([
      'b',
    ]);
    expect(
      await readable({
        anyOf: [{ ownerIn: ['group:default/y'] }, { all: false }],
      }),
    ).toEqual(['b']);
    expect(
      await readable({
        allOf: [{ ownerIn: ['group:default/x'] }, { all: true }],
      }),
    ).toEqual(['a', 'c', 'd']);
    expect(await readable({ anyOf: [] })).toEqual([]);

    await store.pipelines.deletePipeline('pipeline:default/b');
    expect(
      (await store.pipelines.listPipelines({ limit: 10 })).items.map(
        p => p.definition.name,
      ),
    ).toEqual(['a', 'c', 'd']);
  });

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
      store.figures.firstHeld('pipeline:default/a', ['staging'], [v100, v110]),
      store.figures.firstHeld('pipeline:default/b', ['staging'], [v100, v110]),
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
      expect(await store.promotions.getPromotion(id)).toMatchObject({ status });
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

    expect(results.map(r => [r.record.id, r.record.status, r.moved])).toEqual([
      ['p1', 'succeeded', true],
      ['p2', 'succeeded', true],
      ['p3', 'succeeded', true],
      ['p4', 'failed', false],
      ['p5', 'succeeded', true],
    ]);
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

  it("moves a pipeline's revision with every kind of change its view can show, and not without one", async () => {
    const store = await createStore();
    const pipeline = definition('moved', 'group:default/x');
    const ref = pipeline.ref;
    await store.pipelines.upsertPipeline(pipeline, 'h1');
    let last = await store.pipelines.getPipelineRevision(ref);
    const moves = async (change: string, moved = true) => {
      const now = await store.pipelines.getPipelineRevision(ref);
      expect({ change, moved: now !== last }).toEqual({ change, moved });
      last = now;
    };
    const check = (reason: string) => ({
      pipelineRef: ref,
      gateKey: 'staging/0/argocd',
      phase: 'build',
      digest: 'sha256:1',
      passed: false,
      failed: false,
      reason,
      since: new Date().toISOString(),
      checkedAt: new Date().toISOString(),
    });

    await store.pipelines.upsertPipeline({ ...pipeline, title: 'Moved' }, 'h2');
    await moves('definition');
    const entry = await store.phases.addHistoryEntry({
      pipelineRef: ref,
      phase: 'staging',
      resource: resourceOf({ repository: 'r', tag: '1.0.0' }),
      cause: 'observed',
      observedAt: new Date(),
    });
    await moves('history entry');
    await store.phases.markRefreshed(ref, 'staging', 'unreachable');
    await moves('refresh failed');
    await store.phases.markRefreshedMany([
      { pipelineRef: ref, phase: 'staging' },
    ]);
    await moves('refreshed');
    await store.pins.setPin(ref, {
      phase: 'staging',
      digest: entry!.digest,
      version: '1.0.0',
      pinnedBy: 'user:default/alice',
      reason: 'hold',
      pinnedAt: new Date().toISOString(),
    });
    await moves('pinned');
    expect(await store.pins.deletePin(ref, 'staging')).toBe(true);
    await moves('unpinned');
    expect(await store.pins.deletePin(ref, 'staging')).toBe(false);
    await moves('no pin to remove', false);
    await store.approvals.addApproval({
      pipelineRef: ref,
      phase: 'staging',
      digest: entry!.digest,
      approver: 'user:default/bob',
    });
    await moves('approved');
    await store.promotions.createPromotion({
      id: 'm1',
      pipelineRef: ref,
      from: 'build',
      to: 'staging',
      kind: 'promotion',
      strategy: 'commit',
      status: 'running',
      triggeredBy: 'user:default/alice',
      trigger: 'manual',
      createdAt: new Date().toISOString(),
    });
    await moves('promotion created');
    await store.promotions.updatePromotion('m1', { status: 'failed' }, [
      'running',
    ]);
    await moves('promotion ended');
    await store.promotions.updatePromotion('m1', { status: 'succeeded' }, [
      'running',
    ]);
    await moves('promotion already ended', false);
    expect(await store.gateChecks.saveGateChecks([check('syncing')])).toEqual([
      ref,
    ]);
    await moves('gate answered');
    expect(await store.gateChecks.saveGateChecks([check('syncing')])).toEqual(
      [],
    );
    await moves('gate said the same again', false);
  });

  it('fails only the promotion whose row is refused among promotions created together', async () => {
    const store = await createStore();
    const pipeline = definition('batched', 'group:default/x');
    await store.pipelines.upsertPipeline(pipeline, 'h');
    const record = (id: string): PromotionRecord => ({
      id,
      pipelineRef: pipeline.ref,
      from: 'build',
      to: 'staging',
      kind: 'promotion',
      strategy: 'commit',
      status: 'running',
      triggeredBy: 'user:default/alice',
      trigger: 'manual',
      createdAt: new Date().toISOString(),
    });
    await store.promotions.createPromotion(record('taken'));
    const before = await store.pipelines.getPipelineRevision(pipeline.ref);
    // Asked in one turn: one batch, whose one duplicate id is refused.
    const answers = await Promise.allSettled(
      ['first', 'taken', 'second'].map(id =>
        store.promotions.createPromotion(record(id)),
      ),
    );
    expect(answers.map(answer => answer.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const stored = await store.promotions.listPromotions({
      pipelineRef: pipeline.ref,
      limit: 10,
    });
    expect(stored.items.map(p => p.id).sort()).toEqual([
      'first',
      'second',
      'taken',
    ]);
    expect(await store.pipelines.getPipelineRevision(pipeline.ref)).not.toBe(
      before,
    );
  });

  it('gives a lease to one holder at a time, and frees it when its holder died', async () => {
    const store = await createStore();
    expect(
      await store.leases.tryAcquireLease('phase:x', 'crashed-replica', 200),
    ).toBe(true);
    expect(
      await store.leases.tryAcquireLease('phase:x', 'other-replica', 200),
    ).toBe(false);
    // The holder never releases it: it crashed. The lease runs out.
    const leases = new Leases(store, { ttlMillis: 200, waitMillis: 10_000 });
    const started = Date.now();
    await expect(leases.withLease('phase:x', async () => 'done')).resolves.toBe(
      'done',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    // Released after the work: free for the next one at once.
    expect(await store.leases.tryAcquireLease('phase:x', 'next', 200)).toBe(
      true,
    );
  });

  it('answers leases asked for at the same moment as if asked one after another, and releases a lease only for its holder', async () => {
    const store = await createStore();
    expect(
      await store.leases.tryAcquireLease('phase:held', 'other', 60_000),
    ).toBe(true);
    // Asked together (one statement each time no lease is asked twice):
    // free ones are taken, a held one is not, a lease asked by two holders
    // goes to the first, and a holder asking again for its own keeps it.
    const asked = await Promise.all([
      store.leases.tryAcquireLease('phase:a', 'one', 60_000),
      store.leases.tryAcquireLease('phase:b', 'two', 60_000),
      store.leases.tryAcquireLease('phase:held', 'three', 60_000),
      store.leases.tryAcquireLease('phase:a', 'four', 60_000),
      store.leases.tryAcquireLease('phase:held', 'other', 60_000),
      store.leases.tryAcquireLease('phase:b', 'two', 60_000),
    ]);
    expect(asked).toEqual([true, true, false, false, true, true]);
    expect((await store.leases.getLease('phase:a'))?.holder).toBe('one');
    expect((await store.leases.getLease('phase:b'))?.holder).toBe('two');
    expect((await store.leases.getLease('phase:held'))?.holder).toBe('other');
    // A release by one who does not hold it changes nothing.
    await Promise.all([
      store.leases.releaseLease('phase:a', 'one'),
      store.leases.releaseLease('phase:b', 'two'),
      store.leases.releaseLease('phase:held', 'three'),
    ]);
    expect(await store.leases.getLease('phase:a')).toBeUndefined();
    expect(await store.leases.getLease('phase:b')).toBeUndefined();
    expect((await store.leases.getLease('phase:held'))?.holder).toBe('other');
  });

  it('keeps the version and fields of every history entry through the upgrade that gave entries their own', async () => {
    const knex = await databases.init(databaseId);
    const directory = resolvePackagePath(
      '@glu-dev/plugin-glu-backend',
      'migrations',
    );
    const upgrade = '20261125000000_history_holds_its_fields.js';
    for (;;) {
      const [, pending] = await knex.migrate.list({ directory });
      if (pending[0]?.file === upgrade) break;
      await knex.migrate.up({ directory });
    }
    // As the engine stored them before: fields shared by digest.
    await knex('glu_pipelines').insert({
      entity_ref: 'pipeline:default/a',
      owner_ref: 'group:default/x',
      definition: JSON.stringify(definition('a', 'group:default/x')),
      definition_hash: 'h',
    });
    const fields = { repository: 'r', tag: '1.2.1', digest: 'sha256:d' };
    await knex('glu_resources').insert({
      digest: 'sha256:d',
      version: '1.2.1',
      fields: JSON.stringify(fields),
    });
    await knex('glu_history').insert({
      pipeline_ref: 'pipeline:default/a',
      phase: 'staging',
      digest: 'sha256:d',
      cause: 'observed',
      observed_at: new Date(),
    });
    const [{ id }] = await knex('glu_history').select('id');
    await knex('glu_phases').insert({
      pipeline_ref: 'pipeline:default/a',
      name: 'staging',
      position: 0,
      source_type: 'git',
      state_id: id,
      digest: 'sha256:d',
    });

    const store = await createGluStore({
      database: mockServices.database({ knex }),
    });
    expect(await knex.schema.hasTable('glu_resources')).toBe(false);
    const state = await store.phases.getPhaseState(
      'pipeline:default/a',
      'staging',
    );
    expect(state?.current).toMatchObject({ version: '1.2.1', fields });
    const page = await store.phases.listHistory(
      'pipeline:default/a',
      'staging',
      {
        limit: 10,
      },
    );
    expect(page.items).toEqual([expect.objectContaining({ fields })]);
  });
});
