/*
 * The reliability suite, concurrency: many promotions at once, split across
 * two replicas (processes of their own) on one real PostgreSQL, into files
 * that share Git repositories served by `git http-backend` on loopback.
 *
 * Every file of the suite runs with `yarn test:reliability` in this package
 * (the last step of `npm test`), and needs a PostgreSQL server named by
 * BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING.
 */
import { pipeline } from './harness/entities';
import { useSuite } from './harness/suite';

const SERVICES = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
/** Each service's file, in one of two shared repositories. */
const repositoryOf = (i: number) => (i < 5 ? 'shared-a' : 'shared-b');
const fileOf = (name: string) => `env/${name}/version.yaml`;

const filesOf = (repository: string) =>
  Object.fromEntries(
    SERVICES.filter((_, i) => repositoryOf(i) === repository).map(name => [
      fileOf(name),
      'version: 1.0.0\n',
    ]),
  );

describe('reliability: concurrency', () => {
  const suite = useSuite({
    name: 'concurrency',
    repositories: {
      'shared-a': filesOf('shared-a'),
      'shared-b': filesOf('shared-b'),
    },
    entities: ({ host }) =>
      SERVICES.map((name, i) =>
        pipeline(name, host.url(repositoryOf(i)), fileOf(name)),
      ),
    ready: SERVICES,
  });

  it('200 concurrent promotions over 10 phases, split across both replicas, make exactly one commit per change', async () => {
    const { host, replicas } = suite;
    const rounds = ['1.1.0', '1.2.0'];
    const outcomes = new Map<string, number>();
    const commitsBefore = ['shared-a', 'shared-b'].map(r => host.commits(r));
    let slowest = 0;
    for (const [round, version] of rounds.entries()) {
      const published = await Promise.all(
        SERVICES.map((name, i) =>
          suite.publish(replicas[i % 2], name, version),
        ),
      );
      expect(published.map(p => p.status)).toEqual(SERVICES.map(() => 200));
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const name = SERVICES[i % SERVICES.length];
          return suite
            .promote(replicas[Math.floor(i / 10) % 2], name)
            .then(a => ({ name, ...a }));
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
        // The seed, and one commit per round.
        expect([
          name,
          host.commitsOf(repositoryOf(i), fileOf(name)).length,
        ]).toEqual([name, round + 2]);
        expect(host.read(repositoryOf(i), fileOf(name))).toBe(
          `version: ${version}\n`,
        );
      }
    }
    const commits = ['shared-a', 'shared-b']
      .map((r, i) => host.commits(r) - commitsBefore[i])
      .reduce((a, b) => a + b);
    // Both replicas see the same thing.
    const shape = (v: any) => ({
      phases: v.phases.map((p: any) => [
        p.name,
        p.state?.version,
        p.state?.digest,
      ]),
      edges: v.edges.map((e: any) => [e.from, e.to, e.status]),
    });
    for (const name of SERVICES) {
      const [a, b] = await Promise.all(replicas.map(r => suite.view(r, name)));
      expect(shape(a)).toEqual(shape(b));
      expect(shape(a).edges).toEqual([['build', 'staging', 'up-to-date']]);
    }
    const records = (
      await Promise.all(
        SERVICES.map(name => suite.promotions(replicas[0], name)),
      )
    ).flat();
    expect(
      records.filter(r => ['pending', 'running'].includes(r.status)),
    ).toEqual([]);
    suite.figure(
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

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
