import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BUILT_IN_FORMAT_TYPES,
  BUILT_IN_GATE_TYPES,
  BUILT_IN_SOURCE_TYPES,
  BUILT_IN_WRITABLE_SOURCE_TYPES,
} from '@glu-dev/plugin-glu-common';
import { gluFormatsExtensionPoint } from '@glu-dev/plugin-glu-node';
import request from 'supertest';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { gluModuleBuiltIns } from './builtIns';
import { gluPlugin } from './plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** A module that adds a format the way any other plugin would. */
const versionFileFormatModule = createBackendModule({
  pluginId: 'glu',
  moduleId: 'version-file-format',
  register(env) {
    env.registerInit({
      deps: { formats: gluFormatsExtensionPoint },
      async init({ formats }) {
        formats.addFormat({
          type: 'version-file',
          read: async ({ content }) => ({ version: content.trim() }),
          write: async ({ fields }) => `${fields.version}\n`,
        });
      },
    });
  },
});

describe('gluPlugin', () => {
  it.each(databases.eachSupportedId())(
    'answers its health check, with the database, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gluPlugin,
          gluModuleBuiltIns,
          versionFileFormatModule,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory(),
        ],
      });

      const response = await request(server).get('/api/glu/health');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        status: 'ok',
        database: 'ok',
        // The built-in types are the ones the catalog and the portal know.
        sources: BUILT_IN_SOURCE_TYPES,
        writableSources: BUILT_IN_WRITABLE_SOURCE_TYPES,
        formats: [...BUILT_IN_FORMAT_TYPES, 'version-file'].sort(),
        gates: BUILT_IN_GATE_TYPES,
        // No glu.writeScopes in this app-config: the portal says so.
        writeScopesConfigured: false,
      });
      // The migrations ran against this database.
      expect(await knex.schema.hasTable('glu_pipelines')).toBe(true);
      expect(await knex.schema.hasTable('glu_history')).toBe(true);
    },
  );

  it('says in its health check that write scopes are configured once app-config has one', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        gluPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            glu: {
              writeScopes: [
                {
                  repository: 'https://github.com/acme/gitops',
                  paths: ['env/**'],
                },
              ],
            },
          },
        }),
        catalogServiceMock.factory(),
      ],
    });

    const response = await request(server).get('/api/glu/health');

    expect(response.body.writeScopesConfigured).toBe(true);
  });

  it('answers 503 with a clear error when the database is gone', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        gluPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory(),
      ],
    });
    await knex.destroy();

    const response = await request(server).get('/api/glu/health');

    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'The Glu database did not answer',
    });
  });
});
