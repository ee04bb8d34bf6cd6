import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { resourceOf } from '../pipelines/resources';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from './GluStore';
import { PromotionRecord } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** A pipeline with one Git phase, `staging`, owned by `owner`. */
function definition(name: string, owner: string): PipelineDefinition {
  return storedPipeline(name, [storedGitPhase('staging')], owner);
}

/** A promotion of `staging` under way. */
function runningRecord(id: string, pipelineRef: string): PromotionRecord {
  return {
    id,
    pipelineRef,
    from: 'build',
    to: 'staging',
    kind: 'promotion',
    strategy: 'commit',
    status: 'running',
    triggeredBy: 'user:default/alice',
    trigger: 'manual',
    createdAt: new Date().toISOString(),
  };
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
    // A look that began before the failure was recorded leaves it.
    const askedBefore = new Date(Date.now() - 60_000);
    await store.phases.markRefreshed(ref, 'staging', 'unreachable');
    await moves('refresh failed');
    await store.phases.markRefreshedMany(
      [{ pipelineRef: ref, phase: 'staging' }],
      askedBefore,
    );
    expect(
      (await store.phases.getPhaseState(ref, 'staging'))?.refreshError,
    ).toBe('unreachable');
    await store.phases.markRefreshedMany([
      { pipelineRef: ref, phase: 'staging' },
    ]);
    await moves('refreshed');
    expect(
      (await store.phases.getPhaseState(ref, 'staging'))?.refreshError,
    ).toBeUndefined();
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
    const record = (id: string) => runningRecord(id, pipeline.ref);
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

  it('gives pipelines stored before systems were their system, from their definition', async () => {
    const knex = await databases.init(databaseId);
    const directory = resolvePackagePath(
      '@glu-dev/plugin-glu-backend',
      'migrations',
    );
    const upgrade = '20261209000000_pipeline_systems.js';
    for (;;) {
      const [, pending] = await knex.migrate.list({ directory });
      if (pending[0]?.file === upgrade) break;
      await knex.migrate.up({ directory });
    }
    for (const [name, system] of [
      ['shop', 'system:default/Shop'],
      ['plain', undefined],
    ]) {
      await knex('glu_pipelines').insert({
        entity_ref: `pipeline:default/${name}`,
        owner_ref: 'group:default/x',
        definition: JSON.stringify({
          ...definition(name!, 'group:default/x'),
          ...(system ? { system } : {}),
        }),
        definition_hash: 'h',
      });
    }
    const store = await createGluStore({
      database: mockServices.database({ knex }),
    });
    expect(
      await knex('glu_pipelines')
        .orderBy('entity_ref')
        .select('entity_ref', 'system_ref'),
    ).toEqual([
      { entity_ref: 'pipeline:default/plain', system_ref: null },
      {
        entity_ref: 'pipeline:default/shop',
        system_ref: 'system:default/shop',
      },
    ]);
    const page = await store.pipelines.listPipelines({
      system: ['system:default/SHOP'],
      limit: 10,
    });
    expect(page.items.map(p => p.definition.ref)).toEqual([
      'pipeline:default/shop',
    ]);
  });
});

it("takes a pipeline's row before a promotion's, as every change does, so that two changes never wait on each other in a circle", async () => {
  const knex = await databases.init('POSTGRES_18');
  const store = await createGluStore({
    database: mockServices.database({ knex }),
  });
  const pipeline = definition('circle', 'group:default/x');
  await store.pipelines.upsertPipeline(pipeline, 'h');
  await store.promotions.createPromotion(runningRecord('one', pipeline.ref));
  const waiting = async () =>
    Number(
      (
        await knex.raw(
          "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
        )
      ).rows[0].n,
    );
  // A change of the pipeline (as the recording of a write is) has taken
  // its row, and will end the promotion next.
  let carryOn!: () => void;
  const taken = new Promise<void>(resolve => {
    carryOn = resolve;
  });
  const change = knex.transaction(async tx => {
    await tx('glu_pipelines')
      .where({ entity_ref: pipeline.ref })
      .increment('revision', 1);
    await taken;
    await tx('glu_promotions')
      .where({ id: 'one' })
      .update({ status: 'succeeded' });
  });
  // Meanwhile the promotion's record is moved on: it waits for the
  // pipeline's row, holding nothing the change needs.
  const move = store.promotions.tryUpdatePromotion(
    'one',
    { status: 'failed', error: 'late' },
    ['running'],
  );
  while ((await waiting()) === 0) {
    await new Promise(resolve => setImmediate(resolve));
  }
  carryOn();
  await expect(change).resolves.toBeUndefined();
  // The change ended it first; the late move changes nothing.
  await expect(move).resolves.toBeUndefined();
  expect((await store.promotions.getPromotion('one'))?.status).toBe(
    'succeeded',
  );
});
