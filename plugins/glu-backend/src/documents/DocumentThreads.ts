import { GluLimitError } from '@glu-dev/plugin-glu-node';
import {
  isMainThread,
  parentPort,
  Worker,
  workerData,
} from 'node:worker_threads';
import { YamlFormatError, YamlLimits } from '../formats/yamlParse';
import {
  DocumentTask,
  DocumentTaskResults,
  runDocumentTask,
  taskSize,
} from './tasks';

/**
 * Documents up to this many characters (or bytes) are parsed where they are
 * asked for: a few milliseconds of work, less than a trip to a worker and
 * back. Larger ones go to a worker thread.
 */
export const MAIN_THREAD_SIZE = 8 * 1024;

/** What marks a worker as one of these, in its `workerData`. */
const MARK = 'gluDocumentThread';

/** An error as it crosses between threads: its name and message. */
interface ErrorData {
  name: string;
  message: string;
}

type Answer = { id: number } & (
  | { result: DocumentTaskResults[DocumentTask['kind']] }
  | { error: ErrorData }
);

/** The error a worker answered, as the kind it was where it was thrown. */
function errorOf({ name, message }: ErrorData): Error {
  if (name === 'GluLimitError') return new GluLimitError(message);
  if (name === 'YamlFormatError') return new YamlFormatError(message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A worker started from this very module: its built form, or its source
 * with the TypeScript loader that runs the backend from source (tests,
 * `backstage-cli package start`).
 */
function startWorker(limits: YamlLimits): Worker {
  const data = { [MARK]: true, limits };
  if (!__filename.endsWith('.ts')) {
    return new Worker(__filename, { workerData: data });
  }
  const loader = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
  );
  return new Worker(
    `require(${JSON.stringify(loader)}); require(${JSON.stringify(
      __filename,
    )});`,
    { eval: true, workerData: data },
  );
}

/**
 * One worker thread for one kind of work, started when first needed: its
 * tasks run one after another, in the order they were given. If it fails
 * (a crash, its memory exhausted), its tasks fail with it and the next one
 * starts another. It keeps the backend running only while it has work.
 */
class WorkerLane {
  /** The worker, and the tasks it was given that it has not answered. */
  private current?: {
    worker: Worker;
    pending: Map<
      number,
      { resolve(result: unknown): void; reject(error: Error): void }
    >;
  };
  private nextId = 1;

  constructor(private readonly limits: YamlLimits) {}

  run(task: DocumentTask): Promise<unknown> {
    const { worker, pending } = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(
        { id, task },
        task.kind === 'chart-index' ? [task.bytes] : [],
      );
    });
  }

  private start() {
    if (this.current) return this.current;
    const worker = startWorker(this.limits);
    const current = { worker, pending: new Map() };
    // Its tasks fail with it; the next task starts another.
    const fail = (error: Error) => {
      if (this.current === current) this.current = undefined;
      for (const { reject } of current.pending.values()) reject(error);
      current.pending.clear();
    };
    worker.on('message', (answer: Answer) => {
      const task = current.pending.get(answer.id);
      current.pending.delete(answer.id);
      if (current.pending.size === 0) worker.unref();
      if (!task) return;
      if ('error' in answer) task.reject(errorOf(answer.error));
      else task.resolve(answer.result);
    });
    worker.on('error', (error: Error) =>
      fail(new Error(`The document thread failed: ${error.message}`)),
    );
    worker.on('exit', code =>
      fail(new Error(`The document thread stopped (${code})`)),
    );
    worker.unref();
    this.current = current;
    return current;
  }

  async close(): Promise<void> {
    await this.current?.worker.terminate();
  }
}

/**
 * Where documents read from outside are parsed and edited: small ones where
 * they are asked for, in bounded time; large ones in worker threads, so
 * that no document, however large or hostile within the limits, holds the
 * event loop. Phases' files go to one thread (which keeps its parses, see
 * `parseYamlFile`), chart repositories' indexes to another, so that a large
 * index never holds up a promotion.
 */
export class DocumentThreads {
  private readonly files: WorkerLane;
  private readonly indexes: WorkerLane;
  private readonly mainThreadSize: number;

  constructor(
    private readonly limits: YamlLimits,
    options: { mainThreadSize?: number } = {},
  ) {
    this.files = new WorkerLane(limits);
    this.indexes = new WorkerLane(limits);
    this.mainThreadSize = options.mainThreadSize ?? MAIN_THREAD_SIZE;
  }

  async run<K extends DocumentTask['kind']>(
    task: Extract<DocumentTask, { kind: K }>,
  ): Promise<DocumentTaskResults[K]> {
    if (taskSize(task) <= this.mainThreadSize) {
      return (await runDocumentTask(
        task,
        this.limits,
      )) as DocumentTaskResults[K];
    }
    const lane = task.kind === 'chart-index' ? this.indexes : this.files;
    return (await lane.run(task)) as DocumentTaskResults[K];
  }

  /** Stops the worker threads; a task given later starts them again. */
  async close(): Promise<void> {
    await Promise.all([this.files.close(), this.indexes.close()]);
  }
}

// In a worker started by `startWorker`: its tasks, one at a time.
if (!isMainThread && workerData?.[MARK]) {
  const limits = workerData.limits as YamlLimits;
  parentPort!.on(
    'message',
    ({ id, task }: { id: number; task: DocumentTask }) => {
      runDocumentTask(task, limits).then(
        result => parentPort!.postMessage({ id, result }),
        (error: unknown) =>
          parentPort!.postMessage({
            id,
            error: {
              name: error instanceof Error ? error.name : 'Error',
              message: error instanceof Error ? error.message : String(error),
            },
          }),
      );
    },
  );
}
