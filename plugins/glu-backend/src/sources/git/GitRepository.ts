import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';
import { GitCredentials, scrub } from './GitCredentials';

/** One change to one file, computed from the file's current content. */
export interface FileEdit {
  path: string;
  /** Returns the new content; the same content means nothing to change. */
  apply(content: string): Promise<string>;
  /** The commit message part for this edit: a subject line and a body. */
  message: { subject: string; body: string };
}

/** What an edit turned out to be once committed. */
export interface FileEditResult {
  changed: boolean;
  /** Why this edit could not be made; the other edits went ahead. */
  error?: Error;
  /** The commit that holds the file after the edit (the head when unchanged). */
  sha: string;
  before: string;
  after: string;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

export interface CommitInfo {
  sha: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
}

const MAX_PUSH_ATTEMPTS = 5;

/** What git needs from the environment, and nothing that could run code. */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function gitEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    // A transfer that stalls below 1 kB/s for 30 s is given up by git itself.
    GIT_HTTP_LOW_SPEED_LIMIT: '1000',
    GIT_HTTP_LOW_SPEED_TIME: '30',
    ...extra,
  };
}

/**
 * A push that failed because the branch moved since the fetch: someone else
 * pushed first. Fetching and applying again is the answer.
 */
function branchMoved(message: string): boolean {
  return /\[rejected\]\s*\((fetch first|non-fast-forward|stale info)\)|cannot lock ref/i.test(
    message,
  );
}

/**
 * A push that the remote refused on its own terms (a pre-receive hook, a
 * protected branch): what the remote said, or undefined for any other
 * failure.
 */
function remoteRefusal(message: string): string | undefined {
  if (!/\[remote rejected\]|protected branch|declined/i.test(message)) {
    return undefined;
  }
  const said = message
    .split('\n')
    .filter(line => /^remote:/.test(line.trim()))
    .map(line => line.trim().replace(/^remote:\s*/, ''))
    .filter(Boolean);
  const rejected = message.match(/\[remote rejected\][^\n]*/)?.[0];
  return [...said, ...(rejected ? [rejected] : [])].join(' ') || message;
}

function errorText(error: unknown): string {
  return String(error instanceof Error ? error.message : error);
}

/** Runs work one at a time. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * One long-lived clone of a repository, reused for every phase that lives in
 * it: a bare clone that is fetched and read (`git show`), and a separate work
 * tree where commits are made and pushed.
 */
export class GitRepository {
  private readonly bareDir: string;
  private readonly workDir: string;
  private readonly mutex = new Mutex();
  private readonly fetchMutex = new Mutex();
  private initialized?: Promise<void>;

  constructor(
    readonly url: string,
    dir: string,
    private readonly credentials: GitCredentials,
    private readonly logger: LoggerService,
    /** How long one git operation may take before it is stopped. */
    private readonly timeoutMillis: number = 120_000,
  ) {
    this.bareDir = path.join(dir, 'repo.git');
    this.workDir = path.join(dir, 'work');
  }

  private async git(
    baseDir: string,
    deadline: AbortSignal,
  ): Promise<{
    git: SimpleGit;
    secrets: string[];
    env: Record<string, string>;
  }> {
    const credentials = await this.credentials.forUrl(this.url);
    const { secrets } = credentials;
    const env = {
      // Killing git at its deadline leaves its transport helper
      // (git-remote-http) behind; a stalled transfer ends it by the deadline.
      GIT_HTTP_LOW_SPEED_TIME: String(
        Math.max(1, Math.min(30, Math.ceil(this.timeoutMillis / 1000))),
      ),
      ...credentials.env,
    };
    const git = simpleGit({
      baseDir,
      maxConcurrentProcesses: 4,
      // The credentials travel as an http.extraHeader in GIT_CONFIG_* of
      // Glu's own making (see GitCredentials), never from elsewhere.
      unsafe: { allowUnsafeConfigEnvCount: true },
      // Past its deadline, what git started is killed.
      abort: deadline,
    }).env(gitEnv(env));
    return { git, secrets, env };
  }

  /**
   * Runs git, with a deadline, and rethrows its errors without any secret in
   * them. Past the deadline, the git processes are killed and the error says
   * so (503: the remote did not answer in time).
   */
  private async run<T>(
    baseDir: string,
    work: (git: SimpleGit, env: Record<string, string>) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.timeoutMillis);
    const { git, secrets, env } = await this.git(baseDir, deadline);
    try {
      return await work(git, env);
    } catch (error) {
      if (deadline.aborted) {
        throw new ServiceUnavailableError(
          `git did not finish with ${this.url} within ${Math.round(
            this.timeoutMillis / 1000,
          )}s and was stopped`,
        );
      }
      const message = scrub(
        error instanceof Error ? error.message : String(error),
        secrets,
      ).trim();
      throw new Error(message);
    }
  }

  private async init(): Promise<void> {
    this.initialized ??= (async () => {
      await fs.mkdir(this.bareDir, { recursive: true });
      const exists = await fs
        .stat(path.join(this.bareDir, 'HEAD'))
        .then(() => true)
        .catch(() => false);
      if (!exists) {
        await this.run(this.bareDir, async git => {
          await git.raw(['init', '--bare', '--quiet']);
          await git.raw(['remote', 'add', 'origin', this.url]);
          await git.raw([
            'config',
            'remote.origin.fetch',
            '+refs/heads/*:refs/remotes/origin/*',
          ]);
        });
      }
    })().catch(error => {
      this.initialized = undefined;
      throw error;
    });
    return this.initialized;
  }

  /** Fetches every branch from the remote. One call serves every phase. */
  async fetch(): Promise<void> {
    await this.init();
    // Two fetches at once in one clone fight over its ref locks.
    await this.fetchMutex.run(async () => {
      try {
        await this.run(this.bareDir, git =>
          git.raw(['fetch', '--prune', '--quiet', 'origin']),
        );
      } catch (error) {
        if (error instanceof ServiceUnavailableError) throw error;
        throw new ServiceUnavailableError(
          `Could not fetch ${this.url}: ${(error as Error).message}`,
        );
      }
    });
  }

  /** The commit a branch points at after the last fetch. */
  async head(branch: string): Promise<string | undefined> {
    await this.init();
    try {
      const sha = await this.run(this.bareDir, git =>
        git.raw([
          'rev-parse',
          '--verify',
          '--quiet',
          `refs/remotes/origin/${branch}^{commit}`,
        ]),
      );
      return sha.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** A file's content at a commit, or undefined when it has no such file. */
  async readFile(sha: string, filePath: string): Promise<string | undefined> {
    await this.init();
    try {
      return await this.run(this.bareDir, git =>
        git.raw(['cat-file', 'blob', `${sha}:${filePath}`]),
      );
    } catch (error) {
      if (
        /does not exist|not a valid object|Not a valid object name|bad file/i.test(
          String(error),
        )
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** The newest commit at or before `sha` that changed the file. */
  async lastCommit(
    sha: string,
    filePath: string,
  ): Promise<CommitInfo | undefined> {
    await this.init();
    const out = await this.run(this.bareDir, git =>
      git.raw([
        'log',
        '-1',
        '--format=%H%x1f%an%x1f%ae%x1f%cI%x1f%s',
        sha,
        '--',
        filePath,
      ]),
    );
    const line = out.trim();
    if (!line) return undefined;
    const [commit, authorName, authorEmail, date, subject] = line.split('\x1f');
    return { sha: commit, authorName, authorEmail, date, subject };
  }

  /** The unified diff of one file between two commits. */
  async diff(
    fromSha: string,
    toSha: string,
    filePath: string,
  ): Promise<string> {
    await this.init();
    return this.run(this.bareDir, git =>
      git.raw(['diff', fromSha, toSha, '--', filePath]),
    );
  }

  private async ensureWorktree(head: string): Promise<void> {
    const exists = await fs
      .stat(path.join(this.workDir, '.git'))
      .then(() => true)
      .catch(() => false);
    if (!exists) {
      await fs.rm(this.workDir, { recursive: true, force: true });
      await this.run(this.bareDir, async git => {
        await git.raw(['worktree', 'prune']);
        await git.raw([
          'worktree',
          'add',
          '--detach',
          '--force',
          this.workDir,
          head,
        ]);
      });
    }
  }

  /** The file inside the work tree, refusing anything that leads out of it. */
  private async workFile(filePath: string): Promise<string> {
    const root = await fs.realpath(this.workDir);
    const target = path.resolve(root, filePath);
    if (!target.startsWith(`${root}${path.sep}`)) {
      throw new InputError(`The path "${filePath}" leaves the repository`);
    }
    // A symbolic link in the repository must not lead a write elsewhere.
    let dir = path.dirname(target);
    while (dir.length > root.length) {
      const stat = await fs.lstat(dir).catch(() => undefined);
      if (stat?.isSymbolicLink()) {
        throw new InputError(
          `The path "${filePath}" goes through a symbolic link`,
        );
      }
      dir = path.dirname(dir);
    }
    const stat = await fs.lstat(target).catch(() => undefined);
    if (stat?.isSymbolicLink()) {
      throw new InputError(`The path "${filePath}" is a symbolic link`);
    }
    return target;
  }

  /** Deletes a branch of the remote, if it is there. */
  async deleteBranch(branch: string): Promise<void> {
    await this.mutex.run(async () => {
      await this.init();
      await this.run(this.bareDir, async git => {
        const remote = await git
          .raw(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`])
          .then(out => out.trim());
        if (remote) {
          await git.raw(['push', '--quiet', 'origin', `:refs/heads/${branch}`]);
        }
        await git
          .raw(['update-ref', '-d', `refs/remotes/origin/${branch}`])
          .catch(() => undefined);
      });
    });
  }

  /**
   * Applies edits on top of the branch and pushes one commit. A push that is
   * rejected because the branch moved is fetched and applied again on the new
   * head, never forced. Edits that change nothing are left out; when none
   * changes anything, nothing is committed.
   */
  async commit(options: {
    branch: string;
    edits: FileEdit[];
    author: CommitAuthor;
    /**
     * Push the commit to this branch instead, replacing whatever it holds:
     * a proposal branch of Glu's own, made on top of `branch`.
     */
    pushTo?: string;
  }): Promise<FileEditResult[]> {
    return this.mutex.run(async () => {
      await this.init();
      for (let attempt = 1; ; attempt++) {
        await this.fetch();
        const head = await this.head(options.branch);
        if (!head) {
          throw new ConflictError(
            `The branch ${options.branch} does not exist in ${this.url}`,
          );
        }
        await this.ensureWorktree(head);
        await this.run(this.workDir, async git => {
          await git.raw(['checkout', '--quiet', '--force', '--detach', head]);
          await git.raw(['reset', '--quiet', '--hard', head]);
          await git.raw(['clean', '-fdq']);
        });

        const results: FileEditResult[] = [];
        const changed: FileEdit[] = [];
        // Edits of one file in one batch apply on top of each other.
        const contents = new Map<string, string>();
        for (const edit of options.edits) {
          let file: string;
          let before: string;
          try {
            file = await this.workFile(edit.path);
            before = await fs.readFile(file, 'utf8').catch(error => {
              if (error.code === 'ENOENT') {
                throw new ConflictError(
                  `The file ${edit.path} does not exist on ${options.branch}`,
                );
              }
              throw error;
            });
          } catch (error) {
            results.push({
              changed: false,
              error: error instanceof Error ? error : new Error(String(error)),
              sha: head,
              before: '',
              after: '',
            });
            continue;
          }
          const base = contents.get(edit.path) ?? before;
          let after: string;
          try {
            after = await edit.apply(base);
          } catch (error) {
            // The file as it is cannot take the change (it no longer parses,
            // the container is gone): a conflict with what is there.
            results.push({
              changed: false,
              error: new ConflictError(
                `Could not write ${edit.path} on ${options.branch}: ${
                  error instanceof Error ? error.message : String(error)
                }`,
              ),
              sha: head,
              before: base,
              after: base,
            });
            continue;
          }
          if (after !== base) {
            await fs.writeFile(file, after, 'utf8');
            changed.push(edit);
          }
          contents.set(edit.path, after);
          results.push({
            changed: after !== base,
            sha: head,
            before: base,
            after,
          });
        }
        if (changed.length === 0) {
          return results;
        }

        const message =
          changed.length === 1
            ? `${changed[0].message.subject}\n\n${changed[0].message.body}`
            : `glu: ${changed.length} changes\n\n${changed
                .map(e => `${e.message.subject}\n${e.message.body}`)
                .join('\n\n')}`;
        const target = options.pushTo ?? options.branch;
        const sha = await this.run(this.workDir, async (git, env) => {
          await git.raw(['add', '--', ...new Set(changed.map(e => e.path))]);
          await git
            .env({
              ...gitEnv(env),
              GIT_AUTHOR_NAME: options.author.name,
              GIT_AUTHOR_EMAIL: options.author.email,
              GIT_COMMITTER_NAME: options.author.name,
              GIT_COMMITTER_EMAIL: options.author.email,
            })
            .raw(['commit', '--quiet', '--no-verify', '-m', message]);
          return (await git.raw(['rev-parse', 'HEAD'])).trim();
        });
        try {
          await this.run(this.workDir, git =>
            git.raw([
              'push',
              '--quiet',
              '--porcelain',
              ...(options.pushTo ? ['--force'] : []),
              'origin',
              `HEAD:refs/heads/${target}`,
            ]),
          );
        } catch (error) {
          const failure = this.pushFailure(error, target, attempt);
          if (failure === 'apply again') continue;
          // A push whose answer never came (the host died, the deadline
          // passed) may have landed all the same: the remote says.
          if (
            !(failure instanceof ServiceUnavailableError) ||
            !(await this.remoteHolds(target, sha))
          ) {
            throw failure;
          }
          this.logger.warn(
            `${failure.message}; but the branch holds its commit ${sha}: it landed`,
          );
        }
        // The pushed commit is what the remote branch holds now.
        await this.run(this.bareDir, git =>
          git.raw(['update-ref', `refs/remotes/origin/${target}`, sha]),
        );
        return results.map(r => (r.changed ? { ...r, sha } : r));
      }
    });
  }

  /** Whether the remote's branch points at a commit, as far as it answers. */
  private async remoteHolds(branch: string, sha: string): Promise<boolean> {
    try {
      const out = await this.run(this.bareDir, git =>
        git.raw(['ls-remote', 'origin', `refs/heads/${branch}`]),
      );
      return out.split(/\s/)[0] === sha;
    } catch {
      return false;
    }
  }

  /**
   * What a failed push means: another attempt when the branch moved (and
   * attempts are left), else the error to answer with.
   */
  private pushFailure(
    error: unknown,
    target: string,
    attempt: number,
  ): 'apply again' | Error {
    if (error instanceof ServiceUnavailableError) return error;
    const text = errorText(error);
    if (branchMoved(text)) {
      if (attempt < MAX_PUSH_ATTEMPTS) {
        this.logger.info(
          `Push to ${target} of ${
            this.url
          } was rejected because the branch moved; applying again (attempt ${
            attempt + 1
          })`,
        );
        return 'apply again';
      }
      return new ConflictError(
        `Could not push to ${target} of ${this.url}: the branch kept moving (${MAX_PUSH_ATTEMPTS} attempts)`,
      );
    }
    const refusal = remoteRefusal(text);
    if (refusal) {
      return new ConflictError(
        `${this.url} refused the push to ${target}: ${refusal}`,
      );
    }
    return new ServiceUnavailableError(
      `Could not push to ${target} of ${this.url}: ${text}`,
    );
  }
}
