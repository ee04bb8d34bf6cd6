import {
  startGitHttpServer,
  startMockApi,
  WorkClone,
} from '@internal/glu-github-fake';
import { SetupServer } from 'msw/node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeProject, handler } from './api';
import { Ci, FakeJobStatus } from './ci';
import { mergeRequestRoutes } from './mergeRequestRoutes';
import { FakeMergeRequest, MergeOptions, MergeRequests } from './mergeRequests';
import { Webhooks } from './webhooks';

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
  readonly mergeRequests: Map<number, FakeMergeRequest>;
  /** Requests and answers that do not match GitLab's description. */
  readonly violations: string[] = [];
  /** Every API request, e.g. `POST /projects/{id}/merge_requests`. */
  readonly requests: string[] = [];
  private readonly merging: MergeRequests;
  private readonly ci: Ci;
  private readonly webhooks: Webhooks;
  private readonly server: SetupServer;
  /** An API that accepts requests and never answers them, while set. */
  private hanging = false;

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
    private readonly clone: WorkClone,
  ) {
    let nextId = 1000;
    const project: FakeProject = {
      projectPath,
      projectId,
      baseUrl: this.baseUrl,
      webUrl: this.webUrl,
      cloneUrl: this.cloneUrl,
      mergeMethod,
      clone,
      nextId: () => nextId++,
    };
    this.merging = new MergeRequests(project);
    this.mergeRequests = this.merging.mergeRequests;
    this.ci = new Ci(project);
    this.webhooks = new Webhooks(project, this.merging, this.ci);
    const fake = {
      apiBaseUrl,
      token,
      projectPath,
      projectId,
      requests: this.requests,
      violations: this.violations,
      hanging: () => this.hanging,
    };
    this.server = startMockApi({
      apiBaseUrl,
      violations: this.violations,
      handlers: [
        ...mergeRequestRoutes(project, this.merging),
        ...this.ci.routes(),
      ].map(route => handler(fake, route)),
    });
  }

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
    const clone = await WorkClone.create({
      bare: path.join(root, 'repos', `${project}.git`),
      workDir: path.join(root, 'work'),
      files: options.files,
    });
    // GitLab takes a token over Git as the password of any user; Glu sends
    // it as oauth2's.
    const git = await startGitHttpServer({
      root: path.join(root, 'repos'),
      authorization: `Basic ${Buffer.from(`oauth2:${token}`).toString(
        'base64',
      )}`,
    });
    return new FakeGitLab(
      project,
      42,
      token,
      apiBaseUrl.replace(/\/+$/, ''),
      options.mergeMethod ?? 'merge',
      root,
      git.port,
      git.close,
      clone,
    );
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

  /** The commit a branch points at, if it exists. */
  head(branch: string): Promise<string | undefined> {
    return this.clone.head(branch);
  }

  /** The branches of the repository. */
  branches(): Promise<string[]> {
    return this.clone.branches();
  }

  /** A file on a branch. */
  show(file: string, branch = 'main'): Promise<string> {
    return this.clone.show(file, branch);
  }

  /** The commits of a branch, newest first, with their parents. */
  log(
    branch = 'main',
  ): Promise<{ sha: string; subject: string; parents: string[] }[]> {
    return this.clone.log(branch);
  }

  /** Commits files to a branch by hand, as a person would. */
  commit(
    files: Record<string, string>,
    message: string,
    branch = 'main',
  ): Promise<string> {
    return this.clone.commit(files, message, branch);
  }

  // Merge requests and CI, as GitLab and its runners would change them

  /**
   * Merges a merge request as GitLab does: with a merge commit, or by
   * fast-forward; squashing its commits first when asked.
   */
  merge(iid: number, options: MergeOptions = {}): Promise<string> {
    return this.merging.merge(iid, options);
  }

  /** Closes a merge request without merging, as a person would. */
  close(iid: number): Promise<void> {
    return this.merging.close(iid);
  }

  /** The open merge requests, oldest first. */
  openMergeRequests(): FakeMergeRequest[] {
    return this.merging.openMergeRequests();
  }

  /** Starts a pipeline on a commit, as a push or a merge request does. */
  startPipeline(
    sha: string,
    ref = 'main',
    source: 'push' | 'merge_request_event' | 'external' = 'push',
  ): number {
    return this.ci.startPipeline(sha, ref, source);
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
    this.ci.setJob(sha, name, status, options);
  }

  /** A commit status that an external system (Glu) posted, as it stands. */
  status(
    sha: string,
    name: string,
  ): { status: string; description: string | null } | undefined {
    return this.ci.status(sha, name);
  }

  async stop() {
    this.server.close();
    await this.closeGit();
    await fs.rm(this.root, { recursive: true, force: true });
  }

  // Webhook payloads, as GitLab's webhook events documentation shows them

  /** A push hook's payload (`X-Gitlab-Event: Push Hook`). */
  pushEvent(branch: string, before: string, after: string) {
    return this.webhooks.pushEvent(branch, before, after);
  }

  /** A merge request hook's payload (`X-Gitlab-Event: Merge Request Hook`). */
  mergeRequestEvent(
    iid: number,
    action: 'open' | 'close' | 'reopen' | 'update' | 'merge',
  ) {
    return this.webhooks.mergeRequestEvent(iid, action);
  }

  /** A pipeline hook's payload (`X-Gitlab-Event: Pipeline Hook`). */
  pipelineEvent(pipelineId: number) {
    return this.webhooks.pipelineEvent(pipelineId);
  }
}
