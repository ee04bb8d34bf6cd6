import { GluWebhookEvent } from '@glu-dev/plugin-glu-node';
import { example } from '@internal/glu-github-fake';
import { GithubWebhookParser } from './GithubWebhookParser';

const parser = new GithubWebhookParser();

/** GitHub's example check run event, from its published description. */
const checkRunCompleted = example('check-run-completed');
/** The repository as every GitHub webhook names it. */
const repository = checkRunCompleted.repository;
const URLS = [
  'https://github.com/Codertocat/Hello-World.git',
  'https://github.com/Codertocat/Hello-World',
  'git@github.com:Codertocat/Hello-World.git',
];
const SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

/** A webhook as the events backend publishes it: X-GitHub-Event and all. */
function hook(
  name: string,
  payload: unknown,
  headers: Record<string, string> = {},
): GluWebhookEvent {
  return {
    topic: 'github',
    payload,
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      ...headers,
    },
  };
}

/** A push event's payload, the fields GitHub documents for it. */
function push(ref: string) {
  return {
    ref,
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: SHA,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${repository.html_url}/compare/6113728f27ae...ec26c3e57ca3`,
    commits: [],
    head_commit: null,
    repository,
    pusher: { name: 'Codertocat', email: '[REDACTED]' },
    sender: checkRunCompleted.sender,
  };
}

describe('GithubWebhookParser', () => {
  it('listens on the topic that Backstage’s GitHub events module publishes on', () => {
    expect(parser).toMatchObject({ host: 'GitHub', topic: 'github' });
  });

  it('reads a push to a branch as a push to that branch of the repository', () => {
    expect(parser.parse(hook('push', push('refs/heads/main')))).toEqual({
      type: 'push',
      event: 'push',
      branch: 'main',
      repositoryUrls: URLS,
    });
    // A branch with slashes keeps them.
    expect(
      parser.parse(hook('push', push('refs/heads/release/1.x'))),
    ).toMatchObject({ branch: 'release/1.x' });
  });

  it('leaves alone a push of a tag, which moves no branch', () => {
    expect(parser.parse(hook('push', push('refs/tags/v1.0.0')))).toBe(
      undefined,
    );
  });

  it('reads a check run, a check suite and a commit status as checks of their commit', () => {
    expect(parser.parse(hook('check_run', checkRunCompleted))).toEqual({
      type: 'checks',
      event: 'check_run',
      commit: checkRunCompleted.check_run.head_sha,
      repositoryUrls: URLS,
    });
    const checkSuite = {
      action: 'completed',
      check_suite: {
        id: 118578147,
        head_branch: 'changes',
        head_sha: SHA,
        status: 'completed',
        conclusion: 'success',
        pull_requests: [],
      },
      repository,
      sender: checkRunCompleted.sender,
    };
    expect(parser.parse(hook('check_suite', checkSuite))).toEqual({
      type: 'checks',
      event: 'check_suite',
      commit: SHA,
      repositoryUrls: URLS,
    });
    const status = {
      id: 6805126730,
      sha: SHA,
      name: 'Codertocat/Hello-World',
      target_url: null,
      context: 'default',
      description: null,
      state: 'success',
      branches: [{ name: 'main', commit: { sha: SHA }, protected: false }],
      repository,
      sender: checkRunCompleted.sender,
    };
    expect(parser.parse(hook('status', status))).toEqual({
      type: 'checks',
      event: 'status',
      commit: SHA,
      repositoryUrls: URLS,
    });
  });

  it('reads a pull request event as a change of a pull request of the repository', () => {
    const closed = {
      action: 'closed',
      number: 2,
      pull_request: { number: 2, state: 'closed', merged: false },
      repository,
      sender: checkRunCompleted.sender,
    };
    expect(parser.parse(hook('pull_request', closed))).toEqual({
      type: 'pull-request',
      event: 'pull_request',
      repositoryUrls: URLS,
    });
  });

  it('takes the event’s name from the subtopic that GitHub’s event router republishes it on', () => {
    expect(
      parser.parse({
        topic: 'github.push',
        payload: push('refs/heads/main'),
        headers: {},
      }),
    ).toMatchObject({ type: 'push', branch: 'main' });
  });

  it('answers nothing for events that Glu does not answer, or payloads it cannot read', () => {
    expect(parser.parse(hook('issues', { action: 'opened', repository }))).toBe(
      undefined,
    );
    for (const payload of [null, 'push', [], 42, { ref: 'refs/heads/main' }]) {
      expect(parser.parse(hook('push', payload))).toBe(undefined);
    }
    // A repository whose addresses are not strings names no repository.
    expect(
      parser.parse(
        hook('push', {
          ref: 'refs/heads/main',
          repository: { clone_url: 42, html_url: { x: 1 }, ssh_url: '' },
        }),
      ),
    ).toBe(undefined);
    // No event name: neither a subtopic nor the header.
    expect(
      parser.parse({
        topic: 'github',
        payload: push('refs/heads/main'),
        headers: {},
      }),
    ).toBe(undefined);
  });

  it('knows a delivery by its X-GitHub-Delivery and by the signed payload’s digest, so that a replay under another id is known', () => {
    const id = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
    const first = parser.deliveryOf(
      hook('push', push('refs/heads/main'), { 'x-github-delivery': id }),
    );
    expect(first).toEqual({
      id,
      keys: [id, expect.stringMatching(/^sha256:[0-9a-f]{64}$/)],
    });
    const forged = parser.deliveryOf(
      hook('push', push('refs/heads/main'), { 'x-github-delivery': 'other' }),
    );
    expect(forged.keys[1]).toBe(first.keys[1]);
    // Another event is another payload.
    const next = parser.deliveryOf(
      hook('push', push('refs/heads/release'), { 'x-github-delivery': id }),
    );
    expect(next.keys[1]).not.toBe(first.keys[1]);
    // Without an id, the digest alone.
    expect(parser.deliveryOf(hook('push', push('refs/heads/main')))).toEqual({
      id: undefined,
      keys: [first.keys[1]],
    });
  });
});
