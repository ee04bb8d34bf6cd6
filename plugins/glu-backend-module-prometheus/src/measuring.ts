import {
  GLU_GATE_MEASUREMENTS,
  GluGateMeasurement,
  GluGateMetric,
  GluGateResult,
} from '@glu-dev/plugin-glu-node';

/**
 * How a metric is measured over time, as Argo Rollouts' analysis does it:
 * which measurements are due, and what they add up to.
 */
export interface MeasuringPlan {
  /** Between measurements; without one, the metric is measured once. */
  intervalMillis?: number;
  /** Before the first measurement, from when the upstream got the version. */
  initialDelayMillis?: number;
  /**
   * How many measurements (errors aside) complete the metric; undefined
   * when it is measured for as long as the version is there.
   */
  count?: number;
  /** Failed measurements allowed; one more fails the metric. */
  failureLimit: number;
  /** Inconclusive measurements allowed; one more makes it Inconclusive. */
  inconclusiveLimit: number;
}

/** Argo's phase of a metric, from its measurements. */
export type MetricPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Inconclusive';

/** A metric's measurements, counted by outcome. */
export interface Tally {
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  /** The measurements that count towards `count`: all but errors. */
  counted: number;
}

/** Argo's count: `count`, or 1 for a metric without an interval. */
export function effectiveCount(
  count: number | undefined,
  intervalMillis: number | undefined,
): number | undefined {
  if (count && count > 0) return count;
  return intervalMillis ? undefined : 1;
}

export function tally(measurements: GluGateMeasurement[]): Tally {
  const counts: Tally = {
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    counted: 0,
  };
  for (const { outcome } of measurements) {
    counts[outcome] += 1;
    if (outcome !== 'error') counts.counted += 1;
  }
  return counts;
}

/**
 * The metric's phase: Failed once more measurements failed than
 * `failureLimit` allows, Inconclusive likewise with `inconclusiveLimit`,
 * Successful once `count` measurements are done, Running in between and
 * Pending before the first.
 */
export function metricPhase(
  plan: MeasuringPlan,
  measurements: GluGateMeasurement[],
): MetricPhase {
  if (measurements.length === 0) return 'Pending';
  const counts = tally(measurements);
  if (counts.failed > plan.failureLimit) return 'Failed';
  if (counts.inconclusive > plan.inconclusiveLimit) return 'Inconclusive';
  if (plan.count !== undefined && counts.counted >= plan.count) {
    return 'Successful';
  }
  return 'Running';
}

/** Glu's checks come about every interval: a second early is on time. */
const EARLY_MILLIS = 1000;

/**
 * Whether a measurement is due at `now`, or how long until it is: the
 * first once `initialDelay` has passed since `since`, then one every
 * `interval` after the previous one; after an error, at once. A completed
 * metric (Successful, Failed, Inconclusive) takes no more.
 */
export function nextMeasurement(
  plan: MeasuringPlan,
  measurements: GluGateMeasurement[],
  now: Date,
  since: Date,
): { due: true } | { due: false; inMillis?: number } {
  if (!['Pending', 'Running'].includes(metricPhase(plan, measurements))) {
    return { due: false };
  }
  const last = measurements[measurements.length - 1];
  if (!last) {
    const wait =
      since.getTime() + (plan.initialDelayMillis ?? 0) - now.getTime();
    return wait > 0 ? { due: false, inMillis: wait } : { due: true };
  }
  if (last.outcome === 'error' || !plan.intervalMillis) return { due: true };
  const wait =
    Date.parse(last.at) + plan.intervalMillis - now.getTime() - EARLY_MILLIS;
  return wait > 0
    ? { due: false, inMillis: wait + EARLY_MILLIS }
    : { due: true };
}

/**
 * The measurements the gate kept of a metric in its last answer, when it
 * measured the same thing (same name and condition); none otherwise.
 */
export function previousMeasurements(
  previous: GluGateResult | undefined,
  name: string,
  condition: string,
): GluGateMeasurement[] {
  const metric = previous?.metrics?.find(
    m => m.name === name && m.condition === condition,
  );
  return Array.isArray(metric?.measurements) ? [...metric!.measurements] : [];
}

/** The measurements with one more, the oldest dropped past Glu's limit. */
export function withMeasurement(
  measurements: GluGateMeasurement[],
  measurement: GluGateMeasurement | undefined,
): GluGateMeasurement[] {
  const all = measurement ? [...measurements, measurement] : measurements;
  return all.slice(-GLU_GATE_MEASUREMENTS);
}

/** A metric for Glu to keep with the answer. */
export function gateMetric(
  name: string,
  condition: string,
  measurements: GluGateMeasurement[],
): GluGateMetric {
  return {
    name,
    condition,
    measurements: measurements.slice(-GLU_GATE_MEASUREMENTS),
  };
}

/**
 * How long the latest measurements have been successful without a break
 * (errors, which say nothing about the version, do not break it), in
 * milliseconds up to `now`; 0 when the latest is not successful. When all
 * the measurements kept are successful, the run may have begun before the
 * oldest of them: `passingSince`, when the gate's answer has been passing
 * since, tells.
 */
export function heldFor(
  measurements: GluGateMeasurement[],
  now: Date,
  passingSince?: Date,
): number {
  let start: number | undefined;
  let whole = true;
  for (let i = measurements.length - 1; i >= 0; i--) {
    const { outcome, at } = measurements[i];
    if (outcome === 'error') continue;
    if (outcome !== 'successful') {
      whole = false;
      break;
    }
    start = Date.parse(at);
  }
  if (start === undefined) return 0;
  if (whole && passingSince && passingSince.getTime() < start) {
    start = passingSince.getTime();
  }
  return Math.max(0, now.getTime() - start);
}

/** `1 failed measurement`, `3 failed measurements`. */
export function plural(count: number, what: string): string {
  return `${count} ${what}${count === 1 ? '' : 's'}`;
}
