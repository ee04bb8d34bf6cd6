import { HistoryCause } from '@glu-dev/plugin-glu-common';

/** A digest as people read it: twelve hex digits, without the algorithm. */
export function shortDigest(digest: string): string {
  return digest.replace(/^[a-z0-9]+:/, '').slice(0, 12);
}

/** What people call a version: its tag or value, else its short digest. */
export function versionLabel(version: { version?: string; digest: string }) {
  return version.version || shortDigest(version.digest);
}

/** A commit as people read it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

const causes: Record<HistoryCause, string> = {
  observed: 'observed',
  published: 'published',
  promotion: 'promoted',
  rollback: 'rolled back',
  commit: 'committed',
};

/** How a history entry came about, as a past participle: `promoted`. */
export function causeLabel(cause: string): string {
  return causes[cause as HistoryCause] ?? cause;
}

/**
 * What a history entry did, as a past participle: `promoted`, or, for a
 * change that left the version as it was, `changed the file and kept 1.4.0`.
 */
export function changeLabel(entry: {
  cause: string;
  keptVersion?: boolean;
  version?: string;
  digest: string;
}): string {
  return entry.keptVersion
    ? `changed the file and kept ${versionLabel(entry)}`
    : causeLabel(entry.cause);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

// Formatters are costly to create: one each, shared by every timestamp.
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** `5 minutes ago`, `just now`. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Number.isNaN(seconds)) return iso;
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return relativeFormat.format(Math.trunc(seconds / size), unit);
    }
  }
  return 'just now';
}

/** An absolute time, for tooltips. */
export function absoluteTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : absoluteFormat.format(date);
}

/** Entity refs compared the way the catalog does: kind and namespace ignore case. */
export function sameEntityRef(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}
