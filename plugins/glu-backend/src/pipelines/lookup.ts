import { NotFoundError } from '@backstage/errors';
import {
  PhaseDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { PipelineNotFoundError } from '../errors';
import { GluStore } from '../store/GluStore';

/*
 * The pipeline and phase a request names, or a 404 that says which is
 * missing: one message, wherever a request names them.
 */

/** The pipeline found, or a 404 that names it. */
export function foundPipeline<T>(found: T | undefined, ref: string): T {
  if (!found) throw new PipelineNotFoundError(ref);
  return found;
}

/** The phase of a pipeline, or a 404 that names both. */
export function phaseOf(
  pipeline: PipelineDefinition,
  name: string,
): PhaseDefinition {
  const phase = pipeline.phases.find(p => p.name === name);
  if (!phase) {
    throw new NotFoundError(
      `The pipeline ${pipeline.ref} has no phase "${name}"`,
    );
  }
  return phase;
}

/** A pipeline as the store has it now, or a 404. */
export async function requirePipeline(
  store: Pick<GluStore, 'pipelines'>,
  ref: string,
): Promise<PipelineDefinition> {
  return foundPipeline(await store.pipelines.getPipeline(ref), ref);
}

/** A pipeline and one of its phases as the store has them now, or a 404. */
export async function requirePhase(
  store: Pick<GluStore, 'pipelines'>,
  ref: string,
  name: string,
): Promise<{ pipeline: PipelineDefinition; phase: PhaseDefinition }> {
  const pipeline = await requirePipeline(store, ref);
  return { pipeline, phase: phaseOf(pipeline, name) };
}

/**
 * A pipeline and one of its phases as the store has them now, with the
 * pipeline's revision they were read at, or a 404.
 */
export async function requirePhaseAt(
  store: Pick<GluStore, 'pipelines'>,
  ref: string,
  name: string,
): Promise<{
  pipeline: PipelineDefinition;
  phase: PhaseDefinition;
  revision: string;
}> {
  const at = foundPipeline(await store.pipelines.getPipelineAt(ref), ref);
  return {
    pipeline: at.definition,
    phase: phaseOf(at.definition, name),
    revision: at.revision,
  };
}
