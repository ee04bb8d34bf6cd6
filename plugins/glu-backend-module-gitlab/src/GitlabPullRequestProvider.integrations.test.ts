import { parseGitlabProject } from './GitlabPullRequestProvider';
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

  it('gives a clear 503 when GitLab does not answer by the deadline, or refuses the token', async () => {
    const sha = await pushBranch(gitlab, 'glu/t', 'image: app:2.0.0\n');
    const impatient = providerFor(gitlab, gitlab.integration, 300);
    gitlab.hang();
    await expect(
      impatient.checks({ repository: gitlab.cloneUrl, sha }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: `GitLab did not answer in time reading the statuses of ${sha} in acme/gitops`,
    });
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
