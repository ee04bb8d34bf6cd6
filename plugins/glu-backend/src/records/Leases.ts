import { randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '@backstage/errors';
import { GluStore } from '../store/GluStore';

const TTL_MILLIS = 60_000;
const WAIT_MILLIS = 5 * 60_000;

function sleep(millis: number) {
  return new Promise(resolve => setTimeout(resolve, millis));
}

/** The lease that serializes every write into one phase, across replicas. */
export function leaseOfPhase(pipelineRef: string, phase: string): string {
  return `phase:${pipelineRef}/${phase}`;
}

/**
 * The claim of a holder that waits for a lease, renewed while it waits: what
 * keeps its record alive until it holds the lease (or stops waiting).
 */
function waitOf(holder: string): string {
  return `wait:${holder}`;
}

/** A lease while it is held. */
export interface HeldLease {
  name: string;
  holder: string;
  /** Aborted when the lease is lost: it could not be renewed in time. */
  signal: AbortSignal;
}

/**
 * Serializes work on one thing (a phase) across every replica that shares the
 * database. A lease is renewed while its holder works, and expires when the
 * holder dies, so a crash blocks nobody for longer than the TTL. A holder that
 * cannot renew in time is told through the lease's signal, and must not go on
 * as if it still held it.
 */
export class Leases {
  private readonly replica = `replica-${randomUUID()}`;

  constructor(
    private readonly store: Pick<GluStore, 'leases'>,
    private readonly options: { ttlMillis?: number; waitMillis?: number } = {},
  ) {}

  get ttlMillis(): number {
    return this.options.ttlMillis ?? TTL_MILLIS;
  }

  /** How long `withLease` waits for a lease that another holds. */
  get waitMillis(): number {
    return this.options.waitMillis ?? WAIT_MILLIS;
  }

  /** A new holder of this replica: one per piece of work. */
  newHolder(): string {
    return `${this.replica}-${randomUUID()}`;
  }

  /**
   * Takes the lease for this holder if it is free now; `withLease` with the
   * same holder then goes on at once. Whoever takes it releases it (or lets
   * `withLease` do so).
   */
  async tryAcquire(name: string, holder: string): Promise<boolean> {
    return this.store.leases.tryAcquireLease(name, holder, this.ttlMillis);
  }

  async release(name: string, holder: string): Promise<void> {
    await this.store.leases.releaseLease(name, holder);
  }

  /** Runs work under the lease if it is free now; undefined when it is not. */
  async tryWithLease<T>(
    name: string,
    work: (lease: HeldLease) => Promise<T>,
  ): Promise<{ result: T } | undefined> {
    const holder = this.newHolder();
    if (
      !(await this.store.leases.tryAcquireLease(name, holder, this.ttlMillis))
    ) {
      return undefined;
    }
    return { result: await this.hold(name, holder, work) };
  }

  /** Waits for the lease (up to `waitMillis`), then runs work under it. */
  async withLease<T>(
    name: string,
    work: (lease: HeldLease) => Promise<T>,
    options: {
      holder?: string;
      /** The holder took it already (`tryAcquire`). */
      held?: boolean;
    } = {},
  ): Promise<T> {
    const holder = options.holder ?? this.newHolder();
    if (!(options.held && options.holder)) {
      await this.waitFor(name, holder);
    }
    return this.hold(name, holder, work);
  }

  /**
   * Whether a holder holds this lease, or waits for it, now: a record under
   * way is alive exactly while its holder does either.
   */
  async covers(name: string, holder: string): Promise<boolean> {
    // Both in one read: a waiter takes the lease and then gives up its
    // wait, and two reads could fall on either side of that, seeing neither.
    const now = Date.now();
    const leases = await this.store.leases.getLeases([name, waitOf(holder)]);
    return [...leases.values()].some(
      held => held.holder === holder && held.expiresAt > now,
    );
  }

  /**
   * Claims that this holder waits for a lease, before its record says so:
   * `withLease` renews the claim while it waits, and releases it.
   */
  async claimWait(holder: string): Promise<void> {
    await this.store.leases.tryAcquireLease(
      waitOf(holder),
      holder,
      this.ttlMillis,
    );
  }

  /** Gives up a claim to wait that no wait followed. */
  async releaseWait(holder: string): Promise<void> {
    await this.store.leases.releaseLease(waitOf(holder), holder);
  }

  /** Takes the lease once it is free, up to `waitMillis`, renewing the claim. */
  private async waitFor(name: string, holder: string): Promise<void> {
    const ttl = this.ttlMillis;
    const deadline = Date.now() + this.waitMillis;
    let renewedAt = Date.now();
    try {
      // Several callers in this replica queue for the same lease in turn.
      for (
        let delay = 25;
        !(await this.store.leases.tryAcquireLease(name, holder, ttl));
        delay = Math.min(delay * 2, 500)
      ) {
        if (Date.now() > deadline) {
          throw new ServiceUnavailableError(
            `Timed out waiting for ${name}, which another promotion holds`,
          );
        }
        if (Date.now() - renewedAt >= ttl / 3) {
          if (
            !(await this.store.leases.renewLease(waitOf(holder), holder, ttl))
          ) {
            await this.claimWait(holder);
          }
          renewedAt = Date.now();
        }
        await sleep(delay);
      }
    } finally {
      await this.releaseWait(holder).catch(() => undefined);
    }
  }

  private async hold<T>(
    name: string,
    holder: string,
    work: (lease: HeldLease) => Promise<T>,
  ): Promise<T> {
    const ttl = this.ttlMillis;
    const lost = new AbortController();
    let renewedAt = Date.now();
    const renew = setInterval(() => {
      this.store.leases
        .renewLease(name, holder, ttl)
        .then(renewed => {
          if (renewed) renewedAt = Date.now();
          else lost.abort(new Error(`The lease ${name} was lost`));
        })
        .catch(() => {
          // The database did not answer: the lease holds until it expires.
          if (Date.now() - renewedAt >= ttl) {
            lost.abort(new Error(`The lease ${name} expired`));
          }
        });
    }, Math.max(ttl / 3, 1000));
    try {
      return await work({ name, holder, signal: lost.signal });
    } finally {
      clearInterval(renew);
      await this.store.leases.releaseLease(name, holder);
    }
  }
}
