import {
  GluGateMeasurement,
  GluGateMetric,
  GluGateResult,
} from '@glu-dev/plugin-glu-node';
import { holds } from './conditions';
import {
  gateMetric,
  heldFor,
  metricPhase,
  MetricPhase,
  nextMeasurement,
  plural,
  previousMeasurements,
  tally,
  withMeasurement,
} from './measuring';
import { measureProvider, ProviderEnvironment } from './providers';
import { AnalysisMetric, AnalysisTemplate } from './template';
import { formatDuration, formatValue, shorten } from './text';

/**
 * An analysis run as Argo Rollouts would make it of a template, without
 * Kubernetes: each metric measured when it is due, its measurements kept
 * with the gate's answer, and the answer from their phases.
 */

/**
 * A measurement of a result by a metric's conditions, Argo's way: failed
 * when failureCondition holds; successful when successCondition holds, or
 * when there is only a failureCondition (and it does not); with only a
 * successCondition, failed when it does not hold; inconclusive when there
 * are both and neither holds; successful without conditions. A condition
 * that cannot be evaluated is an error (no data, for an empty result).
 */
export function judge(
  metric: Pick<AnalysisMetric, 'successCondition' | 'failureCondition'>,
  result: unknown,
  at: string,
): GluGateMeasurement {
  const shown = showResult(result);
  const base: GluGateMeasurement = { at, outcome: 'successful', ...shown };
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition)
      success = holds(metric.successCondition, result);
    if (metric.failureCondition)
      failure = holds(metric.failureCondition, result);
  } catch (error) {
    const empty =
      result === null ||
      result === undefined ||
      (Array.isArray(result) && result.length === 0);
    return {
      ...base,
      outcome: 'error',
      message: empty
        ? 'no data: the query answered no series'
        : `the condition cannot be evaluated: ${(error as Error).message}`,
    };
  }
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (!metric.successCondition && !metric.failureCondition) success = true;
  if (failure) return { ...base, outcome: 'failed' };
  return { ...base, outcome: success ? 'successful' : 'inconclusive' };
}

/** A result as a measurement keeps it: a number, or its text. */
function showResult(
  result: unknown,
): Pick<GluGateMeasurement, 'value' | 'message'> {
  const single =
    Array.isArray(result) && result.length === 1 ? result[0] : result;
  if (typeof single === 'number') return { value: single };
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  return { message: shorten(text ?? String(result), 200) };
}

/** What a metric stands at after this check. */
export interface MetricStatus {
  metric: AnalysisMetric;
  phase: MetricPhase;
  measurements: GluGateMeasurement[];
  /** When the next measurement is due, if it waits for its time. */
  inMillis?: number;
}

/**
 * Each metric of a template, measured if it is due at `now`, with the
 * measurements the gate kept for this version.
 */
export async function runAnalysis(
  template: AnalysisTemplate,
  env: ProviderEnvironment,
  context: { now: Date; since: Date; previous?: GluGateResult },
): Promise<MetricStatus[]> {
  const at = context.now.toISOString();
  return Promise.all(
    template.metrics.map(async metric => {
      let measurements = previousMeasurements(
        context.previous,
        metric.name,
        metric.condition,
      );
      const next = nextMeasurement(
        metric.plan,
        measurements,
        context.now,
        context.since,
      );
      if (next.due) {
        let measurement: GluGateMeasurement;
        try {
          measurement = judge(
            metric,
            await measureProvider(metric.provider, env),
            at,
          );
        } catch (error) {
          measurement = {
            at,
            outcome: 'error',
            message: (error as Error).message,
          };
        }
        measurements = withMeasurement(measurements, measurement);
      }
      const after = nextMeasurement(
        metric.plan,
        measurements,
        context.now,
        context.since,
      );
      return {
        metric,
        measurements,
        phase: metricPhase(metric.plan, measurements),
        inMillis: after.due ? undefined : after.inMillis,
      };
    }),
  );
}

function latestValue(measurement: GluGateMeasurement): string {
  if (measurement.value !== undefined) return formatValue(measurement.value);
  return measurement.message ?? measurement.outcome;
}

/** One metric in words: where it stands and why. */
function describe(
  status: MetricStatus,
  now: Date,
  passingSince?: Date,
): string {
  const { metric, measurements, phase } = status;
  const { plan, name, condition } = metric;
  const latest = measurements[measurements.length - 1];
  const counts = tally(measurements);
  switch (phase) {
    case 'Failed':
      return `${name} failed: ${
        latest ? `${latestValue(latest)}, ` : ''
      }not ${condition} (${plural(counts.failed, 'failed measurement')}, ${
        plan.failureLimit
      } allowed)`;
    case 'Inconclusive':
      return `${name} is inconclusive (${plural(
        counts.inconclusive,
        'inconclusive measurement',
      )}, ${
        plan.inconclusiveLimit
      } allowed): a person decides, Glu does not promote this version`;
    case 'Pending':
      return status.inMillis
        ? `${name} is measured in ${formatDuration(
            status.inMillis,
          )} (initialDelay)`
        : `${name} is not measured yet`;
    default:
  }
  if (latest?.outcome === 'error') {
    return `${name} could not be measured: ${latest.message}`;
  }
  const progress =
    plan.count !== undefined && plan.count > 1
      ? `, ${counts.counted} of ${plural(plan.count, 'measurement')}`
      : '';
  if (latest?.outcome === 'successful') {
    return phase === 'Successful'
      ? `${name} ${latestValue(latest)} (${condition})${progress}`
      : `${name} ${latestValue(latest)} (${condition}) for ${formatDuration(
          heldFor(measurements, now, passingSince),
        )}${progress}`;
  }
  const failed =
    counts.failed > 0
      ? ` (${plural(counts.failed, 'failed measurement')}, ${
          plan.failureLimit
        } allowed)`
      : '';
  return `${name} ${
    latest ? latestValue(latest) : 'unmeasured'
  }, not ${condition}${failed}${progress}`;
}

/**
 * Whether a metric lets the version through: Successful, or measured for
 * as long as the version is there with its latest measurement successful.
 */
function passes(status: MetricStatus): boolean {
  if (status.phase === 'Successful') return true;
  const latest = status.measurements[status.measurements.length - 1];
  return (
    status.phase === 'Running' &&
    status.metric.plan.count === undefined &&
    latest?.outcome === 'successful'
  );
}

/**
 * The gate's answer from the metrics' statuses: failed when one is
 * Failed; waiting, for a person, when one is Inconclusive; passed when all
 * pass; waiting otherwise (not measured yet, errors, more to measure).
 */
export function decideAnalysis(
  templateName: string,
  statuses: MetricStatus[],
  now: Date,
  passingSince?: Date,
): GluGateResult {
  const metrics: GluGateMetric[] = statuses.map(s =>
    gateMetric(s.metric.name, s.metric.condition, s.measurements),
  );
  const failed = statuses.filter(s => s.phase === 'Failed');
  if (failed.length > 0) {
    return {
      passed: false,
      failed: true,
      reason: failed.map(s => describe(s, now)).join('; '),
      metrics,
    };
  }
  const inconclusive = statuses.filter(s => s.phase === 'Inconclusive');
  if (inconclusive.length > 0) {
    return {
      passed: false,
      reason: inconclusive.map(s => describe(s, now)).join('; '),
      metrics,
    };
  }
  const waiting = statuses.filter(s => !passes(s));
  if (waiting.length > 0) {
    return {
      passed: false,
      reason: waiting.map(s => describe(s, now)).join('; '),
      metrics,
    };
  }
  return {
    passed: true,
    reason: `${templateName}: ${statuses
      .map(s => describe(s, now, passingSince))
      .join('; ')}`,
    metrics,
  };
}
