import { GluGateContext } from '@glu-dev/plugin-glu-node';

/**
 * Small pieces of text: durations as Argo Rollouts writes them, values and
 * durations for people, and the placeholders that queries and arguments
 * may name.
 */

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A duration in Go's form, as Argo Rollouts reads `interval` and
 * `initialDelay` (`30s`, `5m`, `1h30m`, `1.5h`), in milliseconds; undefined
 * when it is not one.
 */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)/;
  let rest = text.trim();
  if (rest === '0') return 0;
  if (!rest) return undefined;
  let total = 0;
  while (rest) {
    const part = match.exec(rest);
    if (!part) return undefined;
    const [, amount, unit] = /^([\d.]+)(.*)$/.exec(part[0])!;
    total += Number(amount) * UNITS[unit];
    rest = rest.slice(part[0].length);
  }
  return total;
}

/** A duration for people: `45s`, `4m`, `1h 5m`, `2d 3h`. */
export function formatDuration(millis: number): string {
  const seconds = Math.max(0, Math.round(millis / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${minutes % 60 ? ` ${minutes % 60}m` : ''}`;
  const days = Math.floor(hours / 24);
  return `${days}d${hours % 24 ? ` ${hours % 24}h` : ''}`;
}

/** A time limit for people: `500ms`, `10s`, `1.5s`. */
export function formatSeconds(millis: number): string {
  return millis < 1000
    ? `${Math.round(millis)}ms`
    : `${Math.round(millis / 100) / 10}s`;
}

/** A measured value for people: `0.0021`, `0.052`, `1234.5`. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (Math.abs(value) >= 1) return String(Math.round(value * 1000) / 1000);
  return String(Number(value.toPrecision(3)));
}

/** A long text (a query used as a name) cut for a reason. */
export function shorten(text: string, length = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** `$version`, `${version}`, `${labels.team}`, … */
const PLACEHOLDER =
  /\$(?:\{\s*(version|digest|phase|pipeline|labels\.[A-Za-z0-9._/-]+)\s*\}|(version|digest|phase|pipeline)\b)/g;
/** Anything that looks like a placeholder, known or not. */
const ANY_PLACEHOLDER = /\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/g;

/** What the placeholders stand for, from a gate's context. */
export interface PlaceholderValues {
  version: string;
  digest: string;
  phase: string;
  pipeline: string;
  /** The pipeline entity's label of a key, if it has one. */
  label(key: string): string | undefined;
}

/** The placeholders' values: the upstream phase and what it holds. */
export function placeholderValues(context: GluGateContext): PlaceholderValues {
  const ref = context.pipelineRef;
  return {
    version: context.from.version,
    digest: context.from.digest,
    phase: context.from.phase,
    // `pipeline:default/checkout` is the pipeline `checkout`.
    pipeline: ref.slice(Math.max(ref.lastIndexOf('/'), ref.indexOf(':')) + 1),
    label: key =>
      context.labels &&
      Object.prototype.hasOwnProperty.call(context.labels, key)
        ? context.labels[key]
        : undefined,
  };
}

/** Values that any placeholder takes when a configuration is validated. */
export const SAMPLE_VALUES: PlaceholderValues = {
  version: '1.0.0',
  digest: 'sha256:0',
  phase: 'staging',
  pipeline: 'pipeline',
  label: key => key,
};

/** The placeholders a text names that Glu does not know. */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set([...text.matchAll(PLACEHOLDER)].map(match => match[0]));
  return [...text.matchAll(ANY_PLACEHOLDER)]
    .map(match => match[0])
    .filter(found => !known.has(found));
}

/**
 * The text with its placeholders filled in, each value passed through
 * `escape` (for a PromQL string literal, say). A label the pipeline does
 * not have is an error.
 */
export function fillPlaceholders(
  text: string,
  values: PlaceholderValues,
  escape: (value: string) => string = value => value,
): string {
  return text.replace(PLACEHOLDER, (_, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    if (name.startsWith('labels.')) {
      const key = name.slice('labels.'.length);
      const label = values.label(key);
      if (label === undefined) {
        throw new Error(`the pipeline has no label ${key} (\${${name}})`);
      }
      return escape(label);
    }
    return escape(values[name as 'version']);
  });
}

/** A value made safe inside a PromQL string literal in double quotes. */
export function escapePromQL(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}
