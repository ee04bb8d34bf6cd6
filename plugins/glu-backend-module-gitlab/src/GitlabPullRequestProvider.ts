import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitbeakerRequestError,
  GitbeakerRetryError,
  GitbeakerTimeoutError,
  Gitlab,
} from '@gitbeaker/rest';
import {
  GluPullRequest,
  GluPullRequestCheck,
  GluPullRequestProvider,
  GluPullRequestProviderRequest,
} from '@glu-dev/plugin-glu-node';

/** A repository address in its https form, for scp-like `git@host:path`. */
function asUrl(repository: string): string {
  const scp = repository.match(/^[\w.-]+@([\w.-]+(?::\d+)?):(?!\/\/)(.+)$/);
  return scp ? `https://${scp[1]}/${scp[2]}` : repository;
}

/**
 * The path of a GitLab project (`group/subgroup/project`) from its clone URL.
 * On a GitLab served under a path of its own (`baseUrl`
 * `https://example.com/gitlab`), that path is not part of the project's.
 *
 * @public
 */
export function parseGitlabProject(
  repository: string,
  baseUrl?: string,
): string {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(asUrl(repository)).pathname);
  } catch {
    throw new InputError(
      `${repository} is not the address of a GitLab repository`,
    );
  }
  const prefix = baseUrl ? new URL(baseUrl).pathname.replace(/\/+$/, '') : '';
  if (prefix && pathname.startsWith(`${prefix}/`)) {
    pathname = pathname.slice(prefix.length);
  }
  const project = pathname
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (project.split('/').filter(Boolean).length < 2) {
    throw new InputError(
      `${repository} is not the address of a GitLab repository`,
    );
  }
  return project;
}

/**
 * A merge request's state in Glu's words. `locked` is GitLab's state while
 * it merges: still open, until the merge lands.
 */
export function mergeRequestState(state: string): GluPullRequest['state'] {
  if (state === 'merged') return 'merged';
  if (state === 'closed') return 'closed';
  return 'open'; // opened, locked
}

/**
 * The commit that a merged merge request left on its target branch: its
 * merge commit, or its squash commit when GitLab fast-forwarded one, or its
 * head when GitLab fast-forwarded the branch itself.
 */
export function mergedCommitOf(mr: {
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  sha?: string | null;
}): string | undefined {
  return mr.merge_commit_sha || mr.squash_commit_sha || mr.sha || undefined;
}

/**
 * A CI job's or commit status's state in Glu's words. A job that may fail
 * (`allow_failure`) and failed does not hold a merge in GitLab: neutral. A
 * manual job that may be skipped (GitLab's default for manual jobs) is
 * skipped until someone runs it; a blocking one holds the pipeline.
 */
export function commitStatusState(
  status: string,
  allowFailure = false,
): GluPullRequestCheck['state'] {
  switch (status) {
    case 'success':
      return 'success';
    case 'skipped':
      return 'skipped';
    case 'manual':
      return allowFailure ? 'skipped' : 'pending';
    case 'failed':
    case 'canceled':
    case 'canceling':
      return allowFailure ? 'neutral' : 'failure';
    default:
      // created, waiting_for_resource, preparing, waiting_for_callback,
      // pending, running, scheduled
      return 'pending';
  }
}

/** Glu's commit states in GitLab's words. */
const STATUS_STATES = {
  pending: 'pending',
  success: 'success',
  failure: 'failed',
} as const;

/** GitLab keeps 255 characters of a commit status's description. */
const DESCRIPTION_LIMIT = 255;

/**
 * How Glu's merge methods become GitLab's. GitLab merges the way the
 * project's merge method says (a merge commit, a merge commit with
 * semi-linear history, or fast-forward); a merge only chooses whether to
 * squash. `squash` squashes; `merge` and `rebase` do not. For a linear
 * history (what `rebase` gives on GitHub), set the project to fast-forward
 * merges.
 */
const SQUASH = { merge: false, squash: true, rebase: false } as const;

type MergeRequest = {
  iid: number;
  web_url: string;
  state: string;
  sha?: string | null;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  source_branch: string;
  target_branch: string;
  labels?: string[];
};

/** What went wrong with GitLab, as an error Backstage answers for. */
function gitlabError(error: unknown, what: string): Error {
  if (error instanceof GitbeakerTimeoutError) {
    return new ServiceUnavailableError(`GitLab did not answer in time ${what}`);
  }
  if (error instanceof GitbeakerRetryError) {
    return new ServiceUnavailableError(
      `GitLab is not available ${what}: ${error.message}`,
    );
  }
  if (error instanceof GitbeakerRequestError) {
    const status = (error.cause as { response?: Response } | undefined)
      ?.response?.status;
    const message = `GitLab answered ${status ?? 'an error'} ${what}: ${
      error.message
    }`;
    if (status === 404) return new NotFoundError(message);
    if (status === 405 || status === 406 || status === 409 || status === 422) {
      return new ConflictError(message);
    }
    return new ServiceUnavailableError(message);
  }
  // The network: a refused connection, a name that does not resolve.
  return new ServiceUnavailableError(
    `GitLab could not be reached ${what}: ${
      error instanceof Error ? error.message : error
    }`,
  );
}

function statusOf(error: unknown): number | undefined {
  return error instanceof GitbeakerRequestError
    ? (error.cause as { response?: Response } | undefined)?.response?.status
    : undefined;
}

/**
 * Merge requests on GitLab (gitlab.com or self-hosted), with the credentials
 * of Backstage's `integrations.gitlab`, through `@gitbeaker/rest`.
 *
 * @public
 */
export class GitlabPullRequestProvider implements GluPullRequestProvider {
  /** The provider's name, as a promotion's `pullRequest.provider` names it. */
  readonly type = 'gitlab';

  /**
   * A provider for the GitLab instances of `integrations.gitlab`.
   *
   * @param timeoutMillis - how long one request to GitLab may take, its
   *   pages and gitbeaker's retries included (default 30 seconds)
   */
  static fromIntegrations(
    integrations: ScmIntegrations,
    logger: LoggerService,
    timeoutMillis?: number,
  ): GitlabPullRequestProvider {
    return new GitlabPullRequestProvider(integrations, logger, timeoutMillis);
  }

  /** See {@link GitlabPullRequestProvider.fromIntegrations}. */
  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly logger: LoggerService,
    private readonly timeoutMillis: number = 30_000,
  ) {}

  /** Whether the repository lives on a GitLab of `integrations.gitlab`. */
  supports(repository: string): boolean {
    try {
      return Boolean(this.integrations.gitlab.byUrl(asUrl(repository)));
    } catch {
      return false;
    }
  }

  private client(repository: string) {
    const integration = this.integrations.gitlab.byUrl(asUrl(repository));
    if (!integration) {
      throw new InputError(
        `No GitLab integration is configured for ${repository}`,
      );
    }
    const { apiBaseUrl, baseUrl, token } = integration.config;
    // gitbeaker adds /api/v4 to the host it is given.
    const host = apiBaseUrl.replace(/\/+$/, '');
    if (!host.endsWith('/api/v4')) {
      throw new InputError(
        `integrations.gitlab apiBaseUrl ${apiBaseUrl} is not the address of GitLab's REST API v4 (…/api/v4)`,
      );
    }
    const api = new Gitlab({
      host: host.slice(0, -'/api/v4'.length),
      // The token goes to this integration's API only.
      ...(token ? { token } : {}),
      // gitbeaker's requester calls fetch itself and takes none of ours: its
      // queryTimeout puts one AbortSignal.timeout on every call, its pages
      // and retries included.
      queryTimeout: this.timeoutMillis,
    });
    const project = parseGitlabProject(repository, baseUrl);
    return { api, project };
  }

  private static toPullRequest(mr: MergeRequest): GluPullRequest {
    const state = mergeRequestState(mr.state);
    const merged = state === 'merged' ? mergedCommitOf(mr) : undefined;
    return {
      number: mr.iid,
      url: mr.web_url,
      state,
      headSha: mr.sha ?? '',
      ...(merged ? { mergeCommitSha: merged } : {}),
    };
  }

  /**
   * Opens a merge request (a draft is a title that starts with `Draft:`, as
   * GitLab marks drafts), with its labels. When one is open already for the
   * branch, e.g. opened by an attempt that crashed before recording it,
   * answers that one.
   */
  async open(
    request: GluPullRequestProviderRequest<'open'>,
  ): Promise<GluPullRequest> {
    const { api, project } = this.client(request.repository);
    const what = `opening a merge request of ${request.head} into ${request.base} in ${project}`;
    const title =
      request.draft && !/^\s*draft:/i.test(request.title)
        ? `Draft: ${request.title}`
        : request.title;
    try {
      const created = await api.MergeRequests.create(
        project,
        request.head,
        request.base,
        title,
        {
          description: request.body,
          ...(request.labels.length > 0 ? { labels: request.labels } : {}),
        },
      );
      return GitlabPullRequestProvider.toPullRequest(created as MergeRequest);
    } catch (error) {
      const status = statusOf(error);
      // GitLab refuses a second open merge request for a branch.
      if (status !== 409 && status !== 422) throw gitlabError(error, what);
      const open = await this.openFor(api, project, request).catch(e => {
        throw gitlabError(e, what);
      });
      if (!open) throw gitlabError(error, what);
      this.logger.info(
        `${open.web_url} was open already for ${request.head}; Glu follows it`,
      );
      const labels = [...new Set([...(open.labels ?? []), ...request.labels])];
      if (labels.length > (open.labels ?? []).length) {
        await api.MergeRequests.edit(project, open.iid, { labels }).catch(e => {
          throw gitlabError(e, what);
        });
      }
      return GitlabPullRequestProvider.toPullRequest(open);
    }
  }

  private async openFor(
    api: InstanceType<typeof Gitlab>,
    project: string,
    request: { head: string; base: string },
  ): Promise<MergeRequest | undefined> {
    const open = (await api.MergeRequests.all({
      projectId: project,
      state: 'opened',
      sourceBranch: request.head,
      targetBranch: request.base,
    })) as MergeRequest[];
    return open[0];
  }

  /** The merge request as GitLab has it now; a NotFoundError when it has none. */
  async get(
    request: GluPullRequestProviderRequest<'get'>,
  ): Promise<GluPullRequest> {
    const { api, project } = this.client(request.repository);
    try {
      const mr = await api.MergeRequests.show(project, request.number);
      return GitlabPullRequestProvider.toPullRequest(mr as MergeRequest);
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new NotFoundError(
          `The merge request !${request.number} of ${project} does not exist`,
        );
      }
      throw gitlabError(error, `reading !${request.number} of ${project}`);
    }
  }

  /**
   * The checks of a commit: the jobs of every pipeline that ran on it
   * (branch and merge request pipelines alike) and the statuses other
   * systems posted. A name's latest run counts: a job run again replaces
   * its earlier runs.
   */
  async checks(
    request: GluPullRequestProviderRequest<'checks'>,
  ): Promise<GluPullRequestCheck[]> {
    const { api, project } = this.client(request.repository);
    let statuses: Array<{
      id: number;
      name: string;
      status: string;
      allow_failure?: boolean;
      target_url?: string | null;
    }>;
    try {
      // Every page: gitbeaker follows GitLab's links to the next.
      statuses = (await api.Commits.allStatuses(
        project,
        request.sha,
      )) as typeof statuses;
    } catch (error) {
      throw gitlabError(
        error,
        `reading the statuses of ${request.sha} in ${project}`,
      );
    }
    const latest = new Map<string, (typeof statuses)[number]>();
    for (const status of statuses) {
      const seen = latest.get(status.name);
      if (!seen || status.id > seen.id) latest.set(status.name, status);
    }
    return [...latest.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(status => ({
        name: status.name,
        state: commitStatusState(status.status, Boolean(status.allow_failure)),
        ...(status.target_url ? { url: status.target_url } : {}),
      }));
  }

  /** Comments on the merge request, then closes it. */
  async close(request: GluPullRequestProviderRequest<'close'>): Promise<void> {
    const { api, project } = this.client(request.repository);
    const what = `closing !${request.number} of ${project}`;
    try {
      await api.MergeRequestNotes.create(
        project,
        request.number,
        request.comment,
      );
      await api.MergeRequests.edit(project, request.number, {
        stateEvent: 'close',
      });
    } catch (error) {
      throw gitlabError(error, what);
    }
  }

  /**
   * Posts Glu's commit status (e.g. `glu/gates`) on a commit, which a
   * project can require before merging ("Pipelines must succeed"). GitLab
   * keeps one unfinished status of a name on a commit and refuses to post it
   * again in the state it is in: while the gates stay unmet, it keeps its
   * first description.
   */
  async setStatus(
    request: GluPullRequestProviderRequest<'setStatus'>,
  ): Promise<void> {
    const { api, project } = this.client(request.repository);
    const description =
      request.description.length > DESCRIPTION_LIMIT
        ? `${request.description.slice(0, DESCRIPTION_LIMIT - 1)}…`
        : request.description;
    try {
      await api.Commits.editStatus(
        project,
        request.sha,
        STATUS_STATES[request.state],
        {
          name: request.context,
          description,
          ...(request.url ? { targetUrl: request.url } : {}),
        },
      );
    } catch (error) {
      if (
        statusOf(error) === 400 &&
        /cannot transition status/i.test((error as Error).message)
      ) {
        this.logger.debug(
          `GitLab keeps ${request.context} on ${request.sha} as it is: ${
            (error as Error).message
          }`,
        );
        return;
      }
      throw gitlabError(
        error,
        `posting ${request.context} on ${request.sha} in ${project}`,
      );
    }
  }

  /**
   * Merges the merge request if its head is still `sha` (GitLab's `sha`
   * parameter); a head that moved is a ConflictError. `squash` squashes its
   * commits; `merge` and `rebase` merge them as the project's merge method
   * says. Answers the commit that landed on the target branch.
   */
  async merge(
    request: GluPullRequestProviderRequest<'merge'>,
  ): Promise<{ sha: string }> {
    const { api, project } = this.client(request.repository);
    const squash = SQUASH[request.method];
    let merged: MergeRequest;
    try {
      merged = (await api.MergeRequests.merge(project, request.number, {
        sha: request.sha,
        squash,
        mergeCommitMessage: request.title,
        ...(squash ? { squashCommitMessage: request.title } : {}),
      })) as MergeRequest;
    } catch (error) {
      if (statusOf(error) === 409) {
        throw new ConflictError(
          `The merge request !${
            request.number
          } of ${project} moved: its head is no longer ${request.sha} (${
            (error as Error).message
          })`,
        );
      }
      throw gitlabError(error, `merging !${request.number} of ${project}`);
    }
    const sha = mergedCommitOf(merged);
    if (mergeRequestState(merged.state) !== 'merged' || !sha) {
      throw new ConflictError(
        `GitLab did not merge !${request.number} of ${project}: it is ${merged.state}`,
      );
    }
    return { sha };
  }
}
