/*
 * What a clone sends to its remote: a commit of Glu's, pushed with a lease,
 * or a branch deleted. And what a push's failure means: the branch moved
 * (fetch and apply again), the remote refused it on its own terms (409 with
 * what it said), or the remote could not be reached (503), unless the commit
 * landed all the same.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { Attributes } from '@opentelemetry/api';
import { ATTR } from '../../telemetry/attributes';
import { Git } from './gitCommands';
import { outputOf } from './plumbing';

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
function pushFailure(
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

/** What a push needs of the clone it pushes from. */
export interface PushContext {
  url: string;
  logger: LoggerService;
  /** Runs work with git in the clone, under one deadline. */
  run<T>(work: (git: Git) => Promise<T>): Promise<T>;
  /** Runs work in a span of its own, timed. */
  traced<T>(
    operation: string,
    attributes: Attributes,
    work: () => Promise<T>,
  ): Promise<T>;
}

/**
 * Pushes the commit `sha`, built on `head`, to the branch `target`: a
 * proposal branch of Glu's own is replaced (`replace`), any other branch
 * moves only from `head` (a lease). Answers 'apply again' when the branch
 * moved, and throws what any other failure means, unless the remote holds
 * the commit all the same.
 */
export async function pushCommit(
  context: PushContext,
  push: {
    target: string;
    sha: string;
    head: string;
    replace: boolean;
    attempt: number;
  },
): Promise<'pushed' | 'apply again'> {
  const { url, logger } = context;
  const { target, sha, head, attempt } = push;
  try {
    await context.traced(
      'push',
      {
        [ATTR.HEAD_NAME]: target,
        [ATTR.HEAD_REVISION]: sha,
        'glu.git.attempt': attempt,
      },
      () =>
        context.run(git =>
          git.raw([
            'push',
            '--porcelain',
            // A proposal replaces what Glu's own branch held; the
            // branch itself moves only from the head it was built on.
            push.replace
              ? '--force'
              : `--force-with-lease=refs/heads/${target}:${head}`,
            'origin',
            `${sha}:refs/heads/${target}`,
          ]),
        ),
    );
    return 'pushed';
  } catch (error) {
    const failure = pushFailure(error, { url, target, attempt });
    if (failure === 'apply again') {
      logger.info(
        `Push to ${target} of ${url} was rejected because the branch moved; applying again (attempt ${
          attempt + 1
        })`,
      );
      return 'apply again';
    }
    // A push whose answer never came (the host died, the deadline
    // passed) may have landed all the same: the remote says.
    if (
      !(failure instanceof ServiceUnavailableError) ||
      !(await remoteHolds(context, target, sha))
    ) {
      throw failure;
    }
    logger.warn(
      `${failure.message}; but the branch holds its commit ${sha}: it landed`,
    );
    // What the remote branch holds now (a push that answers sets it).
    await context.run(git =>
      outputOf(
        ['update-ref', `refs/remotes/origin/${target}`, sha],
        git.plumbing,
      ),
    );
    return 'pushed';
  }
}

/** Deletes a branch of the remote, if it is there, and its remote-tracking ref. */
export async function deleteRemoteBranch(
  context: PushContext,
  branch: string,
): Promise<void> {
  await context.traced('delete-branch', { [ATTR.HEAD_NAME]: branch }, () =>
    context.run(async git => {
      const remote = await git
        .raw(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`])
        .then(out => out.trim());
      if (remote) {
        await git.raw([
          'push',
          '--porcelain',
          'origin',
          `:refs/heads/${branch}`,
        ]);
      }
      await outputOf(
        ['update-ref', '-d', `refs/remotes/origin/${branch}`],
        git.plumbing,
      ).catch(() => undefined);
    }),
  );
}

/** Whether the remote's branch points at a commit, as far as it answers. */
async function remoteHolds(
  context: PushContext,
  branch: string,
  sha: string,
): Promise<boolean> {
  try {
    const out = await context.run(git =>
      git.raw(['ls-remote', 'origin', `refs/heads/${branch}`]),
    );
    return out.split(/\s/)[0] === sha;
  } catch {
    return false;
  }
}
