import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GluPipelineOwners } from '@glu-dev/plugin-glu-node';
import { createGluStore } from '../store/GluStore';
import { SyncedPipeline } from '../store/types';
import { PipelineSync } from './PipelineSync';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The owner of the pipelines, as the catalog holds it. */
const teamA: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const ownersIn = (catalog: CatalogService) =>
  new GluPipelineOwners({
    catalog,
    auth: mockServices.auth(),
    timeoutMillis: 5_000,
  });

function pipeline(
  name: string,
  path = 'env/a.yaml',
  phaseName = 'staging',
): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'team-a',
      phases: [
        {
          name: phaseName,
          source: {
            type: 'git',
            repository: 'https://github.com/acme/gitops',
            path,
            format: 'kubernetes',
          },
        },
      ],
    },
  };
}

describe('PipelineSync', () => {
  it('follows pipelines being added, changed and removed in the catalog', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await createGluStore({
      database: mockServices.database({ knex }),
    });
    const logger = mockServices.logger.mock();
    const syncWith = (pipelines: Entity[]) => {
      const catalog = catalogServiceMock({ entities: [teamA, ...pipelines] });
      return new PipelineSync({
        catalog,
        auth: mockServices.auth(),
        store,
        logger,
        extensionTypes: () => ({
          sourceTypes: ['git'],
          formatTypes: ['kubernetes'],
        }),
        owners: ownersIn(catalog),
      }).sync();
    };

    expect(await syncWith([pipeline('a'), pipeline('b')])).toEqual({
      added: ['pipeline:default/a', 'pipeline:default/b'],
      changed: [],
      removed: [],
    });
    // Nothing changed: nothing written.
    expect(await syncWith([pipeline('a'), pipeline('b')])).toEqual({
      added: [],
      changed: [],
      removed: [],
    });
    expect(await syncWith([pipeline('a', 'env/other.yaml', 'qa')])).toEqual({
      added: [],
      changed: ['pipeline:default/a'],
      removed: ['pipeline:default/b'],
    });
    const states = await store.phases.getPhaseStates(['pipeline:default/a']);
    expect(states.map(s => s.phase)).toEqual(['qa']);

    // A definition this backend cannot run never reaches the engine.
    const broken = pipeline('c');
    (broken.spec as any).phases[0].source.format = 'unknown-format';
    expect(
      (await syncWith([pipeline('a', 'env/other.yaml', 'qa'), broken])).added,
    ).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('unknown format "unknown-format"'),
    );
  });

  it('reads in full only the pipelines whose etag changed since it last read them', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await createGluStore({
      database: mockServices.database({ knex }),
    });
    const withEtag = (entity: Entity, etag: string): Entity => ({
      ...entity,
      metadata: { ...entity.metadata, etag },
    });
    let entities = [
      withEtag(pipeline('a'), 'a1'),
      withEtag(pipeline('b'), 'b1'),
    ];
    // The catalog answers with the entities of the moment.
    const answer = catalogServiceMock.mock({
      queryEntities: (request, options) =>
        catalogServiceMock({ entities }).queryEntities(request, options),
      getEntitiesByRefs: (request, options) =>
        catalogServiceMock({ entities }).getEntitiesByRefs(request, options),
    });
    const sync = new PipelineSync({
      catalog: answer,
      auth: mockServices.auth(),
      store,
      logger: mockServices.logger.mock(),
      extensionTypes: () => ({
        sourceTypes: ['git'],
        formatTypes: ['kubernetes'],
      }),
      // Owners are asked about apart, so that the reads counted are pipelines'.
      owners: ownersIn(catalogServiceMock({ entities: [teamA] })),
    });
    expect((await sync.sync()).added).toEqual([
      'pipeline:default/a',
      'pipeline:default/b',
    ]);
    const read = () =>
      answer.getEntitiesByRefs.mock.calls.flatMap(
        ([request]) => request.entityRefs,
      );
    expect(read()).toEqual(['pipeline:default/a', 'pipeline:default/b']);

    // Nothing changed: refs and etags only.
    answer.getEntitiesByRefs.mockClear();
    expect(await sync.sync()).toEqual({ added: [], changed: [], removed: [] });
    expect(read()).toEqual([]);
    for (const [request] of answer.queryEntities.mock.calls) {
      expect(request?.fields).toContain('metadata.etag');
    }

    // One changed, one removed: only the changed one is read.
    entities = [withEtag(pipeline('a', 'env/other.yaml', 'qa'), 'a2')];
    expect(await sync.sync()).toEqual({
      added: [],
      changed: ['pipeline:default/a'],
      removed: ['pipeline:default/b'],
    });
    expect(read()).toEqual(['pipeline:default/a']);
    expect(
      (await store.phases.getPhaseStates(['pipeline:default/a'])).map(
        s => s.phase,
      ),
    ).toEqual(['qa']);
  });

  it("learns at every sync whether each pipeline's owner is in the catalog, and stores a pipeline whose owner is not as owning nothing", async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await createGluStore({
      database: mockServices.database({ knex }),
    });
    const etagged = (entity: Entity): Entity => ({
      ...entity,
      metadata: { ...entity.metadata, etag: 'unchanged' },
    });
    let entities: Entity[] = [teamA, etagged(pipeline('a'))];
    const catalog = catalogServiceMock.mock({
      queryEntities: (request, options) =>
        catalogServiceMock({ entities }).queryEntities(request, options),
      getEntitiesByRefs: (request, options) =>
        catalogServiceMock({ entities }).getEntitiesByRefs(request, options),
    });
    const sync = new PipelineSync({
      catalog,
      auth: mockServices.auth(),
      store,
      logger: mockServices.logger.mock(),
      extensionTypes: () => ({
        sourceTypes: ['git'],
        formatTypes: ['kubernetes'],
      }),
      owners: ownersIn(catalog),
    });
    const stored = async () =>
      (await store.pipelines.getPipeline(
        'pipeline:default/a',
      )) as SyncedPipeline;

    expect((await sync.sync()).added).toEqual(['pipeline:default/a']);
    expect((await stored()).ownerMissing).toBeUndefined();

    // The group leaves the catalog; the pipeline's entity does not change.
    entities = [etagged(pipeline('a'))];
    expect(await sync.sync()).toEqual({
      added: [],
      changed: ['pipeline:default/a'],
      removed: [],
    });
    expect(await stored()).toMatchObject({
      owner: 'group:default/team-a',
      ownerMissing: true,
    });
    expect(await sync.sync()).toEqual({ added: [], changed: [], removed: [] });

    entities = [teamA, etagged(pipeline('a'))];
    expect((await sync.sync()).changed).toEqual(['pipeline:default/a']);
    expect((await stored()).ownerMissing).toBeUndefined();
  });
});
