/*
 * The example backend end to end: the catalog reads the example entities and
 * a Pipeline from files, the Glu catalog module validates it and relates it,
 * the Glu backend learns it, and the example permission policy lets only the
 * owning team promote, by a commit to a real Git repository.
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
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import gluExamplePolicy from './permissionPolicy';

jest.setTimeout(180_000);

// The example setup scripts are plain JavaScript shared with `npm start`.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { prepareExample } = require('../../../scripts/example');

const root = path.resolve(__dirname, '../../..');
const PRODUCTION = 'env/production/deployment.yaml';

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
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      ...inner,
      issueUserCookie: inner.issueUserCookie.bind(inner),
      async credentials(req: any, options?: any) {
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
    const audit: { eventId: string; outcome: string }[] = [];

    beforeAll(async () => {
      stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-example-'));
      ({ gitopsDir } = await prepareExample(root, stateDir));
      backend = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleGlu,
          permissionPlugin,
          gluExamplePolicy,
          glu,
          schedulerServiceFactory,
          httpAuthWithActors,
          mockServices.rootConfig.factory({
            data: {
              backend: { database },
              catalog: {
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
            createEvent: async ({ eventId }) => ({
              success: async () => {
                audit.push({ eventId, outcome: 'success' });
              },
              fail: async () => {
                audit.push({ eventId, outcome: 'fail' });
              },
            }),
          }).factory,
        ],
      });
    });

    afterAll(async () => {
      await backend?.stop();
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
        return res.status === 200 && observed.length === 2
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
      expect(audit).toContainEqual({ eventId: 'promotion', outcome: 'fail' });
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
      expect(audit).toContainEqual({
        eventId: 'promotion',
        outcome: 'success',
      });
    });

    it('lets CI publish a version with a service token, which staging then gets by itself', async () => {
      const refused = await request(backend.server)
        .post('/api/glu/pipelines/default/checkout/phases/build/versions')
        .set('authorization', as('bob'))
        .send({ version: '9.9.9' });
      expect(refused.status).toBe(403);

      const ci = mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('external:ci'),
        targetPluginId: 'glu',
      });
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
