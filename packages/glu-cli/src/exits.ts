import { isError } from '@backstage/errors';

/**
 * What `glu` exits with. Scripts branch on these: a promotion that a gate,
 * a pin or another promotion holds back is not an error of the tool.
 */
export const ExitCode = {
  /** It was done (or there was nothing to do). */
  done: 0,
  /** It failed: Backstage or the network failed, or the thing is not there. */
  error: 1,
  /** The command was called wrongly: arguments, or input the API refused. */
  usage: 2,
  /**
   * Blocked: a gate, a pin, a freeze, a quarantine or a promotion under way
   * holds it back.
   */
  blocked: 3,
  /**
   * Not allowed: no valid token, or the permission policy (or an edge's
   * approval policy) says no.
   */
  notAllowed: 4,
  /**
   * Failed: the write was tried and did not happen (Git refused the push or
   * could not be reached); its record says why. Try again.
   */
  failed: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that `glu` reports as it is, with the exit code it calls for. */
export class GluCliError extends Error {
  constructor(message: string, readonly exitCode: ExitCodeValue) {
    super(message);
    this.name = 'GluCliError';
  }
}

/** What the failing command was about, to say what to do next. */
export type ErrorContext = {
  url: string;
  timeoutSeconds: number;
  /** The pipeline the command was about, if any. */
  pipeline?: string;
  /** What to do when the thing the command was about is not there. */
  notFound?: string;
  /** That pipeline's ref and owner, looked up when a refusal needs them. */
  ownerOf?: (pipeline: string) => Promise<{ ref: string; owner: string }>;
};

/** What the API answered, from a ResponseError. */
export type Answer = {
  status: number;
  /** What the API said was wrong. */
  message: string;
  /** The record of a write that was tried and failed. */
  promotionId?: string;
};

/**
 * The API's answer in a ResponseError of `@backstage/errors`, told by its
 * name and shape rather than by its class: the client may throw the class
 * of another copy of the package (an installed CLI has its own copy and the
 * client library another), and `instanceof` fails across copies.
 */
export function answerOf(error: unknown): Answer | undefined {
  if (!isError(error) || error.name !== 'ResponseError') return undefined;
  const { statusCode, response, body } = error as {
    statusCode?: unknown;
    response?: { status?: unknown };
    body?: { error?: { message?: unknown; promotionId?: unknown } };
  };
  const status = typeof statusCode === 'number' ? statusCode : response?.status;
  if (typeof status !== 'number') return undefined;
  const said = body?.error?.message;
  const promotionId = body?.error?.promotionId;
  return {
    status,
    message: typeof said === 'string' && said ? said : error.message,
    ...(typeof promotionId === 'string' ? { promotionId } : {}),
  };
}

/** Turns what went wrong into a message that says what to do, and a code. */
export async function explain(
  error: unknown,
  context: ErrorContext,
): Promise<GluCliError> {
  if (error instanceof GluCliError) return error;
  const answer = answerOf(error);
  if (answer) return explainAnswer(answer, context);
  const e = error as { name?: string; message?: string; cause?: any };
  if (e?.name === 'InputError') {
    // Refused before it was sent, e.g. a pipeline named by another kind.
    return new GluCliError(e.message ?? String(error), ExitCode.usage);
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new GluCliError(
      `Backstage at ${context.url} did not answer within ${context.timeoutSeconds} s (--timeout).`,
      ExitCode.error,
    );
  }
  if (e?.name === 'TypeError' && /fetch failed/.test(e.message ?? '')) {
    return new GluCliError(
      `Could not reach Backstage at ${context.url}: ${
        e.cause?.code ?? e.cause?.message ?? e.message
      }. Is it running, and are --url or GLU_URL right?`,
      ExitCode.error,
    );
  }
  return new GluCliError(e?.message ?? String(error), ExitCode.error);
}

/**
 * Turns what the API answered into a message that says what to do, and a
 * code: of a request, or of one item of a request of several (the fleet's
 * promotions).
 */
export async function explainAnswer(
  answer: Answer,
  context: ErrorContext,
): Promise<GluCliError> {
  const { status, message, promotionId } = answer;
  // A write that was tried and failed names its record; a blocked one
  // (also a 409) does not.
  if (promotionId && (status === 409 || status === 503)) {
    return new GluCliError(
      `The write failed (${status}): ${message}. Nothing was written; promotion ${promotionId} records it. Try again once that is fixed.`,
      ExitCode.failed,
    );
  }
  switch (status) {
    case 400:
      return new GluCliError(
        `Glu refused the request: ${message}`,
        ExitCode.usage,
      );
    case 401:
      return new GluCliError(
        `Backstage did not accept the token (401): ${message}. Give a valid token with --token, GLU_TOKEN or --token-file (glu --help says how to get one).`,
        ExitCode.notAllowed,
      );
    case 403: {
      const owned =
        context.pipeline && context.ownerOf
          ? await context.ownerOf(context.pipeline).catch(() => undefined)
          : undefined;
      return new GluCliError(
        `Not allowed (403): ${message}.${
          owned
            ? ` ${owned.ref} is owned by ${owned.owner}: ask one of its owners, or use the token of someone who may.`
            : ''
        }`,
        ExitCode.notAllowed,
      );
    }
    case 404:
      return new GluCliError(
        `Not found (404): ${message}.${
          context.notFound ? ` ${context.notFound}` : ''
        }${
          context.pipeline
            ? ' `glu pipelines` lists the pipelines, `glu inspect <pipeline>` their phases.'
            : ''
        }`,
        ExitCode.error,
      );
    case 409:
      return new GluCliError(`Blocked (409): ${message}`, ExitCode.blocked);
    case 503:
      return new GluCliError(
        `Glu cannot do it now (503): ${message}. Try again later.`,
        ExitCode.error,
      );
    default:
      return new GluCliError(
        `Glu answered ${status}: ${message}`,
        ExitCode.error,
      );
  }
}

/** A number of seconds above 0 from an option, or a usage error naming it. */
export function secondsOf(value: string, option: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new GluCliError(
      `${option} is a number of seconds above 0, not ${value}`,
      ExitCode.usage,
    );
  }
  return seconds;
}
