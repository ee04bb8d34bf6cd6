/*
 * The reliability suite, authorization: every write route of the API and
 * of the actions registry, asked by every kind of caller — no token, forged
 * tokens, a user who does not own the pipeline, a service without a grant,
 * a service granted other pipelines, and the owner. Each gets the status
 * the API documents (401 without valid credentials, 403 without the
 * permission or grant; reads such as dry runs and refresh are open to every
 * reader), and no commit lands in the repository but the owner's.
 */
import { forgedTokens } from './harness/identities';
import { pipeline } from './harness/entities';
import { eventually } from './harness/client';
import { ask, Route, stopTheLineRoutes, writeRoutes } from './harness/routes';
import { OTHER_GRANT_PIPELINE, TOKENS, useSuite } from './harness/suite';

const FILE = 'teams/team-platform/payments.yaml';
const LEDGER = 'teams/team-platform/ledger.yaml';
const PIPELINE = 'pipeline:default/payments';
const ROUTES = [
  ...writeRoutes('default', 'payments'),
  ...stopTheLineRoutes('default', 'payments'),
];

describe('reliability: authorization', () => {
  const suite = useSuite({
    name: 'authorization',
    repositories: {
      gitops: { [FILE]: 'version: 1.0.0\n', [LEDGER]: 'version: 1.0.0\n' },
    },
    entities: ({ host }) => [
      pipeline('payments', host.url('gitops'), FILE, {
        owner: 'group:default/team-platform',
      }),
      // The one pipeline that the other-grant service may write to.
      pipeline('someone-elses', host.url('gitops'), 'teams/team-other/x.yaml', {
        owner: 'group:default/team-other',
      }),
      // Promoted only with an approval from team-other, not its requester's.
      pipeline('ledger', host.url('gitops'), LEDGER, {
        owner: 'group:default/team-platform',
        promotion: {
          gates: [{ approvals: { from: [{ group: 'team-other', count: 1 }] } }],
        },
      }),
    ],
    config: ({ host }) => ({
      glu: {
        writeScopes: [
          {
            repository: `http://127.0.0.1:${host.port}/*`,
            branches: ['main'],
            paths: ['teams/{owner}/**'],
          },
        ],
      },
    }),
    ready: ['payments', 'ledger'],
  });

  /** Asks a route as a caller, of either replica, with the seed's history entry. */
  async function attempt(route: Route, token: string | undefined, i: number) {
    const { replicas } = suite;
    const history = await suite.call(
      suite.url(replicas[0], 'payments', '/phases/staging/history'),
      { token: TOKENS.operator },
    );
    return ask(
      suite,
      replicas[i % 2],
      route,
      token,
      history.body.items.at(-1).id,
    );
  }

  it('callers who may not write are refused on every write route, and nothing is written', async () => {
    const { host, replicas } = suite;
    const [a] = replicas;
    expect(OTHER_GRANT_PIPELINE).not.toBe(PIPELINE);
    // A version waits to be promoted: a write that got through would commit.
    expect((await suite.publish(a, 'payments', '2.0.0')).status).toBe(200);
    const head = host.head('gitops');
    const records = (await suite.promotions(a, 'payments')).length;

    const nate = await suite.userToken('nate');
    const forged = forgedTokens(nate, {
      userRef: 'user:default/olivia',
      ownership: ['user:default/olivia', 'group:default/team-platform'],
    });
    const callers: Array<[string, string | undefined, (r: Route) => number]> = [
      // Backstage's actions registry refuses anonymous callers itself.
      ['no token', undefined, r => (r.action ? 403 : 401)],
      ...Object.entries(forged).map(
        ([how, token]): [string, string, () => number] => [
          `a token ${how}`,
          token,
          () => 401,
        ],
      ),
      // Reads (dry runs, refresh) are open to every reader.
      [
        'a user who does not own it',
        nate,
        r => r.readers ?? (r.read ? 200 : 403),
      ],
      ['a service without a grant', TOKENS.noGrant, r => (r.read ? 200 : 403)],
      [
        'a service granted other pipelines',
        TOKENS.otherGrant,
        r => (r.read ? 200 : 403),
      ],
    ];
    const wrong: string[] = [];
    let asked = 0;
    for (const [who, token, expected] of callers) {
      for (const route of ROUTES) {
        const answer = await attempt(route, token, asked++);
        if (answer.status !== expected(route)) {
          wrong.push(
            `${who} × ${route.name}: ${answer.status} (expected ${expected(
              route,
            )}) ${JSON.stringify(answer.body).slice(0, 160)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    // Nothing was written: no commit, no record, no pin, no publish.
    expect(host.head('gitops')).toBe(head);
    expect((await suite.promotions(a, 'payments')).length).toBe(records);
    const view = await suite.view(a, 'payments');
    const phase = (name: string) =>
      view.phases.find((p: any) => p.name === name);
    expect(phase('staging').pin).toBeUndefined();
    expect(phase('build').state.version).toBe('2.0.0');
    suite.figure(
      'refused callers',
      `${callers.length} callers (no token, ${
        Object.keys(forged).length
      } forged tokens, a non-owner, 2 services) × ${
        ROUTES.length
      } write routes (HTTP and actions): ${asked} answers as documented, no commit, record, pin or publish`,
    );
  });

  it("the owner's writes go through on every route but an approval with no approvals gate, each commit where the pipeline may write", async () => {
    const { host, replicas } = suite;
    const olivia = await suite.userToken('olivia');
    const before = host.commitsOf('gitops', FILE).length;
    const statuses: string[] = [];
    let approval: unknown;
    let asked = 0;
    for (const route of ROUTES) {
      const answer = await attempt(route, olivia, asked++);
      statuses.push(`${route.name} ${answer.status}`);
      if (route.name === 'approve') approval = answer.body.error?.message;
    }
    // Staging has no approvals gate: the owner, who may approve, is told
    // there is nothing to approve.
    expect(approval).toBe(
      'The promotion from build into staging has no approvals gate: there is nothing to approve',
    );
    expect(statuses).toEqual(
      ROUTES.map(r => {
        if (r.name === 'approve') return 'approve 400';
        if (r.readers) return `${r.name} ${r.readers}`;
        // Owners do not stop the line, nor go through it.
        if (r.releaseManagers) return `${r.name} 403`;
        return `${r.name} ${r.method === 'DELETE' ? 204 : 200}`;
      }),
    );
    // promote and rollback, over HTTP and as actions: four commits.
    expect(host.commitsOf('gitops', FILE).length - before).toBe(4);
    expect(
      (await suite.view(replicas[0], 'payments')).phases.find(
        (p: any) => p.name === 'staging',
      ).pin,
    ).toBeUndefined();
    suite.figure(
      'the owner',
      `${ROUTES.length} write routes answered as documented for the owner (a real user token of the auth backend), 4 commits`,
    );
  });

  it('a freeze set on one replica holds promotions on the other within seconds, and only a release manager hotfixes through it', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    const [olivia, rita] = await Promise.all(
      ['olivia', 'rita'].map(user => suite.userToken(user)),
    );
    const promotions = `/api/glu/pipelines/default/payments/promotions`;
    const set = await suite.call(`${a.url}/api/glu/freezes`, {
      method: 'POST',
      token: rita,
      body: { reason: 'quarter close', scope: { pipelines: [PIPELINE] } },
    });
    expect(set.status).toBe(200);
    const started = Date.now();
    // The other replica holds it within seconds: its view of the pipeline
    // shows the freeze, and a promotion there is refused.
    await eventually(
      'the other replica to see the freeze',
      async () =>
        (await suite.view(b, 'payments')).freezes ? true : undefined,
      10_000,
    );
    const heldAfter = Date.now() - started;
    expect((await suite.publish(a, 'payments', '3.0.0')).status).toBe(200);
    const head = host.head('gitops');
    const refusal = await suite.call(`${b.url}${promotions}`, {
      method: 'POST',
      token: olivia,
      body: { phase: 'staging' },
    });
    expect(refusal.status).toBe(409);
    expect(refusal.body.error.message).toContain(
      `frozen: quarter close (freeze ${set.body.id} by user:default/rita)`,
    );
    expect(host.head('gitops')).toBe(head);
    // The owner may not go through; the release manager may, with a reason.
    const hotfix = { phase: 'staging', hotfix: { reason: 'an outage' } };
    const refused = await suite.call(`${b.url}${promotions}`, {
      method: 'POST',
      token: olivia,
      body: hotfix,
    });
    expect(refused.status).toBe(403);
    const through = await suite.call(`${b.url}${promotions}`, {
      method: 'POST',
      token: rita,
      body: hotfix,
    });
    expect(through.status).toBe(200);
    expect(through.body).toMatchObject({
      status: 'succeeded',
      triggeredBy: 'user:default/rita',
      hotfix: { reason: 'an outage', freezes: [set.body.id] },
    });
    expect(host.head('gitops')).not.toBe(head);
    const lifted = await suite.call(`${b.url}/api/glu/freezes/${set.body.id}`, {
      method: 'DELETE',
      token: rita,
    });
    expect(lifted.status).toBe(204);
    suite.figure(
      'a freeze across replicas',
      `set on one replica, seen and promotions refused on the other ${heldAfter} ms later (at most 2 s by design); the owner's hotfix refused (403), the release manager's went through`,
    );
  });

  it('a request asked on one replica is refused to its requester as approver on the other, and carried out by another approver', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    const [nate, oscar] = await Promise.all(
      ['nate', 'oscar'].map(name => suite.userToken(name)),
    );
    expect((await suite.publish(a, 'ledger', '2.0.0')).status).toBe(200);
    const base = '/api/glu/pipelines/default/ledger';
    const asked = await suite.call(`${a.url}${base}/requests`, {
      method: 'POST',
      token: nate,
      body: { phase: 'staging', reason: 'the ledger fix' },
    });
    expect(asked.status).toBe(200);
    const head = host.head('gitops');
    const approve = (token: string) =>
      suite.call(`${b.url}${base}/phases/staging/approvals`, {
        method: 'POST',
        token,
        body: {},
      });
    const refused = await approve(nate);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(
      'user:default/nate asked for this promotion',
    );
    expect(host.head('gitops')).toBe(head);
    const approved = await approve(oscar);
    expect(approved.status).toBe(200);
    expect(approved.body.promotion).toMatchObject({
      status: 'succeeded',
      triggeredBy: 'user:default/nate',
      approvedBy: ['user:default/oscar'],
      requestId: asked.body.id,
    });
    expect(host.commitsOf('gitops', LEDGER)).toHaveLength(2);
    suite.figure(
      'a promotion request across replicas',
      'asked on one replica; its requester refused as approver on the other (403), another member of the group approved there and the request was carried out in the requester’s name',
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
