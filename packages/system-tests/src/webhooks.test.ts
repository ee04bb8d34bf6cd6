/*
 * The reliability suite, webhooks: forged ones (GitHub's signature, a
 * registry's bearer token) are never accepted.
 */
import { createHmac } from 'node:crypto';
import { call, Tally } from './harness/client';
import { pipeline } from './harness/entities';
import { SECRETS, useSuite } from './harness/suite';

const FILE = 'env/version.yaml';

describe('reliability: webhooks', () => {
  const suite = useSuite({
    name: 'webhooks',
    repositories: { hooked: { [FILE]: 'version: 1.0.0\n' } },
    entities: ({ host }) => [pipeline('hooked', host.url('hooked'), FILE)],
    ready: ['hooked'],
  });

  it('forged webhooks are never accepted', async () => {
    const push = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'f'.repeat(40),
      repository: {
        clone_url: suite.host.url('hooked'),
        html_url: suite.host.url('hooked'),
      },
    });
    const sign = (body: string, secret: string) =>
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const forged: Array<[string, string, Record<string, string>, string]> = [];
    for (let i = 0; i < 10; i++) {
      forged.push(
        ['github: no signature', 'github', { 'x-github-event': 'push' }, push],
        [
          'github: signed with another secret',
          'github',
          {
            'x-github-event': 'push',
            'x-hub-signature-256': sign(push, `guess-${i}`),
          },
          push,
        ],
        [
          'github: a signature of another body',
          'github',
          {
            'x-github-event': 'push',
            'x-hub-signature-256': sign(`${push} `, SECRETS.github),
          },
          push,
        ],
        [
          'registry: no token',
          'glu-registry',
          {},
          JSON.stringify({ events: [] }),
        ],
        [
          'registry: a wrong token',
          'glu-registry',
          { authorization: `Bearer guess-${i}` },
          JSON.stringify({ events: [] }),
        ],
      );
    }
    const statuses = new Tally();
    for (const [i, [, topic, headers, body]] of forged.entries()) {
      const answer = await call(
        statuses,
        `${suite.replicas[i % 2].url}/api/events/http/${topic}`,
        {
          raw: body,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
        },
      );
      suite.tally.record(answer.status);
    }
    expect(statuses.count(s => s < 400)).toBe(0);
    expect(statuses.count(s => s >= 500)).toBe(0);
    // A rightly signed one is taken, so the refusals above were for the forgery.
    const genuine = await call(
      statuses,
      `${suite.replicas[0].url}/api/events/http/github`,
      {
        raw: push,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': sign(push, SECRETS.github),
        },
      },
    );
    expect(genuine.status).toBeLessThan(300);
    suite.figure(
      'forged webhooks',
      `${
        forged.length
      } forged (GitHub and registry), 0 accepted: ${statuses.summary()} (the last one genuine)`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
