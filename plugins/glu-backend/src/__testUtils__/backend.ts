import { auditorServiceFactory } from '@backstage/backend-defaults/auditor';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { pipelineOwnerRef } from '@glu-dev/plugin-glu-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { format, transports } from 'winston';
import { gluModuleBuiltIns } from '../builtIns';
import { gluPlugin } from '../plugin';

/** The authorization header of CI: a static service token meant for Glu. */
export function ciAuthorization(): string {
  return mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('external:ci'),
    targetPluginId: 'glu',
  });
}

/** A line of the log: its level, its message and its fields. */
export type LogRecord = { level: string; message: string } & Record<
  string,
  unknown
>;

/**
 * Backstage's own root logger at its default level (`info`), writing into
 * `records` what it would print in production (a JSON object a line).
 */
function recordingRootLogger(records: LogRecord[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () =>
      WinstonLogger.create({
        level: 'info',
        format: format.json(),
        transports: [
          new transports.Stream({
            stream: new Writable({
              write(line: Buffer, _encoding, done) {
                records.push(JSON.parse(line.toString('utf8')));
                done();
              },
            }),
          }),
        ],
      }),
  });
}

/** Waits until a check answers something other than undefined. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMillis = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/**
 * The entities with the owners of their pipelines: a pipeline reaches the
 * catalog only when its owner is there (the catalog module refuses it
 * otherwise), so a catalog that holds the pipeline holds its owner.
 */
function withOwners(entities: Entity[]): Entity[] {
  const refs = new Set(entities.map(e => stringifyEntityRef(e)));
  const owners = new Map<string, Entity>();
  for (const entity of entities) {
    if (entity.kind !== 'Pipeline') continue;
    const ref = pipelineOwnerRef(
      (entity.spec as { owner: string }).owner,
      entity.metadata.namespace ?? 'default',
    );
    if (refs.has(ref) || owners.has(ref)) continue;
    const { kind, namespace, name } = parseEntityRef(ref);
    owners.set(ref, {
      apiVersion: 'backstage.io/v1alpha1',
      kind: kind === 'user' ? 'User' : 'Group',
      metadata: { name, namespace },
      spec: kind === 'user' ? {} : { type: 'team', children: [] },
    });
  }
  return [...entities, ...owners.values()];
}

/**
 * A catalog that answers from the entities of the moment, in memory: what
 * the catalog service mock answers for them.
 */
function changingCatalog(initial: Entity[]) {
  let entities = initial;
  const service = new Proxy({} as Record<string, unknown>, {
    get: (_, method: string) => {
      const current = catalogServiceMock({ entities }) as unknown as Record<
        string,
        unknown
      >;
      const member = current[method];
      return typeof member === 'function' ? member.bind(current) : member;
    },
  });
  return {
    factory: createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () => service as any,
    }),
    set: (next: Entity[]) => {
      entities = next;
    },
  };
}

/** Starts the Glu backend on a real scheduler, database and Git remote. */
export async function startGlu(options: {
  knex: any;
  /** What the catalog holds, with the owners of its pipelines. */
  entities: Entity[];
  /** The pipeline to wait for, by name. */
  pipeline?: string;
  /** More features, e.g. modules that extend Glu. */
  features?: BackendFeature[];
  /** The phases to wait for until observed; all of them by default. */
  waitFor?: string[];
  /** More settings under `glu:`. */
  config?: Record<string, any>;
  /** More top-level settings, e.g. `events:`. */
  rootConfig?: Record<string, any>;
  /** Databases of other plugins among `features`, by plugin id (each its own). */
  pluginDatabases?: Record<string, any>;
  /**
   * Permissions the caller does not have: by name for every caller, or
   * decided per caller (a user's entity ref, or a service's subject).
   */
  denied?: string[] | ((permission: string, caller: string) => boolean);
  /** The groups each user belongs to (their ownership refs, with them). */
  memberships?: Record<string, string[]>;
  /**
   * Called with the names of the permissions of each authorization before
   * it is answered: a test may hold it there, e.g. until others arrive.
   */
  beforeAuthorize?: (permissions: string[]) => Promise<void>;
  /**
   * Where the backend logs, when given: through Backstage's own logger at
   * its default level, audited by Backstage's own auditor (into the same
   * log) rather than into `auditEvents`.
   */
  logs?: LogRecord[];
}) {
  const denied = options.denied;
  const isDenied = (permission: string, credentials?: any) => {
    if (!denied) return false;
    if (Array.isArray(denied)) return denied.includes(permission);
    const principal = credentials?.principal;
    return denied(
      permission,
      principal?.userEntityRef ?? principal?.subject ?? 'none',
    );
  };
  const workingDirectory = await fs.mkdtemp(
    path.join(os.tmpdir(), 'glu-work-'),
  );
  const auditEvents: { eventId: string; outcome: string; meta?: unknown }[] =
    [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, meta }) => ({
      success: async result => {
        auditEvents.push({
          eventId,
          outcome: 'success',
          meta: { ...meta, ...result?.meta },
        });
      },
      fail: async result => {
        auditEvents.push({
          eventId,
          outcome: 'fail',
          meta: { ...meta, error: result.error.message },
        });
      },
    }),
  });
  const catalog = changingCatalog(withOwners(options.entities));
  const backend = await startTestBackend({
    features: [
      gluPlugin,
      gluModuleBuiltIns,
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) =>
          mockServices.database({
            knex: options.pluginDatabases?.[plugin.getId()] ?? options.knex,
          }),
      }),
      mockServices.rootConfig.factory({
        data: {
          ...options.rootConfig,
          glu: {
            workingDirectory,
            catalogSyncInterval: { seconds: 1 },
            refreshInterval: { seconds: 1 },
            // Tests write into repositories of their own making.
            writeScopes: [{ repository: '*', paths: ['**'] }],
            // CI publishes versions, as in the example.
            serviceGrants: [
              { subject: 'external:ci', permissions: ['glu.pipeline.publish'] },
            ],
            ...options.config,
          },
        },
      }),
      catalog.factory,
      ...(options.features ?? []),
      mockServices.permissions.mock({
        authorize: async (requests, o) => {
          await options.beforeAuthorize?.(requests.map(r => r.permission.name));
          return requests.map(r => ({
            result: isDenied(r.permission.name, o?.credentials)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          }));
        },
        authorizeConditional: async (requests, o) =>
          requests.map(r => ({
            result: isDenied(r.permission.name, o?.credentials)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          })),
      }).factory,
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: any) => {
          const user = credentials.principal.userEntityRef;
          return {
            userEntityRef: user,
            ownershipEntityRefs: [user, ...(options.memberships?.[user] ?? [])],
          };
        },
      }).factory,
      ...(options.logs
        ? [recordingRootLogger(options.logs), auditorServiceFactory]
        : [auditor.factory]),
      // The real scheduler, so that polls happen as they do in production.
      schedulerServiceFactory,
    ],
  });
  const server = backend.server;
  // The pipeline arrives from the catalog, and both phases are observed.
  let last: unknown;
  await eventually(async () => {
    const res = await request(server)
      .get(`/api/glu/pipelines/default/${options.pipeline ?? 'checkout'}`)
      .set('authorization', mockCredentials.user.header('user:default/alice'));
    last = res.body;
    return res.status === 200 &&
      res.body.phases
        .filter(
          (p: any) => !options.waitFor || options.waitFor.includes(p.name),
        )
        .every((p: any) => p.state)
      ? res.body
      : undefined;
  }, 'the pipeline to be learned and observed').catch(error => {
    throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
  });
  let stopped: Promise<void> | undefined;
  return {
    server,
    auditEvents,
    /** Makes the catalog hold exactly these entities from now on. */
    setCatalog: catalog.set,
    // Once, however often it is called.
    stop: () =>
      (stopped ??= (async () => {
        await backend.stop();
        // A git process of the last refresh may still be finishing.
        await fs.rm(workingDirectory, {
          recursive: true,
          force: true,
          maxRetries: 10,
          retryDelay: 100,
        });
      })()),
  };
}
