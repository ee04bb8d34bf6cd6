import { LoggerService } from '@backstage/backend-plugin-api';
import { EventParams } from '@backstage/plugin-events-node';
import { createHash } from 'node:crypto';
import { WebhookDeliveries } from '../store/WebhookDeliveries';

/** The hosts whose webhooks Glu answers, as Glu names them. */
export type GitHost = 'GitHub' | 'GitLab';

/** The longest key a delivery is remembered by (the column's size). */
const MAX_KEY_LENGTH = 255;

/** One delivery of a webhook: the keys it is remembered by, its id for the log. */
export interface Delivery {
  /** The host's delivery id, when it sent one. */
  id?: string;
  /** What identifies it; none, and it is acted on whatever came before. */
  keys: string[];
}

/**
 * A header of the request that an event came in: the events backend hands
 * the request's headers on as the event's metadata (names in lower case).
 */
function headerOf(params: EventParams, name: string): string | undefined {
  const value = params.metadata?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * What a GitHub or GitLab delivery is known by. GitHub's `X-GitHub-Delivery`
 * stays the same when a delivery is sent again; GitHub signs the payload and
 * not the headers, so a replay could carry another id: the payload's digest
 * is a key too (distinct events differ in their payloads, timestamps
 * included). GitLab's `Idempotency-Key` stays the same across retries; older
 * GitLab sends `X-Gitlab-Webhook-UUID`, one per request. Its
 * `X-Gitlab-Event-UUID` is no key: the webhooks that one request sets off
 * share it (the push hooks of a push of several branches).
 */
export function deliveryOf(host: GitHost, params: EventParams): Delivery {
  const id =
    host === 'GitHub'
      ? headerOf(params, 'x-github-delivery')
      : headerOf(params, 'idempotency-key') ??
        headerOf(params, 'x-gitlab-webhook-uuid');
  const keys = id && id.length <= MAX_KEY_LENGTH ? [id] : [];
  if (host === 'GitHub') {
    const digest = createHash('sha256')
      .update(JSON.stringify(params.eventPayload ?? null))
      .digest('hex');
    keys.push(`sha256:${digest}`);
  }
  return { id, keys };
}

/** A registry notification's event, known by its `id`. */
export function registryDeliveryOf(id: unknown): Delivery {
  return typeof id === 'string' && id !== '' && id.length <= MAX_KEY_LENGTH
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
    deliveries: Delivery[],
    what: string,
  ): Promise<boolean[]> {
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
