import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

/**
 * The kinds of operations that have a deadline of their own.
 *
 * @public
 */
export type GluTimeoutKind = 'git' | 'http';

const DEFAULTS: Record<GluTimeoutKind, HumanDuration> = {
  git: { minutes: 2 },
  http: { seconds: 30 },
};

/**
 * How long one operation of a kind may take before it is stopped, from
 * app-config `glu.timeouts.<kind>`: a git command (default 2 minutes) or an
 * HTTP request, its answer included (default 30 seconds).
 *
 * @public
 */
export function gluTimeoutMillis(config: Config, kind: GluTimeoutKind): number {
  const key = `glu.timeouts.${kind}`;
  return durationToMilliseconds(
    config.has(key) ? readDurationFromConfig(config, { key }) : DEFAULTS[kind],
  );
}

/**
 * A fetch whose every request ends by a deadline, its answer's body included:
 * past it, the request is aborted with a `TimeoutError`.
 *
 * @public
 */
export function fetchWithDeadline(
  timeoutMillis: number,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): typeof fetch {
  return (input, init) =>
    fetchImpl(input, { ...init, signal: AbortSignal.timeout(timeoutMillis) });
}

/**
 * What `work` answers, or an error once `millis` have passed without an
 * answer: for calls into code that takes no signal of its own (a gate of a
 * module, the notifications service, the catalog service).
 *
 * @public
 */
export async function withinDeadline<T>(
  work: Promise<T>,
  millis: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`no answer within ${Math.round(millis / 1000)}s`)),
          millis,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
