import { builtInGateProblems } from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';

/**
 * `approvals`: N distinct people allowed to approve (the approve permission)
 * have approved this version for this phase, e.g. `{ approvals: 2 }`.
 */
export const approvalsGate: GluGate = {
  type: 'approvals',
  // Approvals are in the store: a new one moves the pipeline's revision.
  cacheable: true,
  validate: config => builtInGateProblems('approvals', config)!,
  async evaluate(config, context) {
    const required = Number(config);
    const approvers = context.approvals;
    const passed = approvers.length >= required;
    const who = approvers.length ? ` (${approvers.join(', ')})` : '';
    return {
      passed,
      reason: `${approvers.length} of ${required} approvals for ${context.from.version}${who}`,
    };
  },
};
