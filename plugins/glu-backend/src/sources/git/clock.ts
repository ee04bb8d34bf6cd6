/**
 * The time that Git writes are gathered by (the pause and the window of a
 * branch's commit) and fetches are told apart by: the system's, or one that
 * a test moves on itself.
 */
export interface GitClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once `millis` have passed; answers how to call it off. */
  setTimer(callback: () => void, millis: number): () => void;
}

/** The system's clock and timers. */
export const systemClock: GitClock = {
  now: () => Date.now(),
  setTimer(callback, millis) {
    const timer = setTimeout(callback, millis);
    return () => clearTimeout(timer);
  },
};
