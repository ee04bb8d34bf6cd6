/*
 * What the tests of the real `glu` binary share: they run it as a process,
 * against the test backend: Glu on
 * a real scheduler, database and Git repository, with tokens of an owner
 * (alice), of someone who may only read (bob) and of CI.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
// The test backend of Glu's own tests, which the package does not publish.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { startGlu } from '@glu-dev/plugin-glu-backend/src/__testUtils__/backend';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  createGitFixture,
  GitFixture,
} from '@glu-dev/plugin-glu-backend/src/__testUtils__/git';
import { execFile } from 'node:child_process';
import { AddressInfo } from 'node:net';
import path from 'node:path';

export const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
export const bin = path.resolve(__dirname, '..', '..', 'bin', 'glu');

export const ALICE = mockCredentials.user.token('user:default/alice');
export const BOB = mockCredentials.user.token('user:default/bob');
export const CI = mockCredentials.service.token({
  onBehalfOf: mockCredentials.service('external:ci'),
  targetPluginId: 'glu',
});

/** An approvals gate: a number of people, or a policy. */
type Approvals =
  | number
  | {
      count?: number;
      from?: Array<{ group: string; count: number }>;
      notBy?: Array<'requester' | 'author'>;
      maxAge?: string;
    };

/** The checkout pipeline, production's approvals gate as given (1 by default). */
const checkout = (repository: string, approvals: Approvals = 1): Entity => ({
  apiVersion: 'glu.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'checkout', namespace: 'default', title: 'Checkout' },
  spec: {
    owner: 'group:default/team-checkout',
    components: ['component:default/checkout'],
    phases: [
      { name: 'build', source: { type: 'api' } },
      {
        name: 'staging',
        source: {
          type: 'git',
          repository,
          path: 'env/staging.yaml',
          format: { type: 'yaml-path', key: 'version' },
        },
        promotion: { from: 'build' },
      },
      {
        name: 'production',
        source: {
          type: 'git',
          repository,
          path: 'env/production.yaml',
          format: { type: 'yaml-path', key: 'version' },
        },
        promotion: { from: 'staging', gates: [{ approvals }] },
      },
    ],
  },
});

type Run = { code: number; stdout: string; stderr: string };

/** Runs the binary against the backend at `url`, with the token given. */
export function runGlu(
  url: string,
  args: string[],
  token: string | undefined = ALICE,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GLU_URL: url,
          ...(token ? { GLU_TOKEN: token } : {}),
          ...env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as any).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

export function urlOf(server: any): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The Git repository of a file's tests, and Glu's address (see `useGlu`). */
export let repo: GitFixture;
export let url: string;

/** Runs the binary as a user or CI would, with the token given. */
export const run = (
  args: string[],
  token: string | undefined = ALICE,
  env: Record<string, string> = {},
) => runGlu(url, args, token, env);

/** What the permission policy refuses: bob may read, not change. */
type Denied = (permission: string, caller: string) => boolean;

const bobReadsOnly: Denied = (permission, caller) =>
  caller === 'user:default/bob' && permission !== 'glu.pipeline.read';

/**
 * Starts, for the tests of the describe block it is called in, Glu with the
 * checkout pipeline on a Git repository `repo`, at `url`, with `published`
 * published to build as CI would when given, under a policy that refuses
 * what `denied` says (by default, bob may only read). Alice is in the team
 * that owns it; `memberships` puts others in groups, and `approvals` is
 * production's approvals gate. `entities` are more of the catalog's, e.g.
 * other pipelines (asked for when Glu starts, after the beforeAll hooks
 * registered before this one).
 */
export function useGlu(
  options: {
    published?: string;
    denied?: Denied;
    memberships?: Record<string, string[]>;
    approvals?: Approvals;
    entities?: () => Entity[];
  } = {},
) {
  let glu: Awaited<ReturnType<typeof startGlu>>;

  beforeAll(async () => {
    repo = await createGitFixture({
      'env/staging.yaml': 'version: 1.0.0\n',
      'env/production.yaml': 'version: 1.0.0\n',
    });
    glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        checkout(repo.url, options.approvals),
        ...(options.entities?.() ?? []),
      ],
      waitFor: ['staging', 'production'],
      memberships: {
        'user:default/alice': ['group:default/team-checkout'],
        ...options.memberships,
      },
      denied: options.denied ?? bobReadsOnly,
    });
    url = urlOf(glu.server);
    if (options.published) {
      const published = await run(
        ['publish', 'checkout', 'build', '--version', options.published],
        CI,
      );
      if (published.code !== 0) throw new Error(published.stderr);
    }
  });

  afterAll(async () => {
    await glu?.stop();
    await repo?.cleanup();
  });
}
