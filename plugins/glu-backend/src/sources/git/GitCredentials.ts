import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';

/**
 * Credentials for Git over HTTPS, from Backstage's `integrations:` config.
 * They travel to git in its environment (an `http.extraHeader`), never in a
 * URL or a command line, go to the repository's own host only (git follows
 * no redirect while it carries them), and are scrubbed from any message Glu
 * shows.
 */
export class GitCredentials {
  private readonly github: DefaultGithubCredentialsProvider;

  constructor(private readonly integrations: ScmIntegrations) {
    this.github =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  /** The secret and the git environment that carries it, if any. */
  async forUrl(
    url: string,
  ): Promise<{ env: Record<string, string>; secrets: string[] }> {
    if (!/^https?:\/\//.test(url)) {
      return { env: {}, secrets: [] };
    }
    let username: string | undefined;
    let password: string | undefined;
    if (this.integrations.github.byUrl(url)) {
      const { token } = await this.github.getCredentials({ url });
      if (token) {
        username = 'x-access-token';
        password = token;
      }
    } else if (this.integrations.gitlab.byUrl(url)) {
      const token = this.integrations.gitlab.byUrl(url)?.config.token;
      if (token) {
        username = 'oauth2';
        password = token;
      }
    } else if (this.integrations.bitbucketServer.byUrl(url)) {
      const config = this.integrations.bitbucketServer.byUrl(url)?.config;
      if (config?.token) {
        username = 'x-token-auth';
        password = config.token;
      } else if (config?.username && config.password) {
        username = config.username;
        password = config.password;
      }
    } else if (this.integrations.gitea.byUrl(url)) {
      const config = this.integrations.gitea.byUrl(url)?.config;
      if (config?.username && config.password) {
        username = config.username;
        password = config.password;
      }
    }
    if (!username || !password) {
      return { env: {}, secrets: [] };
    }
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    return {
      env: {
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
        // Git sends the header with every request, to wherever a redirect
        // moved the repository: a redirect is refused instead.
        GIT_CONFIG_KEY_1: 'http.followRedirects',
        GIT_CONFIG_VALUE_1: 'false',
      },
      secrets: [password, basic],
    };
  }
}

/** Replaces every secret in a text, so it can be logged or shown. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}

/** A link to a commit in the web UI of its host, where the host is known. */
export function commitUrlOf(
  integrations: ScmIntegrations,
  repository: string,
  sha: string,
): string | undefined {
  if (!/^https?:\/\//.test(repository)) return undefined;
  const base = repository.replace(/\.git$/, '').replace(/\/+$/, '');
  const integration = integrations.byUrl(repository);
  switch (integration?.type) {
    case 'github':
      return `${base}/commit/${sha}`;
    case 'gitlab':
      return `${base}/-/commit/${sha}`;
    case 'bitbucketCloud':
      return `${base}/commits/${sha}`;
    case 'gitea':
      return `${base}/commit/${sha}`;
    default:
      return undefined;
  }
}
