import { ConfigReader } from '@backstage/config';
import { GluGateContext } from '@glu-dev/plugin-glu-node';
import { FakeArgoCd } from '@internal/glu-argocd-fake';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ArgoCdGate } from '../ArgoCdGate';

const run = promisify(execFile);

/**
 * A real Git repository: `older`, then `glu` (the commit Glu pushed), then
 * `later` on top of it; `aside` branches off before Glu's commit.
 */
async function repository() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-argocd-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Dana Developer',
    GIT_AUTHOR_EMAIL: 'dana@example.com',
    GIT_COMMITTER_NAME: 'Dana Developer',
    GIT_COMMITTER_EMAIL: 'dana@example.com',
  };
  const git = async (...args: string[]) =>
    (await run('git', args, { cwd: dir, env })).stdout.trim();
  const commit = async (message: string) => {
    await git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  await git('init', '--quiet', '--initial-branch=main');
  const older = await commit('image: app:1.0.0');
  const glu = await commit('glu: promote app:1.1.0');
  const later = await commit('replicas: 3');
  await git('checkout', '--quiet', '-b', 'aside', older);
  const aside = await commit('an unrelated change');
  /** Whether a revision is Glu's commit or descends from it. */
  const includes = async (revision: string) => {
    try {
      await git('merge-base', '--is-ancestor', glu, revision);
      return true;
    } catch {
      // 1: not a descendant; 128: a revision this repository does not have.
      return false;
    }
  };
  return {
    dir,
    commits: { older, glu, later, aside },
    includes: jest.fn(includes),
  };
}

/** The Git repository that `repository` makes, with its commits. */
export type TestRepository = Awaited<ReturnType<typeof repository>>;

/** A port that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

export function argocdConfig(instances: object[], extra: object = {}) {
  return new ConfigReader({
    ...extra,
    argocd: {
      ...((extra as any).argocd ?? {}),
      appLocatorMethods: [{ type: 'config', instances }],
    },
  });
}

export const app = { application: 'checkout-staging' };

export const short = (sha: string) => sha.slice(0, 7);

/** The Git repository of a file's tests (see `repository`). */
export let repo: TestRepository;
/** The Argo CD fake of the test that is running, and a gate on it. */
export let main: FakeArgoCd;
export let gate: ArgoCdGate;
const fakes: FakeArgoCd[] = [];

/** Starts an Argo CD fake that is stopped, and checked, after the test. */
export async function startFake(
  options: Parameters<typeof FakeArgoCd.start>[0],
) {
  const fake = await FakeArgoCd.start(options);
  fakes.push(fake);
  return fake;
}

/** What the gate is given: Glu's commit in staging, for production. */
export function context(
  overrides: Partial<GluGateContext['from']> = {},
  includes: GluGateContext['includes'] | null = repo.includes,
): GluGateContext {
  return {
    pipelineRef: 'pipeline:default/checkout',
    from: {
      phase: 'staging',
      digest: 'sha256:aaa',
      version: '1.1.0',
      since: new Date('2026-01-01T00:00:00Z'),
      revision: repo.commits.glu,
      ...overrides,
    },
    to: { phase: 'production' },
    approvals: [],
    now: new Date('2026-01-01T01:00:00Z'),
    ...(includes ? { includes } : {}),
  };
}

/**
 * Sets up, for the tests of the describe block it is called in, a real Git
 * repository `repo`, and for each test an Argo CD fake `main` and a `gate`
 * on it. Every fake a test started must have seen only what Argo CD
 * describes.
 */
export function useArgoCdGate() {
  beforeAll(async () => {
    repo = await repository();
  });

  afterAll(async () => {
    await fs.rm(repo.dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    main = await startFake({ url: 'https://argocd-main.test' });
    gate = ArgoCdGate.fromConfig(argocdConfig([main.instance('argocd-main')]));
    repo.includes.mockClear();
  });

  afterEach(async () => {
    const violations = fakes.flatMap(f => f.violations);
    await Promise.all(fakes.splice(0).map(f => f.stop()));
    // Every request and answer matched Argo CD's published description.
    if (violations.length > 0) {
      throw new Error(`Not as Argo CD describes:\n${violations.join('\n')}`);
    }
  });
}
