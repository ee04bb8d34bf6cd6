/*
 * The reliability suite, replicas that die: kill -9 of a replica while it
 * holds a promotion, and while it runs the scheduled refresh. The other
 * replica carries on, within the lease time plus a refresh (and the
 * scheduler's own look for lost tasks), and the killed one comes back to
 * the same state.
 */
import { eventually } from './harness/client';
import { pipeline } from './harness/entities';
import { Replica } from './harness/replicas';
import { LEASE_SECONDS, REFRESH_SECONDS, useSuite } from './harness/suite';

const FILE = 'env/version.yaml';
/** How often Backstage's scheduler frees the tasks of replicas that died. */
const SCHEDULER_JANITOR_SECONDS = 60;

describe('reliability: replicas that die', () => {
  const suite = useSuite({
    name: 'replica-crash',
    repositories: Object.fromEntries(
      ['crash', 'held', 'steady'].map(name => [
        name,
        { [FILE]: 'version: 1.0.0\n' },
      ]),
    ),
    entities: ({ host }) => [
      pipeline('crash', host.url('crash'), FILE, { auto: true }),
      pipeline('held', host.url('held'), FILE),
      pipeline('steady', host.url('steady'), FILE),
    ],
    ready: ['crash', 'held', 'steady'],
  });

  /** The scheduled refresh's run under way, by its ticket, if any. */
  async function refreshTicket(): Promise<string | undefined> {
    const [row] = await suite
      .database('glu')('backstage_backend_tasks__tasks')
      .where('id', 'like', '%glu-refresh')
      .whereNotNull('current_run_ticket');
    return row?.current_run_ticket;
  }

  /** Starts a killed replica again; answers how long it took. */
  async function restart(replica: Replica): Promise<number> {
    const started = Date.now();
    await replica.start();
    return Date.now() - started;
  }

  it('kill -9 of a replica holding a promotion: the other promotes the phase within the lease time plus one refresh', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    // Pushes to this repository wait until the replica is gone.
    host.fault('crash', 'hang-push');
    try {
      // Published through the replica that is about to die: its automatic
      // promotion starts there and hangs in the push.
      expect((await suite.publish(a, 'crash', '3.0.0')).status).toBe(200);
      await eventually('the promotion to run on the first replica', async () =>
        (await suite.promotions(b, 'crash')).find(r => r.status === 'running'),
      );
      // Killed while it holds the phase, not while it runs the scheduled
      // refresh (the next scenario).
      await eventually('no refresh to be under way', async () =>
        (await refreshTicket()) ? undefined : true,
      );
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
          const state = (await suite.phase(b, 'crash'))?.state;
          return state?.version === '3.0.0' ? state : undefined;
        },
        (LEASE_SECONDS + REFRESH_SECONDS) * 1000 + 30_000,
      );
      recoveredIn = Date.now() - killed;
      expect(staging.version).toBe('3.0.0');
      expect(recoveredIn).toBeLessThan(
        (LEASE_SECONDS + REFRESH_SECONDS + 3) * 1000,
      );
      const records = await suite.promotions(b, 'crash');
      expect(
        records.filter(r => ['pending', 'running'].includes(r.status)),
      ).toEqual([]);
      expect(records).toContainEqual(
        expect.objectContaining({
          status: 'failed',
          error: 'abandoned: the replica holding it stopped working on it',
        }),
      );
      // One write brought it, automatically; any other attempt found it done.
      expect(
        records
          .filter(r => r.status === 'succeeded')
          .map(r => [r.trigger, r.after?.version]),
      ).toEqual([['auto', '3.0.0']]);
      expect(host.commitsOf('crash', FILE)).toHaveLength(2);
    } finally {
      // Back again (and the file goes on with both, whatever happened).
      restartedIn = await restart(a);
    }
    // It sees what the other did: nothing under way, the same state.
    expect((await suite.phase(a, 'crash')).state.version).toBe('3.0.0');
    expect(
      (await suite.promotions(a, 'crash')).filter(r =>
        ['pending', 'running'].includes(r.status),
      ),
    ).toEqual([]);
    suite.figure(
      'killed holding a promotion',
      `the other replica ended the abandoned record and promoted the phase ${(
        recoveredIn / 1000
      ).toFixed(
        1,
      )} s after the kill (lease ${LEASE_SECONDS} s + refresh ${REFRESH_SECONDS} s); restarted in ${(
        restartedIn / 1000
      ).toFixed(1)} s with the same state`,
    );
  });

  it('kill -9 of the replica while it runs the scheduled refresh: the other refreshes and promotes again, the killed one comes back', async () => {
    const { host, replicas } = suite;
    // The scheduled refresh's fetch of this repository waits, so that the
    // replica is known to be in the middle of it: the one whose git asks.
    const hold = host.hold('held', 'upload-pack');
    let victim: Replica | undefined;
    let ticket: string | undefined;
    try {
      const request = await hold.arrived();
      ticket = await refreshTicket();
      victim = replicas.find(r => r.ownsConnectionFrom(request.remotePort));
      expect(victim).toBeDefined();
      await victim!.kill();
    } finally {
      host.unhold('held', 'upload-pack');
    }
    const killed = Date.now();
    const survivor = replicas.find(r => r !== victim)!;
    // The run that was killed had not ended: nobody released its task.
    expect(ticket).toBeDefined();
    expect(await refreshTicket()).toBe(ticket);

    let seenIn = 0;
    let promotedIn = 0;
    let restartedIn = 0;
    try {
      // A person's commit is seen by the scheduled refresh of the survivor...
      host.commit('steady', { [FILE]: 'version: 1.0.1\n' }, 'By hand');
      const bound =
        (LEASE_SECONDS + 2 * REFRESH_SECONDS + SCHEDULER_JANITOR_SECONDS + 5) *
        1000;
      await eventually(
        'the surviving replica to see a commit by its scheduled refresh',
        async () =>
          (await suite.phase(survivor, 'steady'))?.state?.version === '1.0.1'
            ? true
            : undefined,
        bound,
      );
      seenIn = Date.now() - killed;
      // ...and an automatic promotion follows a publish, as before.
      expect((await suite.publish(survivor, 'crash', '4.0.0')).status).toBe(
        200,
      );
      const published = Date.now();
      await eventually(
        'the surviving replica to promote automatically',
        async () =>
          (await suite.phase(survivor, 'crash'))?.state?.version === '4.0.0'
            ? true
            : undefined,
        (LEASE_SECONDS + 2 * REFRESH_SECONDS) * 1000 + 15_000,
      );
      promotedIn = Date.now() - published;
      expect(host.commitsOf('crash', FILE)).toHaveLength(3);
    } finally {
      if (victim) restartedIn = await restart(victim);
    }
    // The held repository is refreshed again, on either replica.
    host.commit('held', { [FILE]: 'version: 1.0.1\n' }, 'By hand');
    for (const replica of replicas) {
      await eventually(
        `${replica.name} to see the held repository again`,
        async () =>
          (await suite.phase(replica, 'held'))?.state?.version === '1.0.1'
            ? true
            : undefined,
      );
    }
    suite.figure(
      'killed in the scheduled refresh',
      `the survivor saw a hand commit ${(seenIn / 1000).toFixed(
        1,
      )} s after the kill, then promoted a publish automatically in ${(
        promotedIn / 1000
      ).toFixed(1)} s; the killed replica restarted in ${(
        restartedIn / 1000
      ).toFixed(1)} s and refreshes again`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
