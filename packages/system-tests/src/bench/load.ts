import { spawn } from 'node:child_process';
import path from 'node:path';
import { packageDir } from '../harness/paths';

/** Requests per second and latencies of one endpoint under a steady load. */
export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** When each request was answered (`now()`). */
  answeredAt: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

export interface LoadOptions {
  /**
   * The URLs to read, taken in turn by every loop: the same names on both
   * sides, each request the next one.
   */
  urls: string[];
  token: string;
  concurrency: number;
  /** How long at most. */
  millis: number;
  /** Each URL read once, then the load ends: a pass over the fleet. */
  once?: boolean;
  /**
   * Each URL is the first page of a list, walked to its end: where the
   * answer holds the next page's cursor (`nextCursor`, or the catalog's
   * `pageInfo.nextCursor`); the next page is the URL with `cursor=` added.
   */
  walk?: boolean;
}

/** The present, in milliseconds since the epoch, alike in every process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Sends requests to a URL from `concurrency` loops for `millis` (or until
 * `signal` ends it), each loop sending its next request when the last one is
 * answered, and measures. The loops run in a Node process of their own
 * (`loader.ts`), so that nothing this process does (the Git host answers
 * fetches from here) holds them up.
 */
export async function load(
  options: LoadOptions & {
    /** Ends the load sooner. */
    signal?: AbortSignal;
    /** Called once the loops run. */
    onStart?: () => void;
  },
): Promise<LoadResult> {
  const { signal, onStart, ...rest } = options;
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      path.join(packageDir, 'src', 'bench', 'loader.ts'),
      JSON.stringify(rest),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const stop = () => child.stdin.end();
  signal?.addEventListener('abort', stop, { once: true });
  // A first line says the loops run; the result follows it.
  const out: Buffer[] = [];
  let running = false;
  child.stdout.on('data', chunk => {
    out.push(chunk);
    if (!running && Buffer.concat(out).includes(0x0a)) {
      running = true;
      onStart?.();
    }
  });
  const code = await new Promise<number | null>(resolve =>
    child.once('close', resolve),
  );
  signal?.removeEventListener('abort', stop);
  if (code !== 0) throw new Error(`The load process ended with ${code}`);
  const text = Buffer.concat(out).toString('utf8');
  return JSON.parse(text.slice(text.indexOf('\n') + 1));
}

/**
 * The loops themselves: what `loader.ts` runs; `stopped` ends them sooner.
 */
export async function runLoad(
  options: LoadOptions & { onStart?: () => void },
  stopped: () => boolean,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const answeredAt: number[] = [];
  let errors = 0;
  options.onStart?.();
  const started = now();
  const until = started + options.millis;
  const { urls } = options;
  let next = 0;
  const get = async (url: string) => {
    const t0 = now();
    // Answers as they are: the load shares the machine's cores with the
    // backend, and what it spends inflating answers it takes from it.
    const res = await fetch(url, {
      headers: {
        authorization: `Bearer ${options.token}`,
        'accept-encoding': 'identity',
      },
      signal: AbortSignal.timeout(60_000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) errors++;
    const t1 = now();
    latencies.push(t1 - t0);
    answeredAt.push(t1);
    if (!options.walk || !res.ok) return undefined;
    const page = JSON.parse(body.toString('utf8'));
    return (page.nextCursor ?? page.pageInfo?.nextCursor) as string | undefined;
  };
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (now() < until && !stopped()) {
        if (options.once && next >= urls.length) return;
        const url = urls[next++ % urls.length];
        let cursor = await get(url);
        while (cursor && now() < until && !stopped()) {
          cursor = await get(
            `${url.replace(/[?&]filter=[^&]*/, '')}&cursor=${encodeURIComponent(
              cursor,
            )}`,
          );
        }
      }
    }),
  );
  const elapsed = (now() - started) / 1000;
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

/** The longest time between two answers of a load between two moments. */
export function longestPauseBetween(
  result: LoadResult,
  from: number,
  to: number,
): number {
  const times = [
    from,
    ...result.answeredAt.filter(t => t >= from && t <= to),
    to,
  ].sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    longest = Math.max(longest, times[i] - times[i - 1]);
  }
  return longest;
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

/**
 * CPU time (user + system) a process and every process under it used, in
 * seconds: those still running (such as the one that starts git for the
 * backend) and those that have exited.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readdir, readFile } = await import('node:fs/promises');
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(
      () => undefined,
    );
    if (!stat) continue;
    // The fields after the command name, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(name), {
      ppid: Number(fields[1]),
      ticks:
        Number(fields[11]) + // utime
        Number(fields[12]) + // stime
        Number(fields[13]) + // cutime: exited children, waited for
        Number(fields[14]), // cstime
    });
  }
  let ticks = 0;
  const under = [pid];
  while (under.length > 0) {
    const parent = under.pop()!;
    ticks += stats.get(parent)?.ticks ?? 0;
    for (const [child, { ppid }] of stats) {
      if (ppid === parent) under.push(child);
    }
  }
  return ticks / 100;
}
