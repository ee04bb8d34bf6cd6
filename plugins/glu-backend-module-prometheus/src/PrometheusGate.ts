import { InputError } from '@backstage/errors';
import {
  GluGate,
  GluGateContext,
  GluGateMeasurement,
  GluGateResult,
} from '@glu-dev/plugin-glu-node';
import { PrometheusAnswer, PrometheusClient } from './client';
import {
  formatThreshold,
  meetsThreshold,
  parseThreshold,
  Threshold,
} from './threshold';
import {
  gateMetric,
  heldFor,
  plural,
  previousMeasurements,
  tally,
  withMeasurement,
} from './measuring';
import {
  escapePromQL,
  fillPlaceholders,
  formatDuration,
  formatValue,
  placeholderValues,
  shorten,
  unknownPlaceholders,
} from './text';

const OPTIONS = ['query', 'condition', 'server', 'failureLimit', 'name'];

/** The gate's options, checked. */
interface PrometheusGateOptions {
  query: string;
  threshold: Threshold;
  client: PrometheusClient;
  failureLimit: number;
  name: string;
}

/** Which configured server a gate names (or the only one), or why none. */
export function pickServer(
  clients: Map<string, PrometheusClient>,
  server: unknown,
): { client: PrometheusClient } | { problem: string } {
  const names = [...clients.keys()];
  if (names.length === 0) {
    return {
      problem:
        'no Prometheus server is configured (glu.gates.prometheus.servers in app-config)',
    };
  }
  if (server === undefined) {
    return names.length === 1
      ? { client: clients.get(names[0])! }
      : {
          problem: `server must name the Prometheus server, as several are configured (${names.join(
            ', ',
          )})`,
        };
  }
  const client = typeof server === 'string' ? clients.get(server) : undefined;
  return client
    ? { client }
    : {
        problem: `server ${JSON.stringify(
          server,
        )} is not a configured Prometheus server (${names.join(', ')})`,
      };
}

/**
 * The one value of an answer, as a measurement against a threshold: one
 * sample, or why there is none (no series: no data; several: aggregate
 * them; NaN: nothing to divide yet).
 */
export function measureAnswer(
  answer: PrometheusAnswer,
  threshold: Threshold,
  at: string,
): GluGateMeasurement {
  let value: number;
  if (answer.resultType === 'scalar') {
    value = answer.value;
  } else if (answer.resultType === 'vector') {
    if (answer.series.length === 0) {
      return { at, outcome: 'inconclusive', message: 'no data' };
    }
    if (answer.series.length > 1) {
      return {
        at,
        outcome: 'error',
        message: `the query answers ${answer.series.length} series: aggregate them into one (sum, max, avg, …)`,
      };
    }
    value = answer.series[0].value;
  } else {
    return {
      at,
      outcome: 'error',
      message: `the query answers a ${
        answer.resultType === 'matrix' ? 'range vector' : 'string'
      }, not one number`,
    };
  }
  if (Number.isNaN(value)) {
    return {
      at,
      outcome: 'inconclusive',
      message: 'NaN (e.g. no traffic yet)',
    };
  }
  return {
    at,
    value,
    outcome: meetsThreshold(threshold, value) ? 'successful' : 'failed',
  };
}

/**
 * The gate's answer from a metric's measurements for the version, the
 * latest last: failed once more of them failed than `failureLimit` allows,
 * passed while the latest is successful, waiting otherwise.
 */
export function decideThreshold(options: {
  name: string;
  threshold: Threshold;
  failureLimit: number;
  measurements: GluGateMeasurement[];
  now: Date;
  /** Since when the gate's answer has been passing, if it has. */
  passingSince?: Date;
}): GluGateResult {
  const { threshold, failureLimit, measurements, now } = options;
  const name = shorten(options.name);
  const condition = formatThreshold(threshold);
  const latest = measurements[measurements.length - 1];
  const metrics = [gateMetric(options.name, condition, measurements)];
  const { failed } = tally(measurements);
  const failures = `${plural(
    failed,
    'failed measurement',
  )}, ${failureLimit} allowed`;
  const value = (m: GluGateMeasurement) =>
    m.value === undefined ? m.message ?? m.outcome : formatValue(m.value);
  if (failed > failureLimit) {
    return {
      passed: false,
      failed: true,
      reason:
        latest?.outcome === 'failed'
          ? `${name} ${value(latest)}, not ${condition} (${failures})`
          : `${name} failed: ${failures}`,
      metrics,
    };
  }
  if (!latest) {
    return { passed: false, reason: `${name} is not measured yet`, metrics };
  }
  switch (latest.outcome) {
    case 'successful':
      return {
        passed: true,
        reason: `${name} ${value(latest)} (${condition}) for ${formatDuration(
          heldFor(measurements, now, options.passingSince),
        )}`,
        metrics,
      };
    case 'failed':
      return {
        passed: false,
        reason: `${name} ${value(latest)}, not ${condition} (${failures})`,
        metrics,
      };
    case 'inconclusive':
      return {
        passed: false,
        reason:
          latest.message === 'no data'
            ? `no data for ${name}`
            : `${name} is ${latest.message ?? 'inconclusive'}`,
        metrics,
      };
    default:
      return {
        passed: false,
        reason: latest.message ?? `${name} could not be measured`,
        metrics,
      };
  }
}

/**
 * The `prometheus` gate: one PromQL query about the version the upstream
 * phase holds, measured at every check against a condition, e.g.
 * `{ prometheus: { query: '…{version="$version"}…', condition: '< 0.01',
 * soak: 10m } }`. Glu checks it in the background (`observes`) and keeps
 * its measurements. More failed measurements than `failureLimit` (0 by
 * default) fail it; a server that does not answer, or answers no data,
 * makes it wait.
 */
export class PrometheusGate implements GluGate {
  /** The key in a promotion's `gates`: `{ prometheus: { query: … } }`. */
  readonly type = 'prometheus';
  /** Glu checks it in the background and decides on its last answer. */
  readonly observes = true;
  /** Its answer follows the running system, not Glu's store. */
  readonly cacheable = false;

  constructor(private readonly clients: Map<string, PrometheusClient>) {}

  /** Problems with a gate's options, each in words for people. */
  validate(config: unknown): string[] {
    return this.parse(config).problems;
  }

  /** One measurement, and the answer from all of this version's. */
  async evaluate(
    config: unknown,
    context: GluGateContext,
  ): Promise<GluGateResult> {
    const { options, problems } = this.parse(config);
    if (!options) {
      throw new InputError(
        `The prometheus gate's options are not valid: ${problems.join('; ')}`,
      );
    }
    const condition = formatThreshold(options.threshold);
    const at = context.now.toISOString();
    let measurement: GluGateMeasurement;
    try {
      const query = fillPlaceholders(
        options.query,
        placeholderValues(context),
        escapePromQL,
      );
      measurement = measureAnswer(
        await options.client.query(query),
        options.threshold,
        at,
      );
    } catch (error) {
      measurement = { at, outcome: 'error', message: (error as Error).message };
    }
    return decideThreshold({
      name: options.name,
      threshold: options.threshold,
      failureLimit: options.failureLimit,
      measurements: withMeasurement(
        previousMeasurements(context.previous, options.name, condition),
        measurement,
      ),
      now: context.now,
      passingSince: context.previous?.passed
        ? new Date(context.previous.since)
        : undefined,
    });
  }

  private parse(config: unknown): {
    options?: PrometheusGateOptions;
    problems: string[];
  } {
    if (!config || typeof config !== 'object' || Array.isArray(config)) {
      return {
        problems: [
          'must be an object of options, e.g. { query: …, condition: "< 0.01" }',
        ],
      };
    }
    const raw = config as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(raw)) {
      if (!OPTIONS.includes(key)) {
        problems.push(
          `"${key}" is not query, condition, server, failureLimit, name, soak, interval or rollback`,
        );
      }
    }
    const { query, condition, server, failureLimit, name } = raw;
    if (typeof query !== 'string' || !query.trim()) {
      problems.push(
        'query must be a PromQL query that answers one number, e.g. sum(rate(http_requests_total{version="$version",code=~"5.."}[5m])) / sum(rate(http_requests_total{version="$version"}[5m]))',
      );
    } else {
      for (const unknown of new Set(unknownPlaceholders(query))) {
        problems.push(
          `query names ${unknown}, which is not $version, $digest, $phase, $pipeline or \${labels.<key>}`,
        );
      }
    }
    const threshold = parseThreshold(condition);
    if ('problem' in threshold) problems.push(threshold.problem);
    if (
      failureLimit !== undefined &&
      (typeof failureLimit !== 'number' ||
        !Number.isInteger(failureLimit) ||
        failureLimit < 0)
    ) {
      problems.push(
        `failureLimit must be a whole number of failed measurements allowed, 0 or more, not ${JSON.stringify(
          failureLimit,
        )}`,
      );
    }
    if (name !== undefined && (typeof name !== 'string' || !name.trim())) {
      problems.push(
        'name must be a text that names the metric, e.g. error rate',
      );
    }
    const picked = pickServer(this.clients, server);
    if ('problem' in picked) problems.push(picked.problem);
    if (problems.length > 0 || 'problem' in threshold || 'problem' in picked) {
      return { problems };
    }
    return {
      options: {
        query: query as string,
        threshold: threshold.threshold,
        client: picked.client,
        failureLimit: (failureLimit as number | undefined) ?? 0,
        name: (name as string | undefined) ?? (query as string),
      },
      problems,
    };
  }
}
