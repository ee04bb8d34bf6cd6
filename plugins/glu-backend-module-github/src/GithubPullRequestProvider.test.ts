import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { FakeGitHub } from '@internal/glu-github-fake';
import { simpleGit } from 'simple-git';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  GithubPullRequestProvider,
  parseGithubRepository,
} from './GithubPullRequestProvider';

// Real git over HTTP for every branch: slower than the default five seconds.
jest.setTimeout(60_000);

describe('GithubPullRequestProvider', () => {
  let github: FakeGitHub;
  let provider: GithubPullRequestProvider;

  beforeEach(async () => {
    github = await FakeGitHub.start({
      files: { 'env/production.yaml': 'image: app:1.0.0\n' },
    });
    provider = GithubPullRequestProvider.fromIntegrations(
      ScmIntegrations.fromConfig(
        new ConfigReader({ integrations: { github: [github.integration] } }),
      ),
      mockServices.logger.mock(),
    );
  });

  afterEach(async () => {
    const violations = [...github.violations];
    await github.stop();
    // Every request and answer matched GitHub's published description.
    if (violations.length > 0) {
      throw new Error(`Not as GitHub describes:\n${violations.join('\n')}`);
    }
  });

  /** Pushes a branch with a change, as Glu does before opening. */
  async function pushBranch(branch: string, content: string) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-branch-'));
    const auth = Buffer.from(`x-access-token:${github.token}`).toString(
      'base64',
    );
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
    await git.raw(['clone', '--quiet', github.cloneUrl, '.']);
    await fs.writeFile(path.join(dir, 'env/production.yaml'), content);
    await git.raw(['commit', '--quiet', '-am', 'change']);
    await git.raw(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    const sha = (await git.revparse(['HEAD'])).trim();
    await fs.rm(dir, { recursive: true, force: true });
    return sha;
  }

  it('supports the repositories of its integrations only', () => {
    expect(provider.supports(github.cloneUrl)).toBe(true);
    expect(provider.supports('https://gitlab.com/acme/gitops')).toBe(false);
    expect(parseGithubRepository(github.cloneUrl)).toEqual({
      owner: 'acme',
      repo: 'gitops',
    });
    expect(parseGithubRepository('git@github.com:acme/gitops.git')).toEqual({
      owner: 'acme',
      repo: 'gitops',
    });
  });

  it('opens, labels, follows, checks and merges a pull request', async () => {
    const sha = await pushBranch('glu/test', 'image: app:2.0.0\n');
    const opened = await provider.open({
      repository: github.cloneUrl,
      base: 'main',
      head: 'glu/test',
      title: 'glu: promote',
      body: 'Body',
      labels: ['glu', 'production'],
      draft: false,
    });
    expect(opened).toMatchObject({ number: 1, state: 'open', headSha: sha });
    expect(github.pulls.get(1)).toMatchObject({
      title: 'glu: promote',
      body: 'Body',
      labels: ['glu', 'production'],
    });

    // Opening again answers the open one.
    const again = await provider.open({
      repository: github.cloneUrl,
      base: 'main',
      head: 'glu/test',
      title: 'glu: promote',
      body: 'Body',
      labels: [],
      draft: false,
    });
    expect(again.number).toBe(1);
    expect(github.pulls.size).toBe(1);

    github.setCheckRun(sha, 'build', { status: 'in_progress' });
    github.setCheckRun(sha, 'e2e', {
      status: 'completed',
      conclusion: 'failure',
    });
    github.setStatus(sha, 'lint', 'success');
    expect(await provider.checks({ repository: github.cloneUrl, sha })).toEqual(
      [
        expect.objectContaining({ name: 'build', state: 'pending' }),
        expect.objectContaining({ name: 'e2e', state: 'failure' }),
        expect.objectContaining({ name: 'lint', state: 'success' }),
      ],
    );

    const merged = await provider.merge({
      repository: github.cloneUrl,
      number: 1,
      sha,
      method: 'squash',
      title: 'glu: promote (#1)',
    });
    expect(await github.show('env/production.yaml')).toBe('image: app:2.0.0\n');
    expect((await github.log())[0]).toEqual({
      sha: merged.sha,
      subject: 'glu: promote (#1)',
    });
    expect(
      await provider.get({ repository: github.cloneUrl, number: 1 }),
    ).toMatchObject({ state: 'merged', mergeCommitSha: merged.sha });
  });

  it('closes with a comment, and reports pull requests closed by people', async () => {
    await pushBranch('glu/a', 'image: app:2.0.0\n');
    await pushBranch('glu/b', 'image: app:3.0.0\n');
    const a = await provider.open({
      repository: github.cloneUrl,
      base: 'main',
      head: 'glu/a',
      title: 'a',
      body: '',
      labels: [],
      draft: true,
    });
    const b = await provider.open({
      repository: github.cloneUrl,
      base: 'main',
      head: 'glu/b',
      title: 'b',
      body: '',
      labels: [],
      draft: false,
    });
    await provider.close({
      repository: github.cloneUrl,
      number: a.number,
      comment: 'Superseded by #2',
    });
    expect(github.pulls.get(a.number)).toMatchObject({
      state: 'closed',
      comments: ['Superseded by #2'],
      draft: true,
    });
    github.close(b.number);
    expect(
      await provider.get({ repository: github.cloneUrl, number: b.number }),
    ).toMatchObject({ state: 'closed' });
    await expect(
      provider.get({ repository: github.cloneUrl, number: 99 }),
    ).rejects.toThrow('#99');
  });

  it('refuses a merge when the branch moved since it was checked', async () => {
    await pushBranch('glu/c', 'image: app:2.0.0\n');
    await provider.open({
      repository: github.cloneUrl,
      base: 'main',
      head: 'glu/c',
      title: 'c',
      body: '',
      labels: [],
      draft: false,
    });
    await expect(
      provider.merge({
        repository: github.cloneUrl,
        number: 1,
        sha: '0'.repeat(40),
        method: 'merge',
        title: 'c',
      }),
    ).rejects.toThrow('Head branch was modified');
    expect(await github.show('env/production.yaml')).toBe('image: app:1.0.0\n');
  });
});

describe('GithubPullRequestProvider as a GitHub App', () => {
  it('gets an installation token with the app key, and uses it', async () => {
    const github = await FakeGitHub.start({
      files: { 'env/production.yaml': 'image: app:1.0.0\n' },
      app: true,
    });
    try {
      const provider = GithubPullRequestProvider.fromIntegrations(
        ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: { github: [github.integration] },
          }),
        ),
        mockServices.logger.mock(),
      );
      expect(github.integration).not.toHaveProperty('token');
      expect(github.issuedTokens).toEqual([]);
      const sha = (await github.head('main'))!;
      const checks = await provider
        .checks({ repository: github.cloneUrl, sha })
        .catch(error => {
          throw new Error(`${error}; ${github.violations.join('; ')}`);
        });
      expect(checks).toEqual([]);
      // The app signed a JWT, got an installation token, and the API
      // accepted that token.
      expect(github.issuedTokens).toEqual([github.token]);
      expect(github.requests).toEqual(
        expect.arrayContaining([
          'GET /app/installations',
          'POST /app/installations/{installation_id}/access_tokens',
          'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
        ]),
      );
      expect(github.violations).toEqual([]);
    } finally {
      await github.stop();
    }
  });
});

describe('GithubPullRequestProvider, on answers over glu.limits.answerBytes', () => {
  it('stops reading an answer that never ends, and says which limit it went over', async () => {
    // A GitHub API whose every answer is JSON without end, written as long
    // as it is read.
    let closed!: () => void;
    const connectionClosed = new Promise<void>(resolve => (closed = resolve));
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const more = () => {
        while (!res.destroyed && res.write(`{"name":"${'x'.repeat(1000)}"},`));
      };
      res.on('drain', more);
      res.on('close', () => closed());
      more();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const provider = GithubPullRequestProvider.fromIntegrations(
        ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: {
              github: [{ host, apiBaseUrl: `http://${host}`, token: 't' }],
            },
          }),
        ),
        mockServices.logger.mock(),
        30_000,
        64 * 1024,
      );
      await expect(
        provider.checks({
          repository: `https://${host}/acme/gitops`,
          sha: 'a'.repeat(40),
        }),
      ).rejects.toThrow(
        `the answer of ${host}/repos/acme/gitops/commits/${'a'.repeat(
          40,
        )}/check-runs is longer than 64 KB, over glu.limits.answerBytes (64 KB)`,
      );
      await connectionClosed;
    } finally {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });
});
