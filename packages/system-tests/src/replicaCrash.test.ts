/*
 * The reliability suite, replicas that die: kill -9 of a replica while it
 * holds a promotion. The other replica carries on within the lease time
 * plus a refresh, and the killed one comes back to the same state.
 */
import { eventually } from './harness/client';
import { pipeline } from './harness/entities';
import { Replica } from './harness/replicas';
import { LEASE_SECONDS, REFRESH_SECONDS, useSuite } from './harness/suite';

const FILE = 'env/version.yaml';

describe('reliability: replicas that die', () => {
  const suite = useSuite({
    name: 'replica-crash',
    repositories: { crash: { [FILE]: 'version: 1.0.0\n' } },
    entities: ({ host }) => [
      pipeline('crash', host.url('crash'), FILE, { auto: true }),
    ],
    ready: ['crash'],
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
      // refresh, which the scheduler would hold for its own time limit.
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
          error: 'abandoned: the replica holding it stopped',
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

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
