/*
 * Git's plumbing, in one place: a git process whose output is read as it
 * comes (`streamGit`) or whole (`outputOf`), blobs read by request with a size limit
 * (`cat-file --batch`), and a commit made from one stream (`fast-import`).
 * Each git runs in a process group of its own, killed whole at its deadline
 * or once its reader has what it needs; spawner.ts decides what starts it.
 */
import { gitRunner } from './spawner';

/** How one git process runs. */
export interface PlumbingOptions {
  /** The repository it runs in. */
  cwd: string;
  /** Its whole environment. */
  env: Record<string, string>;
  /** Past this signal, git and everything it started is killed. */
  signal: AbortSignal;
}

/** A git command that failed: what it printed on its standard error. */
export class GitCommandError extends Error {
  constructor(message: string, readonly exitCode: number | null) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/**
 * Runs one git command, writes `input` to it, and hands what it prints to
 * `read` as it comes; once `read` answers true (it has what it needs), git
 * is stopped and the command counts as done. It answers as soon as git has
 * exited and closed its output.
 */
export function streamGit(
  args: string[],
  options: PlumbingOptions & { input?: string },
  read: (chunk: Buffer) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const stderr: Buffer[] = [];
    let enough = false;
    let settled = false;
    const git = gitRunner().startGit(
      { args, cwd: options.cwd, env: options.env, input: options.input },
      {
        stdout: chunk => {
          if (enough) return;
          if (read(chunk)) {
            enough = true;
            git.kill();
          }
        },
        stderr: chunk => stderr.push(chunk),
      },
    );
    const kill = () => git.kill();
    signal.addEventListener('abort', kill, { once: true });
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', kill);
      if (error === undefined) resolve();
      else reject(error);
    };
    git.exited.then(
      code => {
        if (signal.aborted) {
          settle(signal.reason);
        } else if (code === 0 || enough) {
          settle();
        } else {
          const err = Buffer.concat(stderr).toString('utf8').trim();
          settle(
            new GitCommandError(
              err || `git ${args[0]} failed with exit code ${code}`,
              code,
            ),
          );
        }
      },
      error => settle(error),
    );
  });
}

/**
 * As `streamGit`, answering all that git printed: for plumbing that may
 * print nothing (`update-ref`, `merge-base --is-ancestor`), which simple-git
 * would hold for 50 ms after it exits, waiting for output.
 */
export async function outputOf(
  args: string[],
  options: PlumbingOptions & { input?: string },
): Promise<string> {
  const out: Buffer[] = [];
  await streamGit(args, options, chunk => {
    out.push(chunk);
    return false;
  });
  return Buffer.concat(out).toString('utf8');
}

/**
 * Blobs by request (`<sha>:<path>` or a blob's id), in one git process
 * (`cat-file --batch`), read as git prints them; a request that names no
 * blob is left out. A blob over `maxBytes` is not kept, only its size: its
 * bytes pass by as they come, so no file, however large, is held whole.
 * Requests hold no line break.
 */
export async function catBlobs(
  options: PlumbingOptions,
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
  await streamGit(
    ['cat-file', '--batch'],
    { ...options, input: requests.map(r => `${r}\n`).join('') },
    chunk => {
      take(chunk);
      return false;
    },
  );
  return blobs;
}

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

/** A commit for `fastImport` to make. */
export interface NewCommit {
  /** The ref it is kept under until it is pushed, replaced each time. */
  ref: string;
  parent: string;
  /** Each changed file's mode and content, by path. */
  files: Map<string, { mode: string; content: string }>;
  message: string;
  author: { name: string; email: string };
  /** When it is made (epoch milliseconds). */
  at: number;
}

/**
 * A commit of files on top of its parent, made from git's objects alone by
 * one git process: `fast-import` writes the blobs, the trees and the commit
 * from one stream and answers the commit's id. No work tree, index or
 * scratch file is written, however large the repository.
 */
export async function fastImport(
  options: PlumbingOptions,
  commit: NewCommit,
): Promise<string> {
  const data = (text: string) =>
    `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
  const { author, message } = commit;
  const person = `${author.name} <${author.email}> ${Math.floor(
    commit.at / 1000,
  )} +0000`;
  const stream = [
    'feature done\n',
    `commit ${commit.ref}\n`,
    'mark :1\n',
    `author ${person}\n`,
    `committer ${person}\n`,
    data(message.endsWith('\n') ? message : `${message}\n`),
    `from ${commit.parent}\n`,
    ...[...commit.files].map(
      ([file, { mode, content }]) =>
        `M ${mode} inline ${fastImportPath(file)}\n${data(content)}`,
    ),
    '\n',
    'get-mark :1\n',
    'done\n',
  ].join('');
  const out = await outputOf(['fast-import', '--quiet', '--force'], {
    ...options,
    input: stream,
  });
  const sha = out.trim().split('\n').pop()!;
  if (!/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new Error(`git fast-import answered no commit: ${out.trim()}`);
  }
  return sha;
}
