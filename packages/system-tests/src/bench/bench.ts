/*
 * `npm run bench`: Glu's speed, side by side with the floor — the git CLI
 * doing the same work, the catalog's own endpoints on the same backend, the
 * entity's Overview tab in the same browser — as ratios. Real repositories
 * (served over HTTP by `git http-backend` on loopback), the production build
 * of the example backend and app (scripts/bench.js builds and unpacks it; its
 * folder is GLU_BENCH_BACKEND) on SQLite, headless Chromium (GLU_CHROMIUM), a
 * few rounds of each figure, medians. It prints a table and fails only when
 * it cannot run; the goals are there to read, not asserted.
 *
 * GLU_BENCH_PIPELINES (default 1000) sets how many pipelines the read path
 * and the polling figures run with; GLU_BENCH_FIGURES picks figures,
 * GLU_BENCH_ROUNDS sets the rounds of each (5), and
 * GLU_BENCH_NODE_OPTIONS adds options to the backend's Node
 * (`--cpu-prof --cpu-prof-dir=…` to profile it).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { call, eventually } from '../harness/client';
import { GitHost } from '../harness/gitHost';
import { resultsDir } from '../harness/paths';
import { freePort, Replica } from '../harness/replicas';
import {
  cpuSeconds,
  load,
  longestPauseBetween,
  median,
  now,
  perSecondBetween,
  Row,
} from './load';
import { portalFigures, TAB_PHASES, tabEntities } from './portal';

const PIPELINES = Number(process.env.GLU_BENCH_PIPELINES ?? 1000);
/** The fleet's repositories: ten, or one per pipeline when there are fewer. */
const REPOSITORIES = Math.max(1, Math.min(10, PIPELINES));
/** GLU_BENCH_ROUNDS: rounds of each figure (5 by default), for its median. */
const ROUNDS = Number(process.env.GLU_BENCH_ROUNDS ?? 5);
const TOKEN = `bench-${randomBytes(8).toString('hex')}`;
const WEBHOOK_SECRET = `bench-${randomBytes(8).toString('hex')}`;
const OWNER = 'group:default/team-bench';
const REFRESH_SECONDS = 30;
/**
 * GLU_BENCH_FIGURES: which figures to measure (promotion, concurrent, read,
 * interval, polling, portal; all by default), comma-separated.
 */
const FIGURES = new Set(
  (
    process.env.GLU_BENCH_FIGURES ??
    'promotion,concurrent,read,interval,polling,portal'
  ).split(','),
);
const wanted = (figure: string) => FIGURES.has(figure);

const rows: Row[] = [];

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

/**
 * The git CLI, asynchronously: the Git host answers from this very process,
 * so a synchronous call would wait on itself.
 */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Floor',
      GIT_AUTHOR_EMAIL: 'floor@example.com',
      GIT_COMMITTER_NAME: 'Floor',
      GIT_COMMITTER_EMAIL: 'floor@example.com',
    },
  });
  return stdout;
}

/** A phase whose file holds the version under `version:`. */
function gitPhase(
  name: string,
  repository: string,
  file: string,
  from: string,
) {
  return {
    name,
    source: {
      type: 'git',
      repository,
      path: file,
      format: { type: 'yaml-path', key: 'version' },
    },
    promotion: { from },
  };
}

function pipeline(
  name: string,
  repository: string,
  files: { staging: string; production?: string },
) {
  const phases: object[] = [
    { name: 'build', source: { type: 'api' } },
    gitPhase('staging', repository, files.staging, 'build'),
  ];
  if (files.production) {
    phases.push(
      gitPhase('production', repository, files.production, 'staging'),
    );
  }
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'default' },
    spec: { owner: OWNER, phases },
  };
}

/**
 * Once the owners of the catalog's file are in the catalog, writes the
 * whole file and has the catalog read it again at once: its pipelines are
 * then processed with their owners there.
 */
async function withOwners(
  catalogApi: string,
  file: string,
  writeAll: () => void,
) {
  const owners = ['group/default/team-bench', 'user/default/guest'] as const;
  await eventually(
    'the owners of the pipelines in the catalog',
    async () => {
      for (const owner of owners) {
        const answer = await call(
          undefined,
          `${catalogApi}/entities/by-name/${owner}`,
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
    `${catalogApi}/entities/by-query?filter=kind=location,spec.target=${encodeURIComponent(
      file,
    )}`,
    { token: TOKEN },
  );
  const location = locations.body?.items?.[0];
  if (!location) {
    throw new Error(`The catalog has no location of ${file}`);
  }
  writeAll();
  const refreshed = await call(undefined, `${catalogApi}/refresh`, {
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

async function main() {
  const bundle = process.env.GLU_BENCH_BACKEND;
  if (!bundle || !fs.existsSync(bundle)) {
    throw new Error(
      'GLU_BENCH_BACKEND names no production build of the backend: run `npm run bench`, which builds it',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-bench-'));
  const logDir = resultsDir;
  fs.mkdirSync(logDir, { recursive: true });
  const host = await GitHost.start(dir);
  let replica: Replica | undefined;
  try {
    // One repository for single promotions, one for 100 at once, and ten
    // that hold the phases of every other pipeline.
    host.create('one', { 'env/one/version.yaml': 'version: 0.0.0\n' });
    const many: Record<string, string> = {};
    for (let i = 0; i < 100; i++) {
      many[`env/m${i}/version.yaml`] = 'version: 0.0.0\n';
    }
    host.create('many', many);
    const entities: any[] = [
      pipeline('one', host.url('one'), { staging: 'env/one/version.yaml' }),
      ...Array.from({ length: 100 }, (_, i) =>
        pipeline(`m${i}`, host.url('many'), {
          staging: `env/m${i}/version.yaml`,
        }),
      ),
    ];
    for (let r = 0; r < REPOSITORIES; r++) {
      const files: Record<string, string> = {};
      for (let i = r; i < PIPELINES; i += REPOSITORIES) {
        files[`env/p${i}/staging.yaml`] = 'version: 1.0.0\n';
        files[`env/p${i}/production.yaml`] = 'version: 1.0.0\n';
        entities.push(
          pipeline(`p${i}`, host.url(`fleet-${r}`), {
            staging: `env/p${i}/staging.yaml`,
            production: `env/p${i}/production.yaml`,
          }),
        );
      }
      host.create(`fleet-${r}`, files);
    }
    // The portal's figure: a component whose pipeline has 50 phases.
    const tabFiles: Record<string, string> = {};
    for (let i = 1; i < TAB_PHASES; i++) {
      tabFiles[`env/t${i}/version.yaml`] = 'version: 1.0.0\n';
    }
    host.create('tab', tabFiles);
    entities.push(...tabEntities(host.url('tab')));
    // The owners of the pipelines: the catalog lets a pipeline in only once
    // its owner is there.
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'team-bench', namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
    const catalogFile = path.join(dir, 'pipelines.yaml');
    const writeCatalog = (written: any[]) =>
      fs.writeFileSync(
        catalogFile,
        written.map(e => stringify(e)).join('---\n'),
      );
    // The owners first: a pipeline processed before its owner is in the
    // catalog is refused until its next processing, half an hour later here.
    writeCatalog(entities.filter(e => ['Group', 'User'].includes(e.kind)));

    const port = await freePort();
    replica = Replica.create({
      name: 'bench',
      port,
      dir,
      logDir,
      bundle,
      nodeOptions:
        process.env.GLU_BENCH_NODE_OPTIONS?.split(' ').filter(Boolean),
      config: {
        // The example backend serves the app's production bundle itself.
        app: { baseUrl: `http://127.0.0.1:${port}`, title: 'Glu bench' },
        backend: {
          baseUrl: `http://127.0.0.1:${port}`,
          listen: { port, host: '127.0.0.1' },
          database: {
            client: 'better-sqlite3',
            connection: { directory: path.join(dir, 'sqlite') },
          },
          auth: {
            externalAccess: [
              { type: 'static', options: { token: TOKEN, subject: 'bench' } },
            ],
          },
        },
        auth: {
          providers: {
            guest: {
              userEntityRef: 'user:default/guest',
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
        events: { modules: { github: { webhookSecret: WEBHOOK_SECRET } } },
        catalog: {
          // The catalog processes every entity once, then again only every
          // half hour: an interval's figure is Glu's, not the catalog's
          // processing of 1,104 entities (every 100 to 150 s by default).
          processingInterval: { minutes: 30 },
          rules: [
            { allow: ['Pipeline', 'Location', 'Component', 'User', 'Group'] },
          ],
          locations: [
            { type: 'file', target: path.join(dir, 'pipelines.yaml') },
          ],
        },
        permission: { enabled: true },
        glu: {
          workingDirectory: path.join(dir, 'work'),
          refreshInterval: { seconds: REFRESH_SECONDS },
          writeScopes: [
            {
              repository: `http://127.0.0.1:${host.port}/*`,
              paths: ['env/**'],
            },
          ],
          serviceGrants: [
            {
              subject: 'bench',
              permissions: ['glu.pipeline.promote', 'glu.pipeline.publish'],
            },
          ],
        },
      },
    });
    const started = Date.now();
    await replica.start();
    const api = `${replica.url}/api/glu/pipelines/default`;
    const catalogApi = `${replica.url}/api/catalog`;
    await withOwners(catalogApi, catalogFile, () => writeCatalog(entities));
    await eventually(
      `every pipeline to be learned and observed`,
      async () => {
        const last = await call(undefined, `${api}/p${PIPELINES - 1}`, {
          token: TOKEN,
        });
        const one = await call(undefined, `${api}/one`, { token: TOKEN });
        const m = await call(undefined, `${api}/m99`, { token: TOKEN });
        return [last, one, m].every(
          r =>
            r.status === 200 &&
            r.body.phases.every(
              (p: any) => p.state || p.source?.type === 'api',
            ),
        )
          ? true
          : undefined;
      },
      600_000,
    );
    process.stdout.write(
      `Backend up with ${entities.length} pipelines in ${(
        (Date.now() - started) /
        1000
      ).toFixed(0)} s\n`,
    );
    const publish = (name: string, version: string) =>
      call(undefined, `${api}/${name}/phases/build/versions`, {
        token: TOKEN,
        body: { version },
      });
    const promote = (name: string) =>
      call(undefined, `${api}/${name}/promotions`, {
        token: TOKEN,
        body: { phase: 'staging' },
      });

    if (wanted('promotion')) {
      // 1. One promotion, API call to pushed commit, against the git CLI.
      const floorClone = path.join(dir, 'floor-one');
      await git(dir, 'clone', '--quiet', host.url('one'), floorClone);
      const gluOne: number[] = [];
      const floorOne: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        await publish('one', `1.0.${round}`);
        const answer = await promote('one');
        if (answer.body?.status !== 'succeeded') {
          throw new Error(
            `A promotion did not succeed: ${JSON.stringify(answer.body)}`,
          );
        }
        gluOne.push(answer.millis);
        const t0 = performance.now();
        await git(floorClone, 'fetch', '--quiet', 'origin');
        await git(floorClone, 'reset', '--quiet', '--hard', 'origin/main');
        fs.writeFileSync(
          path.join(floorClone, 'env/one/version.yaml'),
          `version: 2.0.${round}\n`,
        );
        await git(floorClone, 'commit', '--quiet', '-am', `Floor ${round}`);
        await git(floorClone, 'push', '--quiet', 'origin', 'HEAD:main');
        floorOne.push(performance.now() - t0);
      }
      rows.push({
        figure: 'one promotion, API call to pushed commit',
        glu: ms(median(gluOne)),
        floor: `${ms(median(floorOne))} (git fetch + edit + commit + push)`,
        ratio: `${(median(gluOne) / median(floorOne)).toFixed(1)}×`,
        goal: '≤ 1.5×',
      });
    }
    if (wanted('concurrent')) {
      // 2. 100 concurrent promotions into one repository, against one commit
      // of all 100 edits.
      const floorMany = path.join(dir, 'floor-many');
      await git(dir, 'clone', '--quiet', host.url('many'), floorMany);
      const gluMany: number[] = [];
      const floorManyTimes: number[] = [];
      const commitsPerRound: number[] = [];
      const dryRuns: number[] = [];
      const catalogRuns: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            publish(`m${i}`, `1.0.${round}`),
          ),
        );
        // The same requests, planned and answered but not written: what the
        // HTTP stack, authentication, audit and the plan cost on their own.
        const t = performance.now();
        const plans = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            call(undefined, `${api}/m${i}/promotions`, {
              token: TOKEN,
              body: { phase: 'staging', dryRun: true },
            }),
          ),
        );
        dryRuns.push(performance.now() - t);
        // The backend's own floor for 100 concurrent requests: the catalog
        // answering the same entities, a POST with a body, authenticated
        // and validated the same way.
        const tc = performance.now();
        const found = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            call(undefined, `${catalogApi}/entities/by-refs`, {
              token: TOKEN,
              body: { entityRefs: [`pipeline:default/m${i}`] },
            }),
          ),
        );
        catalogRuns.push(performance.now() - tc);
        if (found.some(f => f.status !== 200 || !f.body?.items?.[0])) {
          throw new Error('The catalog did not answer every entity');
        }
        if (plans.some(p => p.body?.status !== 'promotable')) {
          throw new Error(
            `A dry run was not promotable: ${JSON.stringify(
              plans.find(p => p.body?.status !== 'promotable')?.body,
            )}`,
          );
        }
        const before = Number(
          await git(
            path.join(dir, 'repos', 'many.git'),
            'rev-list',
            '--count',
            'main',
          ),
        );
        const t0 = performance.now();
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) => promote(`m${i}`)),
        );
        gluMany.push(performance.now() - t0);
        const failed = answers.filter(a => a.body?.status !== 'succeeded');
        if (failed.length) {
          throw new Error(
            `${failed.length} promotions did not succeed: ${JSON.stringify(
              failed[0].body,
            )}`,
          );
        }
        commitsPerRound.push(
          Number(
            await git(
              path.join(dir, 'repos', 'many.git'),
              'rev-list',
              '--count',
              'main',
            ),
          ) - before,
        );
        const t1 = performance.now();
        await git(floorMany, 'fetch', '--quiet', 'origin');
        await git(floorMany, 'reset', '--quiet', '--hard', 'origin/main');
        for (let i = 0; i < 100; i++) {
          fs.writeFileSync(
            path.join(floorMany, `env/m${i}/version.yaml`),
            `version: 2.0.${round}\n`,
          );
        }
        await git(floorMany, 'commit', '--quiet', '-am', `Floor ${round}`);
        await git(floorMany, 'push', '--quiet', 'origin', 'HEAD:main');
        floorManyTimes.push(performance.now() - t1);
      }
      rows.push({
        figure: `100 concurrent promotions into one repository (${median(
          commitsPerRound,
        )} commits)`,
        glu: ms(median(gluMany)),
        floor: `${ms(median(floorManyTimes))} (one commit of all 100 edits)`,
        ratio: `${(median(gluMany) / median(floorManyTimes)).toFixed(1)}×`,
        goal: '≤ 2×',
      });
      rows.push({
        figure:
          '100 concurrent dry runs of the same promotions (nothing written)',
        glu: ms(median(dryRuns)),
        floor: `${ms(median(floorManyTimes))} (one commit of all 100 edits)`,
        ratio: `${(median(dryRuns) / median(floorManyTimes)).toFixed(1)}×`,
        goal: '—',
      });
      rows.push({
        figure:
          "100 concurrent requests to the catalog's by-refs, one entity each",
        glu: ms(median(catalogRuns)),
        floor: `${ms(median(floorManyTimes))} (one commit of all 100 edits)`,
        ratio: `${(median(catalogRuns) / median(floorManyTimes)).toFixed(1)}×`,
        goal: '—',
      });
    }
    // 3. and 4. The read path against the catalog's own endpoints.
    const loadOf = (url: string) =>
      load({ url, token: TOKEN, concurrency: 10, millis: 5_000 });
    const readFigures: Array<[string, string, string]> = [
      [
        `GET one pipeline, ${PIPELINES} stored`,
        `${api}/p${Math.floor(PIPELINES / 2)}`,
        `${
          replica.url
        }/api/catalog/entities/by-name/pipeline/default/p${Math.floor(
          PIPELINES / 2,
        )}`,
      ],
      [
        'GET /pipelines?limit=50',
        `${replica.url}/api/glu/pipelines?limit=50`,
        `${replica.url}/api/catalog/entities/by-query?limit=50&filter=kind=pipeline`,
      ],
    ];
    if (wanted('interval')) {
      // 5. What an interval in which nothing changed costs: measured after
      // one whole interval, in which the refresh sees what the figures
      // before wrote.
      await new Promise(resolve => setTimeout(resolve, REFRESH_SECONDS * 1000));
      const pid = replica.pid!;
      const cpu0 = await cpuSeconds(pid);
      const window = REFRESH_SECONDS * 2 * 1000;
      await new Promise(resolve => setTimeout(resolve, window));
      const cpu1 = await cpuSeconds(pid);
      const share = ((cpu1 - cpu0) / (window / 1000)) * 100;
      // The floor: the fetches an interval needs, once to bring the
      // repositories in, then again with nothing new.
      const fetchClone = path.join(dir, 'floor-fetch');
      await git(dir, 'init', '--quiet', '--bare', fetchClone);
      const fetchAll = async () => {
        const t0 = performance.now();
        for (let r = 0; r < REPOSITORIES; r++) {
          await git(
            fetchClone,
            'fetch',
            '--quiet',
            host.url(`fleet-${r}`),
            `+refs/heads/main:refs/fleet/${r}`,
          );
        }
        return performance.now() - t0;
      };
      const firstFetches = await fetchAll();
      const unchangedFetches = await fetchAll();
      rows.push({
        figure: `an unchanged interval, ${PIPELINES} pipelines × 3 phases in ${REPOSITORIES} repositories`,
        glu: `${share.toFixed(1)} % of a core (every ${REFRESH_SECONDS} s)`,
        floor: `${REPOSITORIES} fetches of unchanged repositories: ${ms(
          unchangedFetches,
        )} (first ${ms(firstFetches)})`,
        ratio: `${(
          ((share / 100) * REFRESH_SECONDS * 1000) /
          unchangedFetches
        ).toFixed(1)}× the fetches' time`,
        goal: '≤ 5 % of a core',
      });
    }
    if (wanted('read')) {
      // In the steady state a production backend runs in: after the
      // interval's figure, once the catalog has taken in the bench's
      // entities, both endpoints answer on a backend busy only with them.
      for (const [figure, gluUrl, catalogUrl] of readFigures) {
        await loadOf(gluUrl); // warm up both
        await loadOf(catalogUrl);
        const gluLoad = await loadOf(gluUrl);
        const catalogLoad = await loadOf(catalogUrl);
        rows.push({
          figure,
          glu: `${gluLoad.perSecond.toFixed(0)} req/s, p99 ${ms(gluLoad.p99)}${
            gluLoad.errors ? `, ${gluLoad.errors} errors` : ''
          }`,
          floor: `${catalogLoad.perSecond.toFixed(0)} req/s, p99 ${ms(
            catalogLoad.p99,
          )} (the catalog's ${
            figure.startsWith('GET one') ? 'by-name' : 'by-query'
          })`,
          ratio: `${(gluLoad.perSecond / catalogLoad.perSecond).toFixed(2)}×`,
          goal: '≥ 1×',
        });
      }
    }
    if (wanted('polling')) {
      // 6. and 7. The read path while the fleet is refreshed: GitHub's push
      // webhooks for the ten repositories make every phase of the fleet be
      // refreshed at once; one pipeline is read meanwhile under the same
      // load as at idle. First with nothing new in the repositories (what
      // every polling interval does), then after a person changed every
      // file of them.
      const webhooks = () =>
        Promise.all(
          Array.from({ length: REPOSITORIES }, (_, r) => {
            // Each push its own, as GitHub sends them (Glu ignores a
            // delivery it received before).
            const push = JSON.stringify({
              ref: 'refs/heads/main',
              repository: {
                clone_url: host.url(`fleet-${r}`),
                html_url: host.url(`fleet-${r}`),
                pushed_at: Date.now(),
              },
            });
            return call(undefined, `${replica!.url}/api/events/http/github`, {
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
            });
          }),
        );
      /** The last pipeline of each repository, which its refresh reaches last. */
      const samples = Array.from(
        { length: Math.min(REPOSITORIES, PIPELINES) },
        (_, r) =>
          r + REPOSITORIES * Math.floor((PIPELINES - 1 - r) / REPOSITORIES),
      );
      const until = async (
        what: string,
        done: (pipeline: any) => boolean,
        since: number,
      ) => {
        for (;;) {
          const views = await Promise.all(
            samples.map(i => call(undefined, `${api}/p${i}`, { token: TOKEN })),
          );
          if (views.every(v => v.status === 200 && done(v.body))) return;
          if (performance.now() - since > 180_000) {
            throw new Error(`The fleet's refresh did not end: ${what}`);
          }
          await new Promise(resolve => setTimeout(resolve, 100));
        }
      };
      /** Reads one pipeline under load while `work` runs; the figures of its span. */
      const readWhile = async (work: () => Promise<void>) => {
        const ended = new AbortController();
        let loadStarted!: () => void;
        const running = new Promise<void>(resolve => {
          loadStarted = resolve;
        });
        const loading = load({
          onStart: () => loadStarted(),
          url: readFigures[0][1],
          token: TOKEN,
          concurrency: 10,
          millis: 300_000,
          signal: ended.signal,
        });
        let from = 0;
        let to = 0;
        const working = (async () => {
          // A second of load first, then the work, then a second more.
          await running;
          await new Promise(resolve => setTimeout(resolve, 1_000));
          from = now();
          try {
            await work();
          } finally {
            to = now();
            setTimeout(() => ended.abort(), 1_000);
          }
        })();
        const [loaded] = await Promise.all([loading, working]);
        return {
          perSecond: perSecondBetween(loaded, from, to),
          millis: to - from,
          pause: longestPauseBetween(loaded, from, to),
        };
      };
      /** A figure of the read path during a burst of the fleet's refresh. */
      const burstRow = (
        figure: string,
        burst: { perSecond: number; millis: number; pause: number },
        ended: string,
        idlePerSecond: number,
      ): Row => ({
        figure,
        glu: `${burst.perSecond.toFixed(0)} req/s for the ${(
          burst.millis / 1000
        ).toFixed(1)} s from the webhooks to ${ended} (longest pause ${ms(
          burst.pause,
        )})`,
        floor: `${idlePerSecond.toFixed(0)} req/s at idle`,
        ratio: `${(burst.perSecond / idlePerSecond).toFixed(2)}×`,
        goal: '—',
      });
      const phasesOf = (view: any) =>
        view.phases.filter((p: any) => p.name !== 'build');

      // Over a whole polling interval: right after a scheduled poll of the
      // fleet ended, a load with no poll in it, then one across the next
      // interval, which has one.
      const everyPhaseSince = (since: string) => (view: any) =>
        phasesOf(view).every(
          (p: any) => p.refreshedAt && p.refreshedAt >= since,
        );
      await until(
        'a scheduled poll',
        everyPhaseSince(new Date().toISOString()),
        performance.now(),
      );
      const idle = await loadOf(readFigures[0][1]);
      const intervalStarted = new Date().toISOString();
      const overInterval = await load({
        url: readFigures[0][1],
        token: TOKEN,
        concurrency: 10,
        millis: (REFRESH_SECONDS + 5) * 1000,
      });
      await until(
        'the poll within the interval',
        everyPhaseSince(intervalStarted),
        performance.now(),
      );
      rows.push({
        figure: `GET one pipeline over a polling interval of ${PIPELINES} pipelines × 3 phases`,
        glu: `${overInterval.perSecond.toFixed(0)} req/s, p99 ${ms(
          overInterval.p99,
        )} over ${REFRESH_SECONDS + 5} s with a poll of the fleet in them`,
        floor: `${idle.perSecond.toFixed(0)} req/s, p99 ${ms(
          idle.p99,
        )} with no poll`,
        ratio: `${(overInterval.perSecond / idle.perSecond).toFixed(2)}×`,
        goal: '≥ 0.8×',
      });

      const polled = await readWhile(async () => {
        const since = new Date().toISOString();
        await webhooks();
        await until(
          'every phase refreshed',
          view =>
            phasesOf(view).every(
              (p: any) => p.refreshedAt && p.refreshedAt >= since,
            ),
          performance.now(),
        );
      });
      rows.push(
        burstRow(
          `GET one pipeline during a poll of ${PIPELINES} pipelines × 3 phases (nothing new)`,
          polled,
          'every phase refreshed',
          idle.perSecond,
        ),
      );

      const fleetClones: string[] = [];
      for (let r = 0; r < REPOSITORIES; r++) {
        const clone = path.join(dir, `floor-fleet-${r}`);
        await git(dir, 'clone', '--quiet', host.url(`fleet-${r}`), clone);
        fleetClones.push(clone);
      }
      for (let r = 0; r < REPOSITORIES; r++) {
        for (let i = r; i < PIPELINES; i += REPOSITORIES) {
          for (const env of ['staging', 'production']) {
            fs.writeFileSync(
              path.join(fleetClones[r], `env/p${i}/${env}.yaml`),
              'version: 2.0.0\n',
            );
          }
        }
        await git(fleetClones[r], 'commit', '--quiet', '-am', 'Fleet 2.0.0');
        await git(fleetClones[r], 'push', '--quiet', 'origin', 'HEAD:main');
      }
      const changed = await readWhile(async () => {
        await webhooks();
        await until(
          'every change seen',
          view =>
            phasesOf(view).every((p: any) => p.state?.version === '2.0.0'),
          performance.now(),
        );
      });
      // Every phase of the fleet holds what the person wrote.
      let cursor: string | undefined;
      let seen = 0;
      do {
        const page = await call(
          undefined,
          `${replica.url}/api/glu/pipelines?limit=500${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
          { token: TOKEN },
        );
        seen += page.body.items.filter(
          (item: any) =>
            /^p\d+$/.test(item.name) &&
            phasesOf(item).every((p: any) => p.version === '2.0.0'),
        ).length;
        cursor = page.body.nextCursor;
      } while (cursor);
      if (seen !== PIPELINES) {
        throw new Error(
          `The fleet's refresh saw the change in ${seen} of ${PIPELINES} pipelines`,
        );
      }
      rows.push(
        burstRow(
          `GET one pipeline while ${
            PIPELINES * 2
          } changed files of the fleet are read`,
          changed,
          'every change seen',
          idle.perSecond,
        ),
      );
    }
    if (wanted('portal')) {
      // 7. The portal: the Glu tab of a 50-phase pipeline against the
      // entity's Overview tab, in the production build of the app.
      rows.push(
        ...(await portalFigures({
          baseUrl: replica.url,
          api,
          token: TOKEN,
          rounds: ROUNDS,
        })),
      );
    }
  } finally {
    // A profiler in the backend's Node writes its profile as it exits.
    await replica?.stop(
      process.env.GLU_BENCH_NODE_OPTIONS ? 120_000 : undefined,
    );
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const widths = (['figure', 'glu', 'floor', 'ratio', 'goal'] as const).map(
    key => Math.max(key.length, ...rows.map(r => r[key].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    `\n${[
      line(['figure', 'Glu', 'floor', 'ratio', 'goal']),
      line(widths.map(w => '-'.repeat(w))),
      ...rows.map(r => line([r.figure, r.glu, r.floor, r.ratio, r.goal])),
    ].join('\n')}\n\n${os.cpus().length} cores, ${
      os.cpus()[0]?.model ?? 'unknown CPU'
    }, Node ${process.versions.node}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
