import { Worker } from 'node:worker_threads';
import type * as Tasks from '../documents/tasks';

/** What the watch saw, since it last started. */
const seen = { largestOnMainThread: 0, largestInWorkers: 0 };

/**
 * The document tasks, each one run on this thread counted by its size. A
 * test that watches where documents are worked on mocks the module with it:
 *
 *   jest.mock('../documents/tasks', () =>
 *     require('../__testUtils__/documentWork').watchedTasks(),
 *   );
 *
 * Workers load the module afresh, unmocked: what they run is counted as it
 * is handed to them (see `watchDocumentWork`).
 */
export function watchedTasks(): typeof Tasks {
  const actual: typeof Tasks = jest.requireActual('../documents/tasks');
  return {
    ...actual,
    runDocumentTask: (task, limits) => {
      seen.largestOnMainThread = Math.max(
        seen.largestOnMainThread,
        actual.taskSize(task),
      );
      return actual.runDocumentTask(task, limits);
    },
  };
}

/**
 * Watches where documents are worked on while `work` runs: the largest
 * document worked on the main thread, where it holds the event loop, and
 * the largest handed to a worker thread. Where the work runs is what keeps
 * the event loop free, whatever the machine's load; how long it is held
 * is not asserted, as it depends on the load.
 */
export async function watchDocumentWork<T>(work: () => Promise<T>): Promise<{
  result: T;
  largestOnMainThread: number;
  largestInWorkers: number;
}> {
  const { taskSize }: typeof Tasks = jest.requireActual('../documents/tasks');
  seen.largestOnMainThread = 0;
  seen.largestInWorkers = 0;
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function post(
    this: Worker,
    message: any,
    transfer?: any,
  ) {
    // Measured before it is sent: a transferred buffer is empty after.
    if (message?.task) {
      seen.largestInWorkers = Math.max(
        seen.largestInWorkers,
        taskSize(message.task),
      );
    }
    return postMessage.call(this, message, transfer);
  };
  try {
    const result = await work();
    return { result, ...seen };
  } finally {
    Worker.prototype.postMessage = postMessage;
  }
}
