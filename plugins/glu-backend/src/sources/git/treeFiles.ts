/*
 * The files a commit edits, as git's own tree holds them: each one's mode,
 * blob and content, or why it cannot be written (a path that leaves the
 * repository or goes through a symbolic link, a file missing or over the
 * limit of files); and those read ahead of a commit, at one head.
 */
import { ConflictError, InputError } from '@backstage/errors';
import { repositoryPathProblem } from '@glu-dev/plugin-glu-common';
import path from 'node:path';
import { Git } from './gitCommands';
import { catBlobs } from './plumbing';
import { tooLarge } from './reading';

/** A file at a commit, or why it cannot be written there. */
export type FileAt = { mode: string; blob: string; content?: string } | Error;

/** At most this many paths go to one git process's command line. */
const PATHS_PER_PROCESS = 500;

/**
 * The mode and blob of files at a commit, refusing a path that leads out
 * of the repository or through a symbolic link: git's own tree says, with
 * no work tree to follow links in. One `ls-tree` for them all; a path that
 * cannot be written has its error instead, by its normalized path.
 */
async function entriesOf(
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
    // The rule a definition's path is held to, checked again where it is
    // written: a definition is not the only caller.
    const problem = repositoryPathProblem(filePath);
    if (problem) {
      entries.set(normalized, new InputError(`The path ${problem}`));
      continue;
    }
    const parts = normalized.split('/');
    prefixesOf.set(normalized, {
      asked: filePath,
      parts: parts.map((_, i) => parts.slice(0, i + 1).join('/')),
    });
  }
  const prefixes = [...new Set([...prefixesOf.values()].flatMap(p => p.parts))];
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

/**
 * Files at a commit, by normalized path, in one `ls-tree` and one
 * `cat-file`: each with its mode, blob and content, or the error that
 * says why it cannot be written.
 */
async function filesAt(
  git: Git,
  commit: string,
  filePaths: string[],
  branch: string,
  maxFileBytes: number,
): Promise<Map<string, FileAt>> {
  const entries = await entriesOf(git, commit, filePaths, branch);
  const blobs = await catBlobs(
    git.plumbing,
    [
      ...new Set(
        [...entries.values()].flatMap(e =>
          e instanceof Error ? [] : [e.blob],
        ),
      ),
    ],
    maxFileBytes,
  );
  const files = new Map<string, FileAt>();
  for (const [file, entry] of entries) {
    const content = entry instanceof Error ? undefined : blobs.get(entry.blob);
    if (entry instanceof Error) {
      files.set(file, entry);
    } else if (typeof content === 'object') {
      // Too large to edit: a conflict with what the branch holds.
      files.set(
        file,
        new ConflictError(tooLarge(file, content.bytes, maxFileBytes).message),
      );
    } else {
      files.set(file, { ...entry, content });
    }
  }
  return files;
}

/**
 * Files read ahead of a commit, at one head of one branch: what that commit
 * holds never changes, so the commit that builds on the same head takes
 * them as they are. Replaced by the next head's.
 */
export class FilesAhead {
  private ahead?: { key: string; files: Map<string, Promise<FileAt>> };

  /** The files read ahead at a branch's head (made anew for a new head). */
  at(
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
   * Reads files at a head ahead of the commit that will build on it, in one
   * `ls-tree` and one `cat-file` (run under the deadline by `run`); files
   * already read at that head are not read again, and a read that failed is
   * made again by the commit.
   */
  async readAhead(
    run: <T>(work: (git: Git) => Promise<T>) => Promise<T>,
    head: string,
    paths: string[],
    branch: string,
    maxFileBytes: number,
  ): Promise<void> {
    const files = this.at(branch, head, true)!;
    const missing = [
      ...new Set(paths.map(p => path.posix.normalize(p))),
    ].filter(p => !files.has(p));
    if (missing.length === 0) return;
    const read = run(git =>
      this.filesAt(git, head, missing, branch, maxFileBytes),
    );
    for (const file of missing) {
      const one = read.then(found => found.get(file)!);
      one.catch(() => {
        if (files.get(file) === one) files.delete(file);
      });
      files.set(file, one);
    }
    await read.catch(() => undefined);
  }

  /**
   * Files at a commit, read now (see `filesAt`): every read of files for a
   * commit, ahead of it or by it, is made here.
   */
  filesAt(
    git: Git,
    commit: string,
    filePaths: string[],
    branch: string,
    maxFileBytes: number,
  ): Promise<Map<string, FileAt>> {
    return filesAt(git, commit, filePaths, branch, maxFileBytes);
  }

  /**
   * Files at a commit, by normalized path, each with its mode, blob and
   * content, or the error that says why it cannot be written: those read
   * ahead at that head as they were read, the others in one `ls-tree` and
   * one `cat-file` now.
   */
  async filesFor(
    git: Git,
    head: string,
    filePaths: string[],
    branch: string,
    maxFileBytes: number,
  ): Promise<Map<string, FileAt>> {
    const ahead = this.at(branch, head);
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
      const read = await this.filesAt(git, head, missing, branch, maxFileBytes);
      for (const [file, at] of read) files.set(file, at);
    }
    return files;
  }
}
