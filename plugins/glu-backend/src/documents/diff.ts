import { formatPatch, PatchOptions, structuredPatch } from 'diff';

/** The lines of a text, and whether its last one ends with a line break. */
function linesOf(text: string): { lines: string[]; ended: boolean } {
  if (text === '') return { lines: [], ended: true };
  const ended = text.endsWith('\n');
  return { lines: (ended ? text.slice(0, -1) : text).split('\n'), ended };
}

/**
 * The unified diff of a file between two versions (`a/<path>`, `b/<path>`,
 * three lines of context). Comparing line by line takes time that grows
 * with the lines times the differences, so it has a budget: two versions
 * that differ too much to compare within it get the diff that replaces the
 * whole file, which is as true and takes time that grows with the lines.
 */
export function filePatch(
  path: string,
  before: string,
  after: string,
  budgetMillis: number,
): string {
  const [a, b] = [`a/${path}`, `b/${path}`];
  // The diff package takes `timeout` (its types do not say so yet).
  const options: PatchOptions & { timeout: number } = {
    context: 3,
    timeout: budgetMillis,
  };
  const patch = structuredPatch(
    a,
    b,
    before,
    after,
    undefined,
    undefined,
    options,
  );
  if (patch) return formatPatch(patch);
  const old = linesOf(before);
  const fresh = linesOf(after);
  const side = (sign: string, { lines, ended }: typeof old) => [
    ...lines.map(line => `${sign}${line}`),
    ...(ended ? [] : ['\\ No newline at end of file']),
  ];
  return formatPatch({
    oldFileName: a,
    newFileName: b,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [
      {
        // From line 1 even when empty: formatPatch writes an empty side as 0.
        oldStart: 1,
        oldLines: old.lines.length,
        newStart: 1,
        newLines: fresh.lines.length,
        lines: [...side('-', old), ...side('+', fresh)],
      },
    ],
  });
}
