import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { FakeGitLab } from '@internal/glu-gitlab-fake';
import { simpleGit } from 'simple-git';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  commitStatusState,
  GitlabPullRequestProvider,
  mergedCommitOf,
  parseGitlabProject,
} from './GitlabPullRequestProvider';

// Real git over HTTP for every branch: slower than the default five seconds.
jest.setTimeout(60_000);

function providerFor(
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
async function pushBranch(
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

const opening = (repository: string, head: string) => ({
  repository,
  base: 'main',
  head,
  title: `glu: promote ${head}`,
  body: 'Body',
  labels: [] as string[],
  draft: false,
});

describe('GitlabPullRequestProvider', () => {
  let gitlab: FakeGitLab;
  let provider: GitlabPullRequestProvider;

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

  it('supports the repositories of its integrations only, subgroups and all', () => {
    expect(provider.supports(gitlab.cloneUrl)).toBe(true);
    expect(provider.supports('https://github.com/acme/gitops')).toBe(false);
    expect(provider.supports('https://gitlab.other.test/acme/gitops')).toBe(
      false,
    );
    expect(provider.supports('not a url')).toBe(false);
    expect(parseGitlabProject(gitlab.cloneUrl)).toBe('acme/gitops');
    expect(
      parseGitlabProject('https://gitlab.com/acme/platform/gitops.git'),
    ).toBe('acme/platform/gitops');
    expect(parseGitlabProject('git@gitlab.com:acme/platform/gitops.git')).toBe(
      'acme/platform/gitops',
    );
    // A GitLab served under a path of its own.
    expect(
      parseGitlabProject(
        'https://example.com/gitlab/acme/gitops.git',
        'https://example.com/gitlab',
      ),
    ).toBe('acme/gitops');
    expect(() => parseGitlabProject('https://gitlab.com/acme')).toThrow(
      'is not the address of a GitLab repository',
    );
  });

  it('opens with labels, answers the open one when opening again, follows and merges with a merge commit', async () => {
    const sha = await pushBranch(gitlab, 'glu/test', 'image: app:2.0.0\n');
    const opened = await provider.open({
      ...opening(gitlab.cloneUrl, 'glu/test'),
      labels: ['glu', 'production'],
    });
    expect(opened).toEqual({
      number: 1,
      url: `${gitlab.webUrl}/-/merge_requests/1`,
      state: 'open',
      headSha: sha,
    });
    expect(gitlab.mergeRequests.get(1)).toMatchObject({
      title: 'glu: promote glu/test',
      description: 'Body',
      labels: ['glu', 'production'],
      sourceBranch: 'glu/test',
      targetBranch: 'main',
    });

    // A retry after a crash: GitLab refuses a second one, and the open one
    // is answered, with the labels asked for now.
    const again = await provider.open({
      ...opening(gitlab.cloneUrl, 'glu/test'),
      labels: ['promotion'],
    });
    expect(again).toEqual(opened);
    expect(gitlab.mergeRequests.size).toBe(1);
    expect(gitlab.mergeRequests.get(1)!.labels).toEqual([
      'glu',
      'production',
      'promotion',
    ]);
    expect(gitlab.requests).toEqual(
      expect.arrayContaining([
        'POST /projects/{id}/merge_requests',
        'GET /projects/{id}/merge_requests',
        'PUT /projects/{id}/merge_requests/{merge_request_iid}',
      ]),
    );

    const merged = await provider.merge({
      repository: gitlab.cloneUrl,
      number: 1,
      sha,
      method: 'merge',
      title: 'glu: promote (!1)',
    });
    // It landed: a merge commit of main and the branch, titled as asked.
    expect(await gitlab.show('env/production.yaml')).toBe('image: app:2.0.0\n');
    const [top] = await gitlab.log();
    expect(top).toEqual({
      sha: merged.sha,
      subject: 'glu: promote (!1)',
      parents: [expect.any(String), sha],
    });
    expect(
      await provider.get({ repository: gitlab.cloneUrl, number: 1 }),
    ).toEqual({ ...opened, state: 'merged', mergeCommitSha: merged.sha });
  });

  it('opens a draft the way GitLab marks drafts, and GitLab will not merge it', async () => {
    const sha = await pushBranch(gitlab, 'glu/draft', 'image: app:2.0.0\n');
    const opened = await provider.open({
      ...opening(gitlab.cloneUrl, 'glu/draft'),
      draft: true,
    });
    expect(gitlab.mergeRequests.get(opened.number)!.title).toBe(
      'Draft: glu: promote glu/draft',
    );
    await expect(
      provider.merge({
        repository: gitlab.cloneUrl,
        number: opened.number,
        sha,
        method: 'merge',
        title: 'x',
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('405'),
    });
    expect(await gitlab.show('env/production.yaml')).toBe('image: app:1.0.0\n');
  });

  it("maps GitLab's states: opened and locked are open, closed and merged as they are", async () => {
    await pushBranch(gitlab, 'glu/a', 'image: app:2.0.0\n');
    const a = await provider.open(opening(gitlab.cloneUrl, 'glu/a'));
    const get = () =>
      provider.get({ repository: gitlab.cloneUrl, number: a.number });
    expect((await get()).state).toBe('open');
    // GitLab locks a merge request while it merges it.
    gitlab.mergeRequests.get(a.number)!.state = 'locked';
    expect((await get()).state).toBe('open');
    gitlab.mergeRequests.get(a.number)!.state = 'opened';
    await gitlab.close(a.number);
    expect(await get()).toMatchObject({ state: 'closed' });
    expect(await get()).not.toHaveProperty('mergeCommitSha');
    await expect(
      provider.get({ repository: gitlab.cloneUrl, number: 99 }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'The merge request !99 of acme/gitops does not exist',
    });
  });

  it('closes with a comment first', async () => {
    await pushBranch(gitlab, 'glu/a', 'image: app:2.0.0\n');
    const a = await provider.open(opening(gitlab.cloneUrl, 'glu/a'));
    await provider.close({
      repository: gitlab.cloneUrl,
      number: a.number,
      comment: 'Superseded by !2',
    });
    expect(gitlab.mergeRequests.get(a.number)).toMatchObject({
      state: 'closed',
      notes: ['Superseded by !2'],
    });
    const notes = gitlab.requests.indexOf(
      'POST /projects/{id}/merge_requests/{merge_request_iid}/notes',
    );
    expect(notes).toBeGreaterThan(-1);
    expect(
      gitlab.requests.lastIndexOf(
        'PUT /projects/{id}/merge_requests/{merge_request_iid}',
      ),
    ).toBeGreaterThan(notes);
  });

  it('refuses a merge when the head moved since it was checked, with a conflict', async () => {
    const checked = await pushBranch(gitlab, 'glu/c', 'image: app:2.0.0\n');
    const c = await provider.open(opening(gitlab.cloneUrl, 'glu/c'));
    // Someone pushes to the branch after the checks were read.
    await gitlab.commit(
      { 'env/production.yaml': 'image: app:6.6.6\n' },
      'sneaky',
      'glu/c',
    );
    const error = await provider
      .merge({
        repository: gitlab.cloneUrl,
        number: c.number,
        sha: checked,
        method: 'merge',
        title: 'c',
      })
      .catch(e => e);
    expect(error).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        `its head is no longer ${checked} (SHA does not match HEAD of source branch`,
      ),
    });
    expect(await gitlab.show('env/production.yaml')).toBe('image: app:1.0.0\n');
    expect(gitlab.mergeRequests.get(c.number)!.state).toBe('opened');
  });

  it('squashes with the title, and answers the merge commit over the squash commit', async () => {
    await pushBranch(gitlab, 'glu/s', 'image: app:2.0.0\n');
    const sha = await gitlab.commit(
      { 'env/production.yaml': 'image: app:2.0.1\n' },
      'second commit',
      'glu/s',
    );
    const s = await provider.open(opening(gitlab.cloneUrl, 'glu/s'));
    const merged = await provider.merge({
      repository: gitlab.cloneUrl,
      number: s.number,
      sha,
      method: 'squash',
      title: 'glu: promote to 2.0.1 (!1)',
    });
    const [merge, squash] = await gitlab.log();
    expect(merge).toMatchObject({
      sha: merged.sha,
      subject: 'glu: promote to 2.0.1 (!1)',
      parents: [expect.any(String), squash.sha],
    });
    // Both commits of the branch became one.
    expect(squash.subject).toBe('glu: promote to 2.0.1 (!1)');
    expect(squash.parents).toHaveLength(1);
    expect(gitlab.mergeRequests.get(s.number)).toMatchObject({
      mergeCommitSha: merged.sha,
      squashCommitSha: squash.sha,
    });
    expect(await gitlab.show('env/production.yaml')).toBe('image: app:2.0.1\n');
  });

  it('reads the jobs and statuses of a commit, state by state, the latest run of a name counting', async () => {
    const sha = await pushBranch(gitlab, 'glu/k', 'image: app:2.0.0\n');
    await provider.open(opening(gitlab.cloneUrl, 'glu/k'));
    const branch = gitlab.startPipeline(sha, 'glu/k', 'push');
    gitlab.setJob(sha, 'build', 'running', { pipeline: branch });
    gitlab.setJob(sha, 'lint', 'failed', { pipeline: branch });
    gitlab.setJob(sha, 'flaky', 'failed', {
      pipeline: branch,
      allowFailure: true,
    });
    gitlab.setJob(sha, 'deploy-review', 'manual', {
      pipeline: branch,
      allowFailure: true,
    });
    gitlab.setJob(sha, 'approve', 'manual', { pipeline: branch });
    gitlab.setJob(sha, 'docs', 'skipped', { pipeline: branch });
    gitlab.setJob(sha, 'e2e', 'canceled', { pipeline: branch });
    gitlab.setJob(sha, 'queued', 'created', { pipeline: branch });
    // Run again after failing: the new run counts.
    gitlab.setJob(sha, 'unit', 'failed', { pipeline: branch });
    gitlab.setJob(sha, 'unit', 'success', { pipeline: branch, retry: true });
    // The merge request's own pipeline on the same commit ran build again.
    const mr = gitlab.startPipeline(
      sha,
      'refs/merge-requests/1/head',
      'merge_request_event',
    );
    gitlab.setJob(sha, 'build', 'success', { pipeline: mr });
    // A status another system posted.
    await providerFor(gitlab).setStatus({
      repository: gitlab.cloneUrl,
      sha,
      context: 'security/scan',
      state: 'success',
      description: 'no findings',
      url: 'https://scanner.example.com/1',
    });

    const checks = await provider.checks({ repository: gitlab.cloneUrl, sha });
    expect(checks).toEqual([
      { name: 'approve', state: 'pending', url: expect.any(String) },
      { name: 'build', state: 'success', url: expect.any(String) },
      { name: 'deploy-review', state: 'skipped', url: expect.any(String) },
      { name: 'docs', state: 'skipped', url: expect.any(String) },
      { name: 'e2e', state: 'failure', url: expect.any(String) },
      { name: 'flaky', state: 'neutral', url: expect.any(String) },
      { name: 'lint', state: 'failure', url: expect.any(String) },
      { name: 'queued', state: 'pending', url: expect.any(String) },
      {
        name: 'security/scan',
        state: 'success',
        url: 'https://scanner.example.com/1',
      },
      { name: 'unit', state: 'success', url: expect.any(String) },
    ]);
    expect(checks[1].url).toMatch(/\/-\/jobs\/\d+$/);
    // A commit GitLab does not know is GitLab's 404.
    await expect(
      provider.checks({ repository: gitlab.cloneUrl, sha: 'f'.repeat(40) }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('maps every job state GitLab has', () => {
    expect(commitStatusState('success')).toBe('success');
    for (const pending of [
      'created',
      'waiting_for_resource',
      'preparing',
      'waiting_for_callback',
      'pending',
      'running',
      'scheduled',
    ]) {
      expect(commitStatusState(pending)).toBe('pending');
    }
    expect(commitStatusState('failed')).toBe('failure');
    expect(commitStatusState('canceled')).toBe('failure');
    expect(commitStatusState('canceling')).toBe('failure');
    expect(commitStatusState('failed', true)).toBe('neutral');
    expect(commitStatusState('skipped')).toBe('skipped');
    expect(commitStatusState('manual', true)).toBe('skipped');
    expect(commitStatusState('manual', false)).toBe('pending');
    expect(
      mergedCommitOf({
        merge_commit_sha: null,
        squash_commit_sha: 'b',
        sha: 'c',
      }),
    ).toBe('b');
    expect(mergedCommitOf({ sha: 'c' })).toBe('c');
  });

  it("posts Glu's status, within GitLab's limit, and keeps it when GitLab will not take the same state again", async () => {
    const sha = await pushBranch(gitlab, 'glu/g', 'image: app:2.0.0\n');
    const post = (state: 'pending' | 'success', description: string) =>
      provider.setStatus({
        repository: gitlab.cloneUrl,
        sha,
        context: 'glu/gates',
        state,
        description,
        url: 'http://portal.example.com/glu',
      });
    await post('pending', 'checks: waiting for build on !1');
    expect(gitlab.status(sha, 'glu/gates')).toEqual({
      status: 'pending',
      description: 'checks: waiting for build on !1',
    });
    // GitLab refuses a pending status that is pending already (400): the
    // state stands, and Glu does not fail for it.
    await post('pending', 'checks: build failed on !1');
    expect(gitlab.status(sha, 'glu/gates')).toEqual({
      status: 'pending',
      description: 'checks: waiting for build on !1',
    });
    await post('success', `checks: passed ${'x'.repeat(300)}`);
    const passed = gitlab.status(sha, 'glu/gates')!;
    expect(passed.status).toBe('success');
    expect(passed.description).toHaveLength(255);
    expect(passed.description!.endsWith('…')).toBe(true);
    // A finished status is followed by a new one.
    await post('pending', 'checks: waiting for e2e on !1');
    expect(gitlab.status(sha, 'glu/gates')).toEqual({
      status: 'pending',
      description: 'checks: waiting for e2e on !1',
    });
  });

  it('gives a clear 503 when GitLab does not answer by the deadline, or refuses the token', async () => {
    const sha = await pushBranch(gitlab, 'glu/t', 'image: app:2.0.0\n');
    const impatient = providerFor(gitlab, gitlab.integration, 300);
    gitlab.hang();
    const started = Date.now();
    await expect(
      impatient.checks({ repository: gitlab.cloneUrl, sha }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: `GitLab did not answer in time reading the statuses of ${sha} in acme/gitops`,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    gitlab.hang(false);

    const stranger = providerFor(gitlab, {
      ...gitlab.integration,
      token: 'glpat-not-this-one',
    });
    const refused = await stranger
      .open(opening(gitlab.cloneUrl, 'glu/t'))
      .catch(e => e);
    expect(refused).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('GitLab answered 401'),
    });
    expect(refused.message).not.toContain('glpat-not-this-one');
  });

  it('refuses an apiBaseUrl that is not GitLab’s API v4, and repositories without an integration', async () => {
    const odd = providerFor(gitlab, {
      ...gitlab.integration,
      apiBaseUrl: 'https://gitlab.acme.test/gitlab/api',
    });
    await expect(
      odd.get({ repository: gitlab.cloneUrl, number: 1 }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('is not the address of GitLab'),
    });
    await expect(
      provider.get({ repository: 'https://gitlab.other.test/a/b', number: 1 }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'No GitLab integration is configured for https://gitlab.other.test/a/b',
    });
  });
});

describe('GitlabPullRequestProvider on a project that fast-forwards', () => {
  it('answers the squash commit, or the head itself, as the commit that landed', async () => {
    const gitlab = await FakeGitLab.start({
      files: { 'env/production.yaml': 'image: app:1.0.0\n' },
      mergeMethod: 'ff',
      project: 'acme/platform/gitops',
      apiBaseUrl: 'https://gitlab.acme.test/api/v4',
    });
    try {
      const provider = providerFor(gitlab);
      const head = await pushBranch(gitlab, 'glu/ff', 'image: app:2.0.0\n');
      const ff = await provider.open(opening(gitlab.cloneUrl, 'glu/ff'));
      expect(
        await provider.merge({
          repository: gitlab.cloneUrl,
          number: ff.number,
          sha: head,
          method: 'rebase',
          title: 'glu: promote (!1)',
        }),
      ).toEqual({ sha: head });
      expect((await gitlab.log())[0].sha).toBe(head);

      const second = await pushBranch(gitlab, 'glu/sq', 'image: app:3.0.0\n');
      const sq = await provider.open(opening(gitlab.cloneUrl, 'glu/sq'));
      const squashed = await provider.merge({
        repository: gitlab.cloneUrl,
        number: sq.number,
        sha: second,
        method: 'squash',
        title: 'glu: promote to 3.0.0 (!2)',
      });
      expect(squashed.sha).not.toBe(second);
      expect((await gitlab.log())[0]).toEqual({
        sha: squashed.sha,
        subject: 'glu: promote to 3.0.0 (!2)',
        parents: [head],
      });
      expect(
        await provider.get({ repository: gitlab.cloneUrl, number: sq.number }),
      ).toMatchObject({ state: 'merged', mergeCommitSha: squashed.sha });
      expect(gitlab.violations).toEqual([]);
    } finally {
      await gitlab.stop();
    }
  });
});
