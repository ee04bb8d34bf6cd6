import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { FakeGitLab } from '@internal/glu-gitlab-fake';
import { simpleGit } from 'simple-git';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitlabPullRequestProvider } from '../GitlabPullRequestProvider';

// Real git over HTTP for every branch: slower than the default five seconds.
jest.setTimeout(60_000);

export function providerFor(
  gitlab: FakeGitLab,
  integration: Record<string, string> = gitlab.integration,
  timeoutMillis?: number,
) {
  return GitlabPullRequestProvider.fromIntegrations(
    ScmIntegrations.fromConfig(
      new ConfigReader({ integrations: { gitlab: [integration] } }),
    ),
    mockServices.logger.mock(),
    timeoutMillis,
  );
}

/** Pushes a branch with a change, as Glu does before opening. */
export async function pushBranch(
  gitlab: FakeGitLab,
  branch: string,
  content: string,
  from = 'main',
) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-branch-'));
  const auth = Buffer.from(`oauth2:${gitlab.token}`).toString('base64');
  const git = simpleGit({
    baseDir: dir,
    unsafe: { allowUnsafeConfigEnvCount: true },
  }).env({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}`,
    GIT_AUTHOR_NAME: 'Glu',
    GIT_AUTHOR_EMAIL: 'glu@localhost',
    GIT_COMMITTER_NAME: 'Glu',
    GIT_COMMITTER_EMAIL: 'glu@localhost',
  });
  await git.raw(['clone', '--quiet', '--branch', from, gitlab.cloneUrl, '.']);
  await fs.writeFile(path.join(dir, 'env/production.yaml'), content);
  await git.raw(['commit', '--quiet', '-am', `change to ${content.trim()}`]);
  await git.raw(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  const sha = (await git.revparse(['HEAD'])).trim();
  await fs.rm(dir, { recursive: true, force: true });
  return sha;
}

export const opening = (repository: string, head: string) => ({
  repository,
  base: 'main',
  head,
  title: `glu: promote ${head}`,
  body: 'Body',
  labels: [] as string[],
  draft: false,
});

/** The GitLab fake of the test that is running, and a provider on it. */
export let gitlab: FakeGitLab;
export let provider: GitlabPullRequestProvider;

/**
 * Starts, for each test of the describe block it is called in, a GitLab fake
 * with the production file on main, as `gitlab`, and a `provider` on it.
 * Every request and answer must have matched GitLab's description.
 */
export function useFakeGitLab() {
  beforeEach(async () => {
    gitlab = await FakeGitLab.start({
      files: { 'env/production.yaml': 'image: app:1.0.0\n' },
    });
    provider = providerFor(gitlab);
  });

  afterEach(async () => {
    const violations = [...gitlab.violations];
    await gitlab.stop();
    // Every request and answer matched GitLab's description.
    if (violations.length > 0) {
      throw new Error(`Not as GitLab describes:\n${violations.join('\n')}`);
    }
  });
}
