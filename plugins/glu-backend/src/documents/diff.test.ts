import { gluLimits } from '@glu-dev/plugin-glu-node';
import { applyPatch } from 'diff';
import { watchDocumentWork } from '../__testUtils__/documentWork';
import { filePatch } from './diff';
import { DocumentThreads, MAIN_THREAD_SIZE } from './DocumentThreads';

jest.mock('./tasks', () =>
  require('../__testUtils__/documentWork').watchedTasks(),
);

jest.setTimeout(120_000);

describe('diffs of files', () => {
  it('shows a small change as its lines, with three lines of context', () => {
    const before = 'a: 1\nb: 2\nc: 3\nd: 4\nimage: app:1.0.0\ne: 5\n';
    const after = before.replace('app:1.0.0', 'app:1.1.0');
    expect(filePatch('env/values.yaml', before, after, 1_000)).toBe(
      [
        '===================================================================',
        '--- a/env/values.yaml',
        '+++ b/env/values.yaml',
        '@@ -2,5 +2,5 @@',
        ' b: 2',
        ' c: 3',
        ' d: 4',
        '-image: app:1.0.0',
        '+image: app:1.1.0',
        ' e: 5',
        '',
      ].join('\n'),
    );
  });

  it('gives two large versions that differ everywhere a diff that turns one into the other, made off the event loop', async () => {
    // Comparing them line by line would take minutes: every line differs.
    const lines = (seed: string) =>
      Array.from({ length: 50_000 }, (_, i) => `${seed}-${i}: value`).join(
        '\n',
      );
    const before = `${lines('old')}\n`;
    const after = lines('new');
    const threads = new DocumentThreads(gluLimits());
    try {
      const { result, largestOnMainThread, largestInWorkers } =
        await watchDocumentWork(() =>
          threads.run({ kind: 'diff', path: 'values.yaml', before, after }),
        );
      expect(applyPatch(before, result)).toBe(after);
      expect(result).toContain('\n\\ No newline at end of file\n');
      expect(largestInWorkers).toBe(before.length + after.length);
      expect(largestOnMainThread).toBeLessThanOrEqual(MAIN_THREAD_SIZE);
    } finally {
      await threads.close();
    }
  });
});
