/*
 * Reading a clone: files at a commit (one at a time, or many in one
 * `cat-file --batch`), the last commit that changed each file (one walk of
 * the history), and what differs between two commits.
 */
import path from 'node:path';
import {
  formatBytes,
  GluLimitError,
  gluLimitSetting,
} from '@glu-dev/plugin-glu-node';
import { Git } from './gitCommands';
import { catBlobs, streamGit } from './plumbing';

export interface CommitInfo {
  sha: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
}

const LOG_FORMAT = '%H%x1f%an%x1f%ae%x1f%cI%x1f%s';

function commitInfoOf(line: string): CommitInfo {
  const [sha, authorName, authorEmail, date, subject] = line.split('\x1f');
  return { sha, authorName, authorEmail, date, subject };
}

/** Why a file cannot be read whole: it is over the limit of files. */
export function tooLarge(
  filePath: string,
  bytes: number,
  maxFileBytes: number,
): GluLimitError {
  return new GluLimitError(
    `${filePath} is ${formatBytes(bytes)}, over ${gluLimitSetting(
      'fileBytes',
    )} (${formatBytes(maxFileBytes)})`,
  );
}

/**
 * A file's content at a commit, or undefined when it has no such file, or
 * why it is not read (over the limit of files).
 */
export async function readFile(
  git: Git,
  sha: string,
  filePath: string,
  maxFileBytes: number,
): Promise<string | GluLimitError | undefined> {
  try {
    const size = Number(
      await git.raw(['cat-file', '-s', `${sha}:${filePath}`]),
    );
    if (size > maxFileBytes) return tooLarge(filePath, size, maxFileBytes);
    return await git.raw(['cat-file', 'blob', `${sha}:${filePath}`]);
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
export async function readFiles(
  git: Git,
  sha: string,
  paths: string[],
  maxFileBytes: number,
): Promise<Map<string, string | GluLimitError>> {
  const files = new Map<string, string | GluLimitError>();
  // One request per line: a path with a line break in it goes alone.
  const batchable = paths.filter(p => !/[\r\n]/.test(p));
  for (const single of paths.filter(p => /[\r\n]/.test(p))) {
    const content = await readFile(git, sha, single, maxFileBytes);
    if (content !== undefined) files.set(single, content);
  }
  if (batchable.length === 0) return files;
  const blobs = await catBlobs(
    git.plumbing,
    batchable.map(p => `${sha}:${p}`),
    maxFileBytes,
  );
  for (const file of batchable) {
    const content = blobs.get(`${sha}:${file}`);
    if (typeof content === 'object') {
      files.set(file, tooLarge(file, content.bytes, maxFileBytes));
    } else if (content !== undefined) {
      files.set(file, content);
    }
  }
  return files;
}

/**
 * The newest commit at or before `sha` that changed each file, from one
 * walk of the history (`since`: no further back than that commit), which
 * stops as soon as every file is found; a file no commit in the walk
 * changed (one that came in by a merge) is asked for alone.
 */
export async function lastCommits(
  git: Git,
  sha: string,
  paths: string[],
  since?: string,
): Promise<Map<string, CommitInfo>> {
  const found = new Map<string, CommitInfo>();
  const wanted = new Set(paths.map(p => path.posix.normalize(p)));
  if (wanted.size > 0) {
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
    await streamGit(
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
      git.plumbing,
      chunk => {
        text += chunk.toString('utf8');
        // Every record but the last is whole.
        const records = text.split('\x1e');
        text = records.pop()!;
        records.forEach(take);
        return found.size === wanted.size;
      },
    );
    take(text);
  }
  for (const file of paths) {
    const name = path.posix.normalize(file);
    if (!found.has(name)) {
      const commit = await lastCommit(git, sha, file);
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
export async function lastCommit(
  git: Git,
  sha: string,
  filePath: string,
): Promise<CommitInfo | undefined> {
  const out = await git.raw([
    'log',
    '-1',
    `--format=${LOG_FORMAT}`,
    sha,
    '--',
    filePath,
  ]);
  const line = out.trim();
  return line ? commitInfoOf(line) : undefined;
}
