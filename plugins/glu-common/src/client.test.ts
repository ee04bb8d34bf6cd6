import http from 'node:http';
import { AddressInfo } from 'node:net';
import { GluClient } from './client';

describe('GluClient', () => {
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
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
