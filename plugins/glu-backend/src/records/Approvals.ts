import { ConflictError, InputError } from '@backstage/errors';
import { Approval } from '@glu-dev/plugin-glu-common';
import { approvalsGate } from '../gates/approvals';
import { requirePromotionEdge } from '../pipelines/edges';
import { requirePhase } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';

/**
 * Approvals of a version for a phase, for edges with an approvals gate: the
 * version its upstream holds now, one approval per person.
 */
export class Approvals {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'approvals' | 'phases' | 'pipelines'>;
    },
  ) {}

  async approve(request: {
    pipelineRef: string;
    phase: string;
    /** The upstream phase, when the phase has several. */
    from?: string;
    /** A user ref: approvals are given by people. */
    approver: string;
  }): Promise<Approval> {
    const { store } = this.deps;
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
    if (!gates.some(gate => approvalsGate.type in gate)) {
      throw new InputError(
        `The promotion from ${from} into ${phase.name} has no approvals gate: there is nothing to approve`,
      );
    }
    const upstream = await store.phases.getPhaseState(pipeline.ref, from);
    if (!upstream?.current) {
      throw new ConflictError(`The phase ${from} has not been observed yet`);
    }
    const { digest, version } = upstream.current;
    await store.approvals.addApproval({
      pipelineRef: pipeline.ref,
      phase: phase.name,
      digest,
      approver: request.approver,
    });
    return {
      digest,
      version,
      approvers: await store.approvals.approvers(
        pipeline.ref,
        phase.name,
        digest,
      ),
    };
  }
}
