import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { healthGatedPipeline } from '../__testUtils__/pipelines';

// What every gate that observes goes through (soak, rollback, outage) is
// in gateScenarios.test.ts; here, what only the http gate does.

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_18'] });

/** A deployment's health endpoint, counting the requests it receives. */
async function startEndpoint() {
  const state = { requests: 0 };
  const server = http.createServer((_req, res) => {
    state.requests += 1;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'UP' }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/health`,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

describe.each(databases.eachSupportedId())(
  'the http gate, on %s',
  databaseId => {
    let repo: GitFixture;
    let endpoint: Awaited<ReturnType<typeof startEndpoint>>;

    beforeEach(async () => {
      repo = await createGitFixture({
        'staging.yaml': 'version: 1.0.0\n',
        'production.yaml': 'version: 1.0.0\n',
      });
      endpoint = await startEndpoint();
    });

    afterEach(async () => {
      await endpoint.stop();
      await repo.cleanup();
    });

    const alice = mockCredentials.user.header('user:default/alice');
    const base = '/api/glu/pipelines/default/checkout';

    it('asks only the addresses the platform allows', async () => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          healthGatedPipeline(repo.url, { http: { url: endpoint.url } }),
        ],
        waitFor: ['staging', 'production'],
        config: {
          gates: {
            checkInterval: { seconds: 1 },
            http: { allow: [{ host: 'health.example.com' }] },
          },
        },
      });
      try {
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.1.0' });
        const edge = await eventually(async () => {
          const body = (
            await request(glu.server).get(base).set('authorization', alice)
          ).body;
          const found = body.edges.find((e: any) => e.to === 'production');
          return found.gates[0].checkedAt && found.status === 'blocked'
            ? found
            : undefined;
        }, 'the check');
        expect(edge.gates[0].reason).toBe(
          `the platform does not let Glu ask ${endpoint.host} (glu.gates.http.allow)`,
        );
        expect(endpoint.state.requests).toBe(0);
      } finally {
        await glu.stop();
      }
    });
  },
);
