import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Approval } from '@glu-dev/plugin-glu-common';
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
    const pipeline = await store.pipelines.getPipeline(request.pipelineRef);
    if (!pipeline)
      throw new NotFoundError(`No pipeline ${request.pipelineRef}`);
    const phase = pipeline.phases.find(p => p.name === request.phase);
    if (!phase) {
      throw new NotFoundError(
        `The pipeline ${pipeline.ref} has no phase "${request.phase}"`,
      );
    }
    const from = request.from ?? phase.edges[0]?.from;
    if (!from || !phase.edges.some(e => e.from === from)) {
      throw new InputError(
        `The phase ${phase.name} has no promotion from ${from ?? 'anywhere'}`,
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
