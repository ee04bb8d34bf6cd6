import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { isSqlite } from './rows';

/**
 * Warns that the plugin's database lives only in this process's memory:
 * SQLite on `:memory:`, which `@backstage/create-app` configures. SQLite
 * itself is asked (its main database has no file), so that every way of
 * configuring it (a string, a `filename`, a per-plugin override) counts.
 */
export async function warnOfDatabaseInMemory(
  database: DatabaseService,
  logger: LoggerService,
): Promise<void> {
  const db = await database.getClient();
  if (!isSqlite(db)) {
    return;
  }
  const rows: Array<{ name: string; file: string }> = await db.raw(
    'PRAGMA database_list',
  );
  if (rows.find(row => row.name === 'main')?.file !== '') {
    return;
  }
  logger.warn(
    "Glu's database is SQLite in memory (backend.database.connection ':memory:'): " +
      "its pipelines' history, promotions and approvals are lost at every restart. " +
      'To keep them, give backend.database a connection.directory ' +
      '(e.g. connection: { directory: ./sqlite-data }), or use PostgreSQL',
  );
}
