/*
 * What the real `glu` binary says, and exits with, when Glu refuses: input
 * that cannot be a version, an approval where nothing waits for one, a
 * list to a token that may read nothing. Run
 * as a process against the test backend (a real scheduler, database and
 * Git repository).
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
import fs from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { ExitCode } from './exits';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const bin = path.resolve(__dirname, '..', 'bin', 'glu');

const ALICE = mockCredentials.user.token('user:default/alice');
const CI = mockCredentials.service.token({
  onBehalfOf: mockCredentials.service('external:ci'),
  targetPluginId: 'glu',
});

/** build (api) → staging (git, no gates). */
const checkout = (repository: string): Entity => ({
  apiVersion: 'glu.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: {
    owner: 'group:default/team-checkout',
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
    ],
  },
});

type Run = { code: number; stdout: string; stderr: string };

describe('glu, refused', () => {
  let repo: GitFixture;
  let glu: Awaited<ReturnType<typeof startGlu>>;

  /** Runs the binary as a user or CI would, with the token given. */
  const run = (args: string[], token: string = ALICE): Promise<Run> =>
    new Promise(resolve => {
      const port = (glu.server.address() as AddressInfo).port;
      execFile(
        process.execPath,
        [bin, ...args],
        {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            GLU_URL: `http://127.0.0.1:${port}`,
            GLU_TOKEN: token,
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

  beforeAll(async () => {
    repo = await createGitFixture({ 'env/staging.yaml': 'version: 1.0.0\n' });
    glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkout(repo.url)],
      waitFor: ['staging'],
      memberships: { 'user:default/alice': ['group:default/team-checkout'] },
      // CI's token may only publish, as its access restrictions say.
      denied: (permission, caller) =>
        caller === 'external:ci' && permission !== 'glu.pipeline.publish',
    });
  });

  afterAll(async () => {
    await glu?.stop();
    await repo?.cleanup();
  });

  it('exits 2 when publishing a version that cannot be one, saying what a version may hold', async () => {
    const published = await run(
      ['publish', 'checkout', 'build', '--version', 'not a version!!'],
      CI,
    );
    expect(published).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: Glu refused the request: The version cannot be published: version "not a version!!" is not a version: at most 128 letters, digits, "_", ".", "-" and "+", not starting with ".", "-" or "+", e.g. 1.6.0, v1.6.0-rc.1 or 1.6.0+build.5\n',
    });
    const history = await run(['history', 'checkout', 'build', '-o', 'json']);
    expect(JSON.parse(history.stdout).items).toEqual([]);
  });

  it('exits 2 when approving a phase whose edge has no approvals gate', async () => {
    const approved = await run(['approve', 'checkout', 'staging']);
    expect(approved).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: Glu refused the request: The promotion from build into staging has no approvals gate: there is nothing to approve\n',
    });
  });

  it('exits 4 when listing with a token that may read no pipeline, and tells it from a list with none', async () => {
    const listed = await run(['pipelines'], CI);
    expect(listed).toEqual({
      code: ExitCode.notAllowed,
      stdout: '',
      stderr:
        'glu: Not allowed (403): external:ci may not read any pipeline (glu.pipeline.read).\n',
    });
    const none = await run(['pipelines', '--owner', 'group:default/nobody']);
    expect(none).toEqual({
      code: ExitCode.done,
      stdout: 'No pipelines that this token may read.\n',
      stderr: '',
    });
  });

  it('exits 5 when Git refused the push of a promotion, and 3 when a pin holds it back', async () => {
    await run(['publish', 'checkout', 'build', '--version', '1.1.0'], CI);
    const hook = path.join(repo.bareDir, 'hooks', 'pre-receive');
    await fs.writeFile(
      hook,
      '#!/bin/sh\necho "protected branch: main needs a review" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    try {
      const refused = await run(['promote', 'checkout', 'staging']);
      expect(refused.code).toBe(ExitCode.failed);
      expect(refused.stderr).toMatch(
        /\nglu: The write failed \(409\): .* refused the push to main: protected branch: main needs a review.*\. Nothing was written; promotion \S+ records it\. Try again once that is fixed\.\n$/,
      );
    } finally {
      await fs.rm(hook);
    }
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');

    await run(['pin', 'checkout', 'staging', '--reason', 'freeze']);
    const held = await run(['promote', 'checkout', 'staging']);
    expect(held.code).toBe(ExitCode.blocked);
    await run(['unpin', 'checkout', 'staging']);
    const promoted = await run(['promote', 'checkout', 'staging']);
    expect(promoted.code).toBe(ExitCode.done);
  });
});
