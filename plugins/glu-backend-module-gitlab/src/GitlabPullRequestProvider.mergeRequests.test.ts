import {
  gitlab,
  opening,
  provider,
  pushBranch,
  useFakeGitLab,
} from './__testUtils__/gitlab';

describe('GitlabPullRequestProvider', () => {
  useFakeGitLab();

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
});
