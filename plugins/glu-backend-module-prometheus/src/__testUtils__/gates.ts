import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { GluGateContext, GluGateResult } from '@glu-dev/plugin-glu-node';
import { createPrometheusGates } from '../module';

/** The module's gates for an app-config's `glu` section. */
export function gatesFor(glu: JsonObject) {
  return createPrometheusGates(new ConfigReader({ glu }));
}

/** When the upstream phase got the version, in the tests. */
export const SINCE = new Date('2026-03-02T10:00:00Z');

/** Minutes after `SINCE`. */
export function minutes(count: number): Date {
  return new Date(SINCE.getTime() + count * 60_000);
}

/** A gate's context: staging holds checkout 1.2.0, promoted to production. */
export function gateContext(
  overrides: Partial<GluGateContext> = {},
): GluGateContext {
  return {
    pipelineRef: 'pipeline:default/checkout',
    labels: { team: 'payments' },
    from: {
      phase: 'staging',
      digest: 'sha256:1200',
      version: '1.2.0',
      since: SINCE,
    },
    to: { phase: 'production' },
    approvals: [],
    now: SINCE,
    ...overrides,
  };
}

/**
 * The next check's context: `now`, with the last answer as `previous`,
 * since when it has been passing (or not), as Glu keeps it.
 */
export function nextCheck(
  context: GluGateContext,
  answer: GluGateResult,
  now: Date,
): GluGateContext {
  const same = context.previous && context.previous.passed === answer.passed;
  return {
    ...context,
    now,
    previous: {
      ...answer,
      since: same ? context.previous!.since : context.now,
    },
  };
}

/**
 * The success-rate AnalysisTemplate of Argo Rollouts' documentation
 * (features/analysis, "Background Analysis"), unchanged.
 */
export const ARGO_SUCCESS_RATE = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  args:
  - name: service-name
  metrics:
  - name: success-rate
    interval: 5m
    # NOTE: prometheus queries return results in the form of a vector.
    # So it is common to access the index 0 of the returned array to obtain the value
    successCondition: result[0] >= 0.95
    failureLimit: 3
    provider:
      prometheus:
        address: http://prometheus.example.com:9090
        query: |
          sum(irate(
            istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}",response_code!~"5.*"}[5m]
          )) /
          sum(irate(
            istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}"}[5m]
          ))
`;
