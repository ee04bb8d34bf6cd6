/*
 * The app-config of a bench backend, and the merge of a variant's overlay
 * over it.
 */
import path from 'node:path';
import { BenchPostgres } from './postgres';

/** `overlay` merged over `base`: objects key by key, anything else replaced. */
export function merge(base: any, overlay: any): any {
  if (
    !overlay ||
    typeof overlay !== 'object' ||
    Array.isArray(overlay) ||
    !base ||
    typeof base !== 'object' ||
    Array.isArray(base)
  ) {
    return overlay === undefined ? base : overlay;
  }
  const merged = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    merged[key] = merge(base[key], value);
  }
  return merged;
}

/** The bench's own app-config of a backend, before a variant's overlay. */
export function benchConfig(options: {
  port: number;
  /** The backend's own folder. */
  dir: string;
  catalogFile: string;
  /** The Git host's port. */
  gitPort: number;
  database: 'sqlite' | 'postgres';
  postgres?: BenchPostgres;
  /** The backend's name, for its databases on a shared server. */
  id: string;
  token: string;
  webhookSecret: string;
}): Record<string, unknown> {
  const { port, dir, catalogFile, database, id } = options;
  const databaseConfig =
    database === 'sqlite'
      ? {
          client: 'better-sqlite3',
          connection: { directory: path.join(dir, 'sqlite') },
        }
      : {
          client: 'pg',
          connection: options.postgres!.connection,
          // Every backend its own databases on the one server.
          prefix: `${options.postgres!.prefix}${id.toLowerCase()}_`,
        };
  return {
    // The example backend serves the app's production bundle itself.
    app: { baseUrl: `http://127.0.0.1:${port}`, title: 'Glu bench' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: databaseConfig,
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: options.token, subject: 'bench' },
          },
        ],
      },
    },
    auth: {
      providers: {
        guest: {
          userEntityRef: 'user:default/guest',
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
    events: { modules: { github: { webhookSecret: options.webhookSecret } } },
    // The default intervals: the catalog's processing and Glu's refresh
    // run as they do for an adopter who set neither.
    catalog: {
      rules: [
        {
          allow: [
            'Pipeline',
            'Location',
            'Component',
            'System',
            'User',
            'Group',
          ],
        },
      ],
      locations: [{ type: 'file', target: catalogFile }],
    },
    permission: { enabled: true },
    glu: {
      workingDirectory: path.join(dir, 'work'),
      writeScopes: [
        {
          repository: `http://127.0.0.1:${options.gitPort}/*`,
          paths: ['env/**'],
        },
      ],
      serviceGrants: [
        {
          subject: 'bench',
          permissions: ['glu.pipeline.promote', 'glu.pipeline.publish'],
        },
      ],
    },
  };
}
