import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the watch looks at the event loop, in milliseconds. */
const RESOLUTION = 10;

/**
 * The longest stall the tests accept: the promise is ~100 ms, and a loaded
 * two-core machine adds to any stall of its own (the test process is
 * descheduled behind other processes' threads, its heap is collected) up to
 * about a hundred milliseconds more. Work on the event loop that this
 * guards against holds it for seconds (a megabyte of YAML parsed there
 * takes about one).
 */
export const MAX_STALL_MILLIS = 100 + 150;

/**
 * Watches the event loop while `work` runs: the longest it was held, in
 * milliseconds (how late a timer due every 10 ms came, at worst).
 */
export async function watchEventLoop<T>(
  work: () => Promise<T>,
): Promise<{ result: T; longestStallMillis: number }> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION });
  const tick = () =>
    new Promise(resolve => setTimeout(resolve, 2 * RESOLUTION));
  histogram.enable();
  try {
    // The watch counts from its first look: a stall before it is missed.
    await tick();
    const result = await work();
    // One more look, so that a stall at the very end is counted too.
    await tick();
    return {
      result,
      longestStallMillis: Math.max(0, histogram.max / 1e6 - RESOLUTION),
    };
  } finally {
    histogram.disable();
  }
}
