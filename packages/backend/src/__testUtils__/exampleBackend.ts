/*
 * The example backend end to end: the catalog reads the example entities and
 * a Pipeline from files, the Glu catalog module validates it (write scopes
 * included) and relates it, the Glu backend learns it, and the shipped owner
 * policy lets only the owning team change it, by commits to a real Git
 * repository. Services write only with a grant; every refusal is audited.
 *
 * Each test file of the example backend runs it on every database through
 * `describeExampleBackend`, which binds `backend`, `gitopsDir` and `audit`
 * for the tests of each run.
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createBackendFeatureLoader,
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
import gluModulePrometheus from '@glu-dev/plugin-glu-backend-module-prometheus';
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

/** The example's app-config.yaml, whose write scopes the test uses. */
const exampleConfig = parseYaml(
  readFileSync(path.resolve(__dirname, '../../../../app-config.yaml'), 'utf8'),
);

// The example setup scripts are plain JavaScript shared with `npm start`.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { prepareExample } = require('../../../../scripts/example');

const root = path.resolve(__dirname, '../../../..');
export const PRODUCTION = 'env/production/deployment.yaml';

jest.setTimeout(180_000);

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

export function git(args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8' });
}

export async function eventually<T>(
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

/** The example backend of the current run. */
export let backend: Awaited<ReturnType<typeof startTestBackend>>;
/** The example's GitOps repository, which the backend writes to. */
export let gitopsDir: string;
/** The audit events of the current run, oldest first. */
export let audit: { eventId: string; outcome: string; meta?: any }[];

export const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/**
 * Runs the tests that `tests` declares against the example backend, once
 * on every database: started before them, from a fresh copy of the example.
 */
export function describeExampleBackend(tests: () => void) {
  describe.each(databaseConfigs)(
    'the example backend on %s',
    (_name, database) => {
      let stateDir: string;
      // The staging health endpoint that the example's http gate asks, here
      // rather than at the portal's own address.
      let health: http.Server;

      beforeAll(async () => {
        audit = [];
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
        const healthHost = `127.0.0.1:${
          (health.address() as AddressInfo).port
        }`;
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
            // The example's search pipeline is gated on its metrics. In a
            // loader, as Glu's own plugin is: the test backend then adds no
            // stand-in plugin for the module.
            createBackendFeatureLoader({
              *loader() {
                yield gluModulePrometheus;
              },
            }),
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
                    // The example's server, as app-config.yaml names it;
                    // no Prometheus answers in these tests: its gates wait.
                    prometheus: {
                      servers: [
                        {
                          name: 'example',
                          url: 'http://127.0.0.1:9',
                          addresses: ['http://localhost:9090'],
                        },
                      ],
                    },
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

      tests();
    },
  );
}

/**
 * Waits until the backend has learned the example pipeline, observed both
 * its phases and checked production's health gate: where the tests of the
 * backend's writes start from.
 */
export async function untilObserved(): Promise<void> {
  await eventually(async () => {
    const { body } = await request(backend.server)
      .get('/api/glu/pipelines/default/checkout')
      .set('authorization', as('alice'));
    const phases = body.phases ?? [];
    const gateChecked = Boolean(body.edges?.[1]?.gates?.[0]?.checkedAt);
    return phases.filter((p: any) => p.state).length === 2 && gateChecked
      ? true
      : undefined;
  }, 'the example pipeline to be observed');
}
