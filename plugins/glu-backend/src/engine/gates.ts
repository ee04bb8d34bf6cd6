import {
  GateDefinition,
  GateResult,
  PullRequestRef,
} from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { DatabaseGluStore } from '../store/DatabaseGluStore';
import { HistoryEntry } from '../store/types';

/** Evaluates an edge's gates; a gate that is not installed does not pass. */
export async function evaluateGates(options: {
  gates: ExtensionRegistry<GluGate>;
  store: DatabaseGluStore;
  definitions: GateDefinition[];
  pipelineRef: string;
  /** The upstream phase, what it holds, and since when (by default, since that entry). */
  from: {
    phase: string;
    state: Pick<HistoryEntry, 'digest' | 'version'> & { observedAt?: string };
    since?: string;
  };
  to: { phase: string; state?: HistoryEntry };
  /** The pull request that proposes the version, once there is one. */
  pullRequest?: PullRequestRef;
  now?: Date;
}): Promise<GateResult[]> {
  const now = options.now ?? new Date();
  const approvals =
    options.definitions.length > 0
      ? await options.store.approvers(
          options.pipelineRef,
          options.to.phase,
          options.from.state.digest,
        )
      : [];
  const results: GateResult[] = [];
  for (const definition of options.definitions) {
    for (const [type, config] of Object.entries(definition)) {
      const gate = options.gates.get(type);
      if (!gate) {
        results.push({
          type,
          passed: false,
          reason: `the gate ${type} is not installed`,
        });
        continue;
      }
      try {
        const result = await gate.evaluate(config, {
          pipelineRef: options.pipelineRef,
          from: {
            phase: options.from.phase,
            digest: options.from.state.digest,
            version: options.from.state.version,
            since: new Date(
              options.from.since ?? options.from.state.observedAt ?? now,
            ),
          },
          to: {
            phase: options.to.phase,
            digest: options.to.state?.digest,
            version: options.to.state?.version,
          },
          approvals,
          ...(options.pullRequest
            ? {
                pullRequest: {
                  number: options.pullRequest.number,
                  url: options.pullRequest.url,
                  checks: options.pullRequest.checks ?? [],
                },
              }
            : {}),
          now,
        });
        results.push({ type, ...result });
      } catch (error) {
        results.push({
          type,
          passed: false,
          reason: `the gate ${type} failed: ${
            error instanceof Error ? error.message : error
          }`,
        });
      }
    }
  }
  return results;
}
