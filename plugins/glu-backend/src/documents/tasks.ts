import { GluFormat } from '@glu-dev/plugin-glu-node';
import { formatsWithin } from '../formats';
import { YamlLimits } from '../formats/yamlParse';
import { isMainThread } from 'node:worker_threads';
import { ChartIndexEntries, readChartIndex } from './chartIndex';
import { filePatch } from './diff';

/**
 * Work on a document read from outside, the same on any thread: plain data
 * in, plain data out.
 */
export type DocumentTask =
  | {
      kind: 'read';
      /** A built-in format's type. */
      format: string;
      content: string;
      config: Record<string, unknown>;
    }
  | {
      kind: 'write';
      format: string;
      content: string;
      fields: Record<string, string>;
      config: Record<string, unknown>;
    }
  | {
      kind: 'diff';
      /** The file's path, for the diff's headers. */
      path: string;
      before: string;
      after: string;
    }
  | {
      kind: 'chart-index';
      /** The index's bytes, handed over to the thread that reads them. */
      bytes: ArrayBuffer;
    };

/** What each kind of task answers. */
export interface DocumentTaskResults {
  read: Record<string, string>;
  write: string;
  diff: string;
  'chart-index': ChartIndexEntries;
}

/** How much text a task reads, in characters or bytes. */
export function taskSize(task: DocumentTask): number {
  if (task.kind === 'chart-index') return task.bytes.byteLength;
  if (task.kind === 'diff') return task.before.length + task.after.length;
  return task.content.length;
}

/**
 * How long a diff may compare line by line: briefly where the event loop
 * waits for it, longer in a worker (see `filePatch`).
 */
const DIFF_BUDGET_MILLIS = isMainThread ? 20 : 2_000;

/** The built-in formats of each set of limits this thread was asked with. */
const formats = new Map<string, Map<string, GluFormat>>();

function formatOf(type: string, limits: YamlLimits): GluFormat {
  const key = `${limits.yamlDepth}/${limits.yamlNodes}`;
  let byType = formats.get(key);
  if (!byType) {
    byType = new Map(formatsWithin(limits).map(f => [f.type, f]));
    formats.set(key, byType);
  }
  const format = byType.get(type);
  if (!format) throw new Error(`${type} is not a built-in format`);
  return format;
}

/** Does a task, on the thread it is called on. */
export async function runDocumentTask(
  task: DocumentTask,
  limits: YamlLimits,
): Promise<DocumentTaskResults[DocumentTask['kind']]> {
  switch (task.kind) {
    case 'read':
      return formatOf(task.format, limits).read(task);
    case 'write':
      return formatOf(task.format, limits).write(task);
    case 'diff':
      return filePatch(task.path, task.before, task.after, DIFF_BUDGET_MILLIS);
    default:
      return readChartIndex(new TextDecoder().decode(task.bytes), limits);
  }
}
