import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { stringify } from 'yaml';
import { Answer, call, CallOptions, eventually, Tally } from './client';
import { OWNER, organization } from './entities';
import { GitHost } from './gitHost';
import { signIn } from './identities';
import { resultsDir } from './paths';
import { OwnPostgres } from './postgres';
import { freePort, Replica } from './replicas';

const secret = (name: string) => `${name}-${randomBytes(8).toString('hex')}`;

/** Static tokens of the services the replicas know (backend.auth.externalAccess). */
export const TOKENS = {
  /** A service granted every write on every pipeline. */
  operator: secret('operator'),
  /** CI: its token's access restrictions name the publish permission. */
  ci: secret('ci'),
  /** A service with no grant at all. */
  noGrant: secret('no-grant'),
  /** A service granted every write, on one pipeline that is no scenario's. */
  otherGrant: secret('other-grant'),
};

/** The pipeline that `TOKENS.otherGrant` may write to. */
export const OTHER_GRANT_PIPELINE = 'pipeline:default/someone-elses';

export const SECRETS = {
  /** GitHub's webhook signing secret. */
  github: secret('github'),
  /** What GitLab sends as X-Gitlab-Token. */
  gitlab: secret('gitlab'),
  /** What a registry sends as its bearer token. */
  registry: secret('registry'),
  /** What the suite's sign-in provider asks for. */
  signIn: secret('sign-in'),
};

/** Short enough for the suite; the defaults are minutes. */
export const LEASE_SECONDS = 6;
export const REFRESH_SECONDS = 2;
export const GIT_TIMEOUT_SECONDS = 8;
export const HTTP_TIMEOUT_SECONDS = 5;

const WRITES = [
  'glu.pipeline.promote',
  'glu.pipeline.rollback',
  'glu.pipeline.pin',
  'glu.pipeline.publish',
  'glu.pipeline.approve',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `more` laid over it: objects merged, anything else replaced. */
function merged(base: unknown, more: unknown): unknown {
  if (!isObject(base) || !isObject(more))
    return more === undefined ? base : more;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(more)) {
    out[key] = merged(base[key], value);
  }
  return out;
}

export interface SuiteOptions {
  /** Names the file's replicas, their logs and its figures. */
  name: string;
  /** How many replicas share the database; two unless said. */
  replicas?: number;
  /** Repositories on the Git host: name, then files and their contents. */
  repositories?: Record<string, Record<string, string>>;
  /** Starts what the entities name (servers of the file's own), once the Git host is up. */
  prepare?(suite: Suite): Promise<void>;
  /** The pipelines (and any other entities) of the catalog. */
  entities(suite: Suite): object[];
  /** Config laid over the replicas' own (objects merged, lists replaced). */
  config?(suite: Suite): object;
  /**
   * `own`: a PostgreSQL server of the file's own, which a scenario may stop
   * and start; otherwise the shared one.
   */
  database?: 'shared' | 'own';
  /** Pipelines whose staging phase every replica must have seen first. */
  ready?: string[];
}

/**
 * What every file of the suite stands on: a Git host, a catalog with its
 * owners, replicas on one PostgreSQL, identities, and the tally of every
 * answer. `useSuite` sets it up before the file's scenarios and takes it
 * down after them, printing the file's figures.
 */
export class Suite {
  dir!: string;
  host!: GitHost;
  replicas!: Replica[];
  postgres?: OwnPostgres;
  readonly tally = new Tally();
  private readonly prefix = `glu_rel_${randomBytes(4).toString('hex')}_`;
  private connection!: string;
  private readonly databases = new Map<string, Knex>();
  private readonly figures: Array<[string, string]> = [];
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: SuiteOptions) {}

  /** Notes a figure of a scenario, printed at the end of the file. */
  figure(scenario: string, text: string) {
    this.figures.push([scenario, text]);
  }

  /** Calls a replica's API, tallied. */
  call(url: string, options?: CallOptions): Promise<Answer> {
    return call(this.tally, url, options);
  }

  url(replica: Replica, name: string, rest = '', namespace = 'default') {
    return `${replica.url}/api/glu/pipelines/${namespace}/${name}${rest}`;
  }

  async view(replica: Replica, name: string, namespace = 'default') {
    const res = await this.call(this.url(replica, name, '', namespace), {
      token: TOKENS.operator,
    });
    return res.status === 200 ? res.body : undefined;
  }

  async phase(replica: Replica, name: string, phase = 'staging') {
    return (await this.view(replica, name))?.phases.find(
      (p: any) => p.name === phase,
    );
  }

  publish(replica: Replica, name: string, version: string) {
    return this.call(this.url(replica, name, '/phases/build/versions'), {
      token: TOKENS.ci,
      body: { version },
    });
  }

  promote(replica: Replica, name: string, options: CallOptions = {}) {
    return this.call(this.url(replica, name, '/promotions'), {
      token: TOKENS.operator,
      body: { phase: 'staging' },
      ...options,
    });
  }

  async promotions(replica: Replica, name: string): Promise<any[]> {
    const res = await this.call(
      this.url(replica, name, '/promotions?limit=100'),
      { token: TOKENS.operator },
    );
    return res.body.items;
  }

  /** A real token of the catalog's user, from the first replica. */
  async userToken(user: string): Promise<string> {
    let token = this.tokens.get(user);
    if (!token) {
      token = await signIn(
        this.replicas[0].url,
        user,
        SECRETS.signIn,
        this.tally,
      );
      this.tokens.set(user, token);
    }
    return token;
  }

  /** The database of a plugin of the replicas, e.g. `glu`. */
  database(pluginId: string): Knex {
    let db = this.databases.get(pluginId);
    if (!db) {
      const url = new URL(this.connection);
      url.pathname = `/${this.prefix}${pluginId}`;
      db = knexFactory({ client: 'pg', connection: url.toString() });
      this.databases.set(pluginId, db);
    }
    return db;
  }

  /** Waits until every replica has seen the staging phase of these pipelines. */
  async observed(names: string[], timeoutMillis = 180_000) {
    for (const replica of this.replicas) {
      await eventually(
        `${replica.name} to learn and observe ${names.join(', ')}`,
        async () => {
          for (const name of names) {
            if (!(await this.phase(replica, name))?.state) return undefined;
          }
          return true;
        },
        timeoutMillis,
      );
    }
  }

  private config(name: string, port: number): Record<string, unknown> {
    const base = {
      app: { baseUrl: 'http://127.0.0.1:3000' },
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: {
          client: 'pg',
          connection: this.connection,
          prefix: this.prefix,
        },
        auth: {
          externalAccess: [
            ['operator', TOKENS.operator],
            ['no-grant', TOKENS.noGrant],
            ['other-grant', TOKENS.otherGrant],
          ]
            .map(([subject, token]) => ({
              type: 'static',
              options: { token, subject },
            }))
            .concat({
              type: 'static',
              options: { token: TOKENS.ci, subject: 'ci' },
              accessRestrictions: [
                { plugin: 'glu', permission: 'glu.pipeline.publish' },
              ],
            } as any),
        },
      },
      auth: { providers: { suite: { secret: SECRETS.signIn } } },
      catalog: {
        rules: [{ allow: ['Pipeline', 'Location', 'Group', 'User'] }],
        // Entities are processed again soon: a pipeline read before its
        // owner is in the catalog is refused until then.
        processingInterval: { seconds: 2 },
        locations: ['organization.yaml', 'pipelines.yaml'].map(file => ({
          type: 'file',
          target: path.join(this.dir, file),
        })),
      },
      permission: { enabled: true },
      events: {
        modules: {
          github: { webhookSecret: SECRETS.github },
          gitlab: { webhookSecret: SECRETS.gitlab },
        },
      },
      glu: {
        workingDirectory: path.join(this.dir, name),
        refreshInterval: { seconds: REFRESH_SECONDS },
        catalogSyncInterval: { seconds: 1 },
        leaseDuration: { seconds: LEASE_SECONDS },
        timeouts: {
          git: { seconds: GIT_TIMEOUT_SECONDS },
          http: { seconds: HTTP_TIMEOUT_SECONDS },
        },
        writeScopes: [
          {
            repository: `http://127.0.0.1:${this.host.port}/*`,
            branches: ['main'],
            paths: ['env/**'],
            owners: [OWNER],
          },
        ],
        serviceGrants: [
          { subject: 'operator', permissions: WRITES },
          {
            subject: 'other-grant',
            permissions: WRITES,
            pipelines: [OTHER_GRANT_PIPELINE],
          },
        ],
        webhooks: { registry: { token: SECRETS.registry } },
        // Who may set freezes and hotfix through them (the owner policy).
        releaseManagers: ['group:default/release-managers'],
      },
    };
    return merged(base, this.options.config?.(this)) as Record<string, unknown>;
  }

  async setUp(): Promise<void> {
    const started = Date.now();
    fs.mkdirSync(resultsDir, { recursive: true });
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-reliability-'));
    this.host = await GitHost.start(this.dir);
    for (const [name, files] of Object.entries(
      this.options.repositories ?? {},
    )) {
      this.host.create(name, files);
    }
    if (this.options.database === 'own') {
      this.postgres = await OwnPostgres.start();
      this.connection = this.postgres.connection;
    } else {
      const shared =
        process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
      if (!shared) {
        throw new Error(
          'The reliability suite needs PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING, or run it with npm run test:reliability',
        );
      }
      this.connection = shared;
    }
    await this.options.prepare?.(this);
    const entities = this.options.entities(this);
    const write = (file: string, list: object[]) =>
      fs.writeFileSync(
        path.join(this.dir, file),
        list.map(e => stringify(e)).join('---\n'),
      );
    write('organization.yaml', organization());
    write('pipelines.yaml', entities);

    const count = this.options.replicas ?? 2;
    this.replicas = [];
    for (let i = 0; i < count; i++) {
      const name = `${this.options.name}-${'abcdefgh'[i]}`;
      const port = await freePort();
      this.replicas.push(
        Replica.create({
          name,
          port,
          dir: this.dir,
          logDir: resultsDir,
          config: this.config(name, port),
        }),
      );
    }
    // One first, so that the databases and migrations are made once.
    for (const replica of this.replicas) await replica.start();
    await this.observed(this.options.ready ?? []);
    this.figure(
      'setup',
      `${count} replica${count > 1 ? 's' : ''} on one PostgreSQL${
        this.postgres ? ' of its own' : ''
      }, ${entities.length} entities, ready in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
  }

  /** Drops the replicas' databases (`<prefix><pluginId>`) from a shared server. */
  private async dropDatabases(): Promise<void> {
    const server = knexFactory({ client: 'pg', connection: this.connection });
    try {
      const { rows } = await server.raw(
        'select datname from pg_database where starts_with(datname, ?)',
        [this.prefix],
      );
      for (const { datname } of rows) {
        await server.raw('drop database if exists ?? with (force)', [datname]);
      }
    } finally {
      await server.destroy();
    }
  }

  async tearDown(): Promise<void> {
    for (const db of this.databases.values()) await db.destroy();
    for (const replica of this.replicas ?? []) await replica.stop();
    await this.host?.close();
    if (this.postgres) await this.postgres.close();
    else if (this.connection) await this.dropDatabases();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    const rows = [
      ...this.figures,
      [
        'requests',
        `${this.tally.requests} in all: ${this.tally.summary()}`,
      ] as [string, string],
    ];
    const width = Math.max(...rows.map(([scenario]) => scenario.length));
    process.stdout.write(
      `\nReliability figures: ${this.options.name}\n${rows
        .map(([scenario, text]) => `  ${scenario.padEnd(width)}  ${text}`)
        .join('\n')}\n\n`,
    );
  }

  /**
   * For a file's last scenario: the 5xx answers of the file, 503 included,
   * but for calls made while a dependency was down on purpose; e.g.
   * `['500×12']`.
   */
  serverErrors(): string[] {
    return [...this.tally.statuses]
      .filter(([status]) => status >= 500)
      .map(([status, times]) => `${status}×${times}`);
  }
}

/** The suite of one file: set up before its scenarios, taken down after. */
export function useSuite(options: SuiteOptions): Suite {
  jest.setTimeout(10 * 60_000);
  const suite = new Suite(options);
  beforeAll(() => suite.setUp(), 10 * 60_000);
  afterAll(() => suite.tearDown(), 2 * 60_000);
  return suite;
}
