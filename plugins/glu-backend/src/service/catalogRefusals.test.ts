import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { gluPlugin } from '../plugin';
import { createGluStore } from '../store/GluStore';
import { CatalogRefusalService } from './catalogRefusals';
import { PipelineNotFoundError } from '../errors';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const REASON =
  'spec.phases[1].source: no write scope (glu.writeScopes) lets group:default/team-checkout write https://github.com/acme/gitops, branch main, path env/staging/deployment.yaml';

/** The catalog's own service token, as its Glu module sends it. */
const catalog = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('plugin:catalog'),
  targetPluginId: 'glu',
});
const user = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

describe('the pipeline definitions that the catalog refused', () => {
  it.each(databases.eachSupportedId())(
    'are named in the 404 and listed to their owners until accepted, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gluPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory(),
        ],
      });

      const recorded = await request(server)
        .put('/api/glu/catalog-refusals/default/checkout')
        .set('authorization', catalog)
        .send({ owner: 'user:default/ada', reason: REASON });
      expect(recorded.status).toBe(204);

      const missing = await request(server)
        .get('/api/glu/pipelines/default/checkout')
        .set('authorization', user('ada'));
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe(
        `No pipeline pipeline:default/checkout: the catalog refused its definition: ${REASON}`,
      );

      const ownList = await request(server)
        .get('/api/glu/catalog-refusals')
        .set('authorization', user('ada'));
      expect(ownList.status).toBe(200);
      expect(ownList.body.items).toEqual([
        {
          pipelineRef: 'pipeline:default/checkout',
          owner: 'user:default/ada',
          reason: REASON,
          refusedAt: expect.any(String),
        },
      ]);
      const othersList = await request(server)
        .get('/api/glu/catalog-refusals')
        .set('authorization', user('bob'));
      expect(othersList.body.items).toEqual([]);

      await request(server)
        .delete('/api/glu/catalog-refusals/default/checkout')
        .set('authorization', catalog)
        .expect(204);
      const plain = await request(server)
        .get('/api/glu/pipelines/default/checkout')
        .set('authorization', user('ada'));
      expect(plain.status).toBe(404);
      expect(plain.body.error.message).toBe(
        'No pipeline pipeline:default/checkout',
      );
    },
  );

  it('are reported by the catalog alone, not by a user or another service', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        gluPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory(),
      ],
    });

    const byUser = await request(server)
      .put('/api/glu/catalog-refusals/default/checkout')
      .set('authorization', user('ada'))
      .send({ reason: 'made up' });
    const byService = await request(server)
      .delete('/api/glu/catalog-refusals/default/checkout')
      .set(
        'authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:ci'),
          targetPluginId: 'glu',
        }),
      );

    expect(byUser.status).toBe(403);
    expect(byService.status).toBe(403);
    expect(byService.body.error.message).toBe(
      'Only the catalog (plugin:catalog) reports which pipeline definitions it refused',
    );
  });

  it('stops showing a refusal that the catalog has not repeated for 30 minutes', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await createGluStore({
      database: mockServices.database({ knex }),
    });
    let now = new Date('2026-12-07T10:00:00Z');
    const service = new CatalogRefusalService({
      refusals: store.refusals,
      auth: mockServices.auth(),
      userInfo: mockServices.userInfo(),
      now: () => now,
    });
    await service.record(
      'pipeline:default/checkout',
      { owner: 'user:default/ada', reason: REASON },
      mockCredentials.service('plugin:catalog'),
    );
    const missing = new PipelineNotFoundError('pipeline:default/checkout');

    now = new Date('2026-12-07T10:29:59Z');
    await expect(service.explain(missing)).resolves.toMatchObject({
      message: expect.stringContaining(REASON),
    });
    expect(
      await service.listOwn(mockCredentials.user('user:default/ada')),
    ).toHaveLength(1);

    now = new Date('2026-12-07T10:30:00Z');
    await expect(service.explain(missing)).resolves.toBe(missing);
    expect(
      await service.listOwn(mockCredentials.user('user:default/ada')),
    ).toEqual([]);
  });
});
