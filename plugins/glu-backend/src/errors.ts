/** What went wrong, in words: an error's message, or the thing thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// One deadline for calls that take no signal, shared with the modules.
export { withinDeadline } from '@glu-dev/plugin-glu-node';
