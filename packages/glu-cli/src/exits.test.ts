import { ResponseError } from '@backstage/errors';
import { ExitCode, explain } from './exits';

const context = { url: 'http://localhost:7007', timeoutSeconds: 30 };

/** An answer of the API with an error body, as Backstage sends it. */
function answer(
  status: number,
  statusText: string,
  name: string,
  message: string,
) {
  return new Response(
    JSON.stringify({
      error: { name, message },
      request: { method: 'POST', url: '/api/glu/pipelines' },
      response: { statusCode: status },
    }),
    { status, statusText, headers: { 'content-type': 'application/json' } },
  );
}

/**
 * The ResponseError class of another copy of `@backstage/errors`, as an
 * installed CLI and its client library each have their own.
 */
function otherCopy(): typeof ResponseError {
  let copy: typeof ResponseError | undefined;
  jest.isolateModules(() => {
    copy = require('@backstage/errors').ResponseError;
  });
  return copy!;
}

describe('explain', () => {
  it('explains a ResponseError thrown by another copy of the errors package by what the API said', async () => {
    const Other = otherCopy();
    const cases = [
      {
        response: answer(
          404,
          'Not Found',
          'NotFoundError',
          'No pipeline pipeline:default/nope',
        ),
        message: 'Not found (404): No pipeline pipeline:default/nope.',
        exitCode: ExitCode.error,
      },
      {
        response: answer(400, 'Bad Request', 'InputError', 'version is empty'),
        message: 'Glu refused the request: version is empty',
        exitCode: ExitCode.usage,
      },
      {
        response: answer(
          403,
          'Forbidden',
          'NotAllowedError',
          'user:default/bob may not update it',
        ),
        message: 'Not allowed (403): user:default/bob may not update it.',
        exitCode: ExitCode.notAllowed,
      },
      {
        response: answer(
          409,
          'Conflict',
          'ConflictError',
          'production is pinned',
        ),
        message: 'Blocked (409): production is pinned',
        exitCode: ExitCode.blocked,
      },
    ];
    for (const { response, message, exitCode } of cases) {
      const error = await Other.fromResponse(response);
      // Not this copy's class: only its name and shape say what it is.
      expect(error).not.toBeInstanceOf(ResponseError);
      const explained = await explain(error, context);
      expect({
        message: explained.message,
        exitCode: explained.exitCode,
      }).toEqual({
        message,
        exitCode,
      });
    }
  });

  it('exits 5 on a write that was tried and failed, and 3 on one held back, though both are 409', async () => {
    const failed = Object.assign(
      new Error('Request failed with 409 Conflict'),
      {
        name: 'ResponseError',
        response: { status: 409 },
        body: {
          error: {
            name: 'ConflictError',
            message: 'git refused the push to main: protected branch',
            promotionId: '01abc',
          },
        },
      },
    );
    const explained = await explain(failed, context);
    expect(explained.exitCode).toBe(ExitCode.failed);
    expect(explained.message).toBe(
      'The write failed (409): git refused the push to main: protected branch. Nothing was written; promotion 01abc records it. Try again once that is fixed.',
    );
    const unreachable = {
      ...failed,
      message: 'x',
      name: 'ResponseError',
      response: { status: 503 },
    };
    expect((await explain(unreachable, context)).exitCode).toBe(
      ExitCode.failed,
    );
    const blocked = Object.assign(
      new Error('Request failed with 409 Conflict'),
      {
        name: 'ResponseError',
        response: { status: 409 },
        body: {
          error: { name: 'ConflictError', message: 'staging is pinned' },
        },
      },
    );
    expect((await explain(blocked, context)).exitCode).toBe(ExitCode.blocked);
  });

  it('explains an error of the same name and shape from an older copy, without statusCode', async () => {
    const error = Object.assign(new Error('Request failed with 409 Conflict'), {
      name: 'ResponseError',
      response: { status: 409 },
      body: { error: { name: 'ConflictError', message: 'staging is pinned' } },
    });
    const explained = await explain(error, context);
    expect(explained.message).toBe('Blocked (409): staging is pinned');
    expect(explained.exitCode).toBe(ExitCode.blocked);
  });

  it('does not take an error of another name for an answer of the API', async () => {
    const error = Object.assign(new Error('boom'), {
      name: 'TypeError',
      response: { status: 409 },
      body: {},
    });
    const explained = await explain(error, context);
    expect(explained.message).toBe('boom');
    expect(explained.exitCode).toBe(ExitCode.error);
  });
});
