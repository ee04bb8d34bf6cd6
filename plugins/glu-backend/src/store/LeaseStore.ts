import { Knex } from 'knex';
import { Batcher, BatcherOptions } from '../batcher';
import { chunks, toDate } from './rows';

/** Leases: work that one holder at a time may do, across replicas. */
export interface LeaseStore {
  /** Takes a lease if it is free or expired; true when this holder has it. */
  tryAcquireLease(
    name: string,
    holder: string,
    ttlMillis: number,
  ): Promise<boolean>;
  /**
   * Who holds these leases, and until when (epoch milliseconds), read in
   * one statement: one moment's view of all of them. Leases no one holds
   * are left out.
   */
  getLeases(
    names: string[],
  ): Promise<Map<string, { holder: string; expiresAt: number }>>;
  renewLease(name: string, holder: string, ttlMillis: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

/** Leases in `glu_leases`. */
export class KnexLeaseStore implements LeaseStore {
  constructor(private readonly db: Knex, batching: BatcherOptions = {}) {
    this.leaseTakes = new Batcher<
      { name: string; holder: string; ttlMillis: number },
      boolean
    >(async asks => {
      const taken = asks.map(() => false);
      let rest = asks.map((ask, index) => ({ ...ask, index }));
      while (rest.length > 0) {
        const names = new Set<string>();
        const now: typeof rest = [];
        const later: typeof rest = [];
        for (const ask of rest) {
          (names.has(ask.name) ? later : now).push(ask);
          names.add(ask.name);
        }
        // Rows are locked in the order of their names, whichever statement
        // takes them: two statements never wait on each other in a circle.
        now.sort((a, b) => (a.name < b.name ? -1 : Number(a.name > b.name)));
        for (const chunk of chunks(now, 200)) {
          const at = new Date();
          const rows: Array<{ name: string; holder: string }> = await this.db(
            'glu_leases',
          )
            .insert(
              chunk.map(ask => ({
                name: ask.name,
                holder: ask.holder,
                expires_at: new Date(at.getTime() + ask.ttlMillis),
              })),
            )
            .onConflict('name')
            .merge(['holder', 'expires_at'])
            .where(q =>
              q
                .where('glu_leases.holder', this.db.ref('excluded.holder'))
                .orWhere('glu_leases.expires_at', '<', at),
            )
            .returning(['name', 'holder']);
          const holders = new Map(rows.map(row => [row.name, row.holder]));
          for (const ask of chunk) {
            taken[ask.index] = holders.get(ask.name) === ask.holder;
          }
        }
        rest = later;
      }
      return taken;
    }, batching);
  }

  /** Takes a lease if it is free or expired; true when this holder has it. */
  async tryAcquireLease(
    name: string,
    holder: string,
    ttlMillis: number,
  ): Promise<boolean> {
    return this.leaseTakes.add({ name, holder, ttlMillis });
  }

  /**
   * The leases asked for at the same moment, in one statement each time no
   * lease is asked for twice: as if asked one after another, in the order
   * asked. A lease is taken when free, expired, or held by the holder
   * already.
   */
  private readonly leaseTakes: Batcher<
    { name: string; holder: string; ttlMillis: number },
    boolean
  >;

  /** Who holds a lease, and until when (epoch milliseconds). */
  async getLeases(
    names: string[],
  ): Promise<Map<string, { holder: string; expiresAt: number }>> {
    const rows = await this.db('glu_leases').whereIn('name', names);
    return new Map(
      rows.map(row => [
        row.name,
        { holder: row.holder, expiresAt: toDate(row.expires_at)!.getTime() },
      ]),
    );
  }

  async renewLease(name: string, holder: string, ttlMillis: number) {
    const updated = await this.db('glu_leases')
      .where({ name, holder })
      .update({ expires_at: new Date(Date.now() + ttlMillis) });
    return updated === 1;
  }

  async releaseLease(name: string, holder: string) {
    // One lease a statement: a statement that deleted several would lock
    // them in an order of the database's choosing, and could wait in a
    // circle with one that takes several.
    await this.db('glu_leases').where({ name, holder }).delete();
  }
}
