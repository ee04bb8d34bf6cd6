/*
 * The reliability suite, the database: PostgreSQL (a server of the file's
 * own) stopped in the middle of promotions, while their pushes are on their
 * way, and started again. Each promotion ends once, nothing is lost, no
 * change is committed twice, and both replicas serve again without being
 * restarted.
 */
import { eventually } from './harness/client';
import { pipeline } from './harness/entities';
import { Replica } from './harness/replicas';
import { LEASE_SECONDS, REFRESH_SECONDS, useSuite } from './harness/suite';

const NAMES = Array.from({ length: 6 }, (_, i) => `db-${i}`);
const repositoryOf = (i: number) => (i < 3 ? 'db-a' : 'db-b');
const fileOf = (name: string) => `env/${name}/version.yaml`;
const filesOf = (repository: string) =>
  Object.fromEntries(
    NAMES.filter((_, i) => repositoryOf(i) === repository).map(name => [
      fileOf(name),
      'version: 1.0.0\n',
    ]),
  );
const FINAL = ['succeeded', 'failed', 'up-to-date', 'superseded'];

describe('reliability: the database', () => {
  const suite = useSuite({
    name: 'database',
    database: 'own',
    repositories: { 'db-a': filesOf('db-a'), 'db-b': filesOf('db-b') },
    entities: ({ host }) =>
      NAMES.map((name, i) =>
        pipeline(name, host.url(repositoryOf(i)), fileOf(name)),
      ),
    ready: NAMES,
  });

  const healthy = async (replica: Replica) =>
    (
      await suite.call(`${replica.url}/api/glu/health`, {
        dependencyDown: true,
        timeoutMillis: 5_000,
      })
    ).status === 200;

  /** What the promotions asked during the outage answered. */
  let answered: Array<{ name: string; status: number; body: any }> = [];

  it('PostgreSQL stopped and started again while promotions push: both replicas serve again, without a restart', async () => {
    const { host, replicas, postgres } = suite;
    const [a, b] = replicas;
    for (const name of NAMES) {
      expect((await suite.publish(a, name, '2.0.0')).status).toBe(200);
    }
    const holds = ['db-a', 'db-b'].map(r => host.hold(r, 'receive-pack'));
    // Two requests for each promotion, one to each replica; a 503 is right
    // while the database is down.
    const answers = NAMES.flatMap(name =>
      [a, b].map(replica =>
        suite
          .promote(replica, name, { dependencyDown: true })
          .then(answer => ({ name, ...answer })),
      ),
    );
    // Their pushes are on their way: the database stops under them. Each
    // phase's write is under way (its record running), the first push of
    // each repository held; on a busy machine some writes start later than
    // others, and one stopped before it began would never push.
    await Promise.all(holds.map(hold => hold.arrived()));
    await eventually('every promotion to write', async () => {
      const lists = await Promise.all(
        NAMES.map(name => suite.promotions(a, name)),
      );
      return lists.every(list => list.some((r: any) => r.status === 'running'))
        ? true
        : undefined;
    });
    const stopped = Date.now();
    await postgres!.pause();
    for (const repository of ['db-a', 'db-b']) {
      host.unhold(repository, 'receive-pack');
    }
    // The pushes land while the database is down.
    await eventually('the held pushes to land', async () =>
      NAMES.every(
        (name, i) =>
          host.read(repositoryOf(i), fileOf(name)) === 'version: 2.0.0\n',
      )
        ? true
        : undefined,
    );
    const down = Date.now() - stopped;
    await postgres!.resume();
    const restarted = Date.now();
    answered = await Promise.all(answers);
    for (const replica of replicas) {
      await eventually(
        `${replica.name} to answer its health check`,
        async () => ((await healthy(replica)) ? true : undefined),
        120_000,
      );
      // In the process it ran in.
      expect(replica.running).toBe(true);
    }
    const outcomes = answered.map(x =>
      x.status === 200 ? x.body.status : `${x.status}`,
    );
    suite.figure(
      'PostgreSQL restarted',
      `${
        answered.length
      } promotion requests (6 phases × both replicas) over a database stopped for ${(
        down / 1000
      ).toFixed(1)} s while their pushes landed: ${[...new Set(outcomes)]
        .map(o => `${outcomes.filter(x => x === o).length} ${o}`)
        .join(', ')}; both replicas healthy ${(
        (Date.now() - restarted) /
        1000
      ).toFixed(1)} s after the restart`,
    );
  });

  /** Waits for a condition of every phase at once; answers those it never met. */
  async function unmet(
    what: string,
    check: (name: string) => Promise<string | undefined>,
    timeoutMillis: number,
  ): Promise<string[]> {
    let problems: string[] = [];
    try {
      await eventually(
        what,
        async () => {
          problems = (await Promise.all(NAMES.map(check))).filter(
            (p): p is string => p !== undefined,
          );
          return problems.length === 0 ? true : undefined;
        },
        timeoutMillis,
      );
    } catch {
      // What was still unmet at the deadline, below.
    }
    return problems;
  }

  it('each promotion asked during the outage ends once, and none that was answered is lost', async () => {
    const [a] = suite.replicas;
    const records = new Map<string, any[]>();
    const unended = await unmet(
      'every promotion to end',
      async name => {
        const list = await suite.promotions(a, name);
        records.set(name, list);
        const open = list.filter(r => !FINAL.includes(r.status));
        return open.length
          ? `${name}: ${open.map(r => `${r.id} still ${r.status}`).join(', ')}`
          : undefined;
      },
      (LEASE_SECONDS + 60) * 1000,
    );
    for (const name of NAMES) {
      const list = records.get(name) ?? [];
      for (const answer of answered.filter(
        x => x.name === name && x.status === 200,
      )) {
        expect(list.map(r => r.id)).toContain(answer.body.id);
      }
      expect(
        list.filter(
          r => r.status === 'succeeded' && r.after?.version === '2.0.0',
        ).length,
      ).toBeLessThanOrEqual(1);
    }
    expect(unended).toEqual([]);
  });

  it('no change is committed twice, and both replicas see what Git holds', async () => {
    const { host, replicas } = suite;
    for (const [i, name] of NAMES.entries()) {
      // The seed, and the promotion.
      expect([
        name,
        host.commitsOf(repositoryOf(i), fileOf(name)).length,
      ]).toEqual([name, 2]);
    }
    const stale = await unmet(
      'both replicas to see every phase at 2.0.0',
      async name => {
        const versions = await Promise.all(
          replicas.map(async r => (await suite.phase(r, name))?.state?.version),
        );
        return versions.every(v => v === '2.0.0')
          ? undefined
          : `${name}: ${versions.join(' and ')}`;
      },
      (LEASE_SECONDS + 2 * REFRESH_SECONDS + 60) * 1000,
    );
    expect(stale).toEqual([]);
  });

  it('the next round of promotions goes as usual, on both replicas', async () => {
    const { host, replicas } = suite;
    const wrong: string[] = [];
    for (const [i, name] of NAMES.entries()) {
      expect((await suite.publish(replicas[i % 2], name, '3.0.0')).status).toBe(
        200,
      );
      const next = await suite.promote(replicas[(i + 1) % 2], name);
      if (next.status !== 200 || next.body.status !== 'succeeded') {
        wrong.push(
          `${name}: ${next.status} ${
            next.body.status ?? next.body.error?.message
          }`,
        );
      }
    }
    expect(wrong).toEqual([]);
    for (const [i, name] of NAMES.entries()) {
      expect(host.commitsOf(repositoryOf(i), fileOf(name))).toHaveLength(3);
    }
  });

  it('a promotion asked while the database is down answers 503, never 500', () => {
    expect(
      answered
        .filter(x => !(x.status === 200 || x.status === 503))
        .map(x => `${x.name}: ${x.status} ${x.body?.error?.message}`),
    ).toEqual([]);
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
