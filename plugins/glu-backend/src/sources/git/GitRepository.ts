/*
 * One long-lived clone of a repository: made and fetched, read, and written
 * by commits pushed with a lease. How each part is done lives beside it:
 * gitCommands, reading, treeFiles, edits, plumbing, pushing.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { GluLimitError } from '@glu-dev/plugin-glu-node';
import { Attributes, Span } from '@opentelemetry/api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ATTR, repositoryUrlOf } from '../../telemetry/attributes';
import { GluTelemetry } from '../../telemetry/GluTelemetry';
import { GitClock, systemClock } from './clock';
import {
  applyEdits,
  CommitAuthor,
  commitMessageOf,
  FileEdit,
  FileEditResult,
} from './edits';
import { GitCredentials } from './GitCredentials';
import { Mutex } from './mutex';
import { Git, withGit } from './gitCommands';
import { fastImport, outputOf } from './plumbing';
import { deleteRemoteBranch, pushCommit, PushContext } from './pushing';
import {
  CommitInfo,
  lastCommit,
  lastCommits,
  readFile,
  readFiles,
} from './reading';
import { filesAt } from './treeFiles';

export type { CommitAuthor, FileEdit, FileEditResult } from './edits';
export type { CommitInfo } from './reading';

/** Where a commit of Glu's waits to be pushed (see `commit`). */
const COMMIT_REF = 'refs/glu/commit';

/**
 * One long-lived clone of a repository, reused for every phase that lives in
 * it: a bare clone that is fetched and read (`git cat-file`), and into which
 * commits are made from git's objects alone (blobs, a tree, a commit) and
 * pushed. There is no work tree to check out, so a large repository costs no
 * more to write than a small one, and a symbolic link has nothing to lead to.
 */
export class GitRepository {
  private readonly bareDir: string;
  private readonly mutex = new Mutex();
  private readonly fetchMutex = new Mutex();
  /** The fetch under way, which others may join. */
  private fetching?: Promise<void>;
  /** When the fetch under way was asked for (epoch milliseconds). */
  private fetchingSince?: number;
  /** When the last fetch that ended well was asked for. */
  private fetched?: number;
  private initialized?: Promise<void>;

  constructor(
    readonly url: string,
    dir: string,
    private readonly credentials: GitCredentials,
    private readonly logger: LoggerService,
    /** How long one git operation may take before it is stopped. */
    private readonly timeoutMillis: number = 120_000,
    private readonly telemetry: GluTelemetry = new GluTelemetry(),
    /** What time it is, for when a fetch started. */
    private readonly clock: GitClock = systemClock,
    /** How large a file may be to be read (`glu.limits.fileBytes`). */
    private readonly maxFileBytes: number = Infinity,
  ) {
    this.bareDir = path.join(dir, 'repo.git');
  }

  /** A git operation in its span, timed: with this repository's address. */
  private traced<T>(
    operation: string,
    attributes: Attributes,
    work: (span: Span) => Promise<T>,
  ): Promise<T> {
    return this.telemetry.git(
      operation,
      { [ATTR.REPOSITORY]: repositoryUrlOf(this.url), ...attributes },
      work,
    );
  }

  /** Runs work with git in the clone, under one deadline (see `withGit`). */
  private run<T>(work: (git: Git) => Promise<T>): Promise<T> {
    return withGit(
      {
        cwd: this.bareDir,
        url: this.url,
        credentials: this.credentials,
        timeoutMillis: this.timeoutMillis,
      },
      work,
    );
  }

  private async init(): Promise<void> {
    this.initialized ??= (async () => {
      await fs.mkdir(this.bareDir, { recursive: true });
      const exists = await fs
        .stat(path.join(this.bareDir, 'HEAD'))
        .then(() => true)
        .catch(() => false);
      if (!exists) {
        await this.run(async git => {
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

  /**
   * Fetches every branch from the remote. One call serves every phase: a
   * fetch asked for while one is under way joins it (a write's first
   * attempt, a refresh), unless it must start after it (`fresh`: a write
   * applying again because the branch moved).
   */
  async fetch(
    options: {
      fresh?: boolean;
      /**
       * A fetch that started at or after this moment (epoch milliseconds),
       * under way or done, is enough: it saw at least what was there then.
       */
      startedSince?: number;
    } = {},
  ): Promise<void> {
    await this.init();
    const since = options.startedSince;
    if (since !== undefined && this.fetched && this.fetched >= since) return;
    if (
      this.fetching &&
      (since !== undefined ? this.fetchingSince! >= since : !options.fresh)
    ) {
      await this.fetching;
      return;
    }
    // It starts now or, behind another, later: no sooner than now.
    const started = this.clock.now();
    // Two fetches at once in one clone fight over its ref locks.
    const fetching = this.fetchMutex.run(async () => {
      try {
        await this.traced('fetch', {}, () =>
          // Verbose: simple-git waits 50 ms after a command that printed nothing.
          this.run(git => git.raw(['fetch', '--prune', '--verbose', 'origin'])),
        );
        this.fetched = Math.max(this.fetched ?? 0, started);
      } catch (error) {
        if (error instanceof ServiceUnavailableError) throw error;
        throw new ServiceUnavailableError(
          `Could not fetch ${this.url}: ${(error as Error).message}`,
        );
      }
    });
    this.fetching = fetching;
    this.fetchingSince = started;
    try {
      await fetching;
    } finally {
      if (this.fetching === fetching) this.fetching = undefined;
    }
  }

  /** The commit a branch points at after the last fetch. */
  async head(branch: string): Promise<string | undefined> {
    await this.init();
    try {
      const sha = await this.run(git =>
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

  /**
   * A file's content at a commit, or undefined when it has no such file, or
   * why it is not read (over the limit of files).
   */
  async readFile(
    sha: string,
    filePath: string,
  ): Promise<string | GluLimitError | undefined> {
    await this.init();
    return this.run(git => readFile(git, sha, filePath, this.maxFileBytes));
  }

  /**
   * Files' contents at a commit, in one git process (`cat-file --batch`);
   * a file the commit does not have is left out, and one over the limit of
   * files is answered with why it is not read.
   */
  async readFiles(
    sha: string,
    paths: string[],
  ): Promise<Map<string, string | GluLimitError>> {
    await this.init();
    return this.run(git => readFiles(git, sha, paths, this.maxFileBytes));
  }

  /**
   * The newest commit at or before `sha` that changed each file, from one
   * walk of the history (`since`: no further back than that commit).
   */
  async lastCommits(
    sha: string,
    paths: string[],
    since?: string,
  ): Promise<Map<string, CommitInfo>> {
    await this.init();
    return this.run(git => lastCommits(git, sha, paths, since));
  }

  /** The newest commit at or before `sha` that changed the file. */
  async lastCommit(
    sha: string,
    filePath: string,
  ): Promise<CommitInfo | undefined> {
    await this.init();
    return this.run(git => lastCommit(git, sha, filePath));
  }

  /**
   * Whether `sha` is `earlier` or descends from it, among the commits
   * fetched so far: false for a commit this clone has not seen.
   */
  async descendsFrom(sha: string, earlier: string): Promise<boolean> {
    await this.init();
    if (!/^[0-9a-f]{4,64}$/i.test(sha) || !/^[0-9a-f]{4,64}$/i.test(earlier)) {
      return false;
    }
    try {
      await this.run(git =>
        outputOf(['merge-base', '--is-ancestor', earlier, sha], git.plumbing),
      );
      return true;
    } catch (error) {
      // Not an ancestor (exit 1), or a commit not fetched (yet).
      if (error instanceof ServiceUnavailableError) throw error;
      return false;
    }
  }

  /** The files that differ between two commits. */
  async changedFiles(fromSha: string, toSha: string): Promise<Set<string>> {
    await this.init();
    const out = await this.run(git =>
      git.raw(['diff', '--name-only', '-z', '--no-renames', fromSha, toSha]),
    );
    return new Set(out.split('\0').filter(Boolean));
  }

  /** The unified diff of one file between two commits. */
  async diff(
    fromSha: string,
    toSha: string,
    filePath: string,
  ): Promise<string> {
    await this.init();
    return this.run(git => git.raw(['diff', fromSha, toSha, '--', filePath]));
  }

  /** Deletes a branch of the remote, if it is there. */
  async deleteBranch(branch: string): Promise<void> {
    await this.mutex.run(async () => {
      await this.init();
      await deleteRemoteBranch(this.pushing(), branch);
    });
  }

  /**
   * Applies edits on top of the branch and pushes one commit. A push that is
   * rejected because the branch moved is fetched and applied again on the new
   * head, never forced. Edits that change nothing are left out; when none
   * changes anything, nothing is committed.
   *
   * The push carries a lease on the head the commit was built on
   * (`--force-with-lease`): the branch moves only from exactly there. So a
   * commit that continues a burst (`continues`: this clone pushed to the
   * branch moments ago) builds on what it knows without a fetch first; if
   * the branch moved meanwhile the lease refuses the push, and the commit
   * is fetched and applied again. What such an attempt finds without a push
   * (nothing to change, the branch missing) is found again on a fresh fetch
   * before it is answered.
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
    /**
     * When the edits were asked for (epoch milliseconds): a fetch that
     * started since is recent enough to build on.
     */
    askedAt?: number;
    /**
     * The edits continue a burst whose last commit, through this clone, landed
     * on the branch: the commit builds on that without a fetch first.
     */
    continues?: boolean;
  }): Promise<FileEditResult[]> {
    return this.mutex.run(async () => {
      await this.init();
      for (let attempt = 1; ; attempt++) {
        const known =
          attempt === 1 && Boolean(options.continues) && !options.pushTo;
        // Then again from scratch: the branch moved under the last attempt
        // (or under what the first one knew).
        if (!known) {
          await this.fetch(
            attempt > 1 ? { fresh: true } : { startedSince: options.askedAt },
          );
        }
        const head = await this.head(options.branch);
        if (!head && known) continue;
        if (!head) {
          throw new ConflictError(
            `The branch ${options.branch} does not exist in ${this.url}`,
          );
        }
        const { results, changed, written } = await this.run(async git =>
          applyEdits(
            options.edits,
            await filesAt(
              git,
              head,
              options.edits.map(e => e.path),
              options.branch,
              this.maxFileBytes,
            ),
            head,
            options.branch,
          ),
        );
        if (changed.length === 0) {
          if (known) continue;
          return results;
        }
        const target = options.pushTo ?? options.branch;
        const sha = await this.traced(
          'commit',
          {
            [ATTR.HEAD_NAME]: target,
            'glu.git.changes': changed.length,
            'glu.git.attempt': attempt,
          },
          async span => {
            // Kept under a ref of Glu's own until it is pushed.
            const made = await this.run(git =>
              fastImport(git.plumbing, {
                ref: COMMIT_REF,
                parent: head,
                files: written,
                message: commitMessageOf(changed),
                author: options.author,
                at: Date.now(),
              }),
            );
            span.setAttribute(ATTR.HEAD_REVISION, made);
            return made;
          },
        );
        const pushed = await pushCommit(this.pushing(), {
          target,
          sha,
          head,
          replace: Boolean(options.pushTo),
          attempt,
        });
        if (pushed === 'apply again') continue;
        return results.map(r => (r.changed ? { ...r, sha } : r));
      }
    });
  }

  /** What pushing needs of this clone (see `pushCommit`). */
  private pushing(): PushContext {
    return {
      url: this.url,
      logger: this.logger,
      run: work => this.run(work),
      traced: (operation, attributes, work) =>
        this.traced(operation, attributes, work),
    };
  }
}
