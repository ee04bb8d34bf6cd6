import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GitCredentials, scrub } from './GitCredentials';
import { runGit, streamGit } from './runGit';
import { Attributes, Span } from '@opentelemetry/api';
import { ATTR, repositoryUrlOf } from '../../telemetry/attributes';
import { GluTelemetry } from '../../telemetry/GluTelemetry';
import { GitClock, systemClock } from './clock';
import {
  formatBytes,
  GluLimitError,
  gluLimitSetting,
} from '@glu-dev/plugin-glu-node';

/** Git, in one repository, for one piece of work under one deadline. */
interface Git {
  raw(
    args: string[],
    options?: { env?: Record<string, string>; input?: string },
  ): Promise<string>;
  /** Hands the output to `read` as it comes, until it answers true. */
  stream(
    args: string[],
    read: (chunk: Buffer) => boolean,
    options?: { input?: string },
  ): Promise<void>;
}

const LOG_FORMAT = '%H%x1f%an%x1f%ae%x1f%cI%x1f%s';

function commitInfoOf(line: string): CommitInfo {
  const [sha, authorName, authorEmail, date, subject] = line.split('\x1f');
  return { sha, authorName, authorEmail, date, subject };
}

/**
 * Blobs by request (`<sha>:<path>` or a blob's id), in one git process
 * (`cat-file --batch`), read as git prints them; a request that names no
 * blob is left out. A blob over `maxBytes` is not kept, only its size: its
 * bytes pass by as they come, so no file, however large, is held whole.
 * Requests hold no line break.
 */
async function catBlobs(
  git: Git,
  requests: string[],
  maxBytes: number,
): Promise<Map<string, string | { bytes: number }>> {
  const blobs = new Map<string, string | { bytes: number }>();
  if (requests.length === 0) return blobs;
  // Per request: `<object> <type> <size>` and the content and a line break,
  // or `<request> missing` (or ambiguous) alone.
  let next = 0;
  let header: Buffer[] = [];
  /** The blob being read: what is left of it, and what is kept of it. */
  let body: { request: string; left: number; kept?: Buffer[] } | undefined;
  const take = (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length) {
      if (body) {
        const part = chunk.subarray(at, at + body.left);
        body.kept?.push(part);
        body.left -= part.length;
        at += part.length;
        if (body.left === 0) {
          if (body.kept) {
            // Without the line break that ends it.
            const content = Buffer.concat(body.kept);
            blobs.set(
              body.request,
              content.subarray(0, content.length - 1).toString('utf8'),
            );
          }
          body = undefined;
        }
        continue;
      }
      const eol = chunk.indexOf(0x0a, at);
      header.push(chunk.subarray(at, eol < 0 ? chunk.length : eol));
      if (eol < 0) return;
      at = eol + 1;
      const line = Buffer.concat(header).toString('utf8');
      header = [];
      const request = requests[next++];
      // Anything else (`missing`, `ambiguous`) has no content after it.
      const found = /^[0-9a-f]{40,64} (\w+) (\d+)$/.exec(line);
      if (!found) continue;
      const size = Number(found[2]);
      const keep = found[1] === 'blob' && size <= maxBytes;
      if (found[1] === 'blob' && !keep) blobs.set(request, { bytes: size });
      body = { request, left: size + 1, kept: keep ? [] : undefined };
    }
  };
  await git.stream(
    ['cat-file', '--batch'],
    chunk => {
      take(chunk);
      return false;
    },
    { input: requests.map(r => `${r}\n`).join('') },
  );
  return blobs;
}

/** Where a commit of Glu's waits to be pushed (see `commitTree`). */
const COMMIT_REF = 'refs/glu/commit';

/**
 * A path as `git fast-import` reads it: as it is, unless it holds a line
 * break or starts with a double quote, then C-style quoted.
 */
function fastImportPath(file: string): string {
  if (!file.includes('\n') && !file.startsWith('"')) return file;
  return `"${file
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

/** At most this many paths go to one git process's command line. */
const PATHS_PER_PROCESS = 500;

/** A file at a commit, or why it cannot be written there. */
type FileAt = { mode: string; blob: string; content?: string } | Error;

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
  /**
   * Files read ahead of a commit (`readAhead`), at one head of one branch:
   * what that commit holds never changes, so the commit that builds on the
   * same head takes them as they are. Replaced by the next head's.
   */
  private ahead?: { key: string; files: Map<string, Promise<FileAt>> };

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

  /**
   * Runs git, with a deadline, and rethrows its errors without any secret in
   * them. Past the deadline, git and what it started are killed and the error
   * says so (503: the remote did not answer in time).
   */
  private async run<T>(
    baseDir: string,
    work: (git: Git) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.timeoutMillis);
    // The credentials travel as an http.extraHeader in GIT_CONFIG_* of Glu's
    // own making (see GitCredentials), never from elsewhere.
    const { env, secrets } = await this.credentials.forUrl(this.url);
    const git: Git = {
      raw: (args, options = {}) =>
        runGit(args, {
          cwd: baseDir,
          env: gitEnv({ ...env, ...options.env }),
          signal: deadline,
          input: options.input,
        }),
      stream: (args, read, options = {}) =>
        streamGit(
          args,
          {
            cwd: baseDir,
            env: gitEnv(env),
            signal: deadline,
            input: options.input,
          },
          read,
        ),
    };
    try {
      return await work(git);
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
          this.run(this.bareDir, git =>
            git.raw(['fetch', '--prune', '--quiet', 'origin']),
          ),
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

  /** Why a file cannot be read whole: it is over the limit of files. */
  private tooLarge(filePath: string, bytes: number): GluLimitError {
    return new GluLimitError(
      `${filePath} is ${formatBytes(bytes)}, over ${gluLimitSetting(
        'fileBytes',
      )} (${formatBytes(this.maxFileBytes)})`,
    );
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
    try {
      return await this.run(this.bareDir, async git => {
        const size = Number(
          await git.raw(['cat-file', '-s', `${sha}:${filePath}`]),
        );
        if (size > this.maxFileBytes) return this.tooLarge(filePath, size);
        return git.raw(['cat-file', 'blob', `${sha}:${filePath}`]);
      });
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

  /**
   * Files' contents at a commit, in one git process (`cat-file --batch`);
   * a file the commit does not have is left out, and one over the limit of
   * files is answered with why it is not read.
   */
  async readFiles(
    sha: string,
    paths: string[],
  ): Promise<Map<string, string | GluLimitError>> {
    const files = new Map<string, string | GluLimitError>();
    // One request per line: a path with a line break in it goes alone.
    const batchable = paths.filter(p => !/[\r\n]/.test(p));
    for (const single of paths.filter(p => /[\r\n]/.test(p))) {
      const content = await this.readFile(sha, single);
      if (content !== undefined) files.set(single, content);
    }
    if (batchable.length === 0) return files;
    await this.init();
    const blobs = await this.run(this.bareDir, git =>
      catBlobs(
        git,
        batchable.map(p => `${sha}:${p}`),
        this.maxFileBytes,
      ),
    );
    for (const file of batchable) {
      const content = blobs.get(`${sha}:${file}`);
      if (typeof content === 'object') {
        files.set(file, this.tooLarge(file, content.bytes));
      } else if (content !== undefined) {
        files.set(file, content);
      }
    }
    return files;
  }

  /**
   * The newest commit at or before `sha` that changed each file, from one
   * walk of the history (`since`: no further back than that commit); a file
   * no commit in the walk changed (one that came in by a merge) is asked
   * for alone.
   */
  async lastCommits(
    sha: string,
    paths: string[],
    since?: string,
  ): Promise<Map<string, CommitInfo>> {
    const found = new Map<string, CommitInfo>();
    const wanted = new Set(paths.map(p => path.posix.normalize(p)));
    if (wanted.size > 0) {
      await this.init();
      let text = '';
      const take = (record: string) => {
        const split = record.indexOf('\0');
        if (split < 0) return;
        const commit = commitInfoOf(record.slice(0, split));
        for (const file of record.slice(split + 1).split('\0')) {
          const name = file.replace(/^\n/, '');
          if (wanted.has(name) && !found.has(name)) found.set(name, commit);
        }
      };
      await this.run(this.bareDir, git =>
        git.stream(
          [
            'log',
            '-z',
            '--name-only',
            '--no-renames',
            `--format=%x1e${LOG_FORMAT}`,
            sha,
            ...(since ? [`^${since}`] : []),
            '--',
            ...wanted,
          ],
          chunk => {
            text += chunk.toString('utf8');
            // Every record but the last is whole.
            const records = text.split('\x1e');
            text = records.pop()!;
            records.forEach(take);
            return found.size === wanted.size;
          },
        ),
      );
      take(text);
    }
    for (const file of paths) {
      const name = path.posix.normalize(file);
      if (!found.has(name)) {
        const commit = await this.lastCommit(sha, file);
        if (commit) found.set(name, commit);
      }
    }
    return new Map(
      paths.flatMap(file => {
        const commit = found.get(path.posix.normalize(file));
        return commit ? [[file, commit] as const] : [];
      }),
    );
  }

  /** The newest commit at or before `sha` that changed the file. */
  async lastCommit(
    sha: string,
    filePath: string,
  ): Promise<CommitInfo | undefined> {
    await this.init();
    const out = await this.run(this.bareDir, git =>
      git.raw(['log', '-1', `--format=${LOG_FORMAT}`, sha, '--', filePath]),
    );
    const line = out.trim();
    return line ? commitInfoOf(line) : undefined;
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
      await this.run(this.bareDir, git =>
        git.raw(['merge-base', '--is-ancestor', earlier, sha]),
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
    const out = await this.run(this.bareDir, git =>
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
    return this.run(this.bareDir, git =>
      git.raw(['diff', fromSha, toSha, '--', filePath]),
    );
  }

  /**
   * Files of a branch's head as last fetched, read ahead of a commit that
   * will edit them (edits announced while they are planned), in one
   * `ls-tree` and one `cat-file`: the commit that builds on that head starts
   * with them. Files already read at that head are not read again.
   */
  async readAhead(branch: string, paths: string[]): Promise<void> {
    await this.init();
    const head = await this.head(branch);
    if (!head) return;
    const files = this.filesAhead(branch, head, true)!;
    const missing = [
      ...new Set(paths.map(p => path.posix.normalize(p))),
    ].filter(p => !files.has(p));
    if (missing.length === 0) return;
    const read = this.run(this.bareDir, git =>
      this.filesAt(git, head, missing, branch),
    );
    for (const file of missing) {
      const one = read.then(found => found.get(file)!);
      // A read that failed is made again by the commit.
      one.catch(() => {
        if (files.get(file) === one) files.delete(file);
      });
      files.set(file, one);
    }
    await read.catch(() => undefined);
  }

  /** The files read ahead at a branch's head (made anew for a new head). */
  private filesAhead(
    branch: string,
    head: string,
    create = false,
  ): Map<string, Promise<FileAt>> | undefined {
    const key = `${branch}\0${head}`;
    if (this.ahead?.key !== key) {
      if (!create) return undefined;
      this.ahead = { key, files: new Map() };
    }
    return this.ahead.files;
  }

  /**
   * Files at a commit, by normalized path, each with its mode, blob and
   * content, or the error that says why it cannot be written: those read
   * ahead at that head as they were read, the others in one `ls-tree` and
   * one `cat-file` now.
   */
  private async filesFor(
    git: Git,
    head: string,
    filePaths: string[],
    branch: string,
  ): Promise<Map<string, FileAt>> {
    const ahead = this.filesAhead(branch, head);
    const files = new Map<string, FileAt>();
    const missing: string[] = [];
    await Promise.all(
      [...new Set(filePaths.map(p => path.posix.normalize(p)))].map(
        async file => {
          const read = await ahead?.get(file)?.catch(() => undefined);
          if (read) files.set(file, read);
          else missing.push(file);
        },
      ),
    );
    if (missing.length > 0) {
      for (const [file, at] of await this.filesAt(git, head, missing, branch)) {
        files.set(file, at);
      }
    }
    return files;
  }

  /**
   * Files at a commit, by normalized path, in one `ls-tree` and one
   * `cat-file`: each with its mode, blob and content, or the error that
   * says why it cannot be written.
   */
  private async filesAt(
    git: Git,
    commit: string,
    filePaths: string[],
    branch: string,
  ): Promise<Map<string, FileAt>> {
    const entries = await this.entriesOf(git, commit, filePaths, branch);
    const blobs = await catBlobs(
      git,
      [
        ...new Set(
          [...entries.values()].flatMap(e =>
            e instanceof Error ? [] : [e.blob],
          ),
        ),
      ],
      this.maxFileBytes,
    );
    const files = new Map<string, FileAt>();
    for (const [file, entry] of entries) {
      const content =
        entry instanceof Error ? undefined : blobs.get(entry.blob);
      if (entry instanceof Error) {
        files.set(file, entry);
      } else if (typeof content === 'object') {
        // Too large to edit: a conflict with what the branch holds.
        files.set(
          file,
          new ConflictError(this.tooLarge(file, content.bytes).message),
        );
      } else {
        files.set(file, { ...entry, content });
      }
    }
    return files;
  }

  /**
   * The mode and blob of files at a commit, refusing a path that leads out
   * of the repository or through a symbolic link: git's own tree says, with
   * no work tree to follow links in. One `ls-tree` for them all; a path that
   * cannot be written has its error instead, by its normalized path.
   */
  private async entriesOf(
    git: Git,
    commit: string,
    filePaths: string[],
    branch: string,
  ): Promise<Map<string, { mode: string; blob: string } | Error>> {
    const entries = new Map<string, { mode: string; blob: string } | Error>();
    // By normalized path: the path as asked, and its leading directories.
    const prefixesOf = new Map<string, { asked: string; parts: string[] }>();
    for (const filePath of filePaths) {
      const normalized = path.posix.normalize(filePath);
      if (
        path.posix.isAbsolute(normalized) ||
        normalized === '..' ||
        normalized.startsWith('../')
      ) {
        entries.set(
          normalized,
          new InputError(`The path "${filePath}" leaves the repository`),
        );
        continue;
      }
      const parts = normalized.split('/');
      prefixesOf.set(normalized, {
        asked: filePath,
        parts: parts.map((_, i) => parts.slice(0, i + 1).join('/')),
      });
    }
    const prefixes = [
      ...new Set([...prefixesOf.values()].flatMap(p => p.parts)),
    ];
    const listed = new Map<string, { mode: string; blob: string }>();
    for (let i = 0; i < prefixes.length; i += PATHS_PER_PROCESS) {
      const out = await git.raw([
        'ls-tree',
        '-z',
        commit,
        '--',
        ...prefixes.slice(i, i + PATHS_PER_PROCESS),
      ]);
      for (const line of out.split('\0').filter(Boolean)) {
        const tab = line.indexOf('\t');
        const [mode, , blob] = line.slice(0, tab).split(' ');
        listed.set(line.slice(tab + 1), { mode, blob });
      }
    }
    for (const [normalized, { asked, parts }] of prefixesOf) {
      const entry = listed.get(normalized);
      if (parts.slice(0, -1).some(p => listed.get(p)?.mode === '120000')) {
        entries.set(
          normalized,
          new InputError(`The path "${asked}" goes through a symbolic link`),
        );
      } else if (entry?.mode === '120000') {
        entries.set(
          normalized,
          new InputError(`The path "${asked}" is a symbolic link`),
        );
      } else if (!entry || !/^100(644|755)$/.test(entry.mode)) {
        entries.set(
          normalized,
          new ConflictError(`The file ${asked} does not exist on ${branch}`),
        );
      } else {
        entries.set(normalized, entry);
      }
    }
    return entries;
  }

  /** Deletes a branch of the remote, if it is there. */
  async deleteBranch(branch: string): Promise<void> {
    await this.mutex.run(async () => {
      await this.init();
      await this.traced('delete-branch', { [ATTR.HEAD_NAME]: branch }, () =>
        this.deleteRemoteBranch(branch),
      );
    });
  }

  private async deleteRemoteBranch(branch: string): Promise<void> {
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
        const results: FileEditResult[] = [];
        // Each changed file's mode and new content, by path.
        const written = new Map<string, { mode: string; content: string }>();
        const changed: FileEdit[] = [];
        // Edits of one file in one batch apply on top of each other.
        const contents = new Map<string, string>();
        await this.run(this.bareDir, async git => {
          const entries = await this.filesFor(
            git,
            head,
            options.edits.map(e => e.path),
            options.branch,
          );
          for (const edit of options.edits) {
            const file = path.posix.normalize(edit.path);
            const entry = entries.get(file)!;
            const before =
              entry instanceof Error
                ? undefined
                : contents.get(file) ?? entry.content;
            if (entry instanceof Error || before === undefined) {
              results.push({
                changed: false,
                error:
                  entry instanceof Error
                    ? entry
                    : new ConflictError(
                        `The file ${edit.path} could not be read on ${options.branch}`,
                      ),
                sha: head,
                before: '',
                after: '',
              });
              continue;
            }
            let after: string;
            try {
              after = await edit.apply(before);
            } catch (error) {
              // The file as it is cannot take the change (it no longer
              // parses, the container is gone): a conflict with what is there.
              results.push({
                changed: false,
                error: new ConflictError(
                  `Could not write ${edit.path} on ${options.branch}: ${
                    error instanceof Error ? error.message : String(error)
                  }`,
                ),
                sha: head,
                before,
                after: before,
              });
              continue;
            }
            if (after !== before) {
              written.set(file, { mode: entry.mode, content: after });
              changed.push(edit);
            }
            contents.set(file, after);
            results.push({
              changed: after !== before,
              sha: head,
              before,
              after,
            });
          }
        });
        if (changed.length === 0) {
          if (known) continue;
          return results;
        }

        const message =
          changed.length === 1
            ? `${changed[0].message.subject}\n\n${changed[0].message.body}`
            : `glu: ${changed.length} changes\n\n${changed
                .map(e => `${e.message.subject}\n${e.message.body}`)
                .join('\n\n')}`;
        const target = options.pushTo ?? options.branch;
        const sha = await this.traced(
          'commit',
          {
            [ATTR.HEAD_NAME]: target,
            'glu.git.changes': changed.length,
            'glu.git.attempt': attempt,
          },
          async span => {
            const made = await this.run(this.bareDir, git =>
              this.commitTree(git, head, written, message, options.author),
            );
            span.setAttribute(ATTR.HEAD_REVISION, made);
            return made;
          },
        );
        try {
          await this.traced(
            'push',
            {
              [ATTR.HEAD_NAME]: target,
              [ATTR.HEAD_REVISION]: sha,
              'glu.git.attempt': attempt,
            },
            () =>
              this.run(this.bareDir, git =>
                git.raw([
                  'push',
                  '--porcelain',
                  // A proposal replaces what Glu's own branch held; the
                  // branch itself moves only from the head it was built on.
                  options.pushTo
                    ? '--force'
                    : `--force-with-lease=refs/heads/${target}:${head}`,
                  'origin',
                  `${sha}:refs/heads/${target}`,
                ]),
              ),
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
          // What the remote branch holds now (a push that answers sets it).
          await this.run(this.bareDir, git =>
            git.raw(['update-ref', `refs/remotes/origin/${target}`, sha]),
          );
        }
        return results.map(r => (r.changed ? { ...r, sha } : r));
      }
    });
  }

  /**
   * A commit of these files on top of `parent`, made from git's objects
   * alone, by one git process: `fast-import` writes the blobs, the trees and
   * the commit from one stream and answers the commit's id. No work tree is
   * checked out, reset or cleaned, however large the repository; no index
   * or scratch file is written. The commit is kept under a ref of Glu's own
   * (`refs/glu/commit`, replaced by the next one) until it is pushed.
   */
  private async commitTree(
    git: Git,
    parent: string,
    files: Map<string, { mode: string; content: string }>,
    message: string,
    author: CommitAuthor,
  ): Promise<string> {
    const data = (text: string) =>
      `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
    const person = `${author.name} <${author.email}> ${Math.floor(
      Date.now() / 1000,
    )} +0000`;
    const stream = [
      'feature done\n',
      `commit ${COMMIT_REF}\n`,
      'mark :1\n',
      `author ${person}\n`,
      `committer ${person}\n`,
      data(message.endsWith('\n') ? message : `${message}\n`),
      `from ${parent}\n`,
      ...[...files].map(
        ([file, { mode, content }]) =>
          `M ${mode} inline ${fastImportPath(file)}\n${data(content)}`,
      ),
      '\n',
      'get-mark :1\n',
      'done\n',
    ].join('');
    const out = await git.raw(['fast-import', '--quiet', '--force'], {
      input: stream,
    });
    const sha = out.trim().split('\n').pop()!;
    if (!/^[0-9a-f]{40,64}$/.test(sha)) {
      throw new Error(`git fast-import answered no commit: ${out.trim()}`);
    }
    return sha;
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
