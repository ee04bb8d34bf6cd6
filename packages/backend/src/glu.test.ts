/*
 * The example backend end to end: the catalog reads the example entities and
 * a Pipeline from files, the Glu catalog module validates it (write scopes
 * included) and relates it, the Glu backend learns it, and the shipped owner
 * policy lets only the owning team change it, by commits to a real Git
 * repository. Services write only with a grant; every refusal is audited.
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogModuleGlu from '@glu-dev/plugin-catalog-backend-module-glu';
import glu from '@glu-dev/plugin-glu-backend';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import gluOwnerPolicy from '@glu-dev/plugin-permission-backend-module-glu';

jest.setTimeout(180_000);

/** The example's app-config.yaml, whose write scopes the test uses. */
const exampleConfig = parseYaml(
  readFileSync(path.resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
);

// The example setup scripts are plain JavaScript shared with `npm start`.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { prepareExample } = require('../../../scripts/example');

const root = path.resolve(__dirname, '../../..');
const PRODUCTION = 'env/production/deployment.yaml';

/**
 * Static service tokens, as `backend.auth.externalAccess` issues them: CI's
 * restricted to publishing in Glu (its grant, as in the example's config), a
 * deployer's with no restrictions at all (no grant).
 */
const staticTokens: Record<
  string,
  { subject: string; accessRestrictions?: { permissionNames: string[] } }
> = {
  'Bearer ci-token': {
    subject: 'external:ci',
    accessRestrictions: { permissionNames: ['glu.pipeline.publish'] },
  },
  'Bearer deployer-token': { subject: 'external:deployer' },
};

/** The identities that sign-in would issue: users and the groups they are in. */
const members: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-checkout'],
  'user:default/bob': ['group:default/team-platform'],
};

/**
 * Mock credentials, as real ones are: a plugin's request on behalf of a user
 * (as the permission backend applies the catalog's conditions) carries the
 * plugin as the actor. The mock tokens leave the actor out.
 */
const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    // A request without credentials has none, as in production.
    const inner = mockServices.httpAuth({
      pluginId: plugin.getId(),
      defaultCredentials: mockCredentials.none(),
    });
    return {
      ...inner,
      issueUserCookie: inner.issueUserCookie.bind(inner),
      async credentials(req: any, options?: any) {
        // Static tokens of services (external access), as configured.
        const service = staticTokens[String(req.headers.authorization)];
        if (service) {
          if (options?.allow && !options.allow.includes('service')) {
            throw new Error('This endpoint does not allow service credentials');
          }
          return mockCredentials.service(
            service.subject,
            service.accessRestrictions,
          );
        }
        const credentials: any = await inner.credentials(req, options);
        const onBehalf = String(req.headers.authorization ?? '').startsWith(
          'Bearer mock-service-token:',
        );
        if (onBehalf && credentials.principal.type === 'user') {
          return {
            ...credentials,
            principal: {
              ...credentials.principal,
              actor: { type: 'service', subject: 'plugin:permission' },
            },
          };
        }
        return credentials;
      },
    } as typeof inner;
  },
});

const databaseConfigs: [string, JsonObject][] = [
  ['SQLite', { client: 'better-sqlite3', connection: ':memory:' }],
];
if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING) {
  databaseConfigs.push([
    'PostgreSQL',
    {
      client: 'pg',
      connection:
        process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING,
      // Every plugin gets a database of its own, apart from other test runs.
      prefix: `glu_e2e_${randomBytes(4).toString('hex')}_`,
    },
  ]);
}

function git(args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8' });
}

async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe.each(databaseConfigs)(
  'the example backend on %s',
  (_name, database) => {
    let stateDir: string;
    let gitopsDir: string;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    const audit: { eventId: string; outcome: string; meta?: any }[] = [];

    // The staging health endpoint that the example's http gate asks, here
    // rather than at the portal's own address.
    let health: http.Server;

    beforeAll(async () => {
      stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-example-'));
      ({ gitopsDir } = await prepareExample(root, stateDir));
      health = http.createServer((_req, res) => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"status":"ok"}');
      });
      await new Promise<void>(resolve =>
        health.listen(0, '127.0.0.1', resolve),
      );
      const healthHost = `127.0.0.1:${(health.address() as AddressInfo).port}`;
      const pipelinesFile = path.join(stateDir, 'examples', 'pipelines.yaml');
      await fs.writeFile(
        pipelinesFile,
        (
          await fs.readFile(pipelinesFile, 'utf8')
        ).replace('http://localhost:7007/', `http://${healthHost}/`),
      );
      backend = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleGlu,
          permissionPlugin,
          gluOwnerPolicy,
          glu,
          // Glu's actions, for agents through the MCP actions backend.
          mcpActionsPlugin,
          actionsRegistryServiceFactory,
          actionsServiceFactory,
          schedulerServiceFactory,
          httpAuthWithActors,
          mockServices.rootConfig.factory({
            data: {
              backend: {
                database,
                // As in the example's app-config.yaml.
                actions: exampleConfig.backend.actions,
              },
              catalog: {
                // A pipeline processed before its owner is refused once, and
                // let in at its next processing: soon, here.
                processingInterval: { seconds: 1 },
                rules: [
                  {
                    allow: [
                      'Component',
                      'System',
                      'Group',
                      'User',
                      'Location',
                      'Pipeline',
                    ],
                  },
                ],
                locations: [
                  {
                    type: 'file',
                    target: path.join(root, 'examples/org.yaml'),
                  },
                  {
                    type: 'file',
                    target: path.join(root, 'examples/entities.yaml'),
                  },
                  {
                    type: 'file',
                    target: path.join(stateDir, 'examples/pipelines.yaml'),
                  },
                ],
              },
              permission: { enabled: true },
              glu: {
                workingDirectory: path.join(stateDir, 'work'),
                catalogSyncInterval: { seconds: 1 },
                refreshInterval: { seconds: 2 },
                // As in the example's app-config.yaml.
                writeScopes: exampleConfig.glu.writeScopes,
                gates: {
                  checkInterval: { seconds: 1 },
                  http: { allow: [{ host: healthHost }] },
                },
              },
            },
          }),
          mockServices.userInfo.mock({
            getUserInfo: async credentials => {
              const ref = (credentials.principal as { userEntityRef: string })
                .userEntityRef;
              return {
                userEntityRef: ref,
                ownershipEntityRefs: [ref, ...(members[ref] ?? [])],
              };
            },
          }).factory,
          mockServices.auditor.mock({
            createEvent: async ({ eventId, meta }) => ({
              success: async () => {
                audit.push({ eventId, outcome: 'success', meta });
              },
              fail: async () => {
                audit.push({ eventId, outcome: 'fail', meta });
              },
            }),
          }).factory,
        ],
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await new Promise(resolve => health?.close(resolve));
      await fs.rm(stateDir, { recursive: true, force: true });
    });

    const as = (user: string) =>
      mockCredentials.user.header(`user:default/${user}`);

    it('learns the example pipeline from the catalog and observes both phases', async () => {
      const pipeline = await eventually(async () => {
        const res = await request(backend.server)
          .get('/api/glu/pipelines/default/checkout')
          .set('authorization', as('bob'));
        const observed = res.body.phases?.filter((p: any) => p.state) ?? [];
        // Production's health gate checked for what staging holds.
        const checked = res.body.edges?.[1]?.gates?.[0]?.checkedAt;
        return res.status === 200 && observed.length === 2 && checked
          ? res.body
          : undefined;
      }, 'the example pipeline');
      expect(
        pipeline.phases.map((p: any) => [
          p.name,
          p.source.type,
          p.state?.version,
        ]),
      ).toEqual([
        ['build', 'api', undefined],
        ['staging', 'git', '1.5.0'],
        ['production', 'git', '1.4.0'],
      ]);
      expect(
        pipeline.edges.map((e: any) => [e.from, e.to, e.status, e.reasons]),
      ).toEqual([
        ['build', 'staging', 'blocked', ['build has not been observed yet']],
        ['staging', 'production', 'promotable', []],
      ]);

      // The catalog relates the pipeline to its owner and its component.
      const relations = await eventually(async () => {
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-name/component/default/checkout')
          .set('authorization', as('bob'));
        return res.body.relations?.some((r: any) => r.type === 'deliveredBy')
          ? res.body.relations
          : undefined;
      }, 'the relation from the component to its pipeline');
      expect(relations).toContainEqual({
        type: 'deliveredBy',
        targetRef: 'pipeline:default/checkout',
      });
      const list = await request(backend.server)
        .get(
          `/api/glu/pipelines?component=${encodeURIComponent(
            'component:default/checkout',
          )}`,
        )
        .set('authorization', as('bob'));
      expect(list.body.error).toBeUndefined();
      expect(list.body.items.map((p: any) => [p.ref, p.behind])).toEqual([
        ['pipeline:default/checkout', 1],
      ]);
    });

    it('refuses the promotion to someone outside the owning team, and changes nothing', async () => {
      const before = git(['-C', gitopsDir, 'rev-parse', 'main']);
      const res = await request(backend.server)
        .post('/api/glu/pipelines/default/checkout/promotions')
        .set('authorization', as('bob'))
        .send({ phase: 'production' });
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(audit).toContainEqual(
        expect.objectContaining({ eventId: 'promotion', outcome: 'fail' }),
      );
      expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(before);
    });

    it("gives agents Glu's actions through MCP, acting as the user who calls", async () => {
      /** One JSON-RPC call to the MCP server, as an MCP client makes it. */
      const mcp = async (user: string, method: string, params: object) => {
        const res = await request(backend.server)
          .post('/api/mcp-actions/v1')
          .set('authorization', as(user))
          .set('accept', 'application/json, text/event-stream')
          .send({ jsonrpc: '2.0', id: 1, method, params });
        expect(res.status).toBe(200);
        const data = res.text
          .split('\n')
          .find(line => line.startsWith('data: '));
        return JSON.parse(data ? data.slice(6) : res.text);
      };
      const tools = (await mcp('alice', 'tools/list', {})).result.tools;
      const names = tools.map((t: any) => t.name);
      const tool = (action: string) =>
        names.find((name: string) => name.endsWith(action));
      expect(tool('promote')).toBeDefined();
      expect(tool('get-pipeline')).toBeDefined();
      expect(
        tools.find((t: any) => t.name === tool('get-pipeline')).annotations,
      ).toMatchObject({ readOnlyHint: true });

      const view = await mcp('bob', 'tools/call', {
        name: tool('get-pipeline'),
        arguments: { pipeline: 'checkout' },
      });
      expect(view.result.isError).toBeFalsy();
      expect(JSON.stringify(view.result.content)).toContain('promotable');

      const plan = await mcp('alice', 'tools/call', {
        name: tool('dry-run-promotion'),
        arguments: { pipeline: 'checkout', phase: 'production' },
      });
      expect(JSON.stringify(plan.result.content)).toContain(
        'registry.example.com/acme/checkout:1.5.0',
      );

      // Bob may read, not promote: the same refusal as the HTTP API's.
      const before = git(['-C', gitopsDir, 'rev-parse', 'main']);
      const refused = await mcp('bob', 'tools/call', {
        name: tool('promote'),
        arguments: { pipeline: 'checkout', phase: 'production' },
      });
      expect(refused.result.isError).toBe(true);
      expect(JSON.stringify(refused.result.content)).toContain(
        'user:default/bob may not',
      );
      expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(before);
    });

    it('lets a member of the owning team promote, by one commit of one line', async () => {
      const res = await request(backend.server)
        .post('/api/glu/pipelines/default/checkout/promotions')
        .set('authorization', as('alice'))
        .send({ phase: 'production' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'succeeded',
        triggeredBy: 'user:default/alice',
        after: { version: '1.5.0' },
      });
      expect(
        git(['-C', gitopsDir, 'show', '--numstat', '--format=', 'main']).trim(),
      ).toBe(`1\t1\t${PRODUCTION}`);
      expect(audit).toContainEqual(
        expect.objectContaining({ eventId: 'promotion', outcome: 'success' }),
      );
    });

    it('lets CI publish a version with a service token, which staging then gets by itself', async () => {
      const refused = await request(backend.server)
        .post('/api/glu/pipelines/default/checkout/phases/build/versions')
        .set('authorization', as('bob'))
        .send({ version: '9.9.9' });
      expect(refused.status).toBe(403);

      // The static token of CI, granted to read and publish.
      const ci = 'Bearer ci-token';
      const published = await request(backend.server)
        .post('/api/glu/pipelines/default/checkout/phases/build/versions')
        .set('authorization', ci)
        .send({
          fields: {
            repository: 'registry.example.com/acme/checkout',
            tag: '1.6.0',
          },
          message: 'Built by CI',
        });
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({
        changed: true,
        state: { version: '1.6.0', cause: 'published', actor: 'external:ci' },
      });
      await eventually(async () => {
        const staging = git([
          '-C',
          gitopsDir,
          'show',
          'main:env/staging/deployment.yaml',
        ]);
        return staging.includes('registry.example.com/acme/checkout:1.6.0')
          ? true
          : undefined;
      }, 'staging to get the published version');

      // The same version again changes nothing.
      const again = await request(backend.server)
        .post('/api/glu/pipelines/default/checkout/phases/build/versions')
        .set('authorization', ci)
        .send({
          fields: {
            repository: 'registry.example.com/acme/checkout',
            tag: '1.6.0',
          },
        });
      expect(again.body.changed).toBe(false);
    });

    describe('who may write', () => {
      const base = '/api/glu/pipelines/default/checkout';
      let productionFirst: string;

      beforeAll(async () => {
        const history = await request(backend.server)
          .get(`${base}/phases/production/history`)
          .set('authorization', as('alice'));
        productionFirst = history.body.items[history.body.items.length - 1].id;
      });

      /** Every route that writes, or dry-runs a write, with its audit event. */
      const routes: Record<
        string,
        { eventId: string; send: (auth?: string) => request.Test }
      > = {
        promote: {
          eventId: 'promotion',
          send: auth =>
            call('post', `${base}/promotions`, auth).send({
              phase: 'production',
            }),
        },
        'dry run': {
          eventId: 'promotion-dry-run',
          send: auth =>
            call('post', `${base}/promotions`, auth).send({
              phase: 'production',
              dryRun: true,
            }),
        },
        rollback: {
          eventId: 'rollback',
          send: auth =>
            call('post', `${base}/phases/production/rollback`, auth).send({
              historyId: productionFirst,
            }),
        },
        pin: {
          eventId: 'phase-pin',
          send: auth =>
            call('post', `${base}/phases/staging/pin`, auth).send({
              reason: 'freeze',
            }),
        },
        unpin: {
          eventId: 'phase-unpin',
          send: auth => call('delete', `${base}/phases/staging/pin`, auth),
        },
        approve: {
          eventId: 'approval',
          send: auth =>
            call('post', `${base}/phases/production/approvals`, auth).send({}),
        },
        publish: {
          eventId: 'version-publish',
          send: auth =>
            call('post', `${base}/phases/build/versions`, auth).send({
              version: '6.6.6',
            }),
        },
        refresh: {
          eventId: 'pipeline-refresh',
          send: auth => call('post', `${base}/refresh`, auth),
        },
      };

      function call(method: 'post' | 'delete', url: string, auth?: string) {
        const req = request(backend.server)[method](url);
        return auth ? req.set('authorization', auth) : req;
      }

      const reads = ['dry run', 'refresh'];
      const everyRoute = Object.keys(routes);
      const callers: [string, string | undefined, number, string[]][] = [
        ['anonymous', undefined, 401, []],
        ['a forged token', 'Bearer forged-token', 401, []],
        ['a user outside the owning team', as('bob'), 403, reads],
        ['a service without a grant', 'Bearer deployer-token', 403, reads],
        [
          'CI, granted only to publish',
          'Bearer ci-token',
          // It may not even read: as far as it knows, there is no pipeline.
          404,
          ['publish'],
        ],
      ];

      it.each(callers)(
        'refuses %s every write it may not make, audits each refusal, and changes nothing',
        async (_who, auth, refusal, allowed) => {
          const head = git(['-C', gitopsDir, 'rev-parse', 'main']);
          const viewBefore = (
            await request(backend.server)
              .get(base)
              .set('authorization', as('alice'))
          ).body;
          for (const name of everyRoute.filter(r => !allowed.includes(r))) {
            const { eventId, send } = routes[name];
            const audited = audit.length;
            const res = await send(auth);
            expect([name, res.status]).toEqual([name, refusal]);
            expect(audit.slice(audited)).toContainEqual(
              expect.objectContaining({ eventId, outcome: 'fail' }),
            );
            expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(head);
          }
          for (const name of allowed.filter(r => reads.includes(r))) {
            const res = await routes[name].send(auth);
            expect([name, res.status]).toEqual([name, 200]);
          }
          // Nothing was pinned, approved or published either.
          const viewAfter = (
            await request(backend.server)
              .get(base)
              .set('authorization', as('alice'))
          ).body;
          expect(
            viewAfter.phases.map((p: any) => [p.name, p.pin, p.state?.version]),
          ).toEqual(
            viewBefore.phases.map((p: any) => [
              p.name,
              p.pin,
              p.state?.version,
            ]),
          );
          expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(head);
        },
      );

      it('tells a service without a grant how to get one', async () => {
        const res = await routes.publish.send('Bearer deployer-token');
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          "external:deployer may not create pipeline:default/checkout (glu.pipeline.publish): the service external:deployer has no grant for glu.pipeline.publish: name the permission in its token's access restrictions (backend.auth.externalAccess), or grant it under glu.serviceGrants",
        );
      });

      it('lets a member of the owning team make every write', async () => {
        expect((await routes['dry run'].send(as('alice'))).status).toBe(200);
        expect((await routes.pin.send(as('alice'))).status).toBe(200);
        expect((await routes.unpin.send(as('alice'))).status).toBe(204);
        expect((await routes.approve.send(as('alice'))).status).toBe(200);
        expect((await routes.refresh.send(as('alice'))).status).toBe(200);
        const head = git(['-C', gitopsDir, 'rev-parse', 'main']);
        const rollback = await routes.rollback.send(as('alice'));
        expect(rollback.status).toBe(200);
        expect(rollback.body).toMatchObject({
          kind: 'rollback',
          status: 'succeeded',
        });
        expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).not.toBe(head);
        expect(audit).toContainEqual(
          expect.objectContaining({ eventId: 'rollback', outcome: 'success' }),
        );
      });
    });

    it.each([
      [
        'an unknown source type',
        (spec: any) => {
          spec.phases[0].source = { type: 'ftp', url: 'ftp://example.com/x' };
        },
        'spec.phases[0].source.type: unknown source type "ftp" (known: api, git, helm, oci)',
      ],
      [
        'a promotion from a phase that does not exist',
        (spec: any) => {
          spec.phases[1].promotion.from = 'qa';
        },
        'spec.phases[1].promotion.from: there is no phase named "qa"',
      ],
      [
        'a cycle',
        (spec: any) => {
          spec.phases[0].promotion = { from: 'production' };
        },
        'spec.phases: the promotions form a cycle: staging -> production -> staging',
      ],
      [
        'a path that leaves the repository',
        (spec: any) => {
          spec.phases[1].source.path = '../../etc/passwd';
        },
        'spec.phases[1].source.path: "../../etc/passwd" leaves the repository',
      ],
      [
        'a missing owner',
        (spec: any) => {
          delete spec.owner;
        },
        'spec.owner: Invalid input: expected string, received undefined',
      ],
      [
        'a file outside the write scopes of its owner',
        () => {},
        'spec.phases[1].source: env/production/deployment.yaml on main of https://github.com/acme/gitops is outside the write scopes of group:default/team-checkout (glu.writeScopes)',
      ],
    ])(
      'reports %s as a catalog processing error',
      async (_what, breakIt, message) => {
        const spec: any = {
          owner: 'group:default/team-checkout',
          phases: [
            {
              name: 'staging',
              source: {
                type: 'git',
                repository: 'https://github.com/acme/gitops',
                path: 'env/staging/deployment.yaml',
                format: 'kubernetes',
              },
            },
            {
              name: 'production',
              source: {
                type: 'git',
                repository: 'https://github.com/acme/gitops',
                path: PRODUCTION,
                format: 'kubernetes',
              },
              promotion: { from: 'staging' },
            },
          ],
        };
        breakIt(spec);
        const res = await request(backend.server)
          .post('/api/catalog/validate-entity')
          .set('authorization', as('alice'))
          .send({
            location:
              'url:https://github.com/acme/gitops/blob/main/catalog-info.yaml',
            entity: {
              apiVersion: 'glu.dev/v1alpha1',
              kind: 'Pipeline',
              metadata: { name: 'broken' },
              spec,
            },
          });
        expect(res.status).toBe(400);
        expect(res.body.errors[0].message).toContain(
          `Invalid pipeline pipeline:default/broken: ${message}`,
        );
      },
    );
  },
);
