import {
  approvalPolicyOf,
  builtInGateProblems,
} from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { approvalStatus, describeApprovals } from './approvalStatus';

/**
 * `approvals`: people allowed to approve (the approve permission) have
 * approved this version for this phase under the edge's policy: a number
 * (`{ approvals: 2 }`), or groups and who may not approve
 * (`{ approvals: { from: [{ group: sre, count: 2 }], notBy: [requester] } }`).
 */
export const approvalsGate: GluGate = {
  type: 'approvals',
  // Approvals are in the store: a new one moves the pipeline's revision.
  cacheable: true,
  // Approvals that expire follow the clock.
  cacheableWith: config => approvalPolicyOf(config).maxAge === undefined,
  validate: config => builtInGateProblems('approvals', config)!,
  async evaluate(config, context) {
    const status = approvalStatus(
      approvalPolicyOf(config),
      context.approvalRecords ??
        context.approvals.map(approver => ({
          approver,
          approvedAt: context.now.toISOString(),
          groups: [],
        })),
      { requester: context.requester, author: context.author },
      context.now,
    );
    return {
      passed: status.passed,
      reason: describeApprovals(status, context.from.version),
    };
  },
};
