import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import {
  TestDatabases,
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { gluPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18'] });

/** The warnings the plugin logged while it started. */
async function startupWarnings(
  database: { config: JsonObject } | { postgres: true },
): Promise<string[]> {
  const logger = mockServices.logger.mock();
  const features =
    'config' in database
      ? [
          databaseServiceFactory,
          mockServices.rootConfig.factory({
            data: { backend: { database: database.config } },
          }),
        ]
      : [
          mockServices.database.factory({
            knex: await databases.init('POSTGRES_18'),
          }),
        ];
  const backend = await startTestBackend({
    features: [
      gluPlugin,
      logger.factory,
      catalogServiceMock.factory(),
      ...features,
    ],
  });
  await backend.stop();
  return logger.warn.mock.calls
    .map(([message]) => String(message))
    .filter(message => message.includes('lost at every restart'));
}

describe('the warning that a database in memory loses everything', () => {
  it("is logged once at startup on create-app's SQLite in memory", async () => {
    const warnings = await startupWarnings({
      config: { client: 'better-sqlite3', connection: ':memory:' },
    });

    expect(warnings).toEqual([expect.stringContaining('connection.directory')]);
    expect(warnings[0]).toContain(
      "its pipelines' history, promotions and approvals are lost at every restart",
    );
  });

  it('is not logged on SQLite in a directory', async () => {
    const directory = createMockDirectory();

    const warnings = await startupWarnings({
      config: {
        client: 'better-sqlite3',
        connection: { directory: directory.path },
      },
    });

    expect(warnings).toEqual([]);
  });

  it('is not logged on PostgreSQL', async () => {
    if (!databases.supports('POSTGRES_18')) {
      return;
    }
    expect(await startupWarnings({ postgres: true })).toEqual([]);
  });
});
