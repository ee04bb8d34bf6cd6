/*
 * The reliability suite, remote faults: Git hosts that hang, die in the
 * middle of a push, die after taking it, refuse it; a host that accepts
 * connections and never says a word, for Git and for a registry. Every
 * operation ends at its deadline, and nothing else waits for it.
 */
import { eventually } from './harness/client';
import { OWNER, pipeline } from './harness/entities';
import { Blackhole } from './harness/servers';
import {
  GIT_TIMEOUT_SECONDS,
  HTTP_TIMEOUT_SECONDS,
  REFRESH_SECONDS,
  useSuite,
} from './harness/suite';

const FILE = 'env/version.yaml';
const REPOSITORIES = ['hangs', 'dies', 'refuses', 'steady'];
/**
 * A promotion's answer, and whether it had come yet: what happens
 * meanwhile is told apart from what waited for it by order, not by time.
 */
function watched<T>(answer: Promise<T>) {
  let settled = false;
  const watching = answer.finally(() => {
    settled = true;
  });
  return { answer: watching, settled: () => settled };
}

describe('reliability: remote faults', () => {
  /** A registry that never answers. */
  let registry: Blackhole;
  /** The Git host's `silent` repository, reached through a proxy that falls silent. */
  let proxy: Blackhole;
  afterAll(async () => {
    await registry?.close();
    await proxy?.close();
  });

  const suite = useSuite({
    name: 'git-faults',
    repositories: Object.fromEntries(
      [...REPOSITORIES, 'silent'].map(name => [
        name,
        { [FILE]: 'version: 1.0.0\n', 'env/other.yaml': 'version: 1.0.0\n' },
      ]),
    ),
    prepare: async ({ host }) => {
      registry = await Blackhole.start();
      proxy = await Blackhole.start({ forward: host.port });
    },
    entities: ({ host }) => [
      ...REPOSITORIES.map(name => pipeline(name, host.url(name), FILE)),
      pipeline(
        'silent',
        host.url('silent').replace(`127.0.0.1:${host.port}`, proxy.host),
        FILE,
      ),
      pipeline('registry-silent', host.url('steady'), 'env/other.yaml', {
        upstream: {
          type: 'oci',
          repository: `${registry.host}/suite/app`,
          tag: 'latest',
        },
      }),
    ],
    config: () => ({
      glu: {
        writeScopes: [
          {
            repository: '*',
            branches: ['main'],
            paths: ['env/**'],
            owners: [OWNER],
          },
        ],
        registries: [{ host: registry.host, insecure: true }],
      },
    }),
    ready: [...REPOSITORIES, 'silent'],
  });

  /** How long a person's commit to `steady` takes to be seen. */
  async function steadyMeanwhile(version: string): Promise<number> {
    const [a] = suite.replicas;
    const committed = Date.now();
    suite.host.commit('steady', { [FILE]: `version: ${version}\n` }, 'By hand');
    await eventually('the steady pipeline to see the commit', async () =>
      (await suite.phase(a, 'steady'))?.state?.version === version
        ? true
        : undefined,
    );
    return Date.now() - committed;
  }

  it('a Git host that hangs: the promotion fails at its deadline, other pipelines keep refreshing, the next one succeeds', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    expect((await suite.publish(a, 'hangs', '2.0.0')).status).toBe(200);
    const head = host.head('hangs');
    host.fault('hangs', 'hang');
    try {
      const started = Date.now();
      const pending = watched(
        suite.promote(b, 'hangs', { dependencyDown: true }),
      );
      const seenIn = await steadyMeanwhile('1.0.1');
      // Another pipeline refreshed while the hung promotion still waited.
      expect(pending.settled()).toBe(false);
      const answer = await pending.answer;
      const failedIn = Date.now() - started;
      expect(answer.status).toBe(503);
      // Stopped by its deadline, not by anything sooner.
      expect(answer.body.error.message).toContain(
        `within ${GIT_TIMEOUT_SECONDS}s and was stopped`,
      );
      expect(failedIn).toBeGreaterThanOrEqual(GIT_TIMEOUT_SECONDS * 1000);
      expect((await suite.promotions(b, 'hangs'))[0]).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('was stopped'),
      });
      expect(host.head('hangs')).toBe(head);
      suite.figure(
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
    const again = await suite.promote(a, 'hangs');
    expect([again.status, again.body.status]).toEqual([200, 'succeeded']);
    expect(host.commitsOf('hangs', FILE)).toHaveLength(2);
  });

  it('a host that accepts the connection and never says a word: the promotion fails at its deadline, other pipelines keep refreshing', async () => {
    const [a, b] = suite.replicas;
    expect((await suite.publish(a, 'silent', '2.0.0')).status).toBe(200);
    const head = suite.host.head('silent');
    proxy.silence();
    const started = Date.now();
    const pending = watched(
      suite.promote(b, 'silent', { dependencyDown: true }),
    );
    const seenIn = await steadyMeanwhile('1.0.2');
    expect(pending.settled()).toBe(false);
    const answer = await pending.answer;
    const failedIn = Date.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toContain(
      `within ${GIT_TIMEOUT_SECONDS}s and was stopped`,
    );
    expect(failedIn).toBeGreaterThanOrEqual(GIT_TIMEOUT_SECONDS * 1000);
    // It was the silent host that held it, not a refusal to connect.
    expect(proxy.swallowed).toBeGreaterThan(0);
    expect((await suite.promotions(b, 'silent'))[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('was stopped'),
    });
    expect(suite.host.head('silent')).toBe(head);
    suite.figure(
      'silent TCP host (Git)',
      `promotion answered 503 after ${(failedIn / 1000).toFixed(
        1,
      )} s (deadline ${GIT_TIMEOUT_SECONDS} s); another pipeline saw a hand commit in ${(
        seenIn / 1000
      ).toFixed(1)} s meanwhile`,
    );
  });

  it('a registry that accepts the connection and never says a word: its phase says so at the HTTP deadline', async () => {
    const [a] = suite.replicas;
    const build = await eventually(
      'the registry phase to fail its refresh',
      async () => {
        const phase = await suite.phase(a, 'registry-silent', 'build');
        return phase?.refreshError ? phase : undefined;
      },
      (HTTP_TIMEOUT_SECONDS + REFRESH_SECONDS) * 1000 + 30_000,
    );
    expect(build.refreshError).toContain(
      `did not answer within ${HTTP_TIMEOUT_SECONDS}s`,
    );
    expect(build.state).toBeUndefined();
    suite.figure(
      'silent TCP host (registry)',
      `the phase's refresh error: "${build.refreshError}"`,
    );
  });

  it('a Git host that dies in the middle of a push: 503, no partial commit, the next promotion succeeds', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    expect((await suite.publish(a, 'dies', '2.0.0')).status).toBe(200);
    const head = host.head('dies');
    host.fault('dies', 'die-mid-push');
    let answer;
    try {
      answer = await suite.promote(a, 'dies', { dependencyDown: true });
    } finally {
      host.fault('dies', undefined);
    }
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toContain('Could not push');
    expect(host.head('dies')).toBe(head);
    expect(host.read('dies', FILE)).toBe('version: 1.0.0\n');
    expect((await suite.promotions(a, 'dies'))[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('Could not push'),
    });
    const again = await suite.promote(b, 'dies');
    expect([again.status, again.body.status]).toEqual([200, 'succeeded']);
    expect(host.commitsOf('dies', FILE)).toHaveLength(2);
    suite.figure(
      'Git host dying mid-push',
      `503 "${answer.body.error.message.slice(
        0,
        50,
      )}…", branch unchanged, next promotion succeeded with one commit`,
    );
  });

  it('a Git host that takes the push and dies before answering: the promotion is known to have landed', async () => {
    const { host, replicas } = suite;
    const [a] = replicas;
    expect((await suite.publish(a, 'dies', '3.0.0')).status).toBe(200);
    host.fault('dies', 'die-after-push');
    let answer;
    try {
      answer = await suite.promote(a, 'dies');
    } finally {
      host.fault('dies', undefined);
    }
    expect([answer.status, answer.body.status]).toEqual([200, 'succeeded']);
    expect(host.read('dies', FILE)).toBe('version: 3.0.0\n');
    expect(answer.body.commitSha).toBe(host.head('dies'));
    expect(host.commitsOf('dies', FILE)).toHaveLength(3);
    const again = await suite.promote(a, 'dies');
    expect([again.status, again.body.status]).toEqual([200, 'up-to-date']);
    suite.figure(
      'Git host dying after the push',
      'the push landed though its answer never came: the remote was asked, the promotion recorded as succeeded with its commit, once',
    );
  });

  it('a Git host that refuses the push: 409 with what it said, tried once, the next promotion succeeds', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    expect((await suite.publish(a, 'refuses', '2.0.0')).status).toBe(200);
    const head = host.head('refuses');
    const pushes = host.pushes.get('refuses') ?? 0;
    host.refuse('refuses', 'protected branch: main needs a review');
    let answer;
    try {
      answer = await suite.promote(b, 'refuses');
    } finally {
      host.refuse('refuses', undefined);
    }
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain(
      'protected branch: main needs a review',
    );
    expect((host.pushes.get('refuses') ?? 0) - pushes).toBe(1);
    expect(host.head('refuses')).toBe(head);
    const again = await suite.promote(a, 'refuses');
    expect([again.status, again.body.status]).toEqual([200, 'succeeded']);
    suite.figure(
      'Git host refusing',
      `409 with the remote's message after 1 push attempt, branch unchanged, next promotion succeeded`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
