import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createGluStore } from '../store/GluStore';
import { leaseOfPhase, Leases } from './Leases';
import { PromotionRecords } from './PromotionRecords';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const draft = {
  pipelineRef: 'pipeline:default/checkout',
  from: 'staging',
  to: 'production',
  kind: 'promotion' as const,
  strategy: 'commit' as const,
  triggeredBy: 'user:default/alice',
  trigger: 'manual' as const,
};

describe.each(databases.eachSupportedId())(
  'the lifecycle of a promotion record on %p',
  databaseId => {
    async function setup(
      options: { ttlMillis?: number; waitMillis?: number } = {},
    ) {
      const store = await createGluStore({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      const leases = new Leases(store, {
        ttlMillis: options.ttlMillis ?? 60_000,
        waitMillis: options.waitMillis ?? 60_000,
      });
      const records = new PromotionRecords({
        store,
        logger: mockServices.logger.mock(),
        leases,
      });
      return { store, leases, records };
    }

    it('moves only forward: an ended record is never reopened by a late step', async () => {
      const { records } = await setup();
      const record = await records.create({ ...draft, status: 'pending' });
      expect((await records.move(record.id, 'running')).status).toBe('running');
      const done = await records.move(record.id, 'succeeded', {
        commitSha: 'abc',
      });
      expect(done).toMatchObject({ status: 'succeeded', commitSha: 'abc' });
      expect(done.finishedAt).toBeDefined();
      // A failure that arrives late, or a second start, changes nothing.
      expect((await records.fail(record.id, new Error('late'))).status).toBe(
        'succeeded',
      );
      expect((await records.move(record.id, 'running')).status).toBe(
        'succeeded',
      );
    });

    it('ends a running record whose lease is no longer its holder’s, and leaves a held one alone', async () => {
      const { store, leases, records } = await setup({ ttlMillis: 300 });
      const lease = leaseOfPhase(draft.pipelineRef, draft.to);

      // A replica took the lease, started, and stopped: its lease runs out.
      const gone = leases.newHolder();
      expect(await store.leases.tryAcquireLease(lease, gone, 300)).toBe(true);
      const abandoned = await records.create(
        { ...draft, status: 'pending' },
        gone,
      );
      await records.move(abandoned.id, 'running');
      expect(await records.endAbandoned()).toEqual([]);
      await new Promise(resolve => setTimeout(resolve, 400));

      // Another one works under the lease now, renewing it as it goes.
      const alive = leases.newHolder();
      const held = await records.create({ ...draft, status: 'pending' }, alive);
      await leases.withLease(
        lease,
        async () => {
          await records.move(held.id, 'running');
          const ended = await records.endAbandoned();
          expect(ended.map(r => r.id)).toEqual([abandoned.id]);
          expect(ended[0]).toMatchObject({
            status: 'failed',
            error: 'abandoned: the replica holding it stopped working on it',
          });
          expect((await records.get(held.id))?.status).toBe('running');
        },
        { holder: alive },
      );
    });

    it('keeps a pending record while its holder claims to wait for the lease, and ends it once the claim runs out', async () => {
      const { leases, records } = await setup({ ttlMillis: 300 });
      // A replica claimed its wait, created its record, and stopped.
      const waiter = leases.newHolder();
      await leases.claimWait(waiter);
      const waiting = await records.create(
        { ...draft, status: 'pending' },
        waiter,
      );
      // A record whose holder never claimed to wait is nobody's.
      const orphan = await records.create(
        { ...draft, status: 'pending' },
        'a-replica-that-stopped',
      );
      expect((await records.endAbandoned()).map(r => r.id)).toEqual([
        orphan.id,
      ]);
      await new Promise(resolve => setTimeout(resolve, 400));
      expect((await records.endAbandoned()).map(r => r.id)).toEqual([
        waiting.id,
      ]);
    });

    it('keeps a pending record whose holder takes the lease while it is looked at', async () => {
      const { store, leases, records } = await setup();
      const lease = leaseOfPhase(draft.pipelineRef, draft.to);
      const waiter = leases.newHolder();
      await leases.claimWait(waiter);
      const waiting = await records.create(
        { ...draft, status: 'pending' },
        waiter,
      );
      // Right after the first read of the leases, the waiter takes the
      // lease and gives up its wait, as withLease does.
      const reads = store.leases;
      let moved = false;
      store.leases = new Proxy(reads, {
        get(target, key) {
          const value = Reflect.get(target, key, target);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const result = await value.apply(target, args);
            if (String(key).startsWith('get') && !moved) {
              moved = true;
              await reads.tryAcquireLease(lease, waiter, 60_000);
              await leases.releaseWait(waiter);
            }
            return result;
          };
        },
      });
      expect(await records.endAbandoned()).toEqual([]);
      expect(moved).toBe(true);
      expect((await records.get(waiting.id))?.status).toBe('pending');
    });

    it('ends a pending record as soon as its holder stops waiting for the lease', async () => {
      const { store, leases, records } = await setup({ waitMillis: 200 });
      const lease = leaseOfPhase(draft.pipelineRef, draft.to);
      expect(
        await store.leases.tryAcquireLease(lease, 'another-write', 60_000),
      ).toBe(true);
      const waiter = leases.newHolder();
      await leases.claimWait(waiter);
      const waiting = await records.create(
        { ...draft, status: 'pending' },
        waiter,
      );
      // Its request ends without ending the record (here: it waited too long).
      await expect(
        leases.withLease(lease, async () => 'written', { holder: waiter }),
      ).rejects.toThrow(`Timed out waiting for ${lease}`);
      expect((await records.endAbandoned()).map(r => r.id)).toEqual([
        waiting.id,
      ]);
    });

    it('tells the holder when its lease is lost', async () => {
      const { store, leases } = await setup({ ttlMillis: 1000 });
      const lease = leaseOfPhase(draft.pipelineRef, 'staging');
      const signal = await leases.withLease(lease, async held => {
        // Someone takes the lease away (it expired while this one stalled).
        await store.leases.releaseLease(lease, held.holder);
        await store.leases.tryAcquireLease(lease, 'someone-else', 60_000);
        await new Promise(resolve => setTimeout(resolve, 1500));
        return held.signal;
      });
      expect(signal.aborted).toBe(true);
      expect(String(signal.reason)).toContain(`The lease ${lease} was lost`);
    });
  },
);
