import {
  GluWebhookDelivery,
  GluWebhookEvent,
  GluWebhookMeaning,
  GluWebhookParser,
} from '@glu-dev/plugin-glu-node';
import { createHash } from 'node:crypto';

/** A non-empty string, or undefined: payloads are read, not trusted. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A field of an object, whatever the value is. */
function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object'
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function header(event: GluWebhookEvent, name: string): string | undefined {
  return text(event.headers[name]);
}

/**
 * GitHub's webhooks, as Backstage's GitHub events module publishes them on
 * the `github` topic (its event router republishes each on
 * `github.<X-GitHub-Event>`).
 *
 * @public
 */
export class GithubWebhookParser implements GluWebhookParser {
  readonly host = 'GitHub';
  readonly topic = 'github';

  /**
   * GitHub's `X-GitHub-Delivery` stays the same when a delivery is sent
   * again; but GitHub signs the payload and not the headers, so a replay
   * could carry another id: the payload's digest is a key too (distinct
   * events differ in their payloads, timestamps included).
   */
  deliveryOf(event: GluWebhookEvent): GluWebhookDelivery {
    const id = header(event, 'x-github-delivery');
    const digest = createHash('sha256')
      .update(JSON.stringify(event.payload ?? null))
      .digest('hex');
    return { id, keys: [...(id ? [id] : []), `sha256:${digest}`] };
  }

  parse(event: GluWebhookEvent): GluWebhookMeaning | undefined {
    const [, subtopic] = event.topic.split(/\.(.*)/);
    const name = subtopic ?? header(event, 'x-github-event');
    const { payload } = event;
    const repository = field(payload, 'repository');
    const repositoryUrls = ['clone_url', 'html_url', 'ssh_url']
      .map(key => text(field(repository, key)))
      .filter((url): url is string => url !== undefined);
    if (!name || repositoryUrls.length === 0) return undefined;
    const about = { event: name, repositoryUrls };
    switch (name) {
      case 'push': {
        // A push of a tag moves no branch.
        const ref = text(field(payload, 'ref'));
        const branch = ref?.startsWith('refs/heads/')
          ? ref.slice('refs/heads/'.length)
          : undefined;
        return branch ? { ...about, type: 'push', branch } : undefined;
      }
      case 'pull_request':
        return { ...about, type: 'pull-request' };
      case 'check_run':
      case 'check_suite':
        return {
          ...about,
          type: 'checks',
          commit: text(field(field(payload, name), 'head_sha')),
        };
      case 'status':
        return {
          ...about,
          type: 'checks',
          commit: text(field(payload, 'sha')),
        };
      default:
        return undefined;
    }
  }
}
