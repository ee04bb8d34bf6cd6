/** How a batcher gathers work. */
export interface BatcherOptions {
  /** Gather what comes within this long of the first item, not one turn. */
  windowMillis?: number;
  /**
   * False: every item is worked on alone, as soon as it comes (to measure
   * what batching saves, or to rule it out). Defaults to true.
   */
  enabled?: boolean;
}

/**
 * Work asked for at about the same moment, done together: items added
 * within one turn of the event loop (or within `windowMillis` of the first)
 * are handed over as one batch, and each caller gets its own item's result.
 *
 * A batch that fails is worked again item by item, in the order asked, so
 * that a failure is its own item's caller's alone (one bad row fails one
 * caller): as if asked one after another. The work must therefore leave
 * nothing behind when it fails (one transaction, or statements that may be
 * run again).
 */
export class Batcher<T, R> {
  private pending?: Array<Waiting<T, R>>;

  constructor(
    private readonly work: (items: T[]) => Promise<R[]>,
    private readonly options: BatcherOptions = {},
  ) {}

  add(item: T): Promise<R> {
    if (this.options.enabled === false) return this.alone(item);
    return new Promise<R>((resolve, reject) => {
      if (!this.pending) {
        const batch: Array<Waiting<T, R>> = [];
        this.pending = batch;
        const run = () => {
          this.pending = undefined;
          this.runBatch(batch);
        };
        if (this.options.windowMillis) {
          setTimeout(run, this.options.windowMillis);
        } else {
          setImmediate(run);
        }
      }
      this.pending.push({ item, resolve, reject });
    });
  }

  private async runBatch(batch: Array<Waiting<T, R>>): Promise<void> {
    let results: R[];
    try {
      results = await this.work(batch.map(w => w.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // One after another: each caller gets its own answer or failure.
      for (const waiting of batch) {
        await this.alone(waiting.item).then(waiting.resolve, waiting.reject);
      }
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  private async alone(item: T): Promise<R> {
    const [result] = await this.work([item]);
    return result;
  }
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}
