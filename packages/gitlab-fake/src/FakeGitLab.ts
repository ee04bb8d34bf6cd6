import { startGitHttpServer } from '@internal/glu-github-fake';
import { http, HttpResponse } from 'msw';
import { setupServer, SetupServer } from 'msw/node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';
import { checkQuery, checkRequest, checkResponse } from './openapi';

const AUTHOR = {
  GIT_AUTHOR_NAME: 'Dana Developer',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Developer',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
};

/** A merge request, as the fake keeps it. */
export interface FakeMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  sourceBranch: string;
  targetBranch: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  labels: string[];
  /** The comments (notes) people and Glu left, oldest first. */
  notes: string[];
  /** The head of the source branch when it was merged or closed. */
  closedSha?: string;
  mergeCommitSha?: string;
  squashCommitSha?: string;
  squash: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  mergedAt?: string;
}

/** The state of a CI job or a commit status, in GitLab's words. */
export type FakeJobStatus =
  | 'created'
  | 'waiting_for_resource'
  | 'preparing'
  | 'pending'
  | 'running'
  | 'success'
  | 'failed'
  | 'canceling'
  | 'canceled'
  | 'skipped'
  | 'manual'
  | 'scheduled';

/** A job of a pipeline, or a status that an external system posted. */
interface FakeStatus {
  id: number;
  sha: string;
  ref: string;
  name: string;
  stage: string;
  status: FakeJobStatus;
  description: string | null;
  targetUrl: string | null;
  allowFailure: boolean;
  pipelineId: number;
  /** A job that was run again: only the newest run is the latest. */
  retried: boolean;
  external: boolean;
  createdAt: string;
}

interface FakePipeline {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  source: string;
}

type Handler = (request: {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  url: URL;
}) => Promise<{
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}>;

const UNFINISHED = ['pending', 'running'];
/** Each state a status is posted in, and the transition GitLab names it by. */
const EVENTS: Record<string, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
  skipped: 'skip',
};
/** The transitions of an unfinished status (GitLab's commit status states). */
const TRANSITIONS: Record<string, string[]> = {
  pending: ['running', 'success', 'failed', 'canceled', 'skipped'],
  running: ['success', 'failed', 'canceled'],
};
/** GitLab keeps this many characters of a commit status's description. */
const DESCRIPTION_LIMIT = 255;

/**
 * A GitLab for tests. Its REST API (through msw) answers in the shapes of
 * GitLab's published OpenAPI description (an excerpt is vendored in
 * `openapi/`), and for the operations that the description leaves out (the
 * notes of a merge request) in those of GitLab's REST documentation; every
 * request and answer is checked against them, and a mismatch is recorded in
 * `violations` and fails the request. Its repository is a real bare Git
 * repository served over HTTP by git itself, so branches are really pushed
 * and merges really land.
 *
 * Behaviours modelled on GitLab's: a second open merge request for a source
 * branch is refused (409); a draft is a title that starts with `Draft:`; a
 * merge with `sha` that is no longer the source branch's head is refused
 * (409, "SHA does not match HEAD of source branch"); a merge request that is
 * not open, a draft, in conflict, or (with fast-forward merges) behind its
 * target is not mergeable (405); the project merges with a merge commit or
 * by fast-forward (`mergeMethod`), squashing on request; a commit status
 * that is still pending or running cannot be posted again in the same state
 * (400, "Cannot transition status"); a status description holds at most 255
 * characters.
 */
export class FakeGitLab {
  readonly mergeRequests = new Map<number, FakeMergeRequest>();
  /** Requests and answers that do not match GitLab's description. */
  readonly violations: string[] = [];
  /** Every API request, e.g. `POST /projects/{id}/merge_requests`. */
  readonly requests: string[] = [];
  private readonly statuses: FakeStatus[] = [];
  private readonly pipelines: FakePipeline[] = [];
  private nextIid = 1;
  private nextId = 1000;
  /** An API that accepts requests and never answers them, while set. */
  private hanging = false;
  /** The work clone serves one git command sequence at a time. */
  private gitQueue: Promise<unknown> = Promise.resolve();

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.gitQueue.then(work, work);
    this.gitQueue = next.catch(() => undefined);
    return next;
  }

  private constructor(
    /** The project's path, e.g. `acme/gitops` (or `group/sub/project`). */
    readonly projectPath: string,
    readonly projectId: number,
    readonly token: string,
    readonly apiBaseUrl: string,
    readonly mergeMethod: 'merge' | 'ff',
    private readonly root: string,
    private readonly gitPort: number,
    private readonly closeGit: () => Promise<void>,
    private readonly server: SetupServer,
    private readonly work: SimpleGit,
  ) {}

  /** Starts the fake with a repository holding these files on `main`. */
  static async start(options: {
    files: Record<string, string>;
    /** The project's path; `acme/gitops` by default. */
    project?: string;
    token?: string;
    /**
     * Where the API lives, as `integrations.gitlab[].apiBaseUrl` says: a
     * self-hosted GitLab under a path of its own by default.
     */
    apiBaseUrl?: string;
    /** How the project merges: a merge commit (default) or fast-forward. */
    mergeMethod?: 'merge' | 'ff';
  }): Promise<FakeGitLab> {
    const project = options.project ?? 'acme/gitops';
    const token = options.token ?? 'glpat-faketoken';
    const apiBaseUrl =
      options.apiBaseUrl ?? 'https://gitlab.acme.test/gitlab/api/v4';
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-fake-gitlab-'));
    const bare = path.join(root, 'repos', `${project}.git`);
    await fs.mkdir(path.dirname(bare), { recursive: true });
    await simpleGit().raw([
      'init',
      '--bare',
      '--quiet',
      '--initial-branch=main',
      bare,
    ]);
    const workDir = path.join(root, 'work');
    await simpleGit().raw(['clone', '--quiet', bare, workDir]);
    const work = simpleGit(workDir).env({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...AUTHOR,
    });
    await work.raw(['checkout', '--quiet', '-B', 'main']);
    for (const [file, content] of Object.entries(options.files)) {
      await fs.mkdir(path.dirname(path.join(workDir, file)), {
        recursive: true,
      });
      await fs.writeFile(path.join(workDir, file), content);
    }
    await work.add(Object.keys(options.files));
    await work.raw(['commit', '--quiet', '-m', 'Initial configuration']);
    await work.raw(['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);

    // GitLab takes a token over Git as the password of any user; Glu sends
    // it as oauth2's.
    const git = await startGitHttpServer({
      root: path.join(root, 'repos'),
      authorization: `Basic ${Buffer.from(`oauth2:${token}`).toString(
        'base64',
      )}`,
    });
    const server = setupServer();
    const fake = new FakeGitLab(
      project,
      42,
      token,
      apiBaseUrl.replace(/\/+$/, ''),
      options.mergeMethod ?? 'merge',
      root,
      git.port,
      git.close,
      server,
      work,
    );
    server.use(...fake.handlers());
    server.listen({
      // Git over HTTP and the backend under test pass; a call to the API
      // that the fake does not know is a mistake of the fake or of Glu.
      onUnhandledRequest: request => {
        if (request.url.startsWith(fake.apiBaseUrl)) {
          fake.violations.push(
            `no such operation in the fake: ${request.method} ${request.url}`,
          );
        }
      },
    });
    return fake;
  }

  /** The GitLab instance's web address, as `integrations.gitlab` says. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.gitPort}`;
  }

  /** The repository's clone URL, as a pipeline names it. */
  get cloneUrl(): string {
    return `${this.baseUrl}/${this.projectPath}.git`;
  }

  /** The project's page. */
  get webUrl(): string {
    return `${this.baseUrl}/${this.projectPath}`;
  }

  /** `integrations.gitlab` configuration for this fake. */
  get integration() {
    return {
      host: `127.0.0.1:${this.gitPort}`,
      apiBaseUrl: this.apiBaseUrl,
      baseUrl: this.baseUrl,
      token: this.token,
    };
  }

  /** Makes every API request hang until `hang(false)`. */
  hang(on = true) {
    this.hanging = on;
  }

  // Git, as people see it

  private async fetch() {
    await this.work.raw(['fetch', '--quiet', '--prune', 'origin']);
  }

  private async sync(branch: string) {
    await this.fetch();
    await this.work.raw([
      'checkout',
      '--quiet',
      '--force',
      '-B',
      branch,
      `origin/${branch}`,
    ]);
  }

  /** The commit a branch points at, if it exists. */
  head(branch: string): Promise<string | undefined> {
    return this.serial(() => this.headNow(branch));
  }

  private async headNow(branch: string): Promise<string | undefined> {
    await this.fetch();
    try {
      return (
        await this.work.raw(['rev-parse', '--verify', `origin/${branch}`])
      ).trim();
    } catch {
      return undefined;
    }
  }

  /** The branches of the repository. */
  branches(): Promise<string[]> {
    return this.serial(async () => {
      await this.fetch();
      const out = await this.work.raw([
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/remotes/origin',
      ]);
      return out
        .split('\n')
        .map(l => l.trim().replace(/^origin\//, ''))
        .filter(l => l && l !== 'origin' && l !== 'HEAD');
    });
  }

  /** A file on a branch. */
  show(file: string, branch = 'main'): Promise<string> {
    return this.serial(async () => {
      await this.fetch();
      return this.work.raw(['show', `origin/${branch}:${file}`]);
    });
  }

  /** The commits of a branch, newest first, with their parents. */
  log(
    branch = 'main',
  ): Promise<{ sha: string; subject: string; parents: string[] }[]> {
    return this.serial(async () => {
      await this.fetch();
      const out = await this.work.raw([
        'log',
        '--format=%H %P%x09%s',
        `origin/${branch}`,
      ]);
      return out
        .trim()
        .split('\n')
        .map(line => {
          const [shas, subject] = line.split('\t');
          const [sha, ...parents] = shas.trim().split(' ');
          return { sha, subject, parents: parents.filter(Boolean) };
        });
    });
  }

  /** Commits files to a branch by hand, as a person would. */
  commit(
    files: Record<string, string>,
    message: string,
    branch = 'main',
  ): Promise<string> {
    return this.serial(async () => {
      await this.sync(branch);
      const dir = (await this.work.revparse(['--show-toplevel'])).trim();
      for (const [file, content] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(dir, file)), {
          recursive: true,
        });
        await fs.writeFile(path.join(dir, file), content);
      }
      await this.work.add(Object.keys(files));
      await this.work.raw(['commit', '--quiet', '-m', message]);
      await this.work.raw([
        'push',
        '--quiet',
        'origin',
        `HEAD:refs/heads/${branch}`,
      ]);
      return (await this.work.revparse(['HEAD'])).trim();
    });
  }

  private async commitExists(sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{7,40}$/.test(sha)) return false;
    return this.serial(async () => {
      await this.fetch();
      try {
        await this.work.raw(['cat-file', '-e', `${sha}^{commit}`]);
        return true;
      } catch {
        return false;
      }
    });
  }

  // Merge requests and CI, as GitLab and its runners would change them

  /** Whether GitLab would merge it now, and if not, why not. */
  private async mergeability(
    mr: FakeMergeRequest,
  ): Promise<
    'mergeable' | 'not_open' | 'draft_status' | 'conflict' | 'need_rebase'
  > {
    if (mr.state !== 'opened') return 'not_open';
    if (isDraft(mr.title)) return 'draft_status';
    return this.serial(async () => {
      await this.fetch();
      const target = `origin/${mr.targetBranch}`;
      const source = `origin/${mr.sourceBranch}`;
      try {
        await this.work.raw(['merge-tree', '--write-tree', target, source]);
      } catch {
        return 'conflict';
      }
      if (this.mergeMethod === 'ff') {
        try {
          await this.work.raw(['merge-base', '--is-ancestor', target, source]);
        } catch {
          return 'need_rebase';
        }
      }
      return 'mergeable';
    });
  }

  /**
   * Merges a merge request as GitLab does: with a merge commit, or by
   * fast-forward; squashing its commits first when asked.
   */
  merge(
    iid: number,
    options: {
      squash?: boolean;
      mergeCommitMessage?: string;
      squashCommitMessage?: string;
    } = {},
  ): Promise<string> {
    const mr = this.mergeRequests.get(iid);
    if (!mr || mr.state !== 'opened') {
      return Promise.reject(new Error(`!${iid} is not open`));
    }
    return this.serial(async () => {
      await this.sync(mr.targetBranch);
      const source = `origin/${mr.sourceBranch}`;
      const sourceHead = (await this.work.revparse([source])).trim();
      const squash = options.squash ?? mr.squash;
      let landing = sourceHead;
      let squashSha: string | undefined;
      if (squash) {
        // One commit with the source branch's tree, on the merge base.
        const base = (
          await this.work.raw(['merge-base', 'HEAD', source])
        ).trim();
        squashSha = (
          await this.work.raw([
            'commit-tree',
            `${source}^{tree}`,
            '-p',
            base,
            '-m',
            options.squashCommitMessage ?? mr.title,
          ])
        ).trim();
        landing = squashSha;
      }
      let mergeSha: string | undefined;
      if (this.mergeMethod === 'ff') {
        await this.work.raw(['merge', '--quiet', '--ff-only', landing]);
      } else {
        await this.work.raw([
          'merge',
          '--quiet',
          '--no-ff',
          '-m',
          options.mergeCommitMessage ??
            `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${this.projectPath}!${mr.iid}`,
          landing,
        ]);
        mergeSha = (await this.work.revparse(['HEAD'])).trim();
      }
      await this.work.raw([
        'push',
        '--quiet',
        'origin',
        `HEAD:refs/heads/${mr.targetBranch}`,
      ]);
      const now = new Date().toISOString();
      Object.assign(mr, {
        state: 'merged',
        closedSha: sourceHead,
        mergeCommitSha: mergeSha,
        squashCommitSha: squashSha,
        mergedAt: now,
        updatedAt: now,
      });
      return (await this.work.revparse(['HEAD'])).trim();
    });
  }

  /** Closes a merge request without merging, as a person would. */
  async close(iid: number) {
    const mr = this.mergeRequests.get(iid)!;
    mr.closedSha = await this.head(mr.sourceBranch);
    const now = new Date().toISOString();
    Object.assign(mr, { state: 'closed', closedAt: now, updatedAt: now });
  }

  /** The open merge requests, oldest first. */
  openMergeRequests(): FakeMergeRequest[] {
    return [...this.mergeRequests.values()].filter(m => m.state === 'opened');
  }

  /** Starts a pipeline on a commit, as a push or a merge request does. */
  startPipeline(
    sha: string,
    ref = 'main',
    source: 'push' | 'merge_request_event' | 'external' = 'push',
  ): number {
    const pipeline = {
      id: this.nextId++,
      iid: this.pipelines.length + 1,
      sha,
      ref,
      source,
    };
    this.pipelines.push(pipeline);
    return pipeline.id;
  }

  /**
   * Sets the state of a job, as a runner reports it: in the given pipeline,
   * or the commit's latest one (started when there is none). With `retry`,
   * the job runs again: a new run whose state counts from then on.
   */
  setJob(
    sha: string,
    name: string,
    status: FakeJobStatus,
    options: {
      pipeline?: number;
      allowFailure?: boolean;
      retry?: boolean;
    } = {},
  ) {
    const pipelineId =
      options.pipeline ??
      [...this.pipelines].reverse().find(p => p.sha === sha)?.id ??
      this.startPipeline(sha);
    const pipeline = this.pipelines.find(p => p.id === pipelineId)!;
    const current = this.statuses.find(
      s =>
        s.pipelineId === pipelineId &&
        s.name === name &&
        !s.retried &&
        !s.external,
    );
    if (current && !options.retry) {
      current.status = status;
      if (options.allowFailure !== undefined) {
        current.allowFailure = options.allowFailure;
      }
      return;
    }
    if (current) current.retried = true;
    const id = this.nextId++;
    this.statuses.push({
      id,
      sha,
      ref: pipeline.ref,
      name,
      stage: 'test',
      status,
      description: null,
      targetUrl: `${this.webUrl}/-/jobs/${id}`,
      allowFailure: options.allowFailure ?? false,
      pipelineId,
      retried: false,
      external: false,
      createdAt: new Date().toISOString(),
    });
  }

  /** A commit status that an external system (Glu) posted, as it stands. */
  status(
    sha: string,
    name: string,
  ): { status: string; description: string | null } | undefined {
    const found = [...this.statuses]
      .reverse()
      .find(s => s.sha === sha && s.name === name && s.external);
    return found && { status: found.status, description: found.description };
  }

  async stop() {
    this.server.close();
    await this.closeGit();
    await fs.rm(this.root, { recursive: true, force: true });
  }

  // Webhook payloads, as GitLab's webhook events documentation shows them

  /** The `project` object of a webhook payload. */
  private hookProject() {
    const name = this.projectPath.split('/').pop()!;
    return {
      id: this.projectId,
      name,
      description: null,
      web_url: this.webUrl,
      avatar_url: null,
      git_ssh_url: `git@127.0.0.1:${this.projectPath}.git`,
      git_http_url: this.cloneUrl,
      namespace: this.projectPath.split('/')[0],
      visibility_level: 0,
      path_with_namespace: this.projectPath,
      default_branch: 'main',
      ci_config_path: '',
      homepage: this.webUrl,
      url: `git@127.0.0.1:${this.projectPath}.git`,
      ssh_url: `git@127.0.0.1:${this.projectPath}.git`,
      http_url: this.cloneUrl,
    };
  }

  /** The `repository` object of push and job payloads. */
  private hookRepository() {
    const project = this.hookProject();
    return {
      name: project.name,
      url: project.url,
      description: null,
      homepage: this.webUrl,
      git_http_url: this.cloneUrl,
      git_ssh_url: project.git_ssh_url,
      visibility_level: 0,
    };
  }

  private hookUser() {
    return {
      id: 1,
      name: 'Dana Developer',
      username: 'dana',
      avatar_url: null,
      email: '[REDACTED]',
    };
  }

  /** A push hook's payload (`X-Gitlab-Event: Push Hook`). */
  pushEvent(branch: string, before: string, after: string) {
    return {
      object_kind: 'push',
      event_name: 'push',
      before,
      after,
      ref: `refs/heads/${branch}`,
      ref_protected: branch === 'main',
      checkout_sha: after,
      user_id: 1,
      user_name: 'Dana Developer',
      user_username: 'dana',
      user_email: '',
      user_avatar: null,
      project_id: this.projectId,
      project: this.hookProject(),
      commits: [],
      total_commits_count: 1,
      repository: this.hookRepository(),
    };
  }

  /** A merge request hook's payload (`X-Gitlab-Event: Merge Request Hook`). */
  async mergeRequestEvent(
    iid: number,
    action: 'open' | 'close' | 'reopen' | 'update' | 'merge',
  ) {
    const mr = this.mergeRequests.get(iid)!;
    return {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: this.hookUser(),
      project: this.hookProject(),
      repository: {
        name: this.hookProject().name,
        url: this.hookProject().url,
        description: null,
        homepage: this.webUrl,
      },
      object_attributes: {
        id: mr.id,
        iid: mr.iid,
        title: mr.title,
        description: mr.description,
        state: mr.state,
        action,
        source_branch: mr.sourceBranch,
        target_branch: mr.targetBranch,
        source_project_id: this.projectId,
        target_project_id: this.projectId,
        merge_commit_sha: mr.mergeCommitSha ?? null,
        url: `${this.webUrl}/-/merge_requests/${mr.iid}`,
        last_commit: {
          id: mr.closedSha ?? (await this.head(mr.sourceBranch)) ?? '',
        },
        source: this.hookProject(),
        target: this.hookProject(),
      },
      labels: mr.labels.map((title, i) => ({ id: 200 + i, title })),
    };
  }

  /** A pipeline hook's payload (`X-Gitlab-Event: Pipeline Hook`). */
  pipelineEvent(pipelineId: number) {
    const pipeline = this.pipelines.find(p => p.id === pipelineId)!;
    const jobs = this.statuses.filter(
      s => s.pipelineId === pipelineId && !s.retried,
    );
    return {
      object_kind: 'pipeline',
      object_attributes: {
        id: pipeline.id,
        iid: pipeline.iid,
        ref: pipeline.ref,
        tag: false,
        sha: pipeline.sha,
        source: pipeline.source,
        status: pipelineStatus(jobs),
        url: `${this.webUrl}/-/pipelines/${pipeline.id}`,
      },
      user: this.hookUser(),
      project: this.hookProject(),
      builds: jobs.map(j => ({
        id: j.id,
        stage: j.stage,
        name: j.name,
        status: j.status,
        allow_failure: j.allowFailure,
      })),
    };
  }

  // The API

  private user() {
    return {
      id: 1,
      username: 'dana',
      name: 'Dana Developer',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${this.baseUrl}/dana`,
    };
  }

  private async mergeRequestJson(mr: FakeMergeRequest, basic = false) {
    const head =
      mr.state === 'opened' || !mr.closedSha
        ? (await this.head(mr.sourceBranch)) ?? mr.closedSha ?? ''
        : mr.closedSha;
    const mergeability = await this.mergeability(mr);
    const reference = `!${mr.iid}`;
    const value: Record<string, unknown> = {
      id: mr.id,
      iid: mr.iid,
      project_id: this.projectId,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      merged_by: mr.state === 'merged' ? this.user() : null,
      merge_user: mr.state === 'merged' ? this.user() : null,
      merged_at: mr.mergedAt ?? null,
      closed_by: mr.state === 'closed' ? this.user() : null,
      closed_at: mr.closedAt ?? null,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      user_notes_count: mr.notes.length,
      upvotes: 0,
      downvotes: 0,
      author: this.user(),
      assignees: [],
      assignee: null,
      reviewers: [],
      source_project_id: this.projectId,
      target_project_id: this.projectId,
      labels: mr.labels,
      draft: isDraft(mr.title),
      imported: false,
      imported_from: 'none',
      work_in_progress: isDraft(mr.title),
      milestone: null,
      merge_when_pipeline_succeeds: false,
      merge_status:
        mergeability === 'conflict' ? 'cannot_be_merged' : 'can_be_merged',
      detailed_merge_status: mergeability,
      merge_after: null,
      sha: head,
      merge_commit_sha: mr.mergeCommitSha ?? null,
      squash_commit_sha: mr.squashCommitSha ?? null,
      discussion_locked: null,
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      prepared_at: mr.createdAt,
      allow_collaboration: false,
      allow_maintainer_to_push: false,
      reference,
      references: {
        short: reference,
        relative: reference,
        full: `${this.projectPath}${reference}`,
      },
      web_url: `${this.webUrl}/-/merge_requests/${mr.iid}`,
      time_stats: {
        time_estimate: 0,
        total_time_spent: 0,
        human_time_estimate: null,
        human_total_time_spent: null,
      },
      squash: mr.squash,
      squash_on_merge: mr.squash,
      task_completion_status: { count: 0, completed_count: 0 },
      has_conflicts: mergeability === 'conflict',
      blocking_discussions_resolved: true,
      approvals_before_merge: null,
    };
    if (!basic) {
      const base = (await this.head(mr.targetBranch)) ?? '';
      Object.assign(value, {
        subscribed: true,
        changes_count: '1',
        latest_build_started_at: null,
        latest_build_finished_at: null,
        first_deployed_to_production_at: null,
        pipeline: null,
        head_pipeline: null,
        diff_refs: { base_sha: base, head_sha: head, start_sha: base },
        merge_error: null,
        first_contribution: false,
        user: { can_merge: true },
      });
    }
    return value;
  }

  private statusJson(status: FakeStatus) {
    return {
      id: status.id,
      sha: status.sha,
      ref: status.ref,
      status: status.status,
      name: status.name,
      target_url: status.targetUrl,
      description: status.description,
      created_at: status.createdAt,
      started_at: status.status === 'pending' ? null : status.createdAt,
      finished_at: UNFINISHED.includes(status.status)
        ? null
        : new Date().toISOString(),
      allow_failure: status.allowFailure,
      coverage: null,
      pipeline_id: status.pipelineId,
      author: this.user(),
    };
  }

  /** GitLab's pagination: `page`, `per_page`, its headers and links. */
  private page<T>(items: T[], url: URL) {
    const perPage = Math.min(
      100,
      Math.max(1, Number(url.searchParams.get('per_page') ?? 20)),
    );
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      return next.toString();
    };
    const links = [
      ...(page < totalPages ? [`<${link(page + 1)}>; rel="next"`] : []),
      ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
      `<${link(1)}>; rel="first"`,
      `<${link(totalPages)}>; rel="last"`,
    ];
    return {
      items: items.slice((page - 1) * perPage, page * perPage),
      headers: {
        link: links.join(', '),
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-total': String(items.length),
        'x-total-pages': String(totalPages),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
      },
    };
  }

  private route(method: 'get' | 'post' | 'put', api: string, handler: Handler) {
    const mswPath = `${this.apiBaseUrl}${api.replace(/\{(\w+)\}/g, ':$1')}`;
    return http[method](mswPath, async ({ request, params }) => {
      this.requests.push(`${method.toUpperCase()} ${api}`);
      if (this.hanging) {
        // Accepted, never answered: the caller's deadline ends it.
        await new Promise(resolve =>
          request.signal.addEventListener('abort', resolve),
        );
        return new HttpResponse(null, { status: 499 });
      }
      if (request.headers.get('private-token') !== this.token) {
        return HttpResponse.json(
          { message: '401 Unauthorized' },
          { status: 401 },
        );
      }
      const url = new URL(request.url);
      const badQuery = checkQuery(api, method, url.searchParams);
      if (badQuery) {
        this.violations.push(badQuery);
        return HttpResponse.json({ error: badQuery }, { status: 400 });
      }
      const text = method === 'get' ? '' : await request.text();
      const body = text ? JSON.parse(text) : undefined;
      const badRequest =
        body !== undefined ? checkRequest(api, method, body) : undefined;
      if (badRequest) {
        this.violations.push(badRequest);
        return HttpResponse.json({ error: badRequest }, { status: 400 });
      }
      const decoded = Object.fromEntries(
        Object.entries(params as Record<string, string>).map(([k, v]) => [
          k,
          decodeURIComponent(v),
        ]),
      );
      if (
        decoded.id !== this.projectPath &&
        decoded.id !== String(this.projectId)
      ) {
        return HttpResponse.json(
          { message: '404 Project Not Found' },
          { status: 404 },
        );
      }
      const answer = await handler({
        params: decoded,
        query: url.searchParams,
        body: body ?? {},
        url,
      });
      const problem = checkResponse(api, method, answer.status, answer.body);
      if (problem) {
        this.violations.push(problem);
        return HttpResponse.json({ message: problem }, { status: 500 });
      }
      return answer.body === undefined
        ? new HttpResponse(null, { status: answer.status })
        : HttpResponse.json(answer.body as any, {
            status: answer.status,
            headers: answer.headers,
          });
    });
  }

  private notFound() {
    return { status: 404, body: { message: '404 Not found' } };
  }

  private handlers() {
    const mergeRequestOf = (params: Record<string, string>) =>
      this.mergeRequests.get(Number(params.merge_request_iid));
    return [
      this.route('post', '/projects/{id}/merge_requests', async ({ body }) => {
        const source = body.source_branch as string;
        const target = body.target_branch as string;
        if (!(await this.head(source))) {
          return {
            status: 422,
            body: { message: [`Source branch "${source}" does not exist`] },
          };
        }
        if (!(await this.head(target))) {
          return {
            status: 422,
            body: { message: [`Target branch "${target}" does not exist`] },
          };
        }
        const open = this.openMergeRequests().find(
          m => m.sourceBranch === source && m.targetBranch === target,
        );
        if (open) {
          return {
            status: 409,
            body: {
              message: [
                `Another open merge request already exists for this source branch: !${open.iid}`,
              ],
            },
          };
        }
        const now = new Date().toISOString();
        const mr: FakeMergeRequest = {
          id: this.nextId++,
          iid: this.nextIid++,
          title: body.title,
          description: body.description ?? null,
          sourceBranch: source,
          targetBranch: target,
          state: 'opened',
          labels: labelsOf(body.labels),
          notes: [],
          squash: Boolean(body.squash),
          createdAt: now,
          updatedAt: now,
        };
        this.mergeRequests.set(mr.iid, mr);
        return { status: 201, body: await this.mergeRequestJson(mr) };
      }),
      this.route('get', '/projects/{id}/merge_requests', async ({ url }) => {
        const state = url.searchParams.get('state') ?? 'all';
        const source = url.searchParams.get('source_branch');
        const target = url.searchParams.get('target_branch');
        const found = [...this.mergeRequests.values()]
          .filter(
            m =>
              (state === 'all' || m.state === state) &&
              (!source || m.sourceBranch === source) &&
              (!target || m.targetBranch === target),
          )
          // Newest first, as GitLab sorts by default.
          .reverse();
        const { items, headers } = this.page(found, url);
        return {
          status: 200,
          headers,
          body: await Promise.all(
            items.map(m => this.mergeRequestJson(m, true)),
          ),
        };
      }),
      this.route(
        'get',
        '/projects/{id}/merge_requests/{merge_request_iid}',
        async ({ params }) => {
          const mr = mergeRequestOf(params);
          if (!mr) return this.notFound();
          return { status: 200, body: await this.mergeRequestJson(mr) };
        },
      ),
      this.route(
        'put',
        '/projects/{id}/merge_requests/{merge_request_iid}',
        async ({ params, body }) => {
          const mr = mergeRequestOf(params);
          if (!mr) return this.notFound();
          if (body.state_event === 'close' && mr.state === 'opened') {
            await this.close(mr.iid);
          }
          if (body.state_event === 'reopen' && mr.state === 'closed') {
            Object.assign(mr, { state: 'opened', closedAt: undefined });
          }
          if (body.title) mr.title = body.title;
          if (body.description !== undefined) mr.description = body.description;
          if (body.labels !== undefined) mr.labels = labelsOf(body.labels);
          if (body.add_labels !== undefined) {
            for (const label of labelsOf(body.add_labels)) {
              if (!mr.labels.includes(label)) mr.labels.push(label);
            }
          }
          mr.updatedAt = new Date().toISOString();
          return { status: 200, body: await this.mergeRequestJson(mr) };
        },
      ),
      this.route(
        'put',
        '/projects/{id}/merge_requests/{merge_request_iid}/merge',
        async ({ params, body }) => {
          const mr = mergeRequestOf(params);
          if (!mr) return this.notFound();
          // In GitLab's order: mergeable at all, then the head, then merge.
          if ((await this.mergeability(mr)) !== 'mergeable') {
            return { status: 405, body: { message: '405 Method Not Allowed' } };
          }
          const head = await this.head(mr.sourceBranch);
          if (body.sha && body.sha !== head) {
            return {
              status: 409,
              body: {
                message: `SHA does not match HEAD of source branch: ${head}`,
              },
            };
          }
          try {
            await this.merge(mr.iid, {
              squash: body.squash,
              mergeCommitMessage: body.merge_commit_message,
              squashCommitMessage: body.squash_commit_message,
            });
          } catch {
            return {
              status: 422,
              body: { message: 'Branch cannot be merged' },
            };
          }
          return { status: 200, body: await this.mergeRequestJson(mr) };
        },
      ),
      this.route(
        'post',
        '/projects/{id}/merge_requests/{merge_request_iid}/notes',
        async ({ params, body }) => {
          const mr = mergeRequestOf(params);
          if (!mr) return this.notFound();
          mr.notes.push(body.body);
          const now = new Date().toISOString();
          return {
            status: 201,
            body: {
              id: this.nextId++,
              type: null,
              body: body.body,
              attachment: null,
              author: this.user(),
              created_at: now,
              updated_at: now,
              system: false,
              noteable_id: mr.id,
              noteable_type: 'MergeRequest',
              project_id: this.projectId,
              noteable_iid: mr.iid,
              resolvable: false,
              confidential: false,
              internal: false,
              imported: false,
              imported_from: 'none',
            },
          };
        },
      ),
      this.route(
        'get',
        '/projects/{id}/repository/commits/{sha}/statuses',
        async ({ params, url }) => {
          if (!(await this.commitExists(params.sha))) {
            return { status: 404, body: { message: '404 Commit Not Found' } };
          }
          const query = url.searchParams;
          const all = query.get('all') === 'true';
          let found = this.statuses.filter(
            s =>
              s.sha === params.sha &&
              (all || !s.retried) &&
              (!query.get('ref') || s.ref === query.get('ref')) &&
              (!query.get('name') || s.name === query.get('name')) &&
              (!query.get('stage') || s.stage === query.get('stage')) &&
              (!query.get('pipeline_id') ||
                String(s.pipelineId) === query.get('pipeline_id')),
          );
          const key =
            query.get('order_by') === 'pipeline_id' ? 'pipelineId' : 'id';
          found = found.sort((a, b) => a[key] - b[key] || a.id - b.id);
          if (query.get('sort') === 'desc') found.reverse();
          const { items, headers } = this.page(found, url);
          return {
            status: 200,
            headers,
            body: items.map(s => this.statusJson(s)),
          };
        },
      ),
      this.route(
        'post',
        '/projects/{id}/statuses/{sha}',
        async ({ params, body }) => {
          if (!(await this.commitExists(params.sha))) {
            return { status: 404, body: { message: '404 Commit Not Found' } };
          }
          if ((body.description ?? '').length > DESCRIPTION_LIMIT) {
            return {
              status: 400,
              body: {
                message: {
                  description: [
                    `is too long (maximum is ${DESCRIPTION_LIMIT} characters)`,
                  ],
                },
              },
            };
          }
          const name = body.name ?? body.context ?? 'default';
          const existing =
            this.pipelines.find(p => p.id === body.pipeline_id) ??
            [...this.pipelines].reverse().find(p => p.sha === params.sha);
          // GitLab puts a status on a commit without a pipeline in an
          // external pipeline of its own.
          const pipelineId =
            existing?.id ??
            this.startPipeline(params.sha, body.ref ?? 'main', 'external');
          const pipeline = this.pipelines.find(p => p.id === pipelineId)!;
          const unfinished = this.statuses.find(
            s =>
              s.sha === params.sha &&
              s.name === name &&
              s.external &&
              s.pipelineId === pipeline.id &&
              UNFINISHED.includes(s.status),
          );
          if (
            unfinished &&
            !TRANSITIONS[unfinished.status].includes(body.state)
          ) {
            const event = EVENTS[body.state];
            return {
              status: 400,
              body: {
                message: `Cannot transition status via :${event} from :${unfinished.status} (Reason(s): Status cannot transition via "${event}")`,
              },
            };
          }
          const status: FakeStatus = unfinished ?? {
            id: this.nextId++,
            sha: params.sha,
            ref: body.ref ?? pipeline.ref,
            name,
            stage: 'external',
            status: body.state,
            description: null,
            targetUrl: null,
            allowFailure: false,
            pipelineId: pipeline.id,
            retried: false,
            external: true,
            createdAt: new Date().toISOString(),
          };
          if (!unfinished) {
            // A finished status of that name is superseded by the new one.
            for (const s of this.statuses) {
              if (s.sha === params.sha && s.name === name && s.external) {
                s.retried = true;
              }
            }
            this.statuses.push(status);
          }
          status.status = body.state;
          if (body.description !== undefined) {
            status.description = body.description;
          }
          if (body.target_url !== undefined) status.targetUrl = body.target_url;
          return { status: 200, body: this.statusJson(status) };
        },
      ),
    ];
  }
}

/** GitLab takes a title that starts with `Draft:`, `[Draft]` or `(Draft)` for a draft. */
function isDraft(title: string): boolean {
  return /^\s*(draft:|\[draft\]|\(draft\))/i.test(title);
}

/** Labels as GitLab takes them: a list, or names separated by commas. */
function labelsOf(labels: unknown): string[] {
  const list = Array.isArray(labels) ? labels : String(labels ?? '').split(',');
  return [...new Set(list.map(l => String(l).trim()).filter(Boolean))];
}

/** A pipeline's status from its jobs, as GitLab composes it. */
function pipelineStatus(jobs: FakeStatus[]): string {
  const counted = jobs.filter(
    j => !(j.allowFailure && ['failed', 'canceled'].includes(j.status)),
  );
  if (
    counted.some(j => UNFINISHED.includes(j.status) || j.status === 'created')
  ) {
    return 'running';
  }
  if (counted.some(j => j.status === 'failed')) return 'failed';
  if (counted.some(j => j.status === 'canceled')) return 'canceled';
  return 'success';
}
