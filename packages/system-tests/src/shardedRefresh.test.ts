/*
 * The reliability suite, a refresh split into parts (glu.refreshShards):
 * kill -9 of the replica in the middle of its part. The other replica goes
 * on with every part, takes the killed one's part over once its task's
 * timeout (the interval plus the lease) and the scheduler's look for lost
 * tasks have passed, and the killed replica comes back.
 */
import { eventually } from './harness/client';
import { pipeline } from './harness/entities';
import { Replica } from './harness/replicas';
import { LEASE_SECONDS, REFRESH_SECONDS, useSuite } from './harness/suite';

const FILE = 'env/version.yaml';
/** How often Backstage's scheduler frees the tasks of replicas that died. */
const SCHEDULER_JANITOR_SECONDS = 60;
const SHARDS = 2;
const REPOSITORIES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];

describe('reliability: a refresh in parts', () => {
  const suite = useSuite({
    name: 'sharded-refresh',
    repositories: Object.fromEntries(
      REPOSITORIES.map(name => [name, { [FILE]: 'version: 1.0.0\n' }]),
    ),
    entities: ({ host }) =>
      REPOSITORIES.map(name => pipeline(name, host.url(name), FILE)),
    ready: REPOSITORIES,
    config: () => ({ glu: { refreshShards: SHARDS } }),
  });

  /** The parts' scheduler tasks, with the ticket of a run under way. */
  async function parts(): Promise<
    Array<{ id: string; ticket: string | null }>
  > {
    const rows = await suite
      .database('glu')('backstage_backend_tasks__tasks')
      .where('id', 'like', `%glu-refresh-%-of-${SHARDS}`)
      .orderBy('id');
    return rows.map(row => ({ id: row.id, ticket: row.current_run_ticket }));
  }

  it('kill -9 of a replica in the middle of its part: the other runs every part, the killed one once its task is freed', async () => {
    const { host, replicas } = suite;
    expect((await parts()).map(part => part.id)).toHaveLength(SHARDS);
    // The scheduled fetch of r0 waits, so that its part is known to be
    // under way on the replica whose git asks.
    const hold = host.hold('r0', 'upload-pack');
    let victim: Replica | undefined;
    let held: Array<{ id: string; ticket: string | null }> = [];
    try {
      const request = await hold.arrived();
      // Killed between the other parts' runs (they take a moment every
      // interval), so that it is killed in the held part alone, as a rule.
      // The other parts' runs may start again before the kill: what is
      // asserted holds either way, the figure says how many were under way.
      await eventually('the other parts to be between runs', async () =>
        (await parts()).filter(part => part.ticket).length === 1
          ? true
          : undefined,
      );
      held = (await parts()).filter(part => part.ticket);
      victim = replicas.find(r => r.ownsConnectionFrom(request.remotePort));
      expect(victim).toBeDefined();
      await victim!.kill();
    } finally {
      host.unhold('r0', 'upload-pack');
    }
    const killed = Date.now();
    const survivor = replicas.find(r => r !== victim)!;
    // The part that was killed had not ended: nobody released its task.
    expect(held.length).toBeGreaterThan(0);

    // A person's commit in every repository: the survivor sees each one
    // through the scheduled refresh of the part it is in.
    for (const name of REPOSITORIES) {
      host.commit(name, { [FILE]: 'version: 1.0.1\n' }, 'By hand');
    }
    const seenIn = new Map<string, number>();
    const bound =
      (LEASE_SECONDS + 2 * REFRESH_SECONDS + SCHEDULER_JANITOR_SECONDS + 5) *
      1000;
    let restartedIn = 0;
    try {
      await eventually(
        'the surviving replica to see every commit by its scheduled refresh',
        async () => {
          for (const name of REPOSITORIES) {
            if (seenIn.has(name)) continue;
            if ((await suite.phase(survivor, name))?.state?.version === '1.0.1')
              seenIn.set(name, Date.now() - killed);
          }
          return seenIn.size === REPOSITORIES.length ? true : undefined;
        },
        bound,
      );
    } finally {
      if (victim) {
        const started = Date.now();
        await victim.start();
        restartedIn = Date.now() - started;
      }
    }
    // The held repository's part was taken over within its timeout.
    expect(seenIn.get('r0')).toBeLessThan(bound);
    // The killed replica refreshes again.
    host.commit('r0', { [FILE]: 'version: 1.0.2\n' }, 'By hand');
    await eventually(`${victim!.name} to see r0 again`, async () =>
      (await suite.phase(victim!, 'r0'))?.state?.version === '1.0.2'
        ? true
        : undefined,
    );
    const times = [...seenIn.values()].sort((a, b) => a - b);
    suite.figure(
      'killed in its part',
      `${SHARDS} parts, ${
        held.length
      } under way at the kill; the survivor saw commits ${(
        times[0] / 1000
      ).toFixed(1)}–${(times[times.length - 1] / 1000).toFixed(
        1,
      )} s after the kill (the held repository's in ${(
        seenIn.get('r0')! / 1000
      ).toFixed(
        1,
      )} s; its part's timeout ${LEASE_SECONDS} s lease + ${REFRESH_SECONDS} s interval, and the scheduler's look for lost tasks every ${SCHEDULER_JANITOR_SECONDS} s); the killed replica restarted in ${(
        restartedIn / 1000
      ).toFixed(1)} s and refreshes again`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
