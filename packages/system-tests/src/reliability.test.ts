/*
 * The reliability suite: what Glu guarantees when things go wrong, tried with
 * real parts only. Two backend replicas (processes of their own) share one
 * real PostgreSQL; Git repositories are served over HTTP by `git http-backend`
 * on loopback, and made to hang, to die in the middle of a push and to refuse
 * pushes; a replica is killed with SIGKILL while it holds a promotion; the API
 * and the catalog get malformed input; webhooks come forged. Every request is
 * bounded in number and time and goes to loopback only. The figures are
 * printed at the end.
 *
 * Run it with `npm run test:reliability` (it is also the last step of
 * `npm test`). It needs a PostgreSQL server, named by
 * BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING (the test scripts
 * start an embedded one).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { call, eventually, Tally } from './harness/client';
import { GitHost } from './harness/gitHost';
import { resultsDir } from './harness/paths';
import { freePort, Replica } from './harness/replicas';
import knexFactory, { Knex } from 'knex';

jest.setTimeout(10 * 60_000);

const POSTGRES =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;

const OPERATOR_TOKEN = `operator-${randomBytes(8).toString('hex')}`;
const CI_TOKEN = `ci-${randomBytes(8).toString('hex')}`;
const WEBHOOK_SECRET = `webhook-${randomBytes(8).toString('hex')}`;
const REGISTRY_TOKEN = `registry-${randomBytes(8).toString('hex')}`;

/** Short enough for the suite; the defaults are minutes. */
const LEASE_SECONDS = 6;
const REFRESH_SECONDS = 2;
const GIT_TIMEOUT_SECONDS = 8;

const OWNER = 'group:default/team-reliability';
const SERVICES = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
/** Each service's file, in one of two shared repositories. */
const serviceRepository = (i: number) => (i < 5 ? 'shared-a' : 'shared-b');
const serviceFile = (name: string) => `env/${name}/version.yaml`;

const logDir = resultsDir;

interface Figure {
  scenario: string;
  figure: string;
}
const figures: Figure[] = [];
function figure(scenario: string, text: string) {
  figures.push({ scenario, figure: text });
}

function pipeline(
  name: string,
  repository: string,
  file: string,
  options: { auto?: boolean } = {},
) {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: OWNER,
      phases: [
        { name: 'build', source: { type: 'api' } },
        {
          name: 'staging',
          source: {
            type: 'git',
            repository,
            branch: 'main',
            path: file,
            format: { type: 'yaml-path', key: 'version' },
          },
          promotion: { from: 'build', auto: options.auto ?? false },
        },
      ],
    },
  };
}

describe('reliability', () => {
  let dir: string;
  let host: GitHost;
  let replicas: Replica[];
  let db: Knex;
  let prefix: string;
  const tally = new Tally();
  const url = (replica: Replica, pipelineName: string, rest = '') =>
    `${replica.url}/api/glu/pipelines/default/${pipelineName}${rest}`;

  const view = async (replica: Replica, name: string) => {
    const res = await call(tally, url(replica, name), {
      token: OPERATOR_TOKEN,
    });
    return res.status === 200 ? res.body : undefined;
  };
  const stagingOf = async (replica: Replica, name: string) =>
    (await view(replica, name))?.phases.find((p: any) => p.name === 'staging');
  const publish = (replica: Replica, name: string, version: string) =>
    call(tally, url(replica, name, '/phases/build/versions'), {
      token: CI_TOKEN,
      body: { version },
    });
  const promote = (replica: Replica, name: string) =>
    call(tally, url(replica, name, '/promotions'), {
      token: OPERATOR_TOKEN,
      body: { phase: 'staging' },
    });
  const promotions = async (replica: Replica, name: string) =>
    (
      await call(tally, url(replica, name, '/promotions?limit=100'), {
        token: OPERATOR_TOKEN,
      })
    ).body.items as any[];

  function replicaConfig(name: string, port: number) {
    return {
      app: { baseUrl: 'http://127.0.0.1:3000' },
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'pg', connection: POSTGRES, prefix },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: OPERATOR_TOKEN, subject: 'operator' },
            },
            {
              type: 'static',
              options: { token: CI_TOKEN, subject: 'ci' },
              accessRestrictions: [
                { plugin: 'glu', permission: 'glu.pipeline.publish' },
              ],
            },
          ],
        },
      },
      catalog: {
        rules: [{ allow: ['Pipeline', 'Location'] }],
        locations: [{ type: 'file', target: path.join(dir, 'pipelines.yaml') }],
      },
      permission: { enabled: true },
      events: { modules: { github: { webhookSecret: WEBHOOK_SECRET } } },
      glu: {
        workingDirectory: path.join(dir, name),
        refreshInterval: { seconds: REFRESH_SECONDS },
        catalogSyncInterval: { seconds: 1 },
        leaseDuration: { seconds: LEASE_SECONDS },
        timeouts: {
          git: { seconds: GIT_TIMEOUT_SECONDS },
          http: { seconds: 5 },
        },
        writeScopes: [
          {
            repository: `http://127.0.0.1:${host.port}/*`,
            branches: ['main'],
            paths: ['env/**'],
            owners: [OWNER],
          },
        ],
        serviceGrants: [
          {
            subject: 'operator',
            permissions: [
              'glu.pipeline.promote',
              'glu.pipeline.rollback',
              'glu.pipeline.pin',
              'glu.pipeline.publish',
            ],
          },
        ],
        webhooks: { registry: { token: REGISTRY_TOKEN } },
      },
    };
  }

  beforeAll(async () => {
    if (!POSTGRES) {
      throw new Error(
        'The reliability suite needs PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING, or run it with npm run test:reliability',
      );
    }
    fs.mkdirSync(logDir, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-reliability-'));
    prefix = `glu_rel_${randomBytes(4).toString('hex')}_`;
    host = await GitHost.start(dir);

    for (const repository of ['shared-a', 'shared-b']) {
      const files: Record<string, string> = {};
      SERVICES.forEach((name, i) => {
        if (serviceRepository(i) === repository) {
          files[serviceFile(name)] = 'version: 1.0.0\n';
        }
      });
      host.create(repository, files);
    }
    for (const repository of ['hangs', 'dies', 'refuses', 'steady', 'crash']) {
      host.create(repository, { 'env/version.yaml': 'version: 1.0.0\n' });
    }
    // A repository whose files are symbolic links, out of it and within it.
    host.create('links', { 'env/real.yaml': 'version: 1.0.0\n' });
    host.commit('links', {}, 'Links', {
      'env/passwd.yaml': '/etc/passwd',
      'env/up.yaml': '../../../../../../etc/hostname',
      'env/alias.yaml': 'real.yaml',
      'env/dir': '/etc',
    });

    const entities = [
      ...SERVICES.map((name, i) =>
        pipeline(name, host.url(serviceRepository(i)), serviceFile(name)),
      ),
      pipeline('hangs', host.url('hangs'), 'env/version.yaml'),
      pipeline('dies', host.url('dies'), 'env/version.yaml'),
      pipeline('refuses', host.url('refuses'), 'env/version.yaml'),
      pipeline('steady', host.url('steady'), 'env/version.yaml'),
      pipeline('crash', host.url('crash'), 'env/version.yaml', { auto: true }),
      pipeline('link-out', host.url('links'), 'env/passwd.yaml'),
      pipeline('link-up', host.url('links'), 'env/up.yaml'),
      pipeline('link-alias', host.url('links'), 'env/alias.yaml'),
      pipeline('link-dir', host.url('links'), 'env/dir/hostname'),
    ];
    fs.writeFileSync(
      path.join(dir, 'pipelines.yaml'),
      entities.map(e => stringify(e)).join('---\n'),
    );

    const ports = [await freePort(), await freePort()];
    replicas = ['reliability-replica-a', 'reliability-replica-b'].map(
      (name, i) =>
        Replica.create({
          name,
          port: ports[i],
          dir,
          logDir,
          config: replicaConfig(name, ports[i]),
        }),
    );
    const started = Date.now();
    // One first, so that the databases and migrations are made once.
    await replicas[0].start();
    await replicas[1].start();
    const names = [...SERVICES, 'hangs', 'dies', 'refuses', 'steady', 'crash'];
    for (const replica of replicas) {
      await eventually(
        `${replica.name} to learn and observe every pipeline`,
        async () => {
          for (const name of names) {
            if (!(await stagingOf(replica, name))?.state) return undefined;
          }
          return true;
        },
        180_000,
      );
    }
    figure(
      'setup',
      `2 replicas on one PostgreSQL, ${
        entities.length
      } pipelines learned and observed in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s`,
    );

    const gluDatabase = new URL(POSTGRES!);
    gluDatabase.pathname = `/${prefix}glu`;
    db = knexFactory({ client: 'pg', connection: gluDatabase.toString() });
  });

  afterAll(async () => {
    await db?.destroy();
    for (const replica of replicas ?? []) await replica.stop();
    await host?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    const width = Math.max(...figures.map(f => f.scenario.length));
    process.stdout.write(
      `\nReliability figures\n${figures
        .map(f => `  ${f.scenario.padEnd(width)}  ${f.figure}`)
        .join('\n')}\n  ${'requests'.padEnd(width)}  ${
        tally.requests
      } in all: ${tally.summary()}\n\n`,
    );
  });

  it('200 concurrent promotions over 10 phases, split across both replicas, make exactly one commit per change', async () => {
    const rounds = ['1.1.0', '1.2.0'];
    const both = replicas;
    const outcomes = new Map<string, number>();
    let slowest = 0;
    for (const [round, version] of rounds.entries()) {
      const published = await Promise.all(
        SERVICES.map((name, i) => publish(both[i % 2], name, version)),
      );
      expect(published.map(p => p.status)).toEqual(SERVICES.map(() => 200));
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const name = SERVICES[i % SERVICES.length];
          return promote(both[Math.floor(i / 10) % 2], name).then(a => ({
            name,
            ...a,
          }));
        }),
      );
      slowest = Math.max(slowest, Date.now() - started);
      expect(answers.filter(a => a.status !== 200)).toEqual([]);
      for (const a of answers) {
        outcomes.set(a.body.status, (outcomes.get(a.body.status) ?? 0) + 1);
      }
      for (const [i, name] of SERVICES.entries()) {
        const mine = answers.filter(a => a.name === name);
        // One write; every other request finds it done.
        expect([
          name,
          mine.filter(a => a.body.status === 'succeeded').length,
        ]).toEqual([name, 1]);
        expect(
          mine.every(a => ['succeeded', 'up-to-date'].includes(a.body.status)),
        ).toBe(true);
        const repository = serviceRepository(i);
        // The seed, and one commit per round.
        expect([
          name,
          host.commitsOf(repository, serviceFile(name)).length,
        ]).toEqual([name, round + 2]);
        expect(host.read(repository, serviceFile(name))).toBe(
          `version: ${version}\n`,
        );
      }
    }
    const commits =
      Number(
        execFileSync(
          'git',
          [
            '-C',
            path.join(dir, 'repos', 'shared-a.git'),
            'rev-list',
            '--count',
            'main',
          ],
          { encoding: 'utf8' },
        ),
      ) +
      Number(
        execFileSync(
          'git',
          [
            '-C',
            path.join(dir, 'repos', 'shared-b.git'),
            'rev-list',
            '--count',
            'main',
          ],
          { encoding: 'utf8' },
        ),
      ) -
      2;
    // Both replicas see the same thing.
    for (const name of SERVICES) {
      const [a, b] = await Promise.all(replicas.map(r => view(r, name)));
      const shape = (v: any) => ({
        phases: v.phases.map((p: any) => [
          p.name,
          p.state?.version,
          p.state?.digest,
        ]),
        edges: v.edges.map((e: any) => [e.from, e.to, e.status]),
      });
      expect(shape(a)).toEqual(shape(b));
      expect(shape(a).edges).toEqual([['build', 'staging', 'up-to-date']]);
    }
    const records = (
      await Promise.all(SERVICES.map(name => promotions(replicas[0], name)))
    ).flat();
    expect(
      records.filter(r => ['pending', 'running'].includes(r.status)),
    ).toEqual([]);
    figure(
      'racing promotions',
      `${
        rounds.length
      } rounds × 200 requests over 10 phases in 2 repositories, half to each replica: ${[
        ...outcomes,
      ]
        .map(([status, n]) => `${n} ${status}`)
        .join(', ')}; ${commits} commits for ${
        rounds.length * SERVICES.length
      } changes, each file changed once a round; slowest round ${(
        slowest / 1000
      ).toFixed(1)} s; states identical on both replicas`,
    );
  });

  it('a Git host that hangs: the promotion fails at its deadline, other pipelines keep refreshing, the next one succeeds', async () => {
    const [a, b] = replicas;
    expect((await publish(a, 'hangs', '2.0.0')).status).toBe(200);
    const head = host.head('hangs');
    host.fault('hangs', 'hang');
    try {
      const started = Date.now();
      const pending = promote(b, 'hangs');
      // Meanwhile, a person's commit elsewhere is seen as usual.
      const committed = Date.now();
      host.commit(
        'steady',
        { 'env/version.yaml': 'version: 1.0.1\n' },
        'By hand',
      );
      await eventually('the steady pipeline to see the commit', async () =>
        (await stagingOf(a, 'steady'))?.state?.version === '1.0.1'
          ? true
          : undefined,
      );
      const seenIn = Date.now() - committed;
      // Not held up by the hung repository's deadline.
      expect(seenIn).toBeLessThan((REFRESH_SECONDS * 2 + 1.5) * 1000);
      const answer = await pending;
      const failedIn = Date.now() - started;
      expect(answer.status).toBe(503);
      expect(answer.body.error.message).toContain(
        `within ${GIT_TIMEOUT_SECONDS}s and was stopped`,
      );
      expect(failedIn).toBeLessThan((GIT_TIMEOUT_SECONDS + 5) * 1000);
      expect((await promotions(b, 'hangs'))[0]).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('was stopped'),
      });
      expect(host.head('hangs')).toBe(head);
      figure(
        'hung Git host',
        `promotion answered 503 after ${(failedIn / 1000).toFixed(
          1,
        )} s (deadline ${GIT_TIMEOUT_SECONDS} s), record failed with the reason; another pipeline saw a hand commit in ${(
          seenIn / 1000
        ).toFixed(1)} s meanwhile`,
      );
    } finally {
      host.fault('hangs', undefined);
    }
    const again = await promote(a, 'hangs');
    expect([again.status, again.body.status]).toEqual([200, 'succeeded']);
    expect(host.commitsOf('hangs', 'env/version.yaml')).toHaveLength(2);
  });

  it('a Git host that dies in the middle of a push: 503, no partial commit, the next promotion succeeds', async () => {
    const [a, b] = replicas;
    expect((await publish(a, 'dies', '2.0.0')).status).toBe(200);
    const head = host.head('dies');
    host.fault('dies', 'die-mid-push');
    let answer;
    try {
      answer = await promote(a, 'dies');
    } finally {
      host.fault('dies', undefined);
    }
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toContain('Could not push');
    expect(host.head('dies')).toBe(head);
    expect(host.read('dies', 'env/version.yaml')).toBe('version: 1.0.0\n');
    expect((await promotions(a, 'dies'))[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('Could not push'),
    });
    const again = await promote(b, 'dies');
    expect([again.status, again.body.status]).toEqual([200, 'succeeded']);
    expect(host.commitsOf('dies', 'env/version.yaml')).toHaveLength(2);
    figure(
      'Git host dying mid-push',
      `503 "${answer.body.error.message.slice(
        0,
        50,
      )}…", branch unchanged, next promotion succeeded with one commit`,
    );
  });

  it('a Git host that takes the push and dies before answering: the promotion is known to have landed', async () => {
    const [a] = replicas;
    expect((await publish(a, 'dies', '3.0.0')).status).toBe(200);
    host.fault('dies', 'die-after-push');
    let answer;
    try {
      answer = await promote(a, 'dies');
    } finally {
      host.fault('dies', undefined);
    }
    expect([answer.status, answer.body.status]).toEqual([200, 'succeeded']);
    expect(host.read('dies', 'env/version.yaml')).toBe('version: 3.0.0\n');
    expect(answer.body.commitSha).toBe(host.head('dies'));
    expect(host.commitsOf('dies', 'env/version.yaml')).toHaveLength(3);
    const again = await promote(a, 'dies');
    expect([again.status, again.body.status]).toEqual([200, 'up-to-date']);
    figure(
      'Git host dying after the push',
      'the push landed though its answer never came: the remote was asked, the promotion recorded as succeeded with its commit, once',
    );
  });

  it('a Git host that refuses the push: 409 with what it said, tried once, the next promotion succeeds', async () => {
    const [a, b] = replicas;
    expect((await publish(a, 'refuses', '2.0.0')).status).toBe(200);
    const head = host.head('refuses');
    const pushes = host.pushes.get('refuses') ?? 0;
    host.refuse('refuses', 'protected branch: main needs a review');
    let answer;
    try {
      answer = await promote(b, 'refuses');
    } finally {
      host.refuse('refuses', undefined);
    }
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain(
      'protected branch: main needs a review',
    );
    expect((host.pushes.get('refuses') ?? 0) - pushes).toBe(1);
    expect(host.head('refuses')).toBe(head);
    const again = await promote(a, 'refuses');
    expect([again.status, again.body.status]).toEqual([200, 'succeeded']);
    figure(
      'Git host refusing',
      `409 with the remote's message after 1 push attempt, branch unchanged, next promotion succeeded`,
    );
  });

  it('kill -9 of a replica holding a promotion: the other promotes the phase within the lease time plus one refresh', async () => {
    const [a, b] = replicas;
    // Pushes to this repository wait until the replica is gone.
    host.fault('crash', 'hang-push');
    try {
      // Published through the replica that is about to die: its automatic
      // promotion starts there and hangs in the push.
      expect((await publish(a, 'crash', '3.0.0')).status).toBe(200);
      await eventually('the promotion to run on the first replica', async () =>
        (await promotions(b, 'crash')).find(r => r.status === 'running'),
      );
      // Killed while it holds the phase, not while it runs the scheduled
      // refresh, which the scheduler would hold for its own time limit.
      await eventually('no refresh to be under way', async () => {
        const running = await db('backstage_backend_tasks__tasks')
          .where('id', 'like', '%glu-refresh')
          .whereNotNull('current_run_ticket');
        return running.length === 0 ? true : undefined;
      });
      await a.kill();
    } finally {
      host.fault('crash', undefined);
    }
    const killed = Date.now();
    let recoveredIn = 0;
    let restartedIn = 0;
    try {
      const staging = await eventually(
        'the other replica to promote the phase',
        async () => {
          const state = (await stagingOf(b, 'crash'))?.state;
          return state?.version === '3.0.0' ? state : undefined;
        },
        (LEASE_SECONDS + REFRESH_SECONDS) * 1000 + 30_000,
      );
      recoveredIn = Date.now() - killed;
      expect(staging.version).toBe('3.0.0');
      expect(recoveredIn).toBeLessThan(
        (LEASE_SECONDS + REFRESH_SECONDS + 3) * 1000,
      );
      const records = await promotions(b, 'crash');
      expect(
        records.filter(r => ['pending', 'running'].includes(r.status)),
      ).toEqual([]);
      expect(records).toContainEqual(
        expect.objectContaining({
          status: 'failed',
          error: 'abandoned: the replica holding it stopped',
        }),
      );
      // One write brought it, automatically; any other attempt found it done.
      expect(
        records
          .filter(r => r.status === 'succeeded')
          .map(r => [r.trigger, r.after?.version]),
      ).toEqual([['auto', '3.0.0']]);
      expect(host.commitsOf('crash', 'env/version.yaml')).toHaveLength(2);
    } finally {
      // Back again (and the suite goes on with both, whatever happened).
      const restarted = Date.now();
      await a.start();
      restartedIn = Date.now() - restarted;
    }

    // It sees what the other did: nothing under way, the same state.
    expect((await stagingOf(a, 'crash')).state.version).toBe('3.0.0');
    expect(
      (await promotions(a, 'crash')).filter(r =>
        ['pending', 'running'].includes(r.status),
      ),
    ).toEqual([]);
    figure(
      'replica killed mid-promotion',
      `the other replica ended the abandoned record and promoted the phase ${(
        recoveredIn / 1000
      ).toFixed(
        1,
      )} s after the kill (lease ${LEASE_SECONDS} s + refresh ${REFRESH_SECONDS} s); restarted in ${(
        restartedIn / 1000
      ).toFixed(1)} s with the same state`,
    );
  });

  it('symbolic links in the repository are never read or written through', async () => {
    const [a] = replicas;
    for (const name of ['link-out', 'link-up', 'link-dir']) {
      const staging = await eventually(`${name} to be refreshed`, async () => {
        const phase = await stagingOf(a, name);
        return phase?.refreshError || phase?.state ? phase : undefined;
      });
      // Nothing of the files outside the repository came in.
      expect([name, staging.state]).toEqual([name, undefined]);
      expect(staging.refreshError).toBeTruthy();
      expect((await publish(a, name, '9.9.9')).status).toBe(200);
      const answer = await promote(a, name);
      expect([name, [400, 409].includes(answer.status)]).toEqual([name, true]);
    }
    // A link within the repository to a file of it reads as that file, and
    // is not written through either.
    expect((await publish(a, 'link-alias', '9.9.9')).status).toBe(200);
    const head = host.head('links');
    const answer = await promote(a, 'link-alias');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(host.head('links')).toBe(head);
    figure(
      'symbolic links',
      '4 pipelines on links (out of the repository, up its tree, through a linked folder, within it): nothing read from outside, every write refused with a 4xx',
    );
  });

  it('malformed definitions are catalog errors that name the field, never 5xx', async () => {
    const [, b] = replicas;
    const good = () =>
      pipeline('broken', host.url('steady'), 'env/version.yaml') as any;
    const gitPhase = (spec: any) => spec.phases[1];
    const cases: Array<[string, (entity: any) => void]> = [
      ['no spec', e => delete e.spec],
      ['spec a string', e => (e.spec = 'phases')],
      ['no owner', e => delete e.spec.owner],
      ['an owner that is no ref', e => (e.spec.owner = 'team checkout!')],
      ['an empty owner', e => (e.spec.owner = '')],
      [
        'an owner of the wrong kind',
        e => (e.spec.owner = 'component:default/x'),
      ],
      ['no phases', e => (e.spec.phases = [])],
      ['phases an object', e => (e.spec.phases = { build: {} })],
      [
        '2,000 phases',
        e => {
          e.spec.phases = Array.from({ length: 2000 }, (_, i) => ({
            name: `p${i}`,
            source: { type: 'api' },
          }));
        },
      ],
      ['a phase without a name', e => delete e.spec.phases[0].name],
      ['a phase name with a slash', e => (e.spec.phases[0].name = 'a/b')],
      ['a phase name of dots', e => (e.spec.phases[0].name = '..')],
      [
        'a phase name of 1,000 characters',
        e => (e.spec.phases[0].name = 'p'.repeat(1000)),
      ],
      ['two phases of one name', e => (gitPhase(e.spec).name = 'build')],
      ['a phase without a source', e => delete e.spec.phases[0].source],
      [
        'an unknown source type',
        e => (e.spec.phases[0].source = { type: 'ftp' }),
      ],
      ['a source that is a string', e => (e.spec.phases[0].source = 'api')],
      [
        'a git source without a repository',
        e => delete gitPhase(e.spec).source.repository,
      ],
      ['a git source without a path', e => delete gitPhase(e.spec).source.path],
      [
        'an unknown format',
        e => (gitPhase(e.spec).source.format = { type: 'toml' }),
      ],
      [
        'a yaml-path format without a key',
        e => (gitPhase(e.spec).source.format = { type: 'yaml-path' }),
      ],
      [
        'a path that leaves the repository',
        e => (gitPhase(e.spec).source.path = '../../etc/passwd'),
      ],
      [
        'a path through .. inside',
        e => (gitPhase(e.spec).source.path = 'env/../../x.yaml'),
      ],
      ['an absolute path', e => (gitPhase(e.spec).source.path = '/etc/passwd')],
      ['a path into .git', e => (gitPhase(e.spec).source.path = '.git/config')],
      [
        'a path with a NUL byte',
        e => (gitPhase(e.spec).source.path = 'env/a\u0000.yaml'),
      ],
      ['a path of a folder', e => (gitPhase(e.spec).source.path = 'env/')],
      [
        'a branch that git takes for an option',
        e => (gitPhase(e.spec).source.branch = '--upload-pack=touch'),
      ],
      [
        'a branch with ..',
        e => (gitPhase(e.spec).source.branch = 'main..other'),
      ],
      [
        'a branch with a space',
        e => (gitPhase(e.spec).source.branch = 'ma in'),
      ],
      [
        'a repository that git takes for an option',
        e => (gitPhase(e.spec).source.repository = '-oProxyCommand=touch'),
      ],
      [
        'an ssh repository with an option for a host',
        e =>
          (gitPhase(e.spec).source.repository = 'ssh://-oProxyCommand=touch/x'),
      ],
      [
        'an ext:: transport',
        e =>
          (gitPhase(e.spec).source.repository = 'ext::sh -c touch% /tmp/pwned'),
      ],
      [
        'a repository with credentials',
        e =>
          (gitPhase(e.spec).source.repository = host
            .url('steady')
            .replace('http://', 'http://user:secret@')),
      ],
      [
        'a repository outside the write scopes',
        e =>
          (gitPhase(e.spec).source.repository =
            'https://github.com/someone-else/gitops'),
      ],
      [
        'a path outside the write scopes',
        e => (gitPhase(e.spec).source.path = 'prod/version.yaml'),
      ],
      [
        'a branch outside the write scopes',
        e => (gitPhase(e.spec).source.branch = 'release'),
      ],
      [
        'a promotion from a missing phase',
        e => (gitPhase(e.spec).promotion.from = 'qa'),
      ],
      [
        'a promotion from itself',
        e => (gitPhase(e.spec).promotion.from = 'staging'),
      ],
      ['a cycle', e => (e.spec.phases[0].promotion = { from: 'staging' })],
      [
        'an unknown strategy',
        e => (gitPhase(e.spec).promotion.strategy = 'rebase'),
      ],
      [
        'auto that is not a boolean',
        e => (gitPhase(e.spec).promotion.auto = 'yes'),
      ],
      [
        'a promotion into an api phase',
        e => {
          e.spec.phases[0].promotion = { from: 'staging' };
          delete gitPhase(e.spec).promotion;
        },
      ],
      [
        'an unknown gate',
        e => (gitPhase(e.spec).promotion.gates = [{ prayer: true }]),
      ],
      [
        'a soak that is no duration',
        e => (gitPhase(e.spec).promotion.gates = [{ soak: 'a while' }]),
      ],
      [
        'a window that is no window',
        e =>
          (gitPhase(e.spec).promotion.gates = [
            { window: { days: ['someday'] } },
          ]),
      ],
      [
        'approvals that are no count',
        e => (gitPhase(e.spec).promotion.gates = [{ approvals: -2 }]),
      ],
      [
        'checks without a pull request',
        e => (gitPhase(e.spec).promotion.gates = [{ checks: ['build'] }]),
      ],
      [
        'pull-request options on a commit',
        e => (gitPhase(e.spec).promotion.pullRequest = { labels: ['x'] }),
      ],
      [
        'an interval that is no duration',
        e => (gitPhase(e.spec).source.interval = 'often'),
      ],
      [
        'an oci source without a repository',
        e => (e.spec.phases[0].source = { type: 'oci', tag: 'latest' }),
      ],
      [
        'an oci source with tag and semver',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            tag: 'x',
            semver: '^1',
          }),
      ],
      [
        'an oci semver that is no range',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            semver: 'newest',
          }),
      ],
      [
        'an oci pattern that is no expression',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            pattern: '([',
          }),
      ],
      [
        'a helm source without a chart',
        e =>
          (e.spec.phases[0].source = {
            type: 'helm',
            repository: 'https://charts.example.com',
          }),
      ],
      [
        'a title of 50,000 characters',
        e => (e.metadata.title = 't'.repeat(50_000)),
      ],
      [
        'a description of 50,000 characters',
        e => (e.metadata.description = 'd'.repeat(50_000)),
      ],
      [
        'a phase title of 5,000 characters',
        e => (gitPhase(e.spec).title = 'p'.repeat(5000)),
      ],
      [
        'components that are no refs',
        e => (e.spec.components = ['not a ref!']),
      ],
    ];
    const statuses = new Tally();
    const unclear: string[] = [];
    for (const [what, breakIt] of cases) {
      const entity = good();
      breakIt(entity);
      const answer = await call(
        statuses,
        `${b.url}/api/catalog/validate-entity`,
        {
          token: OPERATOR_TOKEN,
          body: {
            location: `url:${host.url('steady')}/catalog-info.yaml`,
            entity,
          },
        },
      );
      tally.record(answer.status);
      const messages = String(
        JSON.stringify(answer.body?.errors ?? answer.body),
      );
      if (
        answer.status !== 400 ||
        !/spec|metadata|phases|Invalid/.test(messages)
      ) {
        unclear.push(`${what}: ${answer.status} ${messages.slice(0, 300)}`);
      }
    }
    expect(unclear).toEqual([]);
    expect(statuses.count(s => s >= 500)).toBe(0);
    figure(
      'malformed definitions',
      `${
        cases.length
      } refused by the catalog with a message that names the field: ${statuses.summary()}`,
    );
  });

  it('malformed requests get a 4xx that says what to fix, never 5xx, and no replica crashes', async () => {
    const [a, b] = replicas;
    const base = '/api/glu/pipelines/default/svc-0';
    const history = await call(
      tally,
      `${a.url}${base}/phases/staging/history`,
      {
        token: OPERATOR_TOKEN,
      },
    );
    const entry = history.body.items[0].id;
    const other = (
      await call(
        tally,
        `${a.url}/api/glu/pipelines/default/svc-1/phases/staging/history`,
        {
          token: OPERATOR_TOKEN,
        },
      )
    ).body.items[0].id;
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    type Case = [
      string,
      string,
      string,
      unknown?,
      { raw?: string; token?: string; headers?: Record<string, string> }?,
    ];
    const cases: Case[] = [
      [
        'promote: no body',
        'POST',
        `${base}/promotions`,
        undefined,
        { raw: '', headers: { 'content-type': 'application/json' } },
      ],
      [
        'promote: broken JSON',
        'POST',
        `${base}/promotions`,
        undefined,
        { raw: '{"phase":', headers: { 'content-type': 'application/json' } },
      ],
      [
        'promote: JSON that is a list',
        'POST',
        `${base}/promotions`,
        ['staging'],
      ],
      ['promote: no phase', 'POST', `${base}/promotions`, {}],
      ['promote: phase a number', 'POST', `${base}/promotions`, { phase: 7 }],
      [
        'promote: an unknown field',
        'POST',
        `${base}/promotions`,
        { phase: 'staging', force: true },
      ],
      [
        'promote: dryRun a string',
        'POST',
        `${base}/promotions`,
        { phase: 'staging', dryRun: 'yes' },
      ],
      [
        'promote: an unknown phase',
        'POST',
        `${base}/promotions`,
        { phase: 'qa' },
      ],
      [
        'promote: a phase with a path in it',
        'POST',
        `${base}/promotions`,
        { phase: '../../etc/passwd' },
      ],
      [
        'promote: into a phase nothing promotes into',
        'POST',
        `${base}/promotions`,
        { phase: 'build' },
      ],
      [
        'promote: from a phase it does not promote from',
        'POST',
        `${base}/promotions`,
        { phase: 'staging', from: 'qa' },
      ],
      [
        'promote: a phase of a megabyte',
        'POST',
        `${base}/promotions`,
        { phase: 'p'.repeat(1_000_000) },
      ],
      [
        'promote: an unknown pipeline',
        'POST',
        '/api/glu/pipelines/default/nope/promotions',
        { phase: 'staging' },
      ],
      [
        'promote: a pipeline name with dots',
        'POST',
        '/api/glu/pipelines/default/..%2F..%2Fetc/promotions',
        { phase: 'staging' },
      ],
      [
        'promote: an unknown namespace',
        'POST',
        '/api/glu/pipelines/elsewhere/svc-0/promotions',
        { phase: 'staging' },
      ],
      [
        'promote: text, not JSON',
        'POST',
        `${base}/promotions`,
        undefined,
        { raw: 'phase=staging', headers: { 'content-type': 'text/plain' } },
      ],
      ['view: an unknown pipeline', 'GET', '/api/glu/pipelines/default/nope'],
      [
        'view: a name of 2,000 characters',
        'GET',
        `/api/glu/pipelines/default/${'n'.repeat(2000)}`,
      ],
      ['list: limit -1', 'GET', '/api/glu/pipelines?limit=-1'],
      ['list: limit 0', 'GET', '/api/glu/pipelines?limit=0'],
      [
        'list: limit of a billion',
        'GET',
        '/api/glu/pipelines?limit=1000000000',
      ],
      ['list: limit not a number', 'GET', '/api/glu/pipelines?limit=many'],
      ['list: a cursor of garbage', 'GET', '/api/glu/pipelines?cursor=%%%'],
      ['list: an owner with a NUL byte', 'GET', '/api/glu/pipelines?owner=%00'],
      [
        'list: a component with a NUL byte',
        'GET',
        '/api/glu/pipelines?component=group%00',
      ],
      [
        'list: 150 owners',
        'GET',
        `/api/glu/pipelines?${Array.from(
          { length: 150 },
          (_, i) => `owner=group:default/t${i}`,
        ).join('&')}`,
      ],
      [
        'view: a name with a NUL byte',
        'GET',
        '/api/glu/pipelines/default/svc%00',
      ],
      [
        'history: a phase with a NUL byte',
        'GET',
        `${base}/phases/sta%00ging/history`,
      ],
      ['history: an unknown phase', 'GET', `${base}/phases/qa/history`],
      [
        'history: a cursor of garbage',
        'GET',
        `${base}/phases/staging/history?cursor=${'x'.repeat(30)}`,
      ],
      [
        'history: a cursor past 2^53',
        'GET',
        `${base}/phases/staging/history?cursor=${b64('99999999999999999999')}`,
      ],
      [
        'history: a cursor of NaN',
        'GET',
        `${base}/phases/staging/history?cursor=${b64('NaN')}`,
      ],
      [
        'history: a cursor of 3,000 characters',
        'GET',
        `${base}/phases/staging/history?cursor=${'a'.repeat(3000)}`,
      ],
      [
        'history: limit 5000',
        'GET',
        `${base}/phases/staging/history?limit=5000`,
      ],
      ['diff: no ids', 'GET', `${base}/phases/staging/diff`],
      [
        'diff: an id of NaN',
        'GET',
        `${base}/phases/staging/diff?from=${entry}&to=NaN`,
      ],
      [
        'diff: an id past 2^53',
        'GET',
        `${base}/phases/staging/diff?from=${entry}&to=99999999999999999999`,
      ],
      [
        'diff: an entry of another pipeline',
        'GET',
        `${base}/phases/staging/diff?from=${entry}&to=${other}`,
      ],
      [
        'promotions: a cursor of SQL',
        'GET',
        `${base}/promotions?cursor=${b64("'; drop table glu_history; --")}`,
      ],
      ['promotion: an unknown id', 'GET', '/api/glu/promotions/nope'],
      [
        'rollback: no history id',
        'POST',
        `${base}/phases/staging/rollback`,
        {},
      ],
      [
        'rollback: a history id of NaN',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: 'NaN' },
      ],
      [
        'rollback: a history id past 2^53',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: '99999999999999999999999' },
      ],
      [
        'rollback: a history id that is a number',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: 1 },
      ],
      [
        'rollback: an entry of another pipeline',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: other },
      ],
      [
        'rollback: an entry that does not exist',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: '999999999' },
      ],
      [
        'rollback: a pin without a reason',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: entry, pin: {} },
      ],
      ['pin: no reason', 'POST', `${base}/phases/staging/pin`, {}],
      [
        'pin: an empty reason',
        'POST',
        `${base}/phases/staging/pin`,
        { reason: '' },
      ],
      [
        'pin: a reason of 5,000 characters',
        'POST',
        `${base}/phases/staging/pin`,
        { reason: 'r'.repeat(5000) },
      ],
      [
        'pin: an unknown phase',
        'POST',
        `${base}/phases/qa/pin`,
        { reason: 'freeze' },
      ],
      ['approve: by a service', 'POST', `${base}/phases/staging/approvals`, {}],
      [
        'publish: a version of 300 characters',
        'POST',
        `${base}/phases/build/versions`,
        { version: 'v'.repeat(300) },
        { token: CI_TOKEN },
      ],
      [
        'publish: an empty version',
        'POST',
        `${base}/phases/build/versions`,
        { version: '' },
        { token: CI_TOKEN },
      ],
      [
        'publish: nothing to publish',
        'POST',
        `${base}/phases/build/versions`,
        {},
        { token: CI_TOKEN },
      ],
      [
        'publish: a field of 300 characters',
        'POST',
        `${base}/phases/build/versions`,
        { fields: { tag: 't'.repeat(300) } },
        { token: CI_TOKEN },
      ],
      [
        'publish: 100 fields',
        'POST',
        `${base}/phases/build/versions`,
        {
          fields: Object.fromEntries(
            Array.from({ length: 100 }, (_, i) => [`f${i}`, 'x']),
          ),
        },
        { token: CI_TOKEN },
      ],
      [
        'publish: a field that is no string',
        'POST',
        `${base}/phases/build/versions`,
        { fields: { tag: 1 } },
        { token: CI_TOKEN },
      ],
      [
        'publish: to a phase that reads from Git',
        'POST',
        `${base}/phases/staging/versions`,
        { version: '1.0.0' },
        { token: CI_TOKEN },
      ],
      [
        'publish: to an unknown phase',
        'POST',
        `${base}/phases/qa/versions`,
        { version: '1.0.0' },
        { token: CI_TOKEN },
      ],
      [
        'refresh: an unknown pipeline',
        'POST',
        '/api/glu/pipelines/default/nope/refresh',
      ],
      ['an unknown route', 'GET', '/api/glu/nothing-here'],
      [
        'a method that the route has not',
        'PATCH',
        `${base}/promotions`,
        { phase: 'staging' },
      ],
      [
        'a body of 5 MB',
        'POST',
        `${base}/promotions`,
        undefined,
        {
          raw: JSON.stringify({ phase: 'staging', pad: 'x'.repeat(5_000_000) }),
          headers: { 'content-type': 'application/json' },
        },
      ],
    ];
    const statuses = new Tally();
    const wrong: string[] = [];
    for (const [i, [what, method, route, body, options]] of cases.entries()) {
      const replica = replicas[i % 2];
      const answer = await call(statuses, `${replica.url}${route}`, {
        method,
        token: options?.token ?? OPERATOR_TOKEN,
        ...(body !== undefined ? { body } : {}),
        ...(options?.raw !== undefined ? { raw: options.raw } : {}),
        headers: options?.headers,
      });
      tally.record(answer.status);
      const message = answer.body?.error?.message;
      // Backstage answers routes that do not exist with a bare 404.
      const noRoute = answer.status === 404 && what.includes('route');
      if (
        answer.status < 400 ||
        answer.status >= 500 ||
        (!message && !noRoute)
      ) {
        wrong.push(
          `${what}: ${answer.status} ${String(
            JSON.stringify(answer.body),
          ).slice(0, 300)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    // Still up, both of them.
    for (const replica of [a, b]) {
      expect((await call(tally, `${replica.url}/api/glu/health`)).status).toBe(
        200,
      );
      expect(replica.running).toBe(true);
    }
    figure(
      'malformed requests',
      `${
        cases.length
      } answered with a 4xx and a message: ${statuses.summary()}; 0 crashes`,
    );
  });

  it('forged webhooks are never accepted', async () => {
    const push = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'f'.repeat(40),
      repository: {
        clone_url: host.url('steady'),
        html_url: host.url('steady'),
      },
    });
    const sign = (body: string, secret: string) =>
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const forged: Array<[string, string, Record<string, string>, string]> = [];
    for (let i = 0; i < 10; i++) {
      forged.push(
        ['github: no signature', 'github', { 'x-github-event': 'push' }, push],
        [
          'github: signed with another secret',
          'github',
          {
            'x-github-event': 'push',
            'x-hub-signature-256': sign(push, `guess-${i}`),
          },
          push,
        ],
        [
          'github: a signature of another body',
          'github',
          {
            'x-github-event': 'push',
            'x-hub-signature-256': sign(`${push} `, WEBHOOK_SECRET),
          },
          push,
        ],
        [
          'registry: no token',
          'glu-registry',
          {},
          JSON.stringify({ events: [] }),
        ],
        [
          'registry: a wrong token',
          'glu-registry',
          { authorization: `Bearer guess-${i}` },
          JSON.stringify({ events: [] }),
        ],
      );
    }
    const statuses = new Tally();
    for (const [i, [, topic, headers, body]] of forged.entries()) {
      const answer = await call(
        statuses,
        `${replicas[i % 2].url}/api/events/http/${topic}`,
        {
          raw: body,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
        },
      );
      tally.record(answer.status);
    }
    expect(statuses.count(s => s < 400)).toBe(0);
    expect(statuses.count(s => s >= 500)).toBe(0);
    // A rightly signed one is taken, so the refusals above were for the forgery.
    const genuine = await call(
      statuses,
      `${replicas[0].url}/api/events/http/github`,
      {
        raw: push,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': sign(push, WEBHOOK_SECRET),
        },
      },
    );
    expect(genuine.status).toBeLessThan(300);
    figure(
      'forged webhooks',
      `${
        forged.length
      } forged (GitHub and registry), 0 accepted: ${statuses.summary()} (the last one genuine)`,
    );
  });

  it('answered every request of the suite without a 500', () => {
    expect(tally.serverErrors).toBe(0);
  });
});
