import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { GateDefinition } from '@glu-dev/plugin-glu-common';
import { Knex } from 'knex';
import { readSideOf } from '../__testUtils__/engine';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from '../store/GluStore';
import { resourceOf } from '../pipelines/resources';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

function pipeline(name: string, gates: GateDefinition[]) {
  return storedPipeline(name, [
    { name: 'build', source: { type: 'api' }, edges: [] },
    storedGitPhase('staging', 'build'),
    storedGitPhase('production', 'staging', gates),
  ]);
}

const image = (tag: string) =>
  resourceOf({ repository: 'ghcr.io/acme/checkout', tag });

async function storeOn(knex: Knex) {
  return createGluStore({
    database: mockServices.database({ knex }),
  });
}

describe.each(databases.eachSupportedId())('kept views on %p', databaseId => {
  it('follow every change to a pipeline, whichever replica makes it, and ask the store for a revision alone when there was none', async () => {
    const knex = await databases.init(databaseId);
    // Two replicas on one database: `a` reads, `b` writes.
    const a = await storeOn(knex);
    const b = await storeOn(knex);
    const { views } = readSideOf(a);
    const afresh = () => readSideOf(b).views;
    const ledger = pipeline('ledger', [{ approvals: 1 }]);
    const ref = ledger.ref;
    await b.pipelines.upsertPipeline(ledger, 'h1');

    const states = jest.spyOn(a.phases, 'getPhaseStates');
    let last = await views.getPipeline(ref);
    await views.listPipelines({ limit: 10 });
    /** `a`'s view after a change: what a fresh computation shows, and new. */
    const seen = async (change: string) => {
      const view = await views.getPipeline(ref);
      expect({ change, view }).toEqual({
        change,
        view: await afresh().getPipeline(ref),
      });
      expect({ change, same: view }).not.toEqual({ change, same: last });
      last = view;
      const [summary] = (await views.listPipelines({ limit: 10 })).items;
      expect({ change, summary }).toEqual({
        change,
        summary: (await afresh().listPipelines({ limit: 10 })).items[0],
      });
      return view;
    };

    // Nothing changed: the view kept, no states read.
    states.mockClear();
    await views.getPipeline(ref);
    await views.listPipelines({ limit: 10 });
    expect(states).not.toHaveBeenCalled();

    await b.phases.addHistoryEntry({
      pipelineRef: ref,
      phase: 'build',
      resource: image('1.1.0'),
      cause: 'published',
      observedAt: new Date(),
    });
    expect((await seen('published')).phases[0].state?.version).toBe('1.1.0');
    const staged = await b.phases.addHistoryEntry({
      pipelineRef: ref,
      phase: 'staging',
      resource: image('1.1.0'),
      cause: 'observed',
      observedAt: new Date(),
    });
    expect((await seen('observed')).phases[1].state?.version).toBe('1.1.0');

    await b.phases.markRefreshed(
      ref,
      'production',
      'the remote did not answer',
    );
    expect((await seen('refresh failed')).phases[2].refreshError).toBe(
      'the remote did not answer',
    );
    await new Promise(resolve => setTimeout(resolve, 5));
    await b.phases.markRefreshedMany([
      { pipelineRef: ref, phase: 'production' },
    ]);
    expect((await seen('refreshed')).phases[2].refreshError).toBeUndefined();

    await b.pins.setPin(ref, {
      phase: 'production',
      digest: staged!.digest,
      version: '1.1.0',
      pinnedBy: 'user:default/alice',
      reason: 'freeze',
      pinnedAt: new Date().toISOString(),
    });
    expect((await seen('pinned')).phases[2].pin?.reason).toBe('freeze');
    await b.pins.deletePin(ref, 'production');
    expect((await seen('unpinned')).phases[2].pin).toBeUndefined();

    await b.approvals.addApproval({
      pipelineRef: ref,
      phase: 'production',
      digest: staged!.digest,
      approver: 'user:default/bob',
    });
    expect((await seen('approved')).edges[1].gates[0].passed).toBe(true);

    await b.promotions.createPromotion({
      id: 'p-1',
      pipelineRef: ref,
      from: 'staging',
      to: 'production',
      kind: 'promotion',
      strategy: 'commit',
      status: 'running',
      triggeredBy: 'user:default/alice',
      trigger: 'manual',
      createdAt: new Date().toISOString(),
    });
    expect((await seen('promoting')).edges[1].promotionId).toBe('p-1');
    await b.promotions.updatePromotion('p-1', {
      status: 'failed',
      error: 'refused',
      finishedAt: new Date().toISOString(),
    });
    expect((await seen('failed')).edges[1].promotionId).toBeUndefined();

    await b.pipelines.upsertPipeline({ ...ledger, title: 'The ledger' }, 'h2');
    expect((await seen('redefined')).title).toBe('The ledger');

    await b.pipelines.deletePipeline(ref);
    await expect(views.getPipeline(ref)).rejects.toThrow(/No pipeline/);

    // Removed and added again, with as many changes since: a new pipeline.
    const twice = pipeline('twice', []);
    const stage = (version: string) =>
      b.phases.addHistoryEntry({
        pipelineRef: twice.ref,
        phase: 'staging',
        resource: image(version),
        cause: 'observed',
        observedAt: new Date(),
      });
    await b.pipelines.upsertPipeline(twice, 'h');
    await stage('1.0.0');
    expect((await views.getPipeline(twice.ref)).phases[1].state?.version).toBe(
      '1.0.0',
    );
    await b.pipelines.deletePipeline(twice.ref);
    await new Promise(resolve => setTimeout(resolve, 5));
    await b.pipelines.upsertPipeline(twice, 'h');
    await stage('2.0.0');
    expect((await views.getPipeline(twice.ref)).phases[1].state?.version).toBe(
      '2.0.0',
    );
  });

  it('computes a view afresh on every read when a gate follows the clock', async () => {
    const knex = await databases.init(databaseId);
    const store = await storeOn(knex);
    const { views } = readSideOf(store);
    const soaked = pipeline('soaked', [{ soak: '10m' }]);
    await store.pipelines.upsertPipeline(soaked, 'h');
    await store.phases.addHistoryEntry({
      pipelineRef: soaked.ref,
      phase: 'staging',
      resource: image('1.0.0'),
      cause: 'observed',
      observedAt: new Date(),
    });
    const states = jest.spyOn(store.phases, 'getPhaseStates');
    await views.getPipeline(soaked.ref);
    await views.getPipeline(soaked.ref);
    await views.listPipelines({ limit: 10 });
    await views.listPipelines({ limit: 10 });
    expect(states).toHaveBeenCalledTimes(4);
  });
});
