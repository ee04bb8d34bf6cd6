/** A row of the benchmark's table: a figure of Glu's, its floor, and the goal. */
export interface Row {
  figure: string;
  glu: string;
  floor: string;
  ratio: string;
  goal: string;
}

/** Requests per second and latencies of one endpoint under a steady load. */
export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** When each request was answered (performance.now()). */
  answeredAt: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * Sends requests to a URL from `concurrency` loops for `millis` (or until
 * `signal` ends it), each loop
 * sending its next request when the last one is answered, and measures.
 */
export async function load(options: {
  url: string;
  token: string;
  concurrency: number;
  /** How long at most. */
  millis: number;
  /** Ends the load sooner. */
  signal?: AbortSignal;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const answeredAt: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + options.millis;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < until && !options.signal?.aborted) {
        const t0 = performance.now();
        const res = await fetch(options.url, {
          headers: { authorization: `Bearer ${options.token}` },
        });
        await res.arrayBuffer();
        if (!res.ok) errors++;
        const t1 = performance.now();
        latencies.push(t1 - t0);
        answeredAt.push(t1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
    answeredAt,
  };
}

/** Requests per second that a load answered between two moments. */
export function perSecondBetween(
  result: LoadResult,
  from: number,
  to: number,
): number {
  const answered = result.answeredAt.filter(t => t >= from && t <= to).length;
  return answered / ((to - from) / 1000);
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU time (user + system) a process and its exited children used, in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks =
    Number(fields[11]) + // utime
    Number(fields[12]) + // stime
    Number(fields[13]) + // cutime
    Number(fields[14]); // cstime
  return ticks / 100;
}
