import {
  branchOfRef,
  GluWebhookDelivery,
  GluWebhookEvent,
  GluWebhookMeaning,
  GluWebhookParser,
  payloadText,
} from '@glu-dev/plugin-glu-node';
import { createHash } from 'node:crypto';

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
    const id = payloadText(event.headers, 'x-github-delivery');
    const digest = createHash('sha256')
      .update(JSON.stringify(event.payload ?? null))
      .digest('hex');
    return { id, keys: [...(id ? [id] : []), `sha256:${digest}`] };
  }

  parse(event: GluWebhookEvent): GluWebhookMeaning | undefined {
    const [, subtopic] = event.topic.split(/\.(.*)/);
    const name = subtopic ?? payloadText(event.headers, 'x-github-event');
    const { payload } = event;
    const repositoryUrls = ['clone_url', 'html_url', 'ssh_url']
      .map(key => payloadText(payload, 'repository', key))
      .filter((url): url is string => url !== undefined);
    if (!name || repositoryUrls.length === 0) return undefined;
    const about = { event: name, repositoryUrls };
    switch (name) {
      case 'push': {
        const branch = branchOfRef(payloadText(payload, 'ref'));
        return branch ? { ...about, type: 'push', branch } : undefined;
      }
      case 'pull_request':
        return { ...about, type: 'pull-request' };
      case 'check_run':
      case 'check_suite':
        return {
          ...about,
          type: 'checks',
          commit: payloadText(payload, name, 'head_sha'),
        };
      case 'status':
        return {
          ...about,
          type: 'checks',
          commit: payloadText(payload, 'sha'),
        };
      default:
        return undefined;
    }
  }
}
