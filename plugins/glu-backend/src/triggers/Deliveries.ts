import { LoggerService } from '@backstage/backend-plugin-api';
import { GluWebhookDelivery } from '@glu-dev/plugin-glu-node';
import { WebhookDeliveries } from '../store/WebhookDeliveries';

/** The longest key a delivery is remembered by (the column's size). */
const MAX_KEY_LENGTH = 255;

/** A registry notification's event, known by its `id`. */
export function registryDeliveryOf(id: unknown): GluWebhookDelivery {
  return typeof id === 'string' && id !== ''
    ? { id, keys: [id] }
    : { keys: [] };
}

/**
 * The deliveries of webhooks received within the replay window
 * (`glu.webhooks.replayWindow`), in the database that the replicas share: a
 * delivery is acted on once, whichever replica receives it, however often it
 * is sent within the window; sent again after it, it is acted on again.
 */
export class Deliveries {
  constructor(
    private readonly deps: {
      store: WebhookDeliveries;
      logger: LoggerService;
      windowMillis: number;
      /** What time it is; the system's clock by default. */
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Which of these deliveries from one host (GitHub, GitLab, a registry's
   * host) are received for the first time within the window: those to act
   * on. A replay is logged as a warning; a delivery without an id is acted
   * on, and logged at debug (hosts always send one).
   */
  async firstReceived(
    host: string,
    given: GluWebhookDelivery[],
    what: string,
  ): Promise<boolean[]> {
    // A key longer than the column holds identifies nothing here.
    const deliveries = given.map(({ id, keys }) => ({
      id,
      keys: keys.filter(key => key !== '' && key.length <= MAX_KEY_LENGTH),
    }));
    const at = this.now();
    const received = await this.deps.store.receive(
      host,
      deliveries.flatMap(d => d.keys),
      at,
      new Date(at.getTime() - this.deps.windowMillis),
    );
    // A key given twice at once (an event twice in one notification) is
    // received once.
    const taken = new Set<string>();
    return deliveries.map(delivery => {
      if (delivery.id === undefined) {
        this.deps.logger.debug(
          `A ${host} ${what} without a delivery id is acted on (${host} always sends one)`,
        );
      }
      if (delivery.keys.every(key => received.has(key) && !taken.has(key))) {
        delivery.keys.forEach(key => taken.add(key));
        return true;
      }
      this.deps.logger.warn(
        `Ignored a replayed ${host} ${what}, delivery ${
          delivery.id ?? 'without an id'
        }: it was received before, within the replay window`,
      );
      return false;
    });
  }

  /** Forgets the deliveries received before the window; answers how many. */
  async forgetOld(): Promise<number> {
    return this.deps.store.prune(
      new Date(this.now().getTime() - this.deps.windowMillis),
    );
  }
}
