import { FakeArgoCd } from './FakeArgoCd';
import { checkRequest, checkResponse } from './swagger';

const APP = 'GET /api/v1/applications/{name}';
const SESSION = 'POST /api/v1/session';

describe('FakeArgoCd', () => {
  let argocd: FakeArgoCd;

  beforeEach(async () => {
    argocd = await FakeArgoCd.start({ users: { glu: 'secret' } });
  });

  afterEach(async () => {
    await argocd.stop();
  });

  async function get(path: string, token = argocd.token) {
    const response = await fetch(`${argocd.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  }

  it('answers Applications as Argo CD describes them', async () => {
    argocd.setApplication('checkout', {
      revision: 'a'.repeat(40),
      health: 'Degraded',
      operation: { phase: 'Running', message: 'waiting for healthy state' },
      resources: [
        {
          kind: 'Deployment',
          name: 'checkout',
          health: 'Degraded',
          message: 'exceeded its progress deadline',
        },
      ],
    });
    argocd.setApplication('multi', {
      namespace: 'team-a',
      sources: [
        {
          repoURL: 'https://git.example.com/acme/gitops.git',
          path: 'env/multi',
          revision: 'b'.repeat(40),
        },
        {
          repoURL: 'https://charts.example.com',
          chart: 'checkout',
          targetRevision: '1.2.3',
          revision: '1.2.3',
        },
      ],
      operation: { phase: 'Succeeded' },
    });

    const single = await get('/api/v1/applications/checkout');
    expect(single.status).toBe(200);
    expect(single.body.status).toMatchObject({
      sync: { status: 'Synced', revision: 'a'.repeat(40) },
      health: { status: 'Degraded' },
      operationState: { phase: 'Running' },
      resources: [
        {
          kind: 'Deployment',
          health: {
            status: 'Degraded',
            message: 'exceeded its progress deadline',
          },
        },
      ],
    });

    // Apps in any namespace: found in their namespace only.
    expect((await get('/api/v1/applications/multi')).status).toBe(404);
    const multi = await get('/api/v1/applications/multi?appNamespace=team-a');
    expect(multi.body.status.sync.revisions).toEqual(['b'.repeat(40), '1.2.3']);
    expect(argocd.violations).toEqual([]);
  });

  it('refuses callers without a token, and gives users sessions', async () => {
    argocd.setApplication('checkout', { revision: 'a'.repeat(40) });
    expect(await get('/api/v1/applications/checkout', 'nope')).toMatchObject({
      status: 401,
      body: { code: 16 },
    });

    const login = (password: string) =>
      fetch(`${argocd.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'glu', password }),
      });
    expect((await login('wrong')).status).toBe(401);
    const { token } = await (await login('secret')).json();
    expect((await get('/api/v1/applications/checkout', token)).status).toBe(
      200,
    );
    argocd.expireSessions();
    expect((await get('/api/v1/applications/checkout', token)).status).toBe(
      401,
    );
    expect(argocd.sessionsCreated).toBe(1);
    expect(argocd.violations).toEqual([]);
  });

  it('records a request that Argo CD does not serve as a violation', async () => {
    expect((await get('/api/v1/applications/checkout?watch=true')).status).toBe(
      400,
    );
    expect((await get('/api/v1/clusters')).status).toBe(404);
    expect(argocd.violations).toEqual([
      `request ${APP}: no query parameter watch`,
      'no such operation in the fake: GET /api/v1/clusters',
    ]);
  });

  it('answers only its own URL, several at once', async () => {
    const other = await FakeArgoCd.start({ url: 'https://other.test/argocd' });
    try {
      other.setApplication('checkout', { health: 'Progressing' });
      const response = await fetch(
        `${other.url}/api/v1/applications/checkout`,
        { headers: { authorization: `Bearer ${other.token}` } },
      );
      expect((await response.json()).status.health.status).toBe('Progressing');
      expect(other.requests).toHaveLength(1);
      expect(argocd.requests).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });
});

describe("the checks against Argo CD's description", () => {
  it('catch answers with fields of the wrong type or that it does not name', () => {
    expect(
      checkResponse(APP, 200, { status: { sync: { revision: 42 } } }),
    ).toBe(`${APP} 200: /status/sync/revision must be string`);
    expect(
      checkResponse(APP, 200, { status: { sync: { revison: 'a' } } }),
    ).toBe(`${APP} 200: /status/sync must NOT have additional properties`);
    expect(checkResponse(APP, 404, { code: 'five' })).toBe(
      `${APP} 404: /code must be integer`,
    );
    expect(checkResponse(APP, 200, { metadata: { name: 'x' } })).toBe(
      undefined,
    );
  });

  it('catch request bodies and parameters that it does not take', () => {
    const query = new URLSearchParams();
    expect(
      checkRequest(SESSION, {
        query,
        contentType: 'application/json',
        body: JSON.stringify({ user: 'glu', password: 'x' }),
      }),
    ).toBe(`request ${SESSION}: body: / must NOT have additional properties`);
    expect(checkRequest(SESSION, { query, body: '' })).toBe(
      `request ${SESSION}: no body`,
    );
    expect(
      checkRequest(APP, {
        query: new URLSearchParams('appNamespace=a&appNamespace=b'),
      }),
    ).toBe(`request ${APP}: query parameter appNamespace takes one value`);
  });
});
