import {
  createBackendModule,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the real Glu backend, in a test, receives the refusals
import { gluModuleBuiltIns, gluPlugin } from '@glu-dev/plugin-glu-backend';
import { catalogModuleGlu } from './module';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const LOCATION = 'url:https://github.com/acme/catalog/blob/main/org.yaml';
const annotations = {
  'backstage.io/managed-by-location': LOCATION,
  'backstage.io/managed-by-origin-location': LOCATION,
};

function org(kind: 'Group' | 'User', name: string, namespace = 'default') {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace, annotations },
    spec: kind === 'Group' ? { type: 'team', children: [] } : { memberOf: [] },
  };
}

/** A pipeline that promotes into the file of team-platform. */
function pipeline(name: string, owner: string): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      owner,
      phases: [
        { name: 'build', source: { type: 'api' } },
        {
          name: 'production',
          source: {
            type: 'git',
            repository: 'https://github.com/acme/gitops',
            path: 'teams/team-platform/deployment.yaml',
            format: 'kubernetes',
          },
          promotion: { from: 'build' },
        },
      ],
    },
  };
}

/** Waits until a check answers something other than undefined. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/**
 * The real catalog, with the module and entities given to it by a provider;
 * the processing errors it reports, by entity.
 */
async function startCatalog(options: { glu?: boolean } = {}) {
  let connection: EntityProviderConnection | undefined;
  const errors = new Map<string, string[]>();
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleGlu,
      ...(options.glu
        ? [
            gluPlugin,
            gluModuleBuiltIns,
            createServiceFactory({
              service: coreServices.userInfo,
              deps: {},
              factory: () =>
                mockServices.userInfo({
                  ownershipEntityRefs: [
                    'user:default/ada',
                    'group:default/team-platform',
                  ],
                }),
            }),
          ]
        : []),
      createBackendModule({
        pluginId: 'catalog',
        moduleId: 'test-org',
        register(env) {
          env.registerInit({
            deps: { processing: catalogProcessingExtensionPoint },
            async init({ processing }) {
              processing.addEntityProvider({
                getProviderName: () => 'test-org',
                connect: async c => {
                  connection = c;
                },
              });
              processing.setOnProcessingErrorHandler(event => {
                const name = event.unprocessedEntity.metadata.name;
                errors.set(
                  name,
                  event.errors.map(e => e.message),
                );
              });
            },
          });
        },
      }),
      createServiceFactory({
        service: coreServices.database,
        deps: {},
        factory: async () =>
          mockServices.database({ knex: await databases.init('SQLITE_3') }),
      }),
      mockServices.rootConfig.factory({
        data: {
          catalog: { rules: [{ allow: ['Group', 'User', 'Pipeline'] }] },
          glu: {
            writeScopes: [
              {
                repository: 'https://github.com/acme/gitops',
                paths: ['teams/{owner}/**'],
              },
            ],
          },
        },
      }),
    ],
  });
  const base = `http://localhost:${backend.server.port()}/api/catalog`;
  const headers = {
    authorization: mockCredentials.user.header(),
    'content-type': 'application/json',
  };
  const get = async (kind: string, name: string, namespace = 'default') => {
    const res = await fetch(
      `${base}/entities/by-name/${kind}/${namespace}/${name}`,
      { headers },
    );
    return { status: res.status, body: res.ok ? await res.json() : undefined };
  };
  const provide = async (entities: Entity[]) => {
    await eventually(async () => connection, 'the provider to connect');
    await connection!.applyMutation({
      type: 'delta',
      added: entities.map(entity => ({ entity, locationKey: 'test-org' })),
      removed: [],
    });
  };
  /** Asks the Glu backend, as a member of team-platform. */
  const glu = async (path: string) => {
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/glu${path}`,
      {
        headers: {
          authorization: mockCredentials.user.header('user:default/ada'),
        },
      },
    );
    return { status: res.status, body: await res.json() };
  };
  return {
    errors,
    get,
    glu,
    provide,
    /** Processes an entity again now, as the catalog would at its next turn. */
    refresh: (entityRef: string) =>
      fetch(`${base}/refresh`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ entityRef }),
      }),
    /** Resolves once the entity is in the catalog, as the API serves it. */
    stored: (kind: string, name: string, namespace = 'default') =>
      eventually(async () => {
        const res = await get(kind, name, namespace);
        return res.status === 200 ? res.body : undefined;
      }, `${kind}:${namespace}/${name} in the catalog`).catch(error => {
        throw new Error(`${error.message}; ${errors.get(name) ?? 'no errors'}`);
      }),
    /** Resolves with the errors of the entity's processing, once there are some. */
    refused: (name: string) =>
      eventually(async () => errors.get(name), `the refusal of ${name}`),
    stop: () => backend.stop(),
  };
}

describe('the catalog module, in the catalog', () => {
  it('lets in a pipeline whose owner is in the catalog, and keeps out one whose owner is not, or has the name of a team without being it', async () => {
    const catalog = await startCatalog();
    try {
      await catalog.provide([
        org('Group', 'team-platform'),
        org('User', 'team-platform'),
      ]);
      await catalog.stored('group', 'team-platform');
      await catalog.stored('user', 'team-platform');
      await catalog.provide([
        pipeline('platform', 'group:default/team-platform'),
        pipeline('evil', 'group:evil/team-platform'),
        pipeline('impostor', 'user:default/team-platform'),
      ]);

      const platform = await catalog.stored('pipeline', 'platform');
      expect(platform.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'group:default/team-platform',
      });
      expect(await catalog.refused('evil')).toEqual([
        expect.stringContaining(
          "Invalid pipeline pipeline:default/evil: spec.owner: group:evil/team-platform is not in the catalog; a pipeline's owner must be a group or a user that it holds",
        ),
      ]);
      expect(await catalog.refused('impostor')).toEqual([
        expect.stringContaining(
          'Invalid pipeline pipeline:default/impostor: spec.phases[1].source: teams/team-platform/deployment.yaml on main of https://github.com/acme/gitops is outside the write scopes of user:default/team-platform (glu.writeScopes): teams/{owner}/** covers groups of the default namespace only, and user:default/team-platform is not one',
        ),
      ]);
      for (const name of ['evil', 'impostor']) {
        expect((await catalog.get('pipeline', name)).status).toBe(404);
      }
    } finally {
      await catalog.stop();
    }
  });

  it('lets in, at its next processing, a pipeline refused before its owner reached the catalog', async () => {
    const catalog = await startCatalog();
    try {
      await catalog.provide([pipeline('early', 'group:default/team-platform')]);
      expect(await catalog.refused('early')).toEqual([
        expect.stringContaining(
          'spec.owner: group:default/team-platform is not in the catalog',
        ),
      ]);
      await catalog.provide([org('Group', 'team-platform')]);
      await catalog.stored('group', 'team-platform');
      expect((await catalog.get('pipeline', 'early')).status).toBe(404);

      expect((await catalog.refresh('pipeline:default/early')).status).toBe(
        200,
      );
      await catalog.stored('pipeline', 'early');
    } finally {
      await catalog.stop();
    }
  });

  it('tells Glu why it refused a pipeline, for its owners and its 404, and that it let it in later', async () => {
    const catalog = await startCatalog({ glu: true });
    try {
      await catalog.provide([pipeline('early', 'group:default/team-platform')]);
      await catalog.refused('early');

      // Reported before the catalog's processing of it ended.
      const reason =
        "spec.owner: group:default/team-platform is not in the catalog; a pipeline's owner must be a group or a user that it holds";
      expect((await catalog.glu('/catalog-refusals')).body.items).toEqual([
        {
          pipelineRef: 'pipeline:default/early',
          owner: 'group:default/team-platform',
          reason,
          refusedAt: expect.any(String),
        },
      ]);
      expect(await catalog.glu('/pipelines/default/early')).toEqual({
        status: 404,
        body: expect.objectContaining({
          error: expect.objectContaining({
            message: `No pipeline pipeline:default/early: the catalog refused its definition: ${reason}`,
          }),
        }),
      });

      await catalog.provide([org('Group', 'team-platform')]);
      await catalog.stored('group', 'team-platform');
      await catalog.refresh('pipeline:default/early');
      await catalog.stored('pipeline', 'early');

      expect((await catalog.glu('/catalog-refusals')).body.items).toEqual([]);
    } finally {
      await catalog.stop();
    }
  });
});
