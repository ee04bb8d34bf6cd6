import { checkQuery, checkRequest, checkResponse } from './openapi';
import { FakeGitLab } from './FakeGitLab';

describe("the fake's checks against GitLab's description", () => {
  it('refuses a request body with a parameter GitLab does not take, or without a required one', () => {
    expect(
      checkRequest('/projects/{id}/merge_requests', 'post', {
        source_branch: 'a',
        target_branch: 'main',
        title: 't',
      }),
    ).toBeUndefined();
    // GitLab has no `draft` parameter: a draft is a title.
    expect(
      checkRequest('/projects/{id}/merge_requests', 'post', {
        source_branch: 'a',
        target_branch: 'main',
        title: 't',
        draft: true,
      }),
    ).toContain('must NOT have additional properties (draft)');
    expect(
      checkRequest('/projects/{id}/statuses/{sha}', 'post', {
        name: 'glu/gates',
      }),
    ).toContain("must have required property 'state'");
    expect(
      checkRequest('/projects/{id}/statuses/{sha}', 'post', {
        state: 'failure',
      }),
    ).toContain('must be equal to one of the allowed values');
  });

  it('refuses query parameters the operation does not have, and values it does not take', () => {
    const query = (q: string) =>
      checkQuery(
        '/projects/{id}/merge_requests',
        'get',
        new URLSearchParams(q),
      );
    expect(query('state=opened&source_branch=a&per_page=20')).toBeUndefined();
    expect(query('state=open')).toContain('state=open is none of');
    expect(query('head=a')).toContain('head is not a parameter');
    expect(query('per_page=many')).toContain('is not an integer');
  });

  it('refuses answers GitLab would not give', () => {
    const status = {
      id: 1,
      sha: 'a'.repeat(40),
      ref: 'main',
      status: 'success',
      name: 'build',
      target_url: null,
      allow_failure: false,
      created_at: '2026-01-01T00:00:00Z',
    };
    const list = '/projects/{id}/repository/commits/{sha}/statuses';
    expect(checkResponse(list, 'get', 200, [status])).toBeUndefined();
    // GitHub's words, not GitLab's.
    expect(
      checkResponse(list, 'get', 200, [{ ...status, status: 'completed' }]),
    ).toContain('/0/status');
    expect(
      checkResponse(list, 'get', 200, [{ ...status, conclusion: 'success' }]),
    ).toContain('(conclusion)');
    const { name: _name, ...nameless } = status;
    expect(checkResponse(list, 'get', 200, [nameless])).toContain(
      "must have required property 'name'",
    );
    expect(() => checkResponse(list, 'get', 201, [])).toThrow(
      'GitLab does not answer GET /projects/{id}/repository/commits/{sha}/statuses with 201',
    );
    expect(() => checkResponse('/projects/{id}/pulls', 'get', 200, [])).toThrow(
      'GitLab has no operation GET /projects/{id}/pulls',
    );
  });
});

describe('FakeGitLab', () => {
  it('records a request that GitLab would refuse as a violation, and fails it', async () => {
    const gitlab = await FakeGitLab.start({ files: { 'a.txt': 'a\n' } });
    try {
      const res = await fetch(
        `${gitlab.apiBaseUrl}/projects/${encodeURIComponent(
          gitlab.projectPath,
        )}/merge_requests?head=main`,
        { headers: { 'private-token': gitlab.token } },
      );
      expect(res.status).toBe(400);
      expect(gitlab.violations).toEqual([
        'query of GET /projects/{id}/merge_requests: head is not a parameter of this operation',
      ]);
      // Without the token, GitLab answers 401.
      const anonymous = await fetch(
        `${gitlab.apiBaseUrl}/projects/${gitlab.projectId}/merge_requests`,
      );
      expect(anonymous.status).toBe(401);
      const listed = await fetch(
        `${gitlab.apiBaseUrl}/projects/${gitlab.projectId}/merge_requests`,
        { headers: { 'private-token': gitlab.token } },
      );
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual([]);
      expect(listed.headers.get('x-total')).toBe('0');
    } finally {
      await gitlab.stop();
    }
  });
});
