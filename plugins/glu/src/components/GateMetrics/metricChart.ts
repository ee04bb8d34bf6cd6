import { GateMeasurement, GateMetric } from '@glu-dev/plugin-glu-common';

const NUMBER = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)`;
const COMPARISON = new RegExp(
  `^\\s*(?:<=|>=|<|>|==|=|!=)\\s*${NUMBER}\\s*$`,
  'i',
);
const BETWEEN = new RegExp(
  `^\\s*between\\s+${NUMBER}\\s+and\\s+${NUMBER}\\s*$`,
  'i',
);

/**
 * The thresholds a condition draws: one for a simple comparison (`< 0.01`,
 * `>= 0.95`), two for `between a and b`, none for anything else (an
 * expression such as `result[0] >= 0.95`).
 */
export function conditionThresholds(condition: string): number[] {
  const between = BETWEEN.exec(condition);
  if (between) {
    return [Number(between[1]), Number(between[2])].sort((a, b) => a - b);
  }
  const comparison = COMPARISON.exec(condition);
  return comparison ? [Number(comparison[1])] : [];
}

/**
 * The range of values the chart spans: the measured values and the
 * thresholds; from zero when they are all the same.
 */
export function valueDomain(
  values: number[],
  thresholds: number[],
): [number, number] {
  const all = [...values, ...thresholds].filter(Number.isFinite);
  if (all.length === 0) return [0, 1];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  if (lo !== hi) return [lo, hi];
  return lo === 0 ? [0, 1] : [Math.min(0, lo), Math.max(0, hi)];
}

const compact = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });
const compactLarge = new Intl.NumberFormat('en', {
  notation: 'compact',
  maximumSignificantDigits: 3,
});
const precise = new Intl.NumberFormat('en', { maximumSignificantDigits: 6 });

/** A value for an axis or a summary: `0.0021`, `0.953`, `12.3K`. */
export function compactValue(value: number): string {
  return Math.abs(value) >= 10_000
    ? compactLarge.format(value)
    : compact.format(value);
}

/** A value as measured, for a tooltip: `0.00213456`. */
export function preciseValue(value: number): string {
  return precise.format(value);
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
});
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * A time for the axis: the clock (`14:02`); with the day too when the
 * measurements span more than a day.
 */
export function axisTime(time: number, withDay: boolean): string {
  if (!Number.isFinite(time)) return '?';
  return (withDay ? dayAndClock : clock).format(new Date(time));
}

/** What one measurement says, in words: `0.0021, successful`. */
export function measurementText(m: GateMeasurement): string {
  const value = m.value === undefined ? 'no value' : preciseValue(m.value);
  return `${value}, ${m.outcome}${m.message ? `: ${m.message}` : ''}`;
}

/** How many measurements had each outcome: `8 successful, 1 error`. */
function outcomeCounts(measurements: GateMeasurement[]): string {
  const counts = new Map<string, number>();
  for (const m of measurements) {
    counts.set(m.outcome, (counts.get(m.outcome) ?? 0) + 1);
  }
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}

/**
 * The chart in words, for those who cannot see it: the metric, its
 * condition, the span of its measurements, the latest, the range of values
 * and how many had each outcome.
 */
export function metricDescription(metric: GateMetric): string {
  const { name, condition, measurements } = metric;
  if (measurements.length === 0) {
    return `${name} (condition ${condition}): no measurements yet`;
  }
  const first = new Date(measurements[0].at);
  const latest = measurements[measurements.length - 1];
  const last = new Date(latest.at);
  const withDay = last.getTime() - first.getTime() > 86_400_000;
  const values = measurements.flatMap(m =>
    m.value === undefined ? [] : [m.value],
  );
  const range = values.length
    ? `; values from ${compactValue(Math.min(...values))} to ${compactValue(
        Math.max(...values),
      )}`
    : '';
  return (
    `${name} (condition ${condition}): ${measurements.length} ` +
    `${measurements.length === 1 ? 'measurement' : 'measurements'} from ` +
    `${axisTime(first.getTime(), withDay)} to ${axisTime(
      last.getTime(),
      withDay,
    )}; latest ${measurementText(latest)}${range}; ` +
    `${outcomeCounts(measurements)}`
  );
}

/**
 * The runs of consecutive measurements with a value, which the line joins;
 * a measurement without one (an error, no data) breaks the line.
 */
export function valueRuns<T extends { value?: number }>(points: T[]): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  for (const point of points) {
    if (point.value === undefined || !Number.isFinite(point.value)) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push(point);
    }
  }
  if (run.length) runs.push(run);
  return runs;
}
