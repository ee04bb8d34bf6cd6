import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Leases } from '../records/Leases';
import { createGluStore } from './GluStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('leases on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    return createGluStore({
      database: mockServices.database({ knex }),
    });
  }

  it('gives a lease to one holder at a time, and frees it when its holder died', async () => {
    const store = await createStore();
    expect(
      await store.leases.tryAcquireLease('phase:x', 'crashed-replica', 200),
    ).toBe(true);
    expect(
      await store.leases.tryAcquireLease('phase:x', 'other-replica', 200),
    ).toBe(false);
    // The holder never releases it: it crashed. The lease runs out.
    const leases = new Leases(store, { ttlMillis: 200, waitMillis: 10_000 });
    const started = Date.now();
    await expect(leases.withLease('phase:x', async () => 'done')).resolves.toBe(
      'done',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    // Released after the work: free for the next one at once.
    expect(await store.leases.tryAcquireLease('phase:x', 'next', 200)).toBe(
      true,
    );
  });

  it('answers leases asked for at the same moment as if asked one after another, and releases a lease only for its holder', async () => {
    const store = await createStore();
    expect(
      await store.leases.tryAcquireLease('phase:held', 'other', 60_000),
    ).toBe(true);
    // Asked together (one statement each time no lease is asked twice):
    // free ones are taken, a held one is not, a lease asked by two holders
    // goes to the first, and a holder asking again for its own keeps it.
    const asked = await Promise.all([
      store.leases.tryAcquireLease('phase:a', 'one', 60_000),
      store.leases.tryAcquireLease('phase:b', 'two', 60_000),
      store.leases.tryAcquireLease('phase:held', 'three', 60_000),
      store.leases.tryAcquireLease('phase:a', 'four', 60_000),
      store.leases.tryAcquireLease('phase:held', 'other', 60_000),
      store.leases.tryAcquireLease('phase:b', 'two', 60_000),
    ]);
    expect(asked).toEqual([true, true, false, false, true, true]);
    const holders = async () =>
      Object.fromEntries(
        [
          ...(
            await store.leases.getLeases(['phase:a', 'phase:b', 'phase:held'])
          ).entries(),
        ].map(([name, lease]) => [name, lease.holder]),
      );
    expect(await holders()).toEqual({
      'phase:a': 'one',
      'phase:b': 'two',
      'phase:held': 'other',
    });
    // A release by one who does not hold it changes nothing.
    await Promise.all([
      store.leases.releaseLease('phase:a', 'one'),
      store.leases.releaseLease('phase:b', 'two'),
      store.leases.releaseLease('phase:held', 'three'),
    ]);
    expect(await holders()).toEqual({ 'phase:held': 'other' });
  });
});
