import { NotFoundError } from '@backstage/errors';

/** What went wrong, in words: an error's message, or the thing thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What `work` answers, or an error once `millis` have passed without an
 * answer: for calls into code that takes no signal of its own (a gate of a
 * module, the notifications service).
 */
export async function withinDeadline<T>(
  work: Promise<T>,
  millis: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`no answer within ${Math.round(millis / 1000)}s`)),
          millis,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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
