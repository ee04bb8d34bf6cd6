import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Pin } from '@glu-dev/plugin-glu-common';
import { requirePhase } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';

/**
 * Pins hold a phase at its current version: automatic promotion leaves it
 * alone and manual promotion is refused, saying who pinned it and why, until
 * it is unpinned. Pins live in the database, so they survive restarts.
 */
export class Pins {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pins' | 'pipelines'>;
    },
  ) {}

  async pin(request: {
    pipelineRef: string;
    phase: string;
    reason: string;
    pinnedBy: string;
  }): Promise<Pin> {
    const { store } = this.deps;
    if (!request.reason.trim()) {
      throw new InputError('Say why the phase is pinned');
    }
    const { pipeline } = await requirePhase(
      store,
      request.pipelineRef,
      request.phase,
    );
    const state = await store.phases.getPhaseState(pipeline.ref, request.phase);
    if (!state?.current) {
      throw new ConflictError(
        `The phase ${request.phase} has not been observed yet, so there is nothing to pin it at`,
      );
    }
    const pin: Pin = {
      phase: request.phase,
      digest: state.current.digest,
      version: state.current.version,
      pinnedBy: request.pinnedBy,
      reason: request.reason.trim(),
      pinnedAt: new Date().toISOString(),
    };
    await store.pins.setPin(pipeline.ref, pin);
    return pin;
  }

  async unpin(pipelineRef: string, phase: string): Promise<void> {
    if (!(await this.deps.store.pins.deletePin(pipelineRef, phase))) {
      throw new NotFoundError(
        `The phase ${phase} of ${pipelineRef} is not pinned`,
      );
    }
  }
}
