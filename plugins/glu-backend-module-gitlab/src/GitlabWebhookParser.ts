import {
  GluWebhookDelivery,
  GluWebhookEvent,
  GluWebhookMeaning,
  GluWebhookParser,
} from '@glu-dev/plugin-glu-node';

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

/**
 * The addresses of the repository a hook is about: every hook has its
 * project, push and job hooks a repository too.
 */
function repositoryUrlsOf(payload: unknown): string[] {
  const project = field(payload, 'project');
  const repository = field(payload, 'repository');
  return [
    field(project, 'git_http_url'),
    field(project, 'git_ssh_url'),
    field(project, 'web_url'),
    field(repository, 'git_http_url'),
    field(repository, 'git_ssh_url'),
    field(repository, 'homepage'),
  ]
    .map(text)
    .filter((url): url is string => url !== undefined);
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
      text(event.headers['idempotency-key']) ??
      text(event.headers['x-gitlab-webhook-uuid']);
    return { id, keys: id ? [id] : [] };
  }

  parse(event: GluWebhookEvent): GluWebhookMeaning | undefined {
    const { payload } = event;
    const [, subtopic] = event.topic.split(/\.(.*)/);
    const name =
      subtopic ??
      text(field(payload, 'object_kind')) ??
      text(field(payload, 'event_name'));
    const repositoryUrls = repositoryUrlsOf(payload);
    if (!name || repositoryUrls.length === 0) return undefined;
    const about = { event: name, repositoryUrls };
    switch (name) {
      case 'push': {
        const ref = text(field(payload, 'ref'));
        const branch = ref?.startsWith('refs/heads/')
          ? ref.slice('refs/heads/'.length)
          : undefined;
        return branch ? { ...about, type: 'push', branch } : undefined;
      }
      case 'merge_request':
        return { ...about, type: 'pull-request' };
      case 'pipeline':
        return {
          ...about,
          type: 'checks',
          commit: text(field(field(payload, 'object_attributes'), 'sha')),
        };
      case 'build':
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
