/*
 * Times that commands take: an ISO 8601 time, or a duration counted from a
 * starting point (`2h`, `1h30m`, `3d`).
 */
import { ExitCode, GluCliError } from './exits';

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3_600,
  d: 86_400,
  w: 604_800,
};

/** `1h30m` in seconds; undefined when it is not a duration. */
export function durationSeconds(value: string): number | undefined {
  if (!/^(\d+[smhdw])+$/.test(value)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw])/g)) {
    seconds += Number(amount) * UNIT_SECONDS[unit];
  }
  return seconds;
}

/**
 * The instant an option names, as an ISO 8601 time: a time as it is given
 * (`2026-12-24T18:00:00Z`), or a duration after `start` (`2h`).
 */
export function instantOf(
  value: string,
  option: string,
  start: { at: number; what: string },
): string {
  const seconds = durationSeconds(value);
  if (seconds !== undefined) {
    return new Date(start.at + seconds * 1000).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return new Date(at).toISOString();
  }
  throw new GluCliError(
    `${option} takes a time, e.g. 2026-12-24T18:00:00Z, or a duration after ${start.what}, e.g. 2h, 1h30m or 3d; not ${value}`,
    ExitCode.usage,
  );
}
