import { SetupServer } from 'msw/node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeRepository, handler } from './api';
import { appRoutes, createApp, FakeApp, signedByApp } from './apps';
import { Checks, CheckState } from './checks';
import { startGitHttpServer } from './gitHttpServer';
import { startMockApi } from './mockApi';
import { FakePull, PullRequests } from './pulls';
import { WorkClone } from './workClone';

/**
 * A GitHub for tests. Its API (through msw) answers with GitHub's published
 * examples, edited to the state of the fake, and every request and answer is
 * checked against GitHub's published description: a mismatch is recorded in
 * `violations` and fails the request. Its repository is a real bare Git
 * repository served over HTTP by git itself, so branches are really pushed
 * and merges really land.
 */
export class FakeGitHub {
  readonly pulls: Map<number, FakePull>;
  /** Requests and answers that do not match GitHub's description. */
  readonly violations: string[] = [];
  /** Every API request, e.g. `POST /repos/{owner}/{repo}/pulls`. */
  readonly requests: string[] = [];
  /** The installation tokens handed to the app, once it is used. */
  readonly issuedTokens: string[] = [];
  private readonly pullRequests: PullRequests;
  private readonly checks: Checks;
  private readonly server: SetupServer;

  private constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    readonly apiBaseUrl: string,
    private readonly root: string,
    private readonly gitPort: number,
    private readonly closeGit: () => Promise<void>,
    private readonly clone: WorkClone,
    private readonly app?: FakeApp,
  ) {
    let nextId = 1000;
    const repository: FakeRepository = {
      owner,
      repo,
      apiBaseUrl,
      clone,
      nextId: () => nextId++,
      htmlUrl: (suffix = '') =>
        `http://127.0.0.1:${gitPort}/${owner}/${repo}${suffix}`,
    };
    this.pullRequests = new PullRequests(repository);
    this.pulls = this.pullRequests.pulls;
    this.checks = new Checks(repository);
    const fake = {
      apiBaseUrl,
      token,
      requests: this.requests,
      violations: this.violations,
      signedByApp: (authorization: string | null) =>
        signedByApp(app, authorization),
    };
    this.server = startMockApi({
      apiBaseUrl,
      violations: this.violations,
      handlers: [
        ...appRoutes({
          app,
          owner,
          token,
          issuedTokens: this.issuedTokens,
        }),
        ...this.pullRequests.routes(),
        ...this.checks.routes(),
      ].map(route => handler(fake, route)),
    });
  }

  /** Starts the fake with a repository holding these files on `main`. */
  static async start(options: {
    owner?: string;
    repo?: string;
    files: Record<string, string>;
    token?: string;
    apiBaseUrl?: string;
    /**
     * Authenticate as a GitHub App: `integration` then holds the app's id
     * and private key instead of a token, and the token that Git and the
     * API accept is the installation token the app gets.
     */
    app?: boolean;
  }): Promise<FakeGitHub> {
    const owner = options.owner ?? 'acme';
    const repo = options.repo ?? 'gitops';
    const token = options.token ?? 'ghp_faketoken';
    const apiBaseUrl = options.apiBaseUrl ?? 'https://api.github.test';
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-fake-github-'));
    const clone = await WorkClone.create({
      bare: path.join(root, 'repos', owner, `${repo}.git`),
      workDir: path.join(root, 'work'),
      files: options.files,
    });
    const git = await startGitHttpServer({
      root: path.join(root, 'repos'),
      authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString(
        'base64',
      )}`,
    });
    return new FakeGitHub(
      owner,
      repo,
      token,
      apiBaseUrl,
      root,
      git.port,
      git.close,
      clone,
      options.app ? createApp() : undefined,
    );
  }

  /** The repository's clone URL, as a pipeline names it. */
  get cloneUrl(): string {
    return `http://127.0.0.1:${this.gitPort}/${this.owner}/${this.repo}.git`;
  }

  /** `integrations.github` configuration for this fake. */
  get integration() {
    const base = {
      host: `127.0.0.1:${this.gitPort}`,
      apiBaseUrl: this.apiBaseUrl,
    };
    if (this.app) {
      return {
        ...base,
        apps: [
          {
            appId: this.app.appId,
            privateKey: this.app.privateKey,
            webhookSecret: 'not-used',
            clientId: 'not-used',
            clientSecret: 'not-used',
          },
        ],
      };
    }
    return { ...base, token: this.token };
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

  /** The commits of a branch, newest first. */
  async log(branch = 'main'): Promise<{ sha: string; subject: string }[]> {
    const commits = await this.clone.log(branch);
    return commits.map(({ sha, subject }) => ({ sha, subject }));
  }

  /** Commits files to `main` by hand, as a person would. */
  commit(files: Record<string, string>, message: string): Promise<string> {
    return this.clone.commit(files, message, 'main');
  }

  // Pull requests and checks, as GitHub and CI would change them

  /** Merges a pull request, as its merge button does. */
  merge(
    number: number,
    method: 'merge' | 'squash' | 'rebase' = 'merge',
    title?: string,
  ): Promise<string> {
    return this.pullRequests.merge(number, method, title);
  }

  /** Closes a pull request without merging, as a person would. */
  close(number: number) {
    this.pullRequests.close(number);
  }

  /** Reports a check run on a commit, as a CI app does. */
  setCheckRun(sha: string, name: string, state: CheckState) {
    this.checks.setCheckRun(sha, name, state);
  }

  /** Reports a commit status, as older CI does. */
  setStatus(
    sha: string,
    context: string,
    state: 'pending' | 'success' | 'failure' | 'error',
  ) {
    this.checks.setStatus(sha, context, state);
  }

  /** A commit status on a commit, as the API set it. */
  status(
    sha: string,
    context: string,
  ): { state: string; description: string } | undefined {
    return this.checks.status(sha, context);
  }

  /** The open pull requests, oldest first. */
  openPulls(): FakePull[] {
    return this.pullRequests.openPulls();
  }

  async stop() {
    this.server.close();
    await this.closeGit();
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
