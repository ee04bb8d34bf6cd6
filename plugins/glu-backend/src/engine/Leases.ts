import { randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '@backstage/errors';
import { DatabaseGluStore } from '../store/DatabaseGluStore';

const TTL_MILLIS = 60_000;

function sleep(millis: number) {
  return new Promise(resolve => setTimeout(resolve, millis));
}

/**
 * Serializes work on one thing (a phase) across every replica that shares the
 * database. A lease is renewed while its holder works, and expires when the
 * holder dies, so a crash blocks nobody for longer than the TTL.
 */
export class Leases {
  private readonly holder = `replica-${randomUUID()}`;

  constructor(
    private readonly store: DatabaseGluStore,
    private readonly options: { ttlMillis?: number; waitMillis?: number } = {},
  ) {}

  /** Runs work under the lease if it is free now; undefined when it is not. */
  async tryWithLease<T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ result: T } | undefined> {
    const ttl = this.options.ttlMillis ?? TTL_MILLIS;
    const holder = `${this.holder}-${randomUUID()}`;
    if (!(await this.store.tryAcquireLease(name, holder, ttl))) {
      return undefined;
    }
    try {
      return { result: await work() };
    } finally {
      await this.store.releaseLease(name, holder);
    }
  }

  async withLease<T>(name: string, work: () => Promise<T>): Promise<T> {
    const ttl = this.options.ttlMillis ?? TTL_MILLIS;
    const deadline = Date.now() + (this.options.waitMillis ?? 5 * 60_000);
    // Several callers in this replica queue for the same lease in turn.
    const holder = `${this.holder}-${randomUUID()}`;
    for (
      let delay = 25;
      !(await this.store.tryAcquireLease(name, holder, ttl));
      delay = Math.min(delay * 2, 500)
    ) {
      if (Date.now() > deadline) {
        throw new ServiceUnavailableError(
          `Timed out waiting for ${name}, which another promotion holds`,
        );
      }
      await sleep(delay);
    }
    const renew = setInterval(() => {
      void this.store.renewLease(name, holder, ttl);
    }, Math.max(ttl / 3, 1000));
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.store.releaseLease(name, holder);
    }
  }
}
