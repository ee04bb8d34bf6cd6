import {
  approvalPolicyOf,
  EdgeDefinition,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { HistoryEntry } from '../store/types';
import {
  ApprovalParties,
  ApprovalStatus,
  approvalStatus,
  GivenApproval,
} from '../gates/approvalStatus';
import type { PipelineSnapshot } from './EdgeDecisions';

/** An edge's approvals gate's configuration, if it has one. */
export function approvalsConfigOf(edge: EdgeDefinition): unknown {
  return edge.gates.find(gate => 'approvals' in gate)?.approvals;
}

/**
 * Where an edge's approvals stand for a version, when the edge has an
 * approvals gate: what its view shows, by the rule the gate applies.
 */
export function approvalOf(
  edge: EdgeDefinition,
  approvals: GivenApproval[],
  parties: ApprovalParties,
  now = new Date(),
): ApprovalStatus | undefined {
  const config = approvalsConfigOf(edge);
  if (config === undefined) return undefined;
  return approvalStatus(approvalPolicyOf(config), approvals, parties, now);
}

/**
 * The open request that waits on an edge for the version its upstream
 * holds, and has not expired.
 */
export function openRequestOf(
  snapshot: Pick<PipelineSnapshot, 'requests'>,
  from: string,
  to: string,
  origin: Pick<HistoryEntry, 'digest'> | undefined,
  now = new Date(),
): PromotionRequest | undefined {
  if (!origin) return undefined;
  return snapshot.requests.find(
    r =>
      r.from === from &&
      r.to === to &&
      r.digest === origin.digest &&
      Date.parse(r.expiresAt) > now.getTime(),
  );
}
