/**
 * A webhook event as the Glu backend hands it to a parser: what Backstage's
 * events backend published after it verified the request (its signature or
 * secret token).
 *
 * @public
 */
export interface GluWebhookEvent {
  /**
   * The events topic it was published on: the parser's own, or one of its
   * subtopics (`github.push`, as the host's event router republishes it).
   */
  topic: string;
  /** The request's body, as the host sent it: unchecked JSON. */
  payload: unknown;
  /** The request's headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What one delivery of a webhook is known by, so that Glu acts on it once
 * within the replay window (`glu.webhooks.replayWindow`) however often it is
 * sent, whichever replica receives it.
 *
 * @public
 */
export interface GluWebhookDelivery {
  /** The host's id of the delivery, when it sent one; for the log. */
  id?: string;
  /**
   * What identifies the delivery: it was received before when every key
   * was. None, and it is acted on whatever came before. Keys longer than
   * 255 characters are left out.
   */
  keys: string[];
}

/**
 * What a webhook event means to Glu, in Glu's terms.
 *
 * - `push`: a branch of the repository moved: the phases on that branch
 *   are refreshed now.
 * - `pull-request`: a pull request of the repository changed, and
 * - `checks`: the checks or the status of a commit in the repository
 *   changed (a check run, a CI pipeline or job): both follow Glu's open pull
 *   requests of the repository now.
 *
 * @public
 */
export type GluWebhookMeaning =
  | (GluWebhookAbout & {
      type: 'push';
      /** The branch that moved, e.g. `main` (not `refs/heads/main`). */
      branch: string;
    })
  | (GluWebhookAbout & { type: 'pull-request' })
  | (GluWebhookAbout & {
      type: 'checks';
      /** The commit whose checks changed, when the payload names it. */
      commit?: string;
    });

/**
 * What every meaning of a webhook event says: which event, about which
 * repository.
 *
 * @public
 */
export interface GluWebhookAbout {
  /** The event's name at its host, for the log, e.g. `push`, `check_run`. */
  event: string;
  /**
   * The addresses the payload gives for the repository (clone, SSH, web):
   * the phases whose repository is one of them are concerned.
   */
  repositoryUrls: string[];
}

/**
 * Teaches the Glu backend one host's webhooks: Glu subscribes to its topic,
 * remembers deliveries by what the parser says identifies them, and acts on
 * what the parser says an event means. Signatures are not its business:
 * Backstage's events backend verified them before it published the event.
 *
 * @public
 */
export interface GluWebhookParser {
  /**
   * The host's name, e.g. `GitHub`: in the log, and what its deliveries are
   * remembered under. One parser a host.
   */
  readonly host: string;
  /**
   * The events topic its webhooks are published on, e.g. `github` (as
   * Backstage's events module for the host names it). One parser a topic.
   */
  readonly topic: string;
  /** What a delivery of this event is known by (see GluWebhookDelivery). */
  deliveryOf(event: GluWebhookEvent): GluWebhookDelivery;
  /**
   * What the event means to Glu, or undefined for an event that Glu does
   * not answer or that names no repository. The payload is untrusted: read
   * it defensively.
   */
  parse(event: GluWebhookEvent): GluWebhookMeaning | undefined;
}

/**
 * What an untrusted payload holds at a path of field names, when it is a
 * non-empty string; undefined wherever the path leads to anything else.
 * Webhook payloads are read, not trusted.
 *
 * @public
 */
export function payloadText(
  payload: unknown,
  ...path: string[]
): string | undefined {
  let value = payload;
  for (const name of path) {
    value =
      value && typeof value === 'object'
        ? (value as Record<string, unknown>)[name]
        : undefined;
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The branch that a pushed ref (`refs/heads/<branch>`) names; undefined for
 * a tag or anything else, which moves no branch.
 *
 * @public
 */
export function branchOfRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/')
    ? ref.slice('refs/heads/'.length) || undefined
    : undefined;
}
