import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { Approval, approvalPolicyOf } from '@glu-dev/plugin-glu-common';
import { approvalsGate } from '../gates/approvals';
import {
  approvalStatus,
  GivenApproval,
  notCounted,
} from '../gates/approvalStatus';
import { openRequestOf } from '../deciding/approvals';
import { requirePromotionEdge } from '../pipelines/edges';
import { requirePhase } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';

/**
 * Approvals of a version for a phase, for edges with an approvals gate: the
 * version its upstream holds now, one approval per person, with the groups
 * the approver belongs to. An approval that the edge's policy would not
 * count (the requester's, the version author's, one from outside every
 * group it asks for) is refused, saying why.
 */
export class Approvals {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'approvals' | 'phases' | 'pipelines' | 'requests'>;
      clock?: () => Date;
    },
  ) {}

  async approve(request: {
    pipelineRef: string;
    phase: string;
    /** The upstream phase, when the phase has several. */
    from?: string;
    /** A user ref: approvals are given by people. */
    approver: string;
    /** The user and the groups they belong to (ownership refs). */
    claims?: string[];
    /** The approver's email, as the catalog has it. */
    email?: string;
  }): Promise<Approval> {
    const { store } = this.deps;
    const now = this.deps.clock?.() ?? new Date();
    if (!request.approver.startsWith('user:')) {
      throw new InputError('Approvals are given by people, not services');
    }
    const { pipeline, phase } = await requirePhase(
      store,
      request.pipelineRef,
      request.phase,
    );
    // The version of the edge a promotion would go by: ambiguous is refused.
    const { from, gates } = requirePromotionEdge(phase, request.from);
    // An approval nothing waits for would be recorded and never asked for.
    const gate = gates.find(g => approvalsGate.type in g);
    if (!gate) {
      throw new InputError(
        `The promotion from ${from} into ${phase.name} has no approvals gate: there is nothing to approve`,
      );
    }
    const upstream = await store.phases.getPhaseState(pipeline.ref, from);
    if (!upstream?.current) {
      throw new ConflictError(`The phase ${from} has not been observed yet`);
    }
    const { digest, version, author } = upstream.current;
    const policy = approvalPolicyOf(gate.approvals);
    const requests = await store.requests.openRequests([pipeline.ref]);
    const open = openRequestOf({ requests }, from, phase.name, { digest }, now);
    const parties = { requester: open?.requestedBy, author };
    const given: GivenApproval = {
      approver: request.approver,
      approvedAt: now.toISOString(),
      groups: (request.claims ?? [])
        .map(c => c.toLocaleLowerCase('en-US'))
        .filter(c => c.startsWith('group:')),
      ...(request.email ? { email: request.email } : {}),
    };
    const refused = (why: string) =>
      new NotAllowedError(
        `${request.approver} may not approve ${version} for ${phase.name}: ${why}`,
      );
    const why = notCounted(policy, given, parties, now);
    if (why) {
      throw refused(
        `${request.approver} ${why}, and the approval policy of ${from} → ${
          phase.name
        } keeps the ${policy.notBy.join(' and the ')} out`,
      );
    }
    const groupsNeeded = policy.from.reduce((sum, f) => sum + f.count, 0);
    const inGroup = policy.from.some(f => given.groups.includes(f.group));
    if (policy.from.length > 0 && !inGroup && groupsNeeded >= policy.count) {
      throw refused(
        `the approval policy of ${from} → ${
          phase.name
        } asks for approvals from ${policy.from
          .map(f => f.group)
          .join(' and ')}, and ${request.approver} is in none of them`,
      );
    }
    await store.approvals.addApproval({
      pipelineRef: pipeline.ref,
      phase: phase.name,
      digest,
      approver: request.approver,
      groups: given.groups,
      email: request.email,
    });
    const approvals = await store.approvals.approvals(
      pipeline.ref,
      phase.name,
      digest,
    );
    return {
      digest,
      version,
      approvers: approvals.map(a => a.approver).sort(),
      approval: approvalStatus(policy, approvals, parties, now),
    };
  }
}
