/**
 * Work asked for at about the same moment, done together: items added
 * within one turn of the event loop (or within `windowMillis` of the first)
 * are handed over as one batch, and each caller gets its own item's result,
 * or the batch's error.
 */
export class Batcher<T, R> {
  private pending?: Array<Waiting<T, R>>;

  constructor(
    private readonly work: (items: T[]) => Promise<R[]>,
    private readonly options: { windowMillis?: number } = {},
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (!this.pending) {
        const batch: Array<Waiting<T, R>> = [];
        this.pending = batch;
        const run = () => {
          this.pending = undefined;
          Promise.resolve()
            .then(() => this.work(batch.map(w => w.item)))
            .then(
              results => batch.forEach((w, i) => w.resolve(results[i])),
              error => batch.forEach(w => w.reject(error)),
            );
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
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}
