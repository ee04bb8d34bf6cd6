import { NotFoundError } from '@backstage/errors';

/** What went wrong, in words: an error's message, or the thing thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// One deadline for calls that take no signal, shared with the modules.
export { withinDeadline } from '@glu-dev/plugin-glu-node';

/**
 * A refusal to a caller who may not read a pipeline: answered as "not
 * found", so as not to say that it exists, and known for a refusal where
 * writes are audited, with the reason that the answer leaves out.
 */
export class HiddenPipelineError extends NotFoundError {
  constructor(
    pipelineRef: string,
    /** Why the caller was refused, for the log and never for the caller. */
    readonly refusal: string,
  ) {
    super(`No pipeline ${pipelineRef}`);
  }
}
