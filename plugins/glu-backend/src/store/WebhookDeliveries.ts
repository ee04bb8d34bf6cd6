import { Knex } from 'knex';

/** Rows a statement records at most (SQLite binds at most 999 values). */
const KEYS_PER_STATEMENT = 200;

/**
 * The webhook deliveries received, by host and key (the host's delivery id,
 * or a digest of what it signed), so that a delivery is acted on once
 * within a window, whichever replica receives it.
 */
export class WebhookDeliveries {
  constructor(private readonly db: Knex) {}

  /**
   * Records that deliveries were received `at`, and answers the keys that
   * were not received after `since`: never, or only up to it. A key is
   * taken by the table's unique key, never by reading first: of replicas
   * that record the same key at once, exactly one is answered it.
   */
  async receive(
    host: string,
    keys: string[],
    at: Date,
    since: Date,
  ): Promise<Set<string>> {
    // In one order, whichever statement takes them: two statements never
    // wait on each other in a circle.
    const sorted = [...new Set(keys)].sort();
    const received = new Set<string>();
    for (let i = 0; i < sorted.length; i += KEYS_PER_STATEMENT) {
      const rows: Array<{ delivery_key: string }> = await this.db(
        'glu_webhook_deliveries',
      )
        .insert(
          sorted
            .slice(i, i + KEYS_PER_STATEMENT)
            .map(key => ({ host, delivery_key: key, received_at: at })),
        )
        .onConflict(['host', 'delivery_key'])
        .merge(['received_at'])
        .where('glu_webhook_deliveries.received_at', '<=', since)
        .returning('delivery_key');
      rows.forEach(row => received.add(row.delivery_key));
    }
    return received;
  }

  /** Forgets the deliveries received up to `until`; answers how many. */
  async prune(until: Date): Promise<number> {
    return this.db('glu_webhook_deliveries')
      .where('received_at', '<=', until)
      .delete();
  }
}
