import { http, HttpResponse } from 'msw';
import { setupServer, SetupServer } from 'msw/node';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';
import { startGitHttpServer } from './gitHttpServer';
import { checkRequest, checkResponse, example } from './openapi';

const AUTHOR = {
  GIT_AUTHOR_NAME: 'Dana Developer',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Developer',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
};

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  labels: string[];
  comments: string[];
  createdAt: string;
  closedAt?: string;
}

type CheckState =
  | { status: 'queued' | 'in_progress' }
  | {
      status: 'completed';
      conclusion: 'success' | 'failure' | 'neutral' | 'skipped' | 'cancelled';
    };

/** A GitHub App that the fake knows, installed on its owner. */
interface FakeApp {
  appId: number;
  privateKey: string;
  publicKey: string;
  installationId: number;
}

type Handler = (request: {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
}) => Promise<{ status: number; body?: unknown }>;

/**
 * A GitHub for tests. Its API (through msw) answers with GitHub's published
 * examples, edited to the state of the fake, and every request and answer is
 * checked against GitHub's published description: a mismatch is recorded in
 * `violations` and fails the request. Its repository is a real bare Git
 * repository served over HTTP by git itself, so branches are really pushed
 * and merges really land.
 */
export class FakeGitHub {
  readonly pulls = new Map<number, FakePull>();
  /** Requests and answers that do not match GitHub's description. */
  readonly violations: string[] = [];
  /** Every API request, e.g. `POST /repos/{owner}/{repo}/pulls`. */
  readonly requests: string[] = [];
  private readonly checkRuns = new Map<
    string,
    Map<string, CheckState & { id: number }>
  >();
  private readonly statuses = new Map<
    string,
    Map<string, 'pending' | 'success' | 'failure' | 'error'>
  >();
  /** The installation tokens handed to the app, once it is used. */
  readonly issuedTokens: string[] = [];
  private readonly descriptions = new Map<string, Map<string, string>>();
  private nextNumber = 1;
  private nextId = 1000;
  /** The work clone serves one git command sequence at a time. */
  private gitQueue: Promise<unknown> = Promise.resolve();

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.gitQueue.then(work, work);
    this.gitQueue = next.catch(() => undefined);
    return next;
  }

  private constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    readonly apiBaseUrl: string,
    private readonly root: string,
    private readonly gitPort: number,
    private readonly closeGit: () => Promise<void>,
    private readonly server: SetupServer,
    private readonly work: SimpleGit,
    private readonly app?: FakeApp,
  ) {}

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
    const bare = path.join(root, 'repos', owner, `${repo}.git`);
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

    const git = await startGitHttpServer({
      root: path.join(root, 'repos'),
      authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString(
        'base64',
      )}`,
    });
    const server = setupServer();
    let app: FakeApp | undefined;
    if (options.app) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      app = { appId: 4242, privateKey, publicKey, installationId: 77 };
    }
    const fake = new FakeGitHub(
      owner,
      repo,
      token,
      apiBaseUrl,
      root,
      git.port,
      git.close,
      server,
      work,
      app,
    );
    server.use(...fake.handlers());
    server.listen({
      // Git over HTTP and the backend under test pass; a call to the API
      // that the fake does not know is a mistake of the fake or of Glu.
      onUnhandledRequest: request => {
        if (request.url.startsWith(apiBaseUrl)) {
          fake.violations.push(
            `no such operation in the fake: ${request.method} ${request.url}`,
          );
        }
      },
    });
    return fake;
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

  /** Whether a request carries a JWT that the app's private key signed. */
  private signedByApp(authorization: string | null): boolean {
    const app = this.app;
    const jwt = authorization?.match(/^bearer (.+)$/i)?.[1];
    if (!app || !jwt) return false;
    const [header, payload, signature] = jwt.split('.');
    const verify = createVerify('RSA-SHA256');
    verify.update(`${header}.${payload}`);
    if (!verify.verify(app.publicKey, Buffer.from(signature, 'base64url'))) {
      return false;
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return (
      String(claims.iss) === String(app.appId) && claims.exp * 1000 > Date.now()
    );
  }

  private htmlUrl(suffix = ''): string {
    return `http://127.0.0.1:${this.gitPort}/${this.owner}/${this.repo}${suffix}`;
  }

  // Git, as people see it

  private async sync(branch = 'main') {
    await this.work.raw(['fetch', '--quiet', '--prune', 'origin']);
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
    await this.work.raw(['fetch', '--quiet', '--prune', 'origin']);
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
    return this.serial(() => this.branchesNow());
  }

  private async branchesNow(): Promise<string[]> {
    await this.work.raw(['fetch', '--quiet', '--prune', 'origin']);
    const out = await this.work.raw([
      'for-each-ref',
      '--format=%(refname:short)',
      'refs/remotes/origin',
    ]);
    return out
      .split('\n')
      .map(l => l.trim().replace(/^origin\//, ''))
      .filter(l => l && l !== 'origin' && l !== 'HEAD');
  }

  /** A file on a branch. */
  show(file: string, branch = 'main'): Promise<string> {
    return this.serial(() => this.showNow(file, branch));
  }

  private async showNow(file: string, branch: string): Promise<string> {
    await this.work.raw(['fetch', '--quiet', 'origin']);
    return this.work.raw(['show', `origin/${branch}:${file}`]);
  }

  /** The commits of a branch, newest first. */
  log(branch = 'main'): Promise<{ sha: string; subject: string }[]> {
    return this.serial(() => this.logNow(branch));
  }

  private async logNow(
    branch: string,
  ): Promise<{ sha: string; subject: string }[]> {
    await this.work.raw(['fetch', '--quiet', 'origin']);
    const out = await this.work.raw([
      'log',
      '--format=%H %s',
      `origin/${branch}`,
    ]);
    return out
      .trim()
      .split('\n')
      .map(line => ({
        sha: line.slice(0, 40),
        subject: line.slice(41),
      }));
  }

  /** Commits files to `main` by hand, as a person would. */
  commit(files: Record<string, string>, message: string): Promise<string> {
    return this.serial(() => this.commitNow(files, message));
  }

  private async commitNow(files: Record<string, string>, message: string) {
    await this.sync('main');
    const dir = (await this.work.revparse(['--show-toplevel'])).trim();
    for (const [file, content] of Object.entries(files)) {
      await fs.writeFile(path.join(dir, file), content);
    }
    await this.work.add(Object.keys(files));
    await this.work.raw(['commit', '--quiet', '-m', message]);
    await this.work.raw(['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    return (await this.work.revparse(['HEAD'])).trim();
  }

  // Pull requests and checks, as GitHub and CI would change them

  /** Merges a pull request, as its merge button does. */
  merge(
    number: number,
    method: 'merge' | 'squash' | 'rebase' = 'merge',
    title?: string,
  ): Promise<string> {
    return this.serial(() => this.mergeNow(number, method, title));
  }

  private async mergeNow(
    number: number,
    method: 'merge' | 'squash' | 'rebase',
    title?: string,
  ): Promise<string> {
    const pull = this.pulls.get(number);
    if (!pull || pull.state !== 'open') {
      throw new Error(`#${number} is not open`);
    }
    await this.sync(pull.base);
    const subject = title ?? `Merge pull request #${number} from ${pull.head}`;
    if (method === 'squash') {
      await this.work.raw(['merge', '--squash', `origin/${pull.head}`]);
      await this.work.raw(['commit', '--quiet', '-m', subject]);
    } else if (method === 'rebase') {
      await this.work.raw([
        'cherry-pick',
        `origin/${pull.base}..origin/${pull.head}`,
      ]);
    } else {
      await this.work.raw([
        'merge',
        '--no-ff',
        '-m',
        subject,
        `origin/${pull.head}`,
      ]);
    }
    await this.work.raw([
      'push',
      '--quiet',
      'origin',
      `HEAD:refs/heads/${pull.base}`,
    ]);
    const sha = (await this.work.revparse(['HEAD'])).trim();
    pull.state = 'closed';
    pull.merged = true;
    pull.mergeCommitSha = sha;
    pull.closedAt = new Date().toISOString();
    return sha;
  }

  /** Closes a pull request without merging, as a person would. */
  close(number: number) {
    const pull = this.pulls.get(number)!;
    pull.state = 'closed';
    pull.closedAt = new Date().toISOString();
  }

  /** Reports a check run on a commit, as a CI app does. */
  setCheckRun(sha: string, name: string, state: CheckState) {
    const runs = this.checkRuns.get(sha) ?? new Map();
    runs.set(name, { ...state, id: runs.get(name)?.id ?? this.nextId++ });
    this.checkRuns.set(sha, runs);
  }

  /** Reports a commit status, as older CI does. */
  setStatus(
    sha: string,
    context: string,
    state: 'pending' | 'success' | 'failure' | 'error',
  ) {
    const statuses = this.statuses.get(sha) ?? new Map();
    statuses.set(context, state);
    this.statuses.set(sha, statuses);
  }

  /** A commit status on a commit, as the API set it. */
  status(
    sha: string,
    context: string,
  ): { state: string; description: string } | undefined {
    const state = this.statuses.get(sha)?.get(context);
    if (!state) return undefined;
    return {
      state,
      description: this.descriptions.get(sha)?.get(context) ?? '',
    };
  }

  /** The open pull requests, oldest first. */
  openPulls(): FakePull[] {
    return [...this.pulls.values()].filter(p => p.state === 'open');
  }

  async stop() {
    this.server.close();
    await this.closeGit();
    await fs.rm(this.root, { recursive: true, force: true });
  }

  // The API

  private async pullJson(pull: FakePull, simple = false) {
    const value = example(simple ? 'pull-request-simple' : 'pull-request');
    const headSha = (await this.head(pull.head)) ?? pull.mergeCommitSha ?? '';
    const baseSha = (await this.head(pull.base)) ?? '';
    const url = `${this.apiBaseUrl}/repos/${this.owner}/${this.repo}/pulls/${pull.number}`;
    Object.assign(value, {
      url,
      id: 1000 + pull.number,
      html_url: this.htmlUrl(`/pull/${pull.number}`),
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: pull.draft,
      labels: pull.labels.map((name, i) => ({
        ...example('label'),
        id: 2000 + i,
        name,
      })),
      requested_reviewers: [],
      requested_teams: [],
      created_at: pull.createdAt,
      updated_at: pull.closedAt ?? pull.createdAt,
      closed_at: pull.closedAt ?? null,
      merged_at: pull.merged ? pull.closedAt : null,
      merge_commit_sha: pull.mergeCommitSha ?? null,
      head: {
        ...value.head,
        ref: pull.head,
        sha: headSha,
        label: `${this.owner}:${pull.head}`,
      },
      base: {
        ...value.base,
        ref: pull.base,
        sha: baseSha,
        label: `${this.owner}:${pull.base}`,
      },
    });
    if (!simple) {
      Object.assign(value, {
        merged: pull.merged,
        mergeable: pull.state === 'open' ? true : null,
        merged_by: pull.merged ? value.merged_by : null,
      });
    }
    return value;
  }

  private route(
    method: 'get' | 'post' | 'patch' | 'put',
    api: string,
    handler: Handler,
    auth: 'token' | 'app' = 'token',
  ) {
    const mswPath = `${this.apiBaseUrl}${api.replace(/\{(\w+)\}/g, ':$1')}`;
    return http[method](mswPath, async ({ request, params }) => {
      this.requests.push(`${method.toUpperCase()} ${api}`);
      const authorization = request.headers.get('authorization');
      const authorized =
        auth === 'app'
          ? this.signedByApp(authorization)
          : authorization === `token ${this.token}`;
      if (!authorized) {
        const body = {
          message: 'Requires authentication',
          documentation_url: 'https://docs.github.com/rest',
        };
        return HttpResponse.json(body, { status: 401 });
      }
      const text = method === 'get' ? '' : await request.text();
      const body = text ? JSON.parse(text) : undefined;
      const badRequest =
        body !== undefined ? checkRequest(api, method, body) : undefined;
      if (badRequest) {
        this.violations.push(badRequest);
        return HttpResponse.json(
          {
            message: badRequest,
            documentation_url: 'https://docs.github.com/rest',
          },
          { status: 422 },
        );
      }
      const answer = await handler({
        params: params as Record<string, string>,
        query: new URL(request.url).searchParams,
        body,
      });
      const problem = checkResponse(api, method, answer.status, answer.body);
      if (problem) {
        this.violations.push(problem);
        return HttpResponse.json({ message: problem }, { status: 500 });
      }
      return answer.body === undefined
        ? new HttpResponse(null, { status: answer.status })
        : HttpResponse.json(answer.body as any, { status: answer.status });
    });
  }

  private notFound() {
    return {
      status: 404,
      body: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
      },
    };
  }

  private handlers() {
    const ours = (params: Record<string, string>) =>
      params.owner === this.owner && params.repo === this.repo;
    return [
      this.route(
        'get',
        '/app/installations',
        async () => ({
          status: 200,
          body: [
            {
              ...example<any[]>('base-installation-items')[0],
              id: this.app!.installationId,
              app_id: this.app!.appId,
              account: {
                ...example<any[]>('base-installation-items')[0].account,
                login: this.owner,
                // The description of this operation asks for an account that
                // is both a Simple User and an Enterprise (allOf).
                name: this.owner,
                slug: this.owner,
                created_at: '2026-01-01T00:00:00Z',
                updated_at: '2026-01-01T00:00:00Z',
              },
              // Installed on every repository of the owner.
              repository_selection: 'all',
              suspended_at: null,
              suspended_by: null,
            },
          ],
        }),
        'app',
      ),
      this.route(
        'post',
        '/app/installations/{installation_id}/access_tokens',
        async ({ params }) => {
          if (Number(params.installation_id) !== this.app!.installationId) {
            return this.notFound();
          }
          this.issuedTokens.push(this.token);
          return {
            status: 201,
            body: {
              ...example<object>('installation-token'),
              token: this.token,
              expires_at: new Date(Date.now() + 3600_000).toISOString(),
              repository_selection: 'all',
              repositories: undefined,
            },
          };
        },
        'app',
      ),
      this.route(
        'post',
        '/repos/{owner}/{repo}/pulls',
        async ({ params, body }) => {
          if (!ours(params)) return this.notFound();
          const head = String(body.head).replace(`${this.owner}:`, '');
          if (!(await this.head(head))) {
            return {
              status: 422,
              body: {
                message: 'Validation Failed',
                errors: [
                  { resource: 'PullRequest', field: 'head', code: 'invalid' },
                ],
                documentation_url:
                  'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
              },
            };
          }
          if (this.openPulls().some(p => p.head === head)) {
            return {
              status: 422,
              body: {
                message: 'Validation Failed',
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: `A pull request already exists for ${this.owner}:${head}.`,
                  },
                ],
                documentation_url:
                  'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
              },
            };
          }
          const pull: FakePull = {
            number: this.nextNumber++,
            title: body.title,
            body: body.body ?? '',
            head,
            base: body.base,
            draft: Boolean(body.draft),
            state: 'open',
            merged: false,
            labels: [],
            comments: [],
            createdAt: new Date().toISOString(),
          };
          this.pulls.set(pull.number, pull);
          return { status: 201, body: await this.pullJson(pull) };
        },
      ),
      this.route(
        'get',
        '/repos/{owner}/{repo}/pulls',
        async ({ params, query }) => {
          if (!ours(params)) return this.notFound();
          const state = query.get('state') ?? 'open';
          const head = query.get('head')?.replace(`${this.owner}:`, '');
          const base = query.get('base');
          const pulls = [...this.pulls.values()].filter(
            p =>
              (state === 'all' || p.state === state) &&
              (!head || p.head === head) &&
              (!base || p.base === base),
          );
          return {
            status: 200,
            body: await Promise.all(pulls.map(p => this.pullJson(p, true))),
          };
        },
      ),
      this.route(
        'get',
        '/repos/{owner}/{repo}/pulls/{pull_number}',
        async ({ params }) => {
          const pull = this.pulls.get(Number(params.pull_number));
          if (!ours(params) || !pull) return this.notFound();
          return { status: 200, body: await this.pullJson(pull) };
        },
      ),
      this.route(
        'patch',
        '/repos/{owner}/{repo}/pulls/{pull_number}',
        async ({ params, body }) => {
          const pull = this.pulls.get(Number(params.pull_number));
          if (!ours(params) || !pull) return this.notFound();
          if (body.state === 'closed' && pull.state === 'open') {
            this.close(pull.number);
          }
          if (body.title) pull.title = body.title;
          if (body.body) pull.body = body.body;
          return { status: 200, body: await this.pullJson(pull) };
        },
      ),
      this.route(
        'put',
        '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
        async ({ params, body }) => {
          const pull = this.pulls.get(Number(params.pull_number));
          if (!ours(params) || !pull) return this.notFound();
          if (pull.state !== 'open') {
            return {
              status: 405,
              body: {
                message: 'Pull Request is not mergeable',
                documentation_url:
                  'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
              },
            };
          }
          if (body?.sha && body.sha !== (await this.head(pull.head))) {
            return {
              status: 409,
              body: {
                message:
                  'Head branch was modified. Review and try the merge again.',
                documentation_url:
                  'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
              },
            };
          }
          const sha = await this.merge(
            pull.number,
            body?.merge_method ?? 'merge',
            body?.commit_title,
          );
          return {
            status: 200,
            body: {
              ...example<object>(
                'pull-request-merge-result-response-if-merge-was-successful',
              ),
              sha,
              merged: true,
              message: 'Pull Request successfully merged',
            },
          };
        },
      ),
      this.route(
        'post',
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        async ({ params, body }) => {
          const pull = this.pulls.get(Number(params.issue_number));
          if (!ours(params) || !pull) return this.notFound();
          pull.comments.push(body.body);
          const id = this.nextId++;
          return {
            status: 201,
            body: {
              ...example<object>('issue-comment'),
              id,
              body: body.body,
              html_url: this.htmlUrl(`/pull/${pull.number}#issuecomment-${id}`),
              issue_url: `${this.apiBaseUrl}/repos/${this.owner}/${this.repo}/issues/${pull.number}`,
              url: `${this.apiBaseUrl}/repos/${this.owner}/${this.repo}/issues/comments/${id}`,
            },
          };
        },
      ),
      this.route(
        'post',
        '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        async ({ params, body }) => {
          const pull = this.pulls.get(Number(params.issue_number));
          if (!ours(params) || !pull) return this.notFound();
          const labels: string[] = Array.isArray(body) ? body : body.labels;
          for (const label of labels) {
            const name =
              typeof label === 'string' ? label : (label as any).name;
            if (!pull.labels.includes(name)) pull.labels.push(name);
          }
          return {
            status: 200,
            body: pull.labels.map((name, i) => ({
              ...example('label'),
              id: 2000 + i,
              name,
            })),
          };
        },
      ),
      this.route(
        'post',
        '/repos/{owner}/{repo}/statuses/{sha}',
        async ({ params, body }) => {
          if (!ours(params)) return this.notFound();
          const context = body.context ?? 'default';
          this.setStatus(params.sha, context, body.state);
          const descriptions =
            this.descriptions.get(params.sha) ?? new Map<string, string>();
          descriptions.set(context, body.description ?? '');
          this.descriptions.set(params.sha, descriptions);
          return {
            status: 201,
            body: {
              ...example<object>('status'),
              id: this.nextId++,
              state: body.state,
              context,
              description: body.description ?? null,
              target_url: body.target_url ?? null,
            },
          };
        },
      ),
      this.route(
        'get',
        '/repos/{owner}/{repo}/commits/{ref}/check-runs',
        async ({ params }) => {
          if (!ours(params)) return this.notFound();
          const runs = [
            ...(this.checkRuns.get(params.ref) ?? new Map()).entries(),
          ];
          return {
            status: 200,
            body: {
              total_count: runs.length,
              check_runs: runs.map(([name, run]) => ({
                ...example('check-run'),
                id: run.id,
                name,
                head_sha: params.ref,
                status: run.status,
                conclusion: run.status === 'completed' ? run.conclusion : null,
                completed_at:
                  run.status === 'completed' ? new Date().toISOString() : null,
                html_url: this.htmlUrl(`/runs/${run.id}`),
                pull_requests: [],
              })),
            },
          };
        },
      ),
      this.route(
        'get',
        '/repos/{owner}/{repo}/commits/{ref}/status',
        async ({ params }) => {
          if (!ours(params)) return this.notFound();
          const statuses = [
            ...(this.statuses.get(params.ref) ?? new Map()).entries(),
          ];
          const template = example('combined-commit-status');
          const states = statuses.map(([, state]) => state);
          let combined: 'failure' | 'success' | 'pending' = 'pending';
          if (states.every(s => s === 'success')) combined = 'success';
          if (states.some(s => s === 'failure' || s === 'error')) {
            combined = 'failure';
          }
          return {
            status: 200,
            body: {
              ...template,
              sha: params.ref,
              state: combined,
              total_count: statuses.length,
              statuses: statuses.map(([context, state], i) => ({
                ...template.statuses[0],
                id: 3000 + i,
                context,
                state,
                target_url: this.htmlUrl(`/status/${context}`),
              })),
            },
          };
        },
      ),
    ];
  }
}
