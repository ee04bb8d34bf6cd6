/*
 * The real `glu` binary, run as a process, against the test backend: Glu on
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
import gluModuleGithub from '@glu-dev/plugin-glu-backend-module-github';
import { FakeGitHub } from '@internal/glu-github-fake';
import { execFile } from 'node:child_process';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { ExitCode } from './exits';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const bin = path.resolve(__dirname, '..', 'bin', 'glu');

const ALICE = mockCredentials.user.token('user:default/alice');
const BOB = mockCredentials.user.token('user:default/bob');
const CI = mockCredentials.service.token({
  onBehalfOf: mockCredentials.service('external:ci'),
  targetPluginId: 'glu',
});

const checkout = (repository: string): Entity => ({
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
        promotion: { from: 'staging', gates: [{ approvals: 1 }] },
      },
    ],
  },
});

type Run = { code: number; stdout: string; stderr: string };

/** Runs the binary against the backend at `url`, with the token given. */
function runGlu(
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

function urlOf(server: any): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('glu', () => {
  let repo: GitFixture;
  let glu: Awaited<ReturnType<typeof startGlu>>;
  let url: string;

  /** Runs the binary as a user or CI would, with the token given. */
  const run = (
    args: string[],
    token: string | undefined = ALICE,
    env: Record<string, string> = {},
  ) => runGlu(url, args, token, env);

  beforeAll(async () => {
    repo = await createGitFixture({
      'env/staging.yaml': 'version: 1.0.0\n',
      'env/production.yaml': 'version: 1.0.0\n',
    });
    glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkout(repo.url)],
      waitFor: ['staging', 'production'],
      memberships: { 'user:default/alice': ['group:default/team-checkout'] },
      // Bob may read, not change.
      denied: (permission, caller) =>
        caller === 'user:default/bob' && permission !== 'glu.pipeline.read',
    });
    url = urlOf(glu.server);
  });

  afterAll(async () => {
    await glu?.stop();
    await repo?.cleanup();
  });

  it('publishes a version as CI does, and lists the pipelines', async () => {
    // Nothing published yet: a pin of build has nothing to hold (409).
    const early = await run(['pin', 'checkout', 'build', '--reason', 'hold']);
    expect(early.code).toBe(ExitCode.blocked);
    expect(early.stderr).toBe(
      'glu: Blocked (409): The phase build has not been observed yet, so there is nothing to pin it at\n',
    );

    // CI's trace context, as CI systems set it: the version's trace.
    const traceparent =
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const published = await run(
      ['publish', 'checkout', 'build', '--version', '1.1.0'],
      CI,
      { TRACEPARENT: traceparent },
    );
    expect(published).toMatchObject({ code: 0, stderr: '' });
    expect(published.stdout).toMatch(/^Published 1\.1\.0 to build \(/);

    const again = await run(
      ['publish', 'checkout', 'build', '--version', '1.1.0', '-o', 'json'],
      CI,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({
      changed: false,
      state: { version: '1.1.0', traceparent },
    });
    const badTrace = await run(
      ['publish', 'checkout', 'build', '--version', '1.1.1'].concat([
        '--traceparent',
        'nope',
      ]),
      CI,
    );
    expect(badTrace.code).toBe(ExitCode.usage);

    const list = await run(['pipelines']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PIPELINE\s+OWNER\s+PHASES\s+BEHIND$/);
    expect(lines[1]).toMatch(
      /^default\/checkout\s+group:default\/team-checkout\s+build 1\.1\.0, staging 1\.0\.0, production 1\.0\.0\s+1$/,
    );
    // No colours when the output is not a terminal.
    expect(list.stdout).not.toContain('\u001b[');

    expect(
      JSON.parse((await run(['pipelines', '--mine', '-o', 'json'])).stdout)
        .items,
    ).toHaveLength(1);
    expect(
      JSON.parse((await run(['pipelines', '--mine', '-o', 'json'], BOB)).stdout)
        .items,
    ).toHaveLength(0);
    const yaml = await run([
      'pipelines',
      '--owner',
      'group:default/team-checkout',
      '-o',
      'yaml',
    ]);
    expect(yaml.stdout).toMatch(
      /^items:\n {2}- ref: pipeline:default\/checkout/,
    );
  });

  it('inspects a pipeline: phases, versions, digests and edges with their reasons', async () => {
    const inspect = await run(['inspect', 'checkout']);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^Checkout {2}pipeline:default\/checkout\n/);
    expect(inspect.stdout).toMatch(/\nbuild\s+1\.1\.0\s+[0-9a-f]{12}\s+/);
    expect(inspect.stdout).toMatch(
      /\nbuild → staging\s+commit\s+no\s+promotable\s/,
    );
    expect(inspect.stdout).toMatch(
      /\nstaging → production\s+commit\s+no\s+up-to-date\s/,
    );
    const graph = await run(['inspect', 'default/checkout', '--graph']);
    expect(graph.stdout).toContain('build 1.1.0 ──promotable──▶ staging 1.0.0');
    const json = JSON.parse(
      (await run(['inspect', 'checkout', '-o', 'json'])).stdout,
    );
    expect(json.edges.map((e: any) => e.status)).toEqual([
      'promotable',
      'up-to-date',
    ]);
  });

  it('shows the diff of a promotion, then promotes, and keeps the history', async () => {
    const diff = await run(['diff', 'checkout', 'staging']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('-version: 1.0.0\n+version: 1.1.0');

    const dry = await run(['promote', 'checkout', 'staging', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Promotion build → staging: promotable\n/);
    expect(dry.stdout).toContain('+version: 1.1.0');
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');

    const promoted = await run(['promote', 'checkout', 'staging', '--wait']);
    expect(promoted.code).toBe(0);
    // The plan on stderr, for people; the result on stdout.
    expect(promoted.stderr).toContain('+version: 1.1.0');
    expect(promoted.stdout).toMatch(
      /^promotion \S+ into staging \(1\.0\.0 → 1\.1\.0\): succeeded commit [0-9a-f]{10}/,
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.1.0\n');

    const nothing = await run(['promote', 'checkout', 'staging']);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/: up-to-date/);

    const history = await run(['history', 'checkout', 'staging']);
    expect(history.code).toBe(0);
    const rows = history.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(
      /^ID\s+VERSION\s+DIGEST\s+CAUSE\s+BY\s+WHEN\s+COMMIT$/,
    );
    expect(rows[1]).toMatch(
      /^\S+\s+1\.1\.0\s+\S+\s+promotion\s+user:default\/alice\s/,
    );
    const entries = JSON.parse(
      (await run(['history', 'checkout', 'staging', '--all', '-o', 'json']))
        .stdout,
    ).items;
    expect(entries.map((e: any) => e.version)).toEqual(['1.1.0', '1.0.0']);
    const between = await run([
      'diff',
      'checkout',
      'staging',
      entries[1].id,
      entries[0].id,
    ]);
    expect(between.stdout).toContain('-version: 1.0.0\n+version: 1.1.0');
  });

  it('shows DORA figures of a pipeline and of a team', async () => {
    const json = await run(['dora', 'checkout', '--days', '7', '-o', 'json']);
    expect(json.code).toBe(0);
    const dora = JSON.parse(json.stdout);
    expect(dora).toMatchObject({
      pipelineRef: 'pipeline:default/checkout',
      production: ['production'],
    });
    expect(dora.figures.days).toHaveLength(8);
    const text = await run(['dora', 'checkout']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/production: production\n/);
    expect(text.stdout).toMatch(/DEPLOYMENTS\s+LEAD TIME\s+FAILED\s+RESTORE\n/);
    const team = await run(['dora', '--owner', 'group:default/team-checkout']);
    expect(team.code).toBe(0);
    expect(team.stdout).toMatch(/^PIPELINE\s+DEPLOYMENTS/);
    expect(team.stdout).toContain('default/checkout');
    const neither = await run(['dora']);
    expect(neither.code).toBe(ExitCode.usage);
    expect(neither.stderr).toContain(
      'Give a pipeline, or --owner for a team, one of them',
    );
    expect((await run(['dora', 'checkout', '--days', '0'])).code).toBe(
      ExitCode.usage,
    );
  });

  it('exits 3 on a blocked edge, and lets it through once approved', async () => {
    const blocked = await run(['promote', 'checkout', 'production']);
    expect(blocked.code).toBe(ExitCode.blocked);
    expect(blocked.stderr).toContain('approvals: 0 of 1 approvals for 1.1.0');
    expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');

    const approved = await run(['approve', 'checkout', 'production']);
    expect(approved).toMatchObject({ code: 0 });
    expect(approved.stdout).toBe(
      'Approved 1.1.0 for production; approved by user:default/alice\n',
    );
    const promoted = await run([
      'promote',
      'checkout',
      'production',
      '-o',
      'json',
    ]);
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      status: 'succeeded',
      after: { version: '1.1.0' },
    });
  });

  it('pins (a promotion into a pinned phase exits 3), unpins, refreshes and rolls back', async () => {
    await run(['publish', 'checkout', 'build', '--version', '1.2.0'], CI);
    const pinned = await run([
      'pin',
      'checkout',
      'staging',
      '--reason',
      'release freeze',
    ]);
    expect(pinned.stdout).toBe(
      'Pinned staging at 1.1.0 (user:default/alice: release freeze)\n',
    );
    const held = await run(['promote', 'checkout', 'staging']);
    expect(held.code).toBe(ExitCode.blocked);
    expect(held.stderr).toMatch(
      /staging is pinned at 1\.1\.0 by user:default\/alice: release freeze/,
    );
    const inspect = await run(['inspect', 'checkout']);
    expect(inspect.stdout).toMatch(
      /\nstaging\s+1\.1\.0\s.*pinned by user:default\/alice: release freeze/,
    );
    expect((await run(['unpin', 'checkout', 'staging'])).stdout).toBe(
      'Released staging.\n',
    );

    const refreshed = await run(['refresh', 'checkout']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toMatch(/\nstaging\s+1\.1\.0\s/);

    const entries = JSON.parse(
      (await run(['history', 'checkout', 'staging', '-o', 'json'])).stdout,
    ).items;
    const first = entries.find((e: any) => e.version === '1.0.0');
    const dry = await run([
      'rollback',
      'checkout',
      'staging',
      first.id,
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Rollback of staging: promotable\n/);
    const back = await run([
      'rollback',
      'checkout',
      'staging',
      first.id,
      '--pin',
      'bad release',
    ]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(
      /^rollback \S+ into staging \(1\.1\.0 → 1\.0\.0\): succeeded/,
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');
    await run(['unpin', 'checkout', 'staging']);
  });

  it('says what to do when not allowed, not found, or called wrongly', async () => {
    const refused = await run(['promote', 'checkout', 'staging'], BOB);
    expect(refused.code).toBe(ExitCode.notAllowed);
    expect(refused.stderr).toMatch(
      /^glu: Not allowed \(403\): user:default\/bob may not .*pipeline:default\/checkout \(glu\.pipeline\.promote\)\. pipeline:default\/checkout is owned by group:default\/team-checkout: ask one of its owners/m,
    );
    const pin = await run(['pin', 'checkout', 'staging', '--reason', 'x'], BOB);
    expect(pin.code).toBe(ExitCode.notAllowed);
    expect(pin.stderr).toContain('(glu.pipeline.pin)');

    const otherKind = await run(['inspect', 'component:default/checkout']);
    expect(otherKind).toMatchObject({
      code: ExitCode.usage,
      stderr:
        "glu: Not a pipeline's entity ref: component:default/checkout (e.g. pipeline:default/checkout)\n",
    });

    const missing = await run(['inspect', 'nope']);
    expect(missing.code).toBe(ExitCode.error);
    expect(missing.stderr).toMatch(/^glu: Not found \(404\): .*glu pipelines/);

    const badToken = await run(['pipelines'], 'not-a-token');
    expect(badToken.code).toBe(ExitCode.notAllowed);
    expect(badToken.stderr).toMatch(
      /^glu: Backstage did not accept the token \(401\).*--token, GLU_TOKEN or --token-file/,
    );

    const bad = await run(['pipelines', '--limit', 'many']);
    expect(bad.code).toBe(ExitCode.usage);
    const badWait = await run([
      'promote',
      'checkout',
      'staging',
      '--wait',
      '--wait-timeout',
      'soon',
    ]);
    expect(badWait).toMatchObject({
      code: ExitCode.usage,
      stderr: 'glu: --wait-timeout is a number of seconds above 0, not soon\n',
    });
    const unknown = await run(['promot', 'checkout']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toMatch(/unknown command 'promot'/);
    const publish = await run(['publish', 'checkout', 'build'], CI);
    expect(publish.code).toBe(ExitCode.usage);
    const refusedInput = await run(
      ['publish', 'checkout', 'staging', '--version', '2.0.0'],
      CI,
    );
    expect(refusedInput).toMatchObject({
      code: ExitCode.usage,
      stderr:
        'glu: Glu refused the request: The phase staging reads from a git source; versions are published only to api phases\n',
    });
    const malformed = await run(
      [
        'publish',
        'checkout',
        'build',
        '--version',
        '2.0.0',
        '--digest',
        'md5:abc',
      ],
      CI,
    );
    expect(malformed).toMatchObject({
      code: ExitCode.usage,
      stderr:
        'glu: Glu refused the request: The version cannot be published: digest "md5:abc" uses the algorithm md5, which is not a registered one: write it as sha256: and 64 lowercase hex characters, or sha512: and 128\n',
    });

    const down = await run(['pipelines'], ALICE, {
      GLU_URL: 'http://127.0.0.1:9',
    });
    expect(down.code).toBe(ExitCode.error);
    expect(down.stderr).toMatch(
      /Could not reach Backstage at http:\/\/127\.0\.0\.1:9/,
    );
    const nowhere = await run(['pipelines'], ALICE, { GLU_URL: '' });
    expect(nowhere.code).toBe(ExitCode.usage);
  });

  it('watches a pipeline and shows each change as it comes', async () => {
    const child = execFile(
      process.execPath,
      [bin, 'watch', 'checkout', '--interval', '0.2', '-o', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GLU_URL: url,
          GLU_TOKEN: ALICE,
        },
      },
    );
    let out = '';
    child.stdout!.on('data', chunk => (out += chunk));
    const views = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line));
    const until = async (test: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`Timed out: ${out}`);
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    };
    await until(() => views().length >= 1);
    await run(['publish', 'checkout', 'build', '--version', '1.3.0'], CI);
    await until(() =>
      views().some(
        v =>
          v.phases.find((p: any) => p.name === 'build').state.version ===
          '1.3.0',
      ),
    );
    const exited = new Promise<number | null>(resolve =>
      child.once('exit', code => resolve(code)),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe('glu promote --wait', () => {
  const FILE = 'env/production.yaml';

  it('follows a pull request until it merges and the phase holds the version', async () => {
    const github = await FakeGitHub.start({
      files: {
        'env/staging.yaml': 'version: 1.1.0\n',
        [FILE]: 'version: 1.0.0\n',
      },
    });
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        {
          apiVersion: 'glu.dev/v1alpha1',
          kind: 'Pipeline',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: {
            owner: 'group:default/team-checkout',
            phases: ['staging', 'production'].map((name, i) => ({
              name,
              source: {
                type: 'git',
                repository: github.cloneUrl,
                path: `env/${name}.yaml`,
                format: { type: 'yaml-path', key: 'version' },
              },
              ...(i === 1
                ? { promotion: { from: 'staging', strategy: 'pull-request' } }
                : {}),
            })),
          },
        },
      ],
      features: [gluModuleGithub],
      rootConfig: { integrations: { github: [github.integration] } },
    });
    try {
      const waiting = runGlu(urlOf(glu.server), [
        'promote',
        'checkout',
        'production',
        '--wait',
      ]);
      const deadline = Date.now() + 60_000;
      while (github.openPulls().length === 0) {
        if (Date.now() > deadline) throw new Error('No pull request opened');
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      // A moment with the pull request open, then it is merged on GitHub.
      await new Promise(resolve => setTimeout(resolve, 1500));
      await github.merge(github.openPulls()[0].number);
      const done = await waiting;
      expect(done.code).toBe(0);
      expect(done.stderr).toMatch(
        /pull request #1 open: waiting for it to merge \(http\S+\/pull\/1\)/,
      );
      expect(done.stdout).toMatch(
        /^promotion \S+ into production \(1\.0\.0 → 1\.1\.0\): succeeded pull request #1 /,
      );
      expect(await github.show(FILE)).toBe('version: 1.1.0\n');
      // Every request to GitHub and every answer as GitHub describes them.
      expect([...github.violations]).toEqual([]);
    } finally {
      await glu.stop();
      await github.stop();
    }
  });
});
