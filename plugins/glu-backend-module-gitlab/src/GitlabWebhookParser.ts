import {
  branchOfRef,
  GluWebhookDelivery,
  GluWebhookEvent,
  GluWebhookMeaning,
  GluWebhookParser,
  payloadText,
} from '@glu-dev/plugin-glu-node';

/**
 * The addresses of the repository a hook is about: every hook has its
 * project, push and job hooks a repository too.
 */
function repositoryUrlsOf(payload: unknown): string[] {
  return [
    payloadText(payload, 'project', 'git_http_url'),
    payloadText(payload, 'project', 'git_ssh_url'),
    payloadText(payload, 'project', 'web_url'),
    payloadText(payload, 'repository', 'git_http_url'),
    payloadText(payload, 'repository', 'git_ssh_url'),
    payloadText(payload, 'repository', 'homepage'),
  ].filter((url): url is string => url !== undefined);
}

/**
 * GitLab's webhooks, as Backstage's GitLab events module publishes them on
 * the `gitlab` topic (its event router republishes each on
 * `gitlab.<object_kind>`). An event is known by its `object_kind`, as that
 * router reads it: `push` (Push Hook), `merge_request`, `pipeline`
 * (Pipeline Hook) and `build` (Job Hook).
 *
 * @public
 */
export class GitlabWebhookParser implements GluWebhookParser {
  readonly host = 'GitLab';
  readonly topic = 'gitlab';

  /**
   * GitLab's `Idempotency-Key` stays the same across retries; older GitLab
   * sends `X-Gitlab-Webhook-UUID`, one per request. Its
   * `X-Gitlab-Event-UUID` is no key: the webhooks that one request sets off
   * share it (the push hooks of a push of several branches).
   */
  deliveryOf(event: GluWebhookEvent): GluWebhookDelivery {
    const id =
      payloadText(event.headers, 'idempotency-key') ??
      payloadText(event.headers, 'x-gitlab-webhook-uuid');
    return { id, keys: id ? [id] : [] };
  }

  parse(event: GluWebhookEvent): GluWebhookMeaning | undefined {
    const { payload } = event;
    const [, subtopic] = event.topic.split(/\.(.*)/);
    const name =
      subtopic ??
      payloadText(payload, 'object_kind') ??
      payloadText(payload, 'event_name');
    const repositoryUrls = repositoryUrlsOf(payload);
    if (!name || repositoryUrls.length === 0) return undefined;
    const about = { event: name, repositoryUrls };
    switch (name) {
      case 'push': {
        const branch = branchOfRef(payloadText(payload, 'ref'));
        return branch ? { ...about, type: 'push', branch } : undefined;
      }
      case 'merge_request':
        return { ...about, type: 'pull-request' };
      case 'pipeline':
        return {
          ...about,
          type: 'checks',
          commit: payloadText(payload, 'object_attributes', 'sha'),
        };
      case 'build':
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
