/*
 * The reliability suite, webhooks: forged ones (GitHub's signature, GitLab's
 * secret token, a registry's bearer token) are never accepted, and a
 * genuine delivery sent again, to either replica, is acted on once. What a
 * webhook asks for is seen in the replica's log: a line per event acted on,
 * written before the event is acknowledged. A replay is the very same
 * request again: its payload and every header by which the host tells one
 * delivery from another.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Answer, call, Tally } from './harness/client';
import { pipeline } from './harness/entities';
import { Replica } from './harness/replicas';
import { SECRETS, useSuite } from './harness/suite';

const FILE = 'env/version.yaml';

const sign = (body: string, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('reliability: webhooks', () => {
  const suite = useSuite({
    name: 'webhooks',
    repositories: { hooked: { [FILE]: 'version: 1.0.0\n' } },
    entities: ({ host }) => [pipeline('hooked', host.url('hooked'), FILE)],
    ready: ['hooked'],
  });

  /** A push's payload: each push moves the branch to a commit of its own. */
  const githubPush = (after = randomBytes(20).toString('hex')) =>
    JSON.stringify({
      ref: 'refs/heads/main',
      after,
      repository: {
        clone_url: suite.host.url('hooked'),
        html_url: suite.host.url('hooked'),
      },
    });
  const gitlabPush = (after = randomBytes(20).toString('hex')) =>
    JSON.stringify({
      object_kind: 'push',
      event_name: 'push',
      ref: 'refs/heads/main',
      after,
      project: {
        git_http_url: suite.host.url('hooked'),
        web_url: suite.host.url('hooked').replace(/\.git$/, ''),
      },
      repository: { git_http_url: suite.host.url('hooked') },
    });

  /** The headers by which GitLab tells one delivery (all kept when it is sent again). */
  const gitlabDelivery = () => ({
    'x-gitlab-event-uuid': randomUUID(),
    'x-gitlab-webhook-uuid': randomUUID(),
    'idempotency-key': randomUUID(),
  });

  /** Sends a webhook to a replica's events backend, tallied in `statuses`. */
  async function deliver(
    statuses: Tally,
    replica: Replica,
    topic: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const answer = await call(
      statuses,
      `${replica.url}/api/events/http/${topic}`,
      {
        raw: body,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
    );
    suite.tally.record(answer.status);
    return answer;
  }

  /** How many times the replicas acted on a webhook of this host's topic. */
  const actedOn = (topic: string) =>
    suite.replicas
      .map(
        r =>
          r.logLines(
            new RegExp(`A ${topic} event refreshes .*pipeline:default/hooked`),
          ).length,
      )
      .reduce((a, b) => a + b);

  it('forged webhooks are never accepted', async () => {
    const { replicas } = suite;
    const github = githubPush();
    const gitlab = gitlabPush();
    const registry = JSON.stringify({ events: [] });
    const gitlabHeaders = { 'x-gitlab-event': 'Push Hook' };
    const forged: Array<[string, string, Record<string, string>, string]> = [];
    for (let i = 0; i < 10; i++) {
      forged.push(
        ['github', 'github', { 'x-github-event': 'push' }, github],
        [
          'github',
          'github',
          {
            'x-github-event': 'push',
            'x-hub-signature-256': sign(github, `guess-${i}`),
          },
          github,
        ],
        [
          'github',
          'github',
          {
            'x-github-event': 'push',
            'x-hub-signature-256': sign(`${github} `, SECRETS.github),
          },
          github,
        ],
        ['gitlab', 'gitlab', gitlabHeaders, gitlab],
        [
          'gitlab',
          'gitlab',
          { ...gitlabHeaders, 'x-gitlab-token': `guess-${i}` },
          gitlab,
        ],
        [
          'gitlab',
          'gitlab',
          // Another webhook's secret is no GitLab token.
          { ...gitlabHeaders, 'x-gitlab-token': SECRETS.github },
          gitlab,
        ],
        ['registry', 'glu-registry', {}, registry],
        [
          'registry',
          'glu-registry',
          { authorization: `Bearer guess-${i}` },
          registry,
        ],
      );
    }
    const before = { github: actedOn('github'), gitlab: actedOn('gitlab') };
    const statuses = new Tally();
    for (const [i, [, topic, headers, body]] of forged.entries()) {
      await deliver(statuses, replicas[i % 2], topic, body, headers);
    }
    expect(statuses.count(s => s < 400)).toBe(0);
    expect(statuses.count(s => s >= 500)).toBe(0);
    expect({ github: actedOn('github'), gitlab: actedOn('gitlab') }).toEqual(
      before,
    );
    // Rightly signed ones are taken and acted on, so the refusals above
    // were for the forgery.
    const genuine = [
      await deliver(statuses, replicas[0], 'github', github, {
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': sign(github, SECRETS.github),
      }),
      await deliver(statuses, replicas[1], 'gitlab', gitlab, {
        ...gitlabHeaders,
        ...gitlabDelivery(),
        'x-gitlab-token': SECRETS.gitlab,
      }),
    ];
    expect(genuine.map(answer => answer.status)).toEqual([202, 202]);
    expect({ github: actedOn('github'), gitlab: actedOn('gitlab') }).toEqual({
      github: before.github + 1,
      gitlab: before.gitlab + 1,
    });
    suite.figure(
      'forged webhooks',
      `${
        forged.length
      } forged (GitHub, GitLab and registry), 0 accepted: ${statuses.summary()} (the last two genuine)`,
    );
  });

  /**
   * Sends one delivery to the first replica, the very same request again to
   * each replica, then a new delivery (another push) as a control: how many
   * of them were acted on.
   */
  async function replayed(topic: string, delivery: () => [string, object]) {
    const [a, b] = suite.replicas;
    const statuses = new Tally();
    const send = (replica: Replica, [body, headers]: [string, object]) =>
      deliver(
        statuses,
        replica,
        topic,
        body,
        headers as Record<string, string>,
      );
    const original = delivery();
    const before = actedOn(topic);
    const first = await send(a, original);
    expect(first.status).toBe(202);
    expect(actedOn(topic) - before).toBe(1);
    for (const replica of [b, a]) await send(replica, original);
    const replays = actedOn(topic) - before - 1;
    // A new delivery is acted on, on either replica.
    await send(b, delivery());
    const control = actedOn(topic) - before - 1 - replays;
    expect(statuses.count(s => s >= 500)).toBe(0);
    return { replays, control, statuses };
  }

  it('a GitLab delivery sent again (the same X-Gitlab-Event-UUID, X-Gitlab-Webhook-UUID and Idempotency-Key) is acted on once, whichever replica gets it', async () => {
    const { replays, control, statuses } = await replayed('gitlab', () => [
      gitlabPush(),
      {
        'x-gitlab-event': 'Push Hook',
        ...gitlabDelivery(),
        'x-gitlab-token': SECRETS.gitlab,
      },
    ]);
    expect({ replays, control }).toEqual({ replays: 0, control: 1 });
    suite.figure(
      'replayed GitLab delivery',
      `sent 3 times (both replicas): acted on once; a new delivery acted on; ${statuses.summary()}`,
    );
  });

  it('a GitHub delivery sent again (the same X-GitHub-Delivery and payload) is acted on once, whichever replica gets it', async () => {
    const { replays, control, statuses } = await replayed('github', () => {
      const body = githubPush();
      return [
        body,
        {
          'x-github-event': 'push',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': sign(body, SECRETS.github),
        },
      ];
    });
    expect({ replays, control }).toEqual({ replays: 0, control: 1 });
    suite.figure(
      'replayed GitHub delivery',
      `sent 3 times (both replicas): acted on once; a new delivery acted on; ${statuses.summary()}`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
