import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import { JsonObject } from '@backstage/types';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  LogRecord,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { healthGatedPipeline, teamEntities } from '../__testUtils__/pipelines';
import { AUTO_ROLLBACK_ACTOR } from '../followUps/GateChecker';

jest.setTimeout(300_000);

/**
 * How long a wait on the gates' checker (every second here) may take: on a
 * busy machine its loop, the refreshes and the writes it starts are slow.
 */
const CHECKER_MILLIS = 120_000;

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_18'] });
const notificationsDatabases = TestDatabases.create({ ids: ['SQLITE_3'] });

const team = teamEntities('team-checkout', ['alice']);

/** A deployment's health endpoint, answering what the test says. */
async function startEndpoint() {
  const state = { status: 200, version: '1.0.0', requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    if (req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(state.status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'UP', version: state.version }));
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
  'gates that observe the running system, on %s',
  databaseId => {
    let repo: GitFixture;
    let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
    let logs: LogRecord[];

    beforeEach(async () => {
      repo = await createGitFixture({
        'staging.yaml': 'version: 1.0.0\n',
        'production.yaml': 'version: 1.0.0\n',
      });
      endpoint = await startEndpoint();
      logs = [];
    });

    afterEach(async () => {
      await endpoint.stop();
      await repo.cleanup();
    });

    const alice = mockCredentials.user.header('user:default/alice');
    const base = '/api/glu/pipelines/default/checkout';

    async function start(gate: JsonObject, allow?: JsonObject[]) {
      return startGlu({
        knex: await databases.init(databaseId),
        entities: [healthGatedPipeline(repo.url, gate), ...team],
        waitFor: ['staging', 'production'],
        // The owners hear of an automatic rollback.
        features: [notificationsBackend],
        pluginDatabases: {
          notifications: await notificationsDatabases.init('SQLITE_3'),
        },
        rootConfig: { app: { baseUrl: 'http://portal.example.com' } },
        logs,
        config: {
          gates: {
            checkInterval: { seconds: 1 },
            http: { allow: allow ?? [{ host: endpoint.host }] },
          },
        },
      });
    }

    it('hold the next phase until the upstream is healthy for the soak time, then roll a broken version back', async () => {
      const glu = await start({
        http: {
          url: endpoint.url,
          json: { path: 'version', equals: '$version' },
          soak: '2s',
          rollback: true,
        },
      });
      const view = async () =>
        (await request(glu.server).get(base).set('authorization', alice)).body;
      const productionEdge = async () =>
        (await view()).edges.find((e: any) => e.to === 'production');
      const publish = (version: string) =>
        request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version });
      try {
        // Staging takes 1.1.0 at once; its deployment still runs 1.0.0.
        await publish('1.1.0');
        await eventually(
          async () =>
            (await repo.show('staging.yaml')) === 'version: 1.1.0\n' ||
            undefined,
          'staging to take 1.1.0',
        );
        const waiting = await eventually(
          async () => {
            const edge = await productionEdge();
            return /not "1\.1\.0"/.test(edge.gates[0].reason)
              ? edge
              : undefined;
          },
          'the check of staging at 1.1.0',
          CHECKER_MILLIS,
        );
        expect(waiting.status).toBe('blocked');
        expect(waiting.gates[0]).toEqual({
          type: 'http',
          passed: false,
          reason: `${endpoint.host}/health answers version "1.0.0", not "1.1.0"`,
          checkedAt: expect.any(String),
        });
        expect(waiting.reasons).toContain(
          `http: ${endpoint.host}/health answers version "1.0.0", not "1.1.0"`,
        );
        // Not a failure: the deployment has not rolled out yet.
        expect(await repo.show('staging.yaml')).toBe('version: 1.1.0\n');

        // Deployed: healthy, then healthy for the soak time, then promoted.
        endpoint.state.version = '1.1.0';
        const soaking = await eventually(
          async () => {
            const edge = await productionEdge();
            return / for \d+s of 2s$/.test(edge.gates[0].reason)
              ? edge
              : undefined;
          },
          'the soak of the healthy staging',
          CHECKER_MILLIS,
        );
        expect(soaking.gates[0].passed).toBe(false);
        expect(soaking.gates[0].reason).toMatch(
          new RegExp(
            `^${endpoint.host}/health answers version "1\\.1\\.0", for`,
          ),
        );
        await eventually(
          async () =>
            (await repo.show('production.yaml')) === 'version: 1.1.0\n' ||
            undefined,
          'production to take 1.1.0 once staging was healthy for 2s',
          CHECKER_MILLIS,
        );

        // 1.2.0 rolls out to staging and is healthy, then breaks.
        await publish('1.2.0');
        await eventually(
          async () =>
            (await repo.show('staging.yaml')) === 'version: 1.2.0\n' ||
            undefined,
          'staging to take 1.2.0',
        );
        endpoint.state.version = '1.2.0';
        await eventually(
          async () => {
            const edge = await productionEdge();
            return edge.gates[0].reason.includes('"1.2.0"') ? edge : undefined;
          },
          'staging healthy at 1.2.0',
          CHECKER_MILLIS,
        );
        endpoint.state.status = 500;

        // Rolled back to 1.1.0 by Glu, pinned there, production untouched.
        await eventually(
          async () =>
            (await repo.show('staging.yaml')) === 'version: 1.1.0\n' ||
            undefined,
          'staging to be rolled back to 1.1.0',
          CHECKER_MILLIS,
        ).catch(async error => {
          // What the backend saw instead, for whoever reads the failure.
          const seen = logs
            .filter(l => l.level !== 'info' || /roll/i.test(l.message))
            .map(l => `${l.level}: ${l.message}`);
          const body = await view();
          const state = {
            staging: body.phases.find((p: any) => p.name === 'staging'),
            edge: body.edges.find((e: any) => e.to === 'production'),
            asked: endpoint.state,
          };
          throw new Error(
            `${error.message}; the log:\n${seen.join('\n')}\n${JSON.stringify(
              state,
            )}`,
          );
        });
        const after = await eventually(async () => {
          const body = await view();
          const staging = body.phases.find((p: any) => p.name === 'staging');
          return staging.pin && staging.state?.version === '1.1.0'
            ? body
            : undefined;
        }, 'the rollback to be seen and pinned');
        const staging = after.phases.find((p: any) => p.name === 'staging');
        expect(staging.pin).toMatchObject({
          version: '1.1.0',
          pinnedBy: AUTO_ROLLBACK_ACTOR,
          reason: `Rolled back automatically from 1.2.0: http: ${endpoint.host}/health answers 500, not 2xx`,
        });
        const promotions = (
          await request(glu.server)
            .get(`${base}/promotions?phase=staging`)
            .set('authorization', alice)
        ).body.items;
        expect(promotions[0]).toMatchObject({
          kind: 'rollback',
          trigger: 'auto',
          triggeredBy: AUTO_ROLLBACK_ACTOR,
          status: 'succeeded',
          before: { version: '1.2.0' },
          after: { version: '1.1.0' },
        });
        expect(await repo.show('production.yaml')).toBe('version: 1.1.0\n');
        const [told] = await eventually(async () => {
          const found = (
            await request(glu.server)
              .get('/api/notifications/notifications')
              .set('authorization', alice)
          ).body.notifications;
          return found?.length ? found : undefined;
        }, 'the owners to be told');
        expect(told.payload).toMatchObject({
          title: 'staging of checkout was rolled back to 1.1.0',
          description: `Glu rolled staging back from 1.2.0 and pinned it there: http: ${endpoint.host}/health answers 500, not 2xx. Unpin it once the cause is fixed.`,
          severity: 'critical',
          link: '/catalog/default/pipeline/checkout/glu#phase-staging',
        });

        // The pin holds: 1.2.0 is not promoted into staging again, however
        // often the healthy gate is checked.
        endpoint.state.status = 200;
        endpoint.state.version = '1.1.0';
        const asked = endpoint.state.requests;
        await eventually(
          async () => endpoint.state.requests >= asked + 3 || undefined,
          'the gate to be checked, healthy, three more times',
          CHECKER_MILLIS,
        );
        const stagingEdge = (await view()).edges.find(
          (e: any) => e.to === 'staging',
        );
        expect(stagingEdge.status).toBe('blocked');
        expect(stagingEdge.reasons.join(' ')).toMatch(/pinned/);
        const since = (
          await request(glu.server)
            .get(`${base}/promotions?phase=staging`)
            .set('authorization', alice)
        ).body.items;
        expect(since[0]).toMatchObject({ kind: 'rollback', trigger: 'auto' });
        expect(await repo.show('staging.yaml')).toBe('version: 1.1.0\n');
      } finally {
        await glu.stop();
      }
    });

    it('ask only the addresses the platform allows', async () => {
      const glu = await start({ http: { url: endpoint.url } }, [
        { host: 'health.example.com' },
      ]);
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
