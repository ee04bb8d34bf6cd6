/*
 * The files a commit edits, as git's own tree holds them: each one's mode,
 * blob and content, or why it cannot be written (a path that leaves the
 * repository or goes through a symbolic link, a file missing or over the
 * limit of files).
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
export async function filesAt(
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
