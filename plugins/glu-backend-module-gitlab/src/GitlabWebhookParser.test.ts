import { GluWebhookEvent } from '@glu-dev/plugin-glu-node';
import { GitlabWebhookParser } from './GitlabWebhookParser';

const parser = new GitlabWebhookParser();

const SHA = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';

// The project and repository as GitLab's webhook documentation shows them.
const project = {
  id: 15,
  name: 'Diaspora',
  description: '',
  web_url: 'https://gitlab.example.com/mike/diaspora',
  avatar_url: null,
  git_ssh_url: 'git@gitlab.example.com:mike/diaspora.git',
  git_http_url: 'https://gitlab.example.com/mike/diaspora.git',
  namespace: 'Mike',
  visibility_level: 0,
  path_with_namespace: 'mike/diaspora',
  default_branch: 'main',
};
const repository = {
  name: 'Diaspora',
  url: 'git@gitlab.example.com:mike/diaspora.git',
  description: '',
  homepage: 'https://gitlab.example.com/mike/diaspora',
  git_http_url: 'https://gitlab.example.com/mike/diaspora.git',
  git_ssh_url: 'git@gitlab.example.com:mike/diaspora.git',
  visibility_level: 0,
};
const PROJECT_URLS = [
  project.git_http_url,
  project.git_ssh_url,
  project.web_url,
];
const ALL_URLS = [
  ...PROJECT_URLS,
  repository.git_http_url,
  repository.git_ssh_url,
  repository.homepage,
];

/** A webhook as the events backend publishes it, with X-Gitlab-Event. */
function hook(
  name: string,
  payload: unknown,
  headers: Record<string, string> = {},
): GluWebhookEvent {
  return {
    topic: 'gitlab',
    payload,
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': name,
      ...headers,
    },
  };
}

/** A Push Hook's payload. */
function push(ref: string) {
  return {
    object_kind: 'push',
    event_name: 'push',
    before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
    after: SHA,
    ref,
    ref_protected: true,
    checkout_sha: SHA,
    user_id: 4,
    user_name: 'John Smith',
    user_username: 'jsmith',
    project_id: 15,
    project,
    repository,
    commits: [],
    total_commits_count: 4,
  };
}

/** A Pipeline Hook's payload. */
const pipelineHook = {
  object_kind: 'pipeline',
  object_attributes: {
    id: 31,
    iid: 3,
    ref: 'glu/checkout/production/sha256-1234',
    tag: false,
    sha: SHA,
    before_sha: '0000000000000000000000000000000000000000',
    source: 'merge_request_event',
    status: 'success',
    stages: ['build', 'test'],
  },
  merge_request: { id: 1, iid: 1, state: 'opened' },
  user: { id: 1, name: 'Administrator', username: 'root' },
  project,
  builds: [{ id: 380, stage: 'build', name: 'build', status: 'success' }],
};

/** A Job Hook's payload (`object_kind` is still `build`). */
const jobHook = {
  object_kind: 'build',
  ref: 'glu/checkout/production/sha256-1234',
  tag: false,
  before_sha: '0000000000000000000000000000000000000000',
  sha: SHA,
  build_id: 1977,
  build_name: 'test',
  build_stage: 'test',
  build_status: 'success',
  pipeline_id: 31,
  project_id: 380,
  project_name: 'Mike / Diaspora',
  user: { id: 3, name: 'User', username: 'user' },
  commit: { id: 2366, sha: SHA, status: 'success' },
  repository,
  project,
};

describe('GitlabWebhookParser', () => {
  it('listens on the topic that Backstage’s GitLab events module publishes on', () => {
    expect(parser).toMatchObject({ host: 'GitLab', topic: 'gitlab' });
  });

  it('reads a Push Hook to a branch as a push to that branch, by every address of the project', () => {
    expect(parser.parse(hook('Push Hook', push('refs/heads/main')))).toEqual({
      type: 'push',
      event: 'push',
      branch: 'main',
      repositoryUrls: ALL_URLS,
    });
  });

  it('leaves alone a push that moves no branch', () => {
    expect(parser.parse(hook('Push Hook', push('refs/tags/v1.0.0')))).toBe(
      undefined,
    );
    const tagPush = { ...push('refs/tags/v1.0.0'), object_kind: 'tag_push' };
    expect(parser.parse(hook('Tag Push Hook', tagPush))).toBe(undefined);
  });

  it('reads a Pipeline Hook and a Job Hook as checks of their commit', () => {
    expect(parser.parse(hook('Pipeline Hook', pipelineHook))).toEqual({
      type: 'checks',
      event: 'pipeline',
      commit: SHA,
      repositoryUrls: PROJECT_URLS,
    });
    expect(parser.parse(hook('Job Hook', jobHook))).toEqual({
      type: 'checks',
      event: 'build',
      commit: SHA,
      repositoryUrls: ALL_URLS,
    });
  });

  it('reads a Merge Request Hook as a change of a merge request of the project', () => {
    const mergeRequest = {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: { id: 1, name: 'Administrator', username: 'root' },
      project,
      repository: {
        name: 'Diaspora',
        url: repository.url,
        description: '',
        homepage: repository.homepage,
      },
      object_attributes: { iid: 1, state: 'closed', action: 'close' },
    };
    expect(parser.parse(hook('Merge Request Hook', mergeRequest))).toEqual({
      type: 'pull-request',
      event: 'merge_request',
      repositoryUrls: [...PROJECT_URLS, repository.homepage],
    });
  });

  it('takes the event’s name from the subtopic that GitLab’s event router republishes it on', () => {
    const {
      object_kind: _kind,
      event_name: _name,
      ...payload
    } = push('refs/heads/main');
    expect(
      parser.parse({ topic: 'gitlab.push', payload, headers: {} }),
    ).toMatchObject({ type: 'push', branch: 'main' });
  });

  it('answers nothing for events that Glu does not answer, or payloads it cannot read', () => {
    expect(
      parser.parse(hook('Issue Hook', { object_kind: 'issue', project })),
    ).toBe(undefined);
    for (const payload of [null, 'push', [], 42, { object_kind: 'push' }]) {
      expect(parser.parse(hook('Push Hook', payload))).toBe(undefined);
    }
    expect(
      parser.parse(
        hook('Push Hook', {
          object_kind: 'push',
          ref: 'refs/heads/main',
          project: { git_http_url: 42, web_url: ['x'] },
        }),
      ),
    ).toBe(undefined);
  });

  it('knows a delivery by its Idempotency-Key, or by X-Gitlab-Webhook-UUID from older GitLab, never by the shared X-Gitlab-Event-UUID', () => {
    const event = (headers: Record<string, string>) =>
      hook('Push Hook', push('refs/heads/main'), headers);
    expect(
      parser.deliveryOf(
        event({
          'idempotency-key': 'f5a1bb4c-0c5d-4e38-8bd1-4b0f3b2f9a10',
          'x-gitlab-webhook-uuid': '4f0b7a0e-54ad-4ad4-9d5c-0c6d5b2b1e57',
          'x-gitlab-event-uuid': '0b1c9e0e-9d2f-4a4e-a4b5-3c6b1c1f2d7e',
        }),
      ),
    ).toEqual({
      id: 'f5a1bb4c-0c5d-4e38-8bd1-4b0f3b2f9a10',
      keys: ['f5a1bb4c-0c5d-4e38-8bd1-4b0f3b2f9a10'],
    });
    expect(
      parser.deliveryOf(
        event({
          'x-gitlab-webhook-uuid': '4f0b7a0e-54ad-4ad4-9d5c-0c6d5b2b1e57',
          'x-gitlab-event-uuid': '0b1c9e0e-9d2f-4a4e-a4b5-3c6b1c1f2d7e',
        }),
      ),
    ).toEqual({
      id: '4f0b7a0e-54ad-4ad4-9d5c-0c6d5b2b1e57',
      keys: ['4f0b7a0e-54ad-4ad4-9d5c-0c6d5b2b1e57'],
    });
    expect(
      parser.deliveryOf(
        event({
          'x-gitlab-event-uuid': '0b1c9e0e-9d2f-4a4e-a4b5-3c6b1c1f2d7e',
        }),
      ),
    ).toEqual({ id: undefined, keys: [] });
  });
});
