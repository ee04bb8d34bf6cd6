import { commitStatusState, mergedCommitOf } from './GitlabPullRequestProvider';
import {
  gitlab,
  opening,
  providerFor,
  provider,
  pushBranch,
  useFakeGitLab,
} from './__testUtils__/gitlab';

describe('GitlabPullRequestProvider', () => {
  useFakeGitLab();

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
});
