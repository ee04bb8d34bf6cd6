import {
  GateDefinition,
  GateResult,
  observedGateOptions,
  PullRequestRef,
} from '@glu-dev/plugin-glu-common';
import {
  GluGate,
  GluGateContext,
  GluPhaseLocation,
} from '@glu-dev/plugin-glu-node';
import { createHash } from 'node:crypto';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { GluStore } from '../store/GluStore';
import { GateCheck, HistoryEntry } from '../store/types';
import { GivenApproval } from '../gates/approvalStatus';

/**
 * A gate of an edge, as its checks are kept: the edge, the gate's place
 * among the edge's gates and its configuration. A gate whose configuration
 * changes is a new gate, checked afresh.
 */
export function gateKey(
  edge: { from: string; to: string },
  index: number,
  type: string,
  config: unknown,
): string {
  return createHash('sha256')
    .update(JSON.stringify([edge.from, edge.to, index, type, config ?? null]))
    .digest('hex')
    .slice(0, 40);
}

/** How long, in words: `45s`, `12m`, `3h 5m`. */
export function humanizeMillis(millis: number): string {
  const minutes = Math.floor(millis / 60_000);
  if (minutes < 1) return `${Math.floor(millis / 1000)}s`;
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${
    minutes % 60 ? ` ${minutes % 60}m` : ''
  }`;
}

/** The gates of an edge, each with its key and type. */
export function gatesOf(
  edge: { from: string; to: string },
  definitions: GateDefinition[],
): Array<{ key: string; type: string; config: unknown }> {
  return definitions.flatMap((definition, index) =>
    Object.entries(definition).map(([type, config]) => ({
      key: gateKey(edge, index, type, config),
      type,
      config,
    })),
  );
}

/** What the gates of an edge are asked about: the same for every gate. */
export interface GateQuestion {
  pipelineRef: string;
  /** The upstream phase, what it holds, and since when (by default, since that entry). */
  from: {
    phase: string;
    state: Pick<HistoryEntry, 'digest' | 'version'> &
      Partial<Pick<HistoryEntry, 'commitSha'>> & { observedAt?: string };
    since?: string;
    location?: GluPhaseLocation;
  };
  to: { phase: string; state?: HistoryEntry };
  /** The pull request that proposes the version, once there is one. */
  pullRequest?: PullRequestRef;
  /** Who asks for the promotion; none for an automatic one. */
  requester?: string;
  /** Who made the version, when known. */
  author?: string;
  now?: Date;
}

/** The context a gate is given, from the question and the approvals. */
export function gateContext(
  question: GateQuestion,
  approvals: GivenApproval[],
): GluGateContext {
  const now = question.now ?? new Date();
  const { from, to, pullRequest } = question;
  return {
    pipelineRef: question.pipelineRef,
    from: {
      phase: from.phase,
      digest: from.state.digest,
      version: from.state.version,
      since: new Date(from.since ?? from.state.observedAt ?? now),
      ...(from.state.commitSha ? { revision: from.state.commitSha } : {}),
      ...(from.location ? { location: from.location } : {}),
    },
    to: {
      phase: to.phase,
      digest: to.state?.digest,
      version: to.state?.version,
    },
    approvals: approvals.map(a => a.approver),
    approvalRecords: approvals,
    ...(question.requester ? { requester: question.requester } : {}),
    ...(question.author ? { author: question.author } : {}),
    ...(pullRequest
      ? {
          pullRequest: {
            number: pullRequest.number,
            url: pullRequest.url,
            checks: pullRequest.checks ?? [],
          },
        }
      : {}),
    now,
  };
}

/** The words for a gate that threw instead of answering. */
export function gateError(type: string, error: unknown): string {
  return `the gate ${type} failed: ${
    error instanceof Error ? error.message : error
  }`;
}

/**
 * A gate that observes, as the store last saw it for the upstream's
 * version: its answer once its checks have passed for the soak time, or
 * what it waits for.
 */
export function observedResult(
  type: string,
  config: unknown,
  check: GateCheck | undefined,
  from: { digest: string; version: string },
  now: Date,
): GateResult {
  if (!check || check.digest !== from.digest) {
    return {
      type,
      passed: false,
      reason: `not checked yet for ${from.version}`,
    };
  }
  const result: GateResult = {
    type,
    passed: check.passed,
    reason: check.reason,
    ...(check.failed ? { failed: true } : {}),
    checkedAt: check.checkedAt,
    ...(check.metrics ? { metrics: check.metrics } : {}),
  };
  const { soakMillis } = observedGateOptions(config);
  const held = now.getTime() - Date.parse(check.since);
  if (check.passed && held < soakMillis) {
    return {
      ...result,
      passed: false,
      reason: `${check.reason}; soaking ${humanizeMillis(
        held,
      )} of ${humanizeMillis(soakMillis)}`,
    };
  }
  return result;
}

/**
 * Evaluates an edge's gates; a gate that is not installed does not pass. A
 * gate that observes the running system is not asked: its last answer,
 * checked in the background (`GateChecker`), is read from `checks`.
 */
export async function evaluateGates(
  options: GateQuestion & {
    gates: ExtensionRegistry<GluGate>;
    store: Pick<GluStore, 'approvals'>;
    definitions: GateDefinition[];
    /** The pipeline's stored answers of gates that observe. */
    checks?: GateCheck[];
    /** The version's approvals for the phase, when read already. */
    approvals?: GivenApproval[];
  },
): Promise<GateResult[]> {
  const now = options.now ?? new Date();
  const approvals =
    options.approvals ??
    (options.definitions.length > 0
      ? await options.store.approvals.approvals(
          options.pipelineRef,
          options.to.phase,
          options.from.state.digest,
        )
      : []);
  const context = gateContext({ ...options, now }, approvals);
  const results: GateResult[] = [];
  const edge = { from: options.from.phase, to: options.to.phase };
  for (const { key, type, config } of gatesOf(edge, options.definitions)) {
    const gate = options.gates.get(type);
    if (!gate) {
      results.push({
        type,
        passed: false,
        reason: `the gate ${type} is not installed`,
      });
      continue;
    }
    if (gate.observes) {
      results.push(
        observedResult(
          type,
          config,
          options.checks?.find(c => c.gateKey === key),
          options.from.state,
          now,
        ),
      );
      continue;
    }
    try {
      results.push({ type, ...(await gate.evaluate(config, context)) });
    } catch (error) {
      results.push({ type, passed: false, reason: gateError(type, error) });
    }
  }
  return results;
}
