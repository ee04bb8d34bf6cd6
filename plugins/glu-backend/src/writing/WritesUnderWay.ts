import { ServiceUnavailableError } from '@backstage/errors';
import { withinDeadline } from '@glu-dev/plugin-glu-node';

/**
 * The writes under way, so that the backend stops only once they ended: a
 * write stopped halfway leaves a push that may land with nobody to record
 * it. Once stopping, new writes are refused (503: asked again, they go to a
 * replica that runs).
 */
export class WritesUnderWay {
  private readonly writes = new Set<Promise<unknown>>();
  private stopping = false;

  /** Runs a write, unless the backend is stopping. */
  run<T>(write: () => Promise<T>): Promise<T> {
    if (this.stopping) {
      return Promise.reject(
        new ServiceUnavailableError(
          'Glu is stopping and starts no more writes; ask again',
        ),
      );
    }
    const running = write();
    this.writes.add(running);
    const done = () => this.writes.delete(running);
    running.then(done, done);
    return running;
  }

  /**
   * Refuses new writes and waits for those under way, for at most
   * `millis`: answers how many were still under way then.
   */
  async stop(millis: number): Promise<number> {
    this.stopping = true;
    await withinDeadline(Promise.allSettled([...this.writes]), millis).catch(
      () => undefined,
    );
    return this.writes.size;
  }
}
