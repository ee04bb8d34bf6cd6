import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { commitUrlOf, GitCredentials, scrub } from './GitCredentials';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', token: 'ghp_secret123' }],
      gitlab: [{ host: 'gitlab.com', token: 'glpat-secret456' }],
    },
  }),
);

describe('GitCredentials', () => {
  const credentials = new GitCredentials(integrations);

  it('carries a GitHub token in git config from the environment, not in the URL', async () => {
    const { env, secrets } = await credentials.forUrl(
      'https://github.com/acme/gitops',
    );
    const basic = Buffer.from('x-access-token:ghp_secret123').toString(
      'base64',
    );
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
    expect(secrets).toEqual(['ghp_secret123', basic]);
  });

  it('uses GitLab tokens too, and nothing for local repositories', async () => {
    const gitlab = await credentials.forUrl(
      'https://gitlab.com/acme/gitops.git',
    );
    expect(gitlab.secrets[0]).toBe('glpat-secret456');
    expect(await credentials.forUrl('file:///srv/git/gitops.git')).toEqual({
      env: {},
      secrets: [],
    });
  });

  it('scrubs secrets out of messages', () => {
    expect(
      scrub('fatal: Authorization: Basic abc== failed for ghp_secret123', [
        'ghp_secret123',
        'abc==',
      ]),
    ).toBe('fatal: Authorization: Basic *** failed for ***');
  });

  it('links commits on known hosts', () => {
    expect(
      commitUrlOf(integrations, 'https://github.com/acme/gitops.git', 'abc'),
    ).toBe('https://github.com/acme/gitops/commit/abc');
    expect(commitUrlOf(integrations, 'file:///srv/git/gitops.git', 'abc')).toBe(
      undefined,
    );
  });
});
