import http from 'node:http';
import { AddressInfo } from 'node:net';
import { GluClient } from './client';

describe('GluClient', () => {
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/api/glu/pipelines')) {
        // Echo what the server received, to check the client's encoding.
        let body = '';
        req.on('data', chunk => (body += chunk));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ method: req.method, url: req.url, body }));
        });
        return;
      }
      if (req.url === '/api/glu/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'ok',
            database: 'ok',
            sources: [],
            formats: [],
          }),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'no such route' },
          request: { method: req.method, url: req.url },
          response: { statusCode: 404 },
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/glu`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  it('reads the health of the backend', async () => {
    const client = new GluClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
    await expect(client.getHealth()).resolves.toMatchObject({ status: 'ok' });
  });

  it('encodes entity refs in queries and paths', async () => {
    const client = new GluClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
    await expect(
      client.listPipelines({
        component: 'component:default/checkout',
        limit: 10,
      }),
    ).resolves.toMatchObject({
      url: '/api/glu/pipelines?component=component%3Adefault%2Fcheckout&limit=10',
    });
    await expect(
      client.listHistory('pipeline:team-a/checkout', 'production', {
        cursor: 'abc',
      }),
    ).resolves.toMatchObject({
      url: '/api/glu/pipelines/team-a/checkout/phases/production/history?cursor=abc',
    });
    await expect(
      client.dryRunPromotion('checkout', { phase: 'production' }),
    ).resolves.toMatchObject({
      method: 'POST',
      url: '/api/glu/pipelines/default/checkout/promotions',
      body: '{"phase":"production","dryRun":true}',
    });
  });

  it('repeats a list in the query, and sends a promotion without dryRun', async () => {
    const client = new GluClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
    await expect(
      client.listPipelines({ owner: ['user:default/ana', 'group:default/a'] }),
    ).resolves.toMatchObject({
      url: '/api/glu/pipelines?owner=user%3Adefault%2Fana&owner=group%3Adefault%2Fa',
    });
    await expect(
      client.promote('checkout', { phase: 'production', from: 'staging' }),
    ).resolves.toMatchObject({
      body: '{"phase":"production","from":"staging"}',
    });
  });

  it('asks for the diff between two history entries', async () => {
    const client = new GluClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
    await expect(
      client.diffHistory('pipeline:default/checkout', 'production', {
        from: '4',
        to: '9',
      }),
    ).resolves.toMatchObject({
      method: 'GET',
      url: '/api/glu/pipelines/default/checkout/phases/production/diff?from=4&to=9',
    });
  });

  it('approves for a phase, naming the upstream phase when given', async () => {
    const client = new GluClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
    await expect(
      client.approve('pipeline:default/checkout', 'production'),
    ).resolves.toMatchObject({
      method: 'POST',
      url: '/api/glu/pipelines/default/checkout/phases/production/approvals',
      body: '{}',
    });
    await expect(
      client.approve('checkout', 'production', { from: 'staging' }),
    ).resolves.toMatchObject({ body: '{"from":"staging"}' });
  });

  it('turns an error response into a ResponseError with the server message', async () => {
    const client = new GluClient({
      discoveryApi: { getBaseUrl: async () => `${baseUrl}/missing` },
    });
    await expect(client.getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      body: { error: { name: 'NotFoundError', message: 'no such route' } },
    });
  });
});
