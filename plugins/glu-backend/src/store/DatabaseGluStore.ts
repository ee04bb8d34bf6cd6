import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@glu-dev/plugin-glu-backend',
  'migrations',
);

/** The plugin's own tables: pipelines, phase states and history, promotions. */
export class DatabaseGluStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseGluStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseGluStore(client);
  }

  /** Answers when the database does; throws otherwise. */
  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async countPipelines(): Promise<number> {
    const [row] = await this.db('glu_pipelines').count({ count: '*' });
    return Number(row.count);
  }
}
