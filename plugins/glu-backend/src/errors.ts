import {
  AuthenticationError,
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** What went wrong, in words: an error's message, or the thing thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// One deadline for calls that take no signal, shared with the modules.
export { withinDeadline } from '@glu-dev/plugin-glu-node';

/**
 * A pipeline that is not there, by its ref: so that the answer can say why
 * when Glu knows (the catalog refused its definition).
 */
export class PipelineNotFoundError extends NotFoundError {
  constructor(readonly pipelineRef: string) {
    super(`No pipeline ${pipelineRef}`);
  }
}

/**
 * A refusal to a caller who may not read a pipeline: answered as "not
 * found", so as not to say that it exists, and known for a refusal where
 * writes are audited, with the reason that the answer leaves out.
 */
export class HiddenPipelineError extends PipelineNotFoundError {
  constructor(
    pipelineRef: string,
    /** Why the caller was refused, for the log and never for the caller. */
    readonly refusal: string,
  ) {
    super(pipelineRef);
  }
}

/** The codes of a connection that could not be made, or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether an error says that a connection failed: a socket's, PostgreSQL's
 * connection exceptions (SQLSTATE class 08) and shutdowns (57P01-57P03),
 * pg's clients that lost theirs, knex finding no connection in time.
 */
function connectionFailed(error: Error): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  return (
    CONNECTION_CODES.has(code) ||
    /^08[0-9A-Z]{3}$/.test(code) ||
    /^57P0[1-3]$/.test(code) ||
    error.name === 'KnexTimeoutError' ||
    // pg's own, for a connection lost under a query or a client used once
    // its connection was lost; knex prefixes the statement, `ROLLBACK - `.
    /(^|- )Connection terminated/.test(error.message) ||
    /Client has encountered a connection error and is not queryable$/.test(
      error.message,
    )
  );
}

/**
 * What a caller is answered for an error: a connection that failed (the
 * database, or another service Glu asks, is down) is a 503 to try again,
 * not a 500. Errors that say what they are already pass as they are.
 */
export function answerable(error: unknown): unknown {
  if (!(error instanceof Error) || !connectionFailed(error)) return error;
  const code = (error as { code?: unknown }).code;
  // Without its cause: its message names the address of the service.
  return new ServiceUnavailableError(
    `A service that Glu needs did not answer${
      code ? ` (${code})` : ''
    }; try again shortly`,
  );
}

/** The statuses of Backstage's errors, by name, as its error handler answers them. */
const STATUSES: Record<string, number> = {
  [NotModifiedError.name]: 304,
  [InputError.name]: 400,
  [AuthenticationError.name]: 401,
  [NotAllowedError.name]: 403,
  [NotFoundError.name]: 404,
  [ConflictError.name]: 409,
  [NotImplementedError.name]: 501,
  [ServiceUnavailableError.name]: 503,
};

/**
 * An error as the HTTP API would answer it, for an answer that holds
 * several outcomes: its name, its message and its status, as Backstage's
 * error handler makes them (a status the error carries, else by its name,
 * else 500). What the handler keeps from callers (a database's error,
 * something thrown that is not an error) is kept from them here too.
 */
export function errorAnswerOf(thrown: unknown): {
  name: string;
  message: string;
  statusCode: number;
} {
  const error = answerable(thrown);
  if (
    !isError(error) ||
    (error as Error).constructor?.name === 'DatabaseError'
  ) {
    return {
      name: 'Error',
      message: 'An internal error occurred',
      statusCode: 500,
    };
  }
  for (const field of ['statusCode', 'status']) {
    const status = (error as unknown as Record<string, unknown>)[field];
    if (
      typeof status === 'number' &&
      Number.isInteger(status) &&
      status >= 100 &&
      status <= 599
    ) {
      return { name: error.name, message: error.message, statusCode: status };
    }
  }
  return {
    name: error.name,
    message: error.message,
    statusCode: STATUSES[error.name] ?? 500,
  };
}
