/*
 * What a push's failure means: the branch moved (fetch and apply again), the
 * remote refused it on its own terms (409 with what it said), or the remote
 * could not be reached (503).
 */
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';

/** How many times a commit is applied again on a branch that keeps moving. */
export const MAX_PUSH_ATTEMPTS = 5;

/**
 * A push that failed because the branch moved since the fetch: someone else
 * pushed first. Fetching and applying again is the answer.
 */
function branchMoved(message: string): boolean {
  return /\[rejected\]\s*\((fetch first|non-fast-forward|stale info)\)|cannot lock ref/i.test(
    message,
  );
}

/**
 * A push that the remote refused on its own terms (a pre-receive hook, a
 * protected branch): what the remote said, or undefined for any other
 * failure.
 */
function remoteRefusal(message: string): string | undefined {
  if (!/\[remote rejected\]|protected branch|declined/i.test(message)) {
    return undefined;
  }
  const said = message
    .split('\n')
    .filter(line => /^remote:/.test(line.trim()))
    .map(line => line.trim().replace(/^remote:\s*/, ''))
    .filter(Boolean);
  const rejected = message.match(/\[remote rejected\][^\n]*/)?.[0];
  return [...said, ...(rejected ? [rejected] : [])].join(' ') || message;
}

/**
 * What a failed push means: another attempt when the branch moved (and
 * attempts are left), else the error to answer with.
 */
export function pushFailure(
  error: unknown,
  where: { url: string; target: string; attempt: number },
): 'apply again' | Error {
  if (error instanceof ServiceUnavailableError) return error;
  const { url, target, attempt } = where;
  const text = String(error instanceof Error ? error.message : error);
  if (branchMoved(text)) {
    if (attempt < MAX_PUSH_ATTEMPTS) return 'apply again';
    return new ConflictError(
      `Could not push to ${target} of ${url}: the branch kept moving (${MAX_PUSH_ATTEMPTS} attempts)`,
    );
  }
  const refusal = remoteRefusal(text);
  if (refusal) {
    return new ConflictError(
      `${url} refused the push to ${target}: ${refusal}`,
    );
  }
  return new ServiceUnavailableError(
    `Could not push to ${target} of ${url}: ${text}`,
  );
}
