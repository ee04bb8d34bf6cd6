/**
 * What the suite sent and what came back, for its figures and for its last
 * check: no 5xx, 503 included, unless the call said that the dependency
 * behind it was down on purpose.
 */
export class Tally {
  readonly statuses = new Map<number, number>();
  /** 503s of calls made while the scenario had a dependency down. */
  expectedUnavailable = 0;
  requests = 0;

  record(status: number, options: { dependencyDown?: boolean } = {}) {
    this.requests++;
    if (status === 503 && options.dependencyDown) {
      this.expectedUnavailable++;
      return;
    }
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  count(test: (status: number) => boolean): number {
    let n = 0;
    for (const [status, times] of this.statuses) if (test(status)) n += times;
    return n;
  }

  /** e.g. `200×180 409×20 503×2 (a dependency down)`. */
  summary(): string {
    return [
      ...[...this.statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, times]) => `${status}×${times}`),
      ...(this.expectedUnavailable
        ? [`503×${this.expectedUnavailable} (a dependency down)`]
        : []),
    ].join(' ');
  }
}

export interface Answer {
  status: number;
  body: any;
  millis: number;
}

export interface CallOptions {
  method?: string;
  token?: string;
  body?: unknown;
  /** Sent as it is, not as JSON. */
  raw?: string;
  headers?: Record<string, string>;
  timeoutMillis?: number;
  /**
   * The scenario has taken a dependency down (a Git host, the database):
   * a 503 is the right answer, not a failure.
   */
  dependencyDown?: boolean;
}

/** Calls a replica's API, with a deadline, and tallies the answer. */
export async function call(
  tally: Tally | undefined,
  url: string,
  options: CallOptions = {},
): Promise<Answer> {
  const started = Date.now();
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, {
    method: options.method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMillis ?? 120_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  tally?.record(res.status, options);
  return { status: res.status, body: parsed, millis: Date.now() - started };
}

/** Waits until a check answers something other than undefined. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMillis = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
