/*
 * Edits of files and what they turned out to be: applied in memory, on top
 * of each other, to the files a commit holds, before anything is written.
 */
import { ConflictError } from '@backstage/errors';
import path from 'node:path';
import { FileAt } from './treeFiles';

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

/**
 * Applies edits to the files at `head`, in order: edits of one file apply on
 * top of each other. Answers each edit's result, the edits that changed
 * something, and each changed file's mode and new content by path.
 */
export async function applyEdits(
  edits: FileEdit[],
  files: Map<string, FileAt>,
  head: string,
  branch: string,
): Promise<{
  results: FileEditResult[];
  changed: FileEdit[];
  written: Map<string, { mode: string; content: string }>;
}> {
  const results: FileEditResult[] = [];
  const written = new Map<string, { mode: string; content: string }>();
  const changed: FileEdit[] = [];
  const contents = new Map<string, string>();
  for (const edit of edits) {
    const file = path.posix.normalize(edit.path);
    const entry = files.get(file)!;
    const before =
      entry instanceof Error ? undefined : contents.get(file) ?? entry.content;
    if (entry instanceof Error || before === undefined) {
      results.push({
        changed: false,
        error:
          entry instanceof Error
            ? entry
            : new ConflictError(
                `The file ${edit.path} could not be read on ${branch}`,
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
      // The file as it is cannot take the change (it no longer parses, the
      // container is gone): a conflict with what is there.
      results.push({
        changed: false,
        error: new ConflictError(
          `Could not write ${edit.path} on ${branch}: ${
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
    results.push({ changed: after !== before, sha: head, before, after });
  }
  return { results, changed, written };
}

/** The message of one commit of these edits. */
export function commitMessageOf(changed: FileEdit[]): string {
  return changed.length === 1
    ? `${changed[0].message.subject}\n\n${changed[0].message.body}`
    : `glu: ${changed.length} changes\n\n${changed
        .map(e => `${e.message.subject}\n${e.message.body}`)
        .join('\n\n')}`;
}
