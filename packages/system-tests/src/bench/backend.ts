/*
 * One backend of the bench: the production build of the example backend (of
 * this checkout, or of the baseline revision) on SQLite or PostgreSQL, with
 * a variant's app-config overlay, its own repositories on the shared Git
 * host (the same fixtures for every backend), its catalog of pipelines, and
 * the portal's guest.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { call, eventually } from '../harness/client';
import { GitHost } from '../harness/gitHost';
import { freePort, Replica } from '../harness/replicas';
import { benchConfig, merge } from './config';
import { BenchPostgres } from './postgres';
import {
  createRepository,
  FLEET_PHASES,
  FLEET_SYSTEM,
  fleetSystemEntity,
  ownerEntity,
  pipeline,
} from './fixtures';
import { TAB_PHASES, tabEntities } from './portal';

/** GLU_BENCH_PIPELINES: the fleet that reads and polls run across (1,000). */
export const PIPELINES = Number(process.env.GLU_BENCH_PIPELINES ?? 1000);
/** The fleet's repositories: ten, or one per pipeline when there are fewer. */
export const REPOSITORIES = Math.max(1, Math.min(10, PIPELINES));
/** The pipelines promoted 100 at once into one repository. */
export const CONCURRENT = 100;

const TOKEN = `bench-${randomBytes(8).toString('hex')}`;
const WEBHOOK_SECRET = `bench-${randomBytes(8).toString('hex')}`;

export type Database = 'sqlite' | 'postgres';

/** What runs: a build of the backend and the config merged over the bench's. */
export interface Variant {
  name: string;
  bundle: string;
  overlay: Record<string, unknown>;
}

export class BenchBackend {
  /** The service token: for the writes the bench drives, not for reads. */
  readonly serviceToken = TOKEN;
  private user?: { token: string; until: number };

  private constructor(
    readonly variant: Variant,
    readonly database: Database,
    readonly replica: Replica,
    private readonly host: GitHost,
    private readonly root: string,
    /** Its repositories' names start with it. */
    private readonly prefix: string,
  ) {}

  get url() {
    return this.replica.url;
  }
  get api() {
    return `${this.replica.url}/api/glu/pipelines/default`;
  }
  get catalogApi() {
    return `${this.replica.url}/api/catalog`;
  }
  /** The name of its repository on the Git host. */
  repository(name: string) {
    return `${this.prefix}${name}`;
  }
  repositoryUrl(name: string) {
    return this.host.url(this.repository(name));
  }
  /** The bare repository on disk, for checks that are not measured. */
  bare(name: string) {
    return path.join(this.root, 'repos', `${this.repository(name)}.git`);
  }

  static async start(options: {
    variant: Variant;
    database: Database;
    host: GitHost;
    root: string;
    template: string;
    logDir: string;
    postgres?: BenchPostgres;
  }): Promise<BenchBackend> {
    const { variant, database, host, root } = options;
    const id = `${database}_${variant.name}`.replace(/[^a-z0-9]+/gi, '_');
    const prefix = `${id}-`;
    const dir = path.join(root, id);
    fs.mkdirSync(dir, { recursive: true });
    const url = (name: string) => host.url(`${prefix}${name}`);
    const repository = (name: string, files: Record<string, string>) =>
      createRepository(options.template, root, `${prefix}${name}`, files);

    // One repository for single promotions, one for 100 at once, the
    // fleet's, and the portal's.
    repository('one', { 'env/one/version.yaml': 'version: 0.0.0\n' });
    const many: Record<string, string> = {};
    for (let i = 0; i < CONCURRENT; i++) {
      many[`env/m${i}/version.yaml`] = 'version: 0.0.0\n';
    }
    repository('many', many);
    const entities: any[] = [
      pipeline('one', url('one'), { staging: 'env/one/version.yaml' }),
      ...Array.from({ length: CONCURRENT }, (_, i) =>
        pipeline(`m${i}`, url('many'), { staging: `env/m${i}/version.yaml` }),
      ),
    ];
    for (let r = 0; r < REPOSITORIES; r++) {
      const files: Record<string, string> = {};
      for (let i = r; i < PIPELINES; i += REPOSITORIES) {
        const phases: Record<string, string> = {};
        for (const phase of FLEET_PHASES) {
          phases[phase] = `env/p${i}/${phase}.yaml`;
          files[phases[phase]] = 'version: 1.0.0\n';
        }
        entities.push(
          pipeline(`p${i}`, url(`fleet-${r}`), phases, FLEET_SYSTEM),
        );
      }
      repository(`fleet-${r}`, files);
    }
    const tabFiles: Record<string, string> = {};
    for (let i = 1; i < TAB_PHASES; i++) {
      tabFiles[`env/t${i}/version.yaml`] = 'version: 1.0.0\n';
    }
    repository('tab', tabFiles);
    entities.push(...tabEntities(url('tab')), ownerEntity, fleetSystemEntity);
    const catalogFile = path.join(dir, 'pipelines.yaml');
    const writeCatalog = (written: any[]) =>
      fs.writeFileSync(
        catalogFile,
        written.map(e => stringify(e)).join('---\n'),
      );
    // The owners first: a pipeline processed before its owner is in the
    // catalog is refused until its next processing.
    writeCatalog(entities.filter(e => ['Group', 'User'].includes(e.kind)));

    const port = await freePort();
    const config = merge(
      benchConfig({
        port,
        dir,
        catalogFile,
        gitPort: host.port,
        database,
        postgres: options.postgres,
        id,
        token: TOKEN,
        webhookSecret: WEBHOOK_SECRET,
      }),
      variant.overlay,
    );
    const replica = Replica.create({
      name: `bench-${id}`,
      port,
      dir,
      logDir: options.logDir,
      bundle: variant.bundle,
      nodeOptions:
        process.env.GLU_BENCH_NODE_OPTIONS?.split(' ').filter(Boolean),
      config,
    });
    const started = Date.now();
    await replica.start();
    const backend = new BenchBackend(
      variant,
      database,
      replica,
      host,
      root,
      prefix,
    );
    await backend.withOwners(catalogFile, () => writeCatalog(entities));
    await eventually(
      'every pipeline to be learned and observed',
      async () => {
        for (const name of [`p${PIPELINES - 1}`, 'one', `m${CONCURRENT - 1}`]) {
          const r = await call(undefined, `${backend.api}/${name}`, {
            token: TOKEN,
          });
          if (
            r.status !== 200 ||
            !r.body.phases.every(
              (p: any) => p.state || p.source?.type === 'api',
            )
          ) {
            return undefined;
          }
        }
        return true;
      },
      900_000,
    );
    process.stdout.write(
      `[${id}] backend up with ${entities.length} pipelines in ${(
        (Date.now() - started) /
        1000
      ).toFixed(0)} s\n`,
    );
    return backend;
  }

  /**
   * Once the owners of the catalog's file are in the catalog, writes the
   * whole file and has the catalog read it again at once.
   */
  private async withOwners(file: string, writeAll: () => void) {
    const owners = ['group/default/team-bench', 'user/default/guest'];
    await eventually(
      'the owners of the pipelines in the catalog',
      async () => {
        for (const owner of owners) {
          const answer = await call(
            undefined,
            `${this.catalogApi}/entities/by-name/${owner}`,
            { token: TOKEN },
          );
          if (answer.status !== 200) return undefined;
        }
        return true;
      },
      300_000,
    );
    const locations = await call(
      undefined,
      `${
        this.catalogApi
      }/entities/by-query?filter=kind=location,spec.target=${encodeURIComponent(
        file,
      )}`,
      { token: TOKEN },
    );
    const location = locations.body?.items?.[0];
    if (!location) throw new Error(`The catalog has no location of ${file}`);
    writeAll();
    const refreshed = await call(undefined, `${this.catalogApi}/refresh`, {
      token: TOKEN,
      body: {
        entityRef: `location:${location.metadata.namespace}/${location.metadata.name}`,
      },
    });
    if (refreshed.status !== 200) {
      throw new Error(
        `The catalog did not read ${file} again: ${JSON.stringify(
          refreshed.body,
        )}`,
      );
    }
  }

  /**
   * A user token of the example portal's guest, as the portal gets it: the
   * guest provider's refresh endpoint. Reads use it, so that the permission
   * policy decides them on both sides; a new one before it expires.
   */
  async userToken(): Promise<string> {
    if (this.user && this.user.until > Date.now()) return this.user.token;
    const answer = await call(undefined, `${this.url}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    const token = answer.body?.backstageIdentity?.token;
    if (answer.status !== 200 || !token) {
      throw new Error(
        `The guest could not sign in: ${answer.status} ${JSON.stringify(
          answer.body,
        )}`,
      );
    }
    // Backstage's user tokens last an hour: a new one after half of it.
    this.user = { token, until: Date.now() + 30 * 60_000 };
    return token;
  }

  publish(name: string, version: string) {
    return call(undefined, `${this.api}/${name}/phases/build/versions`, {
      token: TOKEN,
      body: { version },
    });
  }

  promote(name: string, dryRun = false) {
    return call(undefined, `${this.api}/${name}/promotions`, {
      token: TOKEN,
      body: dryRun ? { phase: 'staging', dryRun } : { phase: 'staging' },
    });
  }

  /** The fleet's pipelines, in the order reads take them. */
  fleet(): string[] {
    return Array.from({ length: PIPELINES }, (_, i) => `p${i}`);
  }

  /**
   * GitHub's push webhooks for the fleet's repositories, each its own as
   * GitHub sends them: every phase of the fleet is refreshed at once.
   */
  async webhooks(): Promise<void> {
    await Promise.all(
      Array.from({ length: REPOSITORIES }, async (_, r) => {
        const push = JSON.stringify({
          ref: 'refs/heads/main',
          repository: {
            clone_url: this.repositoryUrl(`fleet-${r}`),
            html_url: this.repositoryUrl(`fleet-${r}`),
            pushed_at: Date.now(),
          },
        });
        const answer = await call(
          undefined,
          `${this.url}/api/events/http/github`,
          {
            raw: push,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-github-event': 'push',
              'x-github-delivery': randomUUID(),
              'x-hub-signature-256': `sha256=${createHmac(
                'sha256',
                WEBHOOK_SECRET,
              )
                .update(push)
                .digest('hex')}`,
            },
          },
        );
        if (answer.status >= 300) {
          throw new Error(`A webhook was refused: ${answer.status}`);
        }
      }),
    );
  }

  /**
   * Waits until every phase of the last pipeline of each fleet repository
   * (which its refresh reaches last) satisfies `done`.
   */
  /**
   * Until every phase of one pipeline per repository is done: as its view
   * shows it, or (`refresh`) as its refresh's answer does (when it was
   * last looked at is not part of the view).
   */
  async fleetUntil(
    what: string,
    done: (phase: any) => boolean,
    of: 'view' | 'refresh' = 'view',
  ) {
    const samples = Array.from(
      { length: REPOSITORIES },
      (_, r) =>
        r + REPOSITORIES * Math.floor((PIPELINES - 1 - r) / REPOSITORIES),
    );
    const since = performance.now();
    for (;;) {
      const views = await Promise.all(
        samples.map(i =>
          call(
            undefined,
            `${this.api}/p${i}${of === 'refresh' ? '/refresh' : ''}`,
            { token: TOKEN },
          ),
        ),
      );
      if (
        views.every(
          v =>
            v.status === 200 &&
            v.body.phases.filter((p: any) => p.name !== 'build').every(done),
        )
      ) {
        return;
      }
      if (performance.now() - since > 300_000) {
        throw new Error(`The fleet's refresh did not end: ${what}`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  /** Webhooks, then every phase of the fleet refreshed after them. */
  async refreshFleet(): Promise<void> {
    const since = new Date().toISOString();
    await this.webhooks();
    await this.fleetUntil(
      'every phase refreshed',
      p => p.lookedAt && p.lookedAt >= since,
      'refresh',
    );
  }

  async stop() {
    // A profiler in the backend's Node writes its profile as it exits.
    await this.replica.stop(
      process.env.GLU_BENCH_NODE_OPTIONS ? 120_000 : undefined,
    );
  }
}
