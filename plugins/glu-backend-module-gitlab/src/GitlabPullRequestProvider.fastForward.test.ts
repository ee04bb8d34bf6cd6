import { FakeGitLab } from '@internal/glu-gitlab-fake';
import { opening, providerFor, pushBranch } from './__testUtils__/gitlab';

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
