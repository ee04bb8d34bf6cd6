import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  fetchWithDeadline,
  fetchWithinLimit,
  gluLimits,
  gluLimitSetting,
  GluPullRequest,
  GluPullRequestCheck,
  GluPullRequestProvider,
  GluPullRequestProviderRequest,
} from '@glu-dev/plugin-glu-node';
import { Octokit } from '@octokit/rest';

/**
 * The owner and name of a repository, from its clone URL.
 *
 * @public
 */
export function parseGithubRepository(repository: string): {
  owner: string;
  repo: string;
} {
  const scp = repository.match(/^[\w.-]+@[\w.-]+:(.+)$/);
  const pathname = scp ? scp[1] : new URL(repository).pathname;
  const [owner, repo] = pathname
    .replace(/^\/+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .split('/');
  if (!owner || !repo) {
    throw new InputError(
      `${repository} is not the address of a GitHub repository`,
    );
  }
  return { owner, repo };
}

type CheckRunConclusion = string | null | undefined;

/** A check run's outcome in Glu's words. */
export function checkRunState(
  status: string,
  conclusion: CheckRunConclusion,
): GluPullRequestCheck['state'] {
  if (status !== 'completed') return 'pending';
  switch (conclusion) {
    case 'success':
      return 'success';
    case 'neutral':
      return 'neutral';
    case 'skipped':
      return 'skipped';
    case 'stale':
      return 'pending';
    default:
      // failure, cancelled, timed_out, action_required
      return 'failure';
  }
}

/** A commit status's state in Glu's words. */
export function commitStatusState(state: string): GluPullRequestCheck['state'] {
  if (state === 'success') return 'success';
  if (state === 'pending') return 'pending';
  return 'failure'; // failure, error
}

/**
 * Pull requests on GitHub and GitHub Enterprise, with the credentials of
 * Backstage's `integrations.github` (a token or a GitHub App).
 *
 * @public
 */
export class GithubPullRequestProvider implements GluPullRequestProvider {
  readonly type = 'github';

  static fromIntegrations(
    integrations: ScmIntegrations,
    logger: LoggerService,
    /** How long one request to GitHub may take. */
    timeoutMillis?: number,
    /** How large one answer of GitHub may be (`glu.limits.answerBytes`). */
    maxAnswerBytes?: number,
  ): GithubPullRequestProvider {
    return new GithubPullRequestProvider(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      logger,
      timeoutMillis,
      maxAnswerBytes,
    );
  }

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
    private readonly logger: LoggerService,
    private readonly timeoutMillis: number = 30_000,
    private readonly maxAnswerBytes: number = gluLimits().answerBytes,
  ) {}

  supports(repository: string): boolean {
    try {
      return Boolean(this.integrations.github.byUrl(repository));
    } catch {
      return false;
    }
  }

  private async client(repository: string) {
    const integration = this.integrations.github.byUrl(repository);
    if (!integration) {
      throw new InputError(
        `No GitHub integration is configured for ${repository}`,
      );
    }
    // A repository URL without a scheme (git@host:owner/repo) is looked up
    // by its https form.
    const { token } = await this.credentials.getCredentials({
      url: repository,
    });
    const octokit = new Octokit({
      baseUrl: integration.config.apiBaseUrl,
      ...(token ? { auth: token } : {}),
      // Every request to GitHub ends by a deadline, its answer read up to a
      // limit.
      request: {
        fetch: fetchWithinLimit(
          {
            bytes: this.maxAnswerBytes,
            setting: gluLimitSetting('answerBytes'),
          },
          fetchWithDeadline(this.timeoutMillis),
        ),
      },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => this.logger.warn(message),
        error: (message: string) => this.logger.error(message),
      },
    });
    return { octokit, ...parseGithubRepository(repository) };
  }

  private static toPullRequest(pull: {
    number: number;
    html_url: string;
    state: string;
    merged_at: string | null;
    merged?: boolean;
    merge_commit_sha: string | null;
    head: { sha: string };
  }): GluPullRequest {
    const merged = Boolean(pull.merged || pull.merged_at);
    let state: GluPullRequest['state'] =
      pull.state === 'open' ? 'open' : 'closed';
    if (merged) state = 'merged';
    return {
      number: pull.number,
      url: pull.html_url,
      state,
      headSha: pull.head.sha,
      ...(merged && pull.merge_commit_sha
        ? { mergeCommitSha: pull.merge_commit_sha }
        : {}),
    };
  }

  async open(
    request: GluPullRequestProviderRequest<'open'>,
  ): Promise<GluPullRequest> {
    const { octokit, owner, repo } = await this.client(request.repository);
    let pull: Parameters<typeof GithubPullRequestProvider.toPullRequest>[0];
    try {
      pull = (
        await octokit.pulls.create({
          owner,
          repo,
          base: request.base,
          head: request.head,
          title: request.title,
          body: request.body,
          draft: request.draft,
        })
      ).data;
    } catch (error) {
      // Opened before, e.g. by an attempt that crashed before recording it.
      if ((error as { status?: number }).status !== 422) throw error;
      const { data: open } = await octokit.pulls.list({
        owner,
        repo,
        head: `${owner}:${request.head}`,
        base: request.base,
        state: 'open',
        per_page: 1,
      });
      if (open.length === 0) throw error;
      pull = open[0];
    }
    if (request.labels.length > 0) {
      await octokit.issues.addLabels({
        owner,
        repo,
        issue_number: pull.number,
        labels: request.labels,
      });
    }
    return GithubPullRequestProvider.toPullRequest(pull);
  }

  async get(
    request: GluPullRequestProviderRequest<'get'>,
  ): Promise<GluPullRequest> {
    const { octokit, owner, repo } = await this.client(request.repository);
    try {
      const { data } = await octokit.pulls.get({
        owner,
        repo,
        pull_number: request.number,
      });
      return GithubPullRequestProvider.toPullRequest(data);
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        throw new NotFoundError(
          `The pull request #${request.number} of ${owner}/${repo} does not exist`,
        );
      }
      throw error;
    }
  }

  async checks(
    request: GluPullRequestProviderRequest<'checks'>,
  ): Promise<GluPullRequestCheck[]> {
    const { octokit, owner, repo } = await this.client(request.repository);
    const runs = await octokit.paginate(octokit.checks.listForRef, {
      owner,
      repo,
      ref: request.sha,
      filter: 'latest',
      per_page: 100,
    });
    const { data: combined } = await octokit.repos.getCombinedStatusForRef({
      owner,
      repo,
      ref: request.sha,
      per_page: 100,
    });
    return [
      ...runs.map(run => ({
        name: run.name,
        state: checkRunState(run.status, run.conclusion),
        ...(run.html_url ? { url: run.html_url } : {}),
      })),
      ...combined.statuses.map(status => ({
        name: status.context,
        state: commitStatusState(status.state),
        ...(status.target_url ? { url: status.target_url } : {}),
      })),
    ];
  }

  async close(request: GluPullRequestProviderRequest<'close'>): Promise<void> {
    const { octokit, owner, repo } = await this.client(request.repository);
    await octokit.issues.createComment({
      owner,
      repo,
      issue_number: request.number,
      body: request.comment,
    });
    await octokit.pulls.update({
      owner,
      repo,
      pull_number: request.number,
      state: 'closed',
    });
  }

  async setStatus(
    request: GluPullRequestProviderRequest<'setStatus'>,
  ): Promise<void> {
    const { octokit, owner, repo } = await this.client(request.repository);
    await octokit.repos.createCommitStatus({
      owner,
      repo,
      sha: request.sha,
      context: request.context,
      state: request.state,
      // GitHub keeps 140 characters of a description.
      description:
        request.description.length > 140
          ? `${request.description.slice(0, 139)}…`
          : request.description,
      ...(request.url ? { target_url: request.url } : {}),
    });
  }

  async merge(
    request: GluPullRequestProviderRequest<'merge'>,
  ): Promise<{ sha: string }> {
    const { octokit, owner, repo } = await this.client(request.repository);
    const { data } = await octokit.pulls.merge({
      owner,
      repo,
      pull_number: request.number,
      sha: request.sha,
      merge_method: request.method,
      commit_title: request.title,
    });
    return { sha: data.sha };
  }
}
