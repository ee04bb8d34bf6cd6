import { NotFoundError } from '@backstage/errors';
import { answerable } from './errors';

/** An error as Node's sockets and the pg driver make them. */
function failure(message: string, fields: Record<string, unknown>) {
  return Object.assign(new Error(message), fields);
}

describe('answerable', () => {
  it.each([
    [
      'a socket that could not connect',
      failure('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
    ],
    [
      'PostgreSQL shutting down',
      failure('terminating connection due to administrator command', {
        code: '57P01',
      }),
    ],
    [
      'a connection PostgreSQL lost',
      failure('Connection terminated unexpectedly', {}),
    ],
    [
      'a transaction whose connection PostgreSQL lost, rolled back',
      failure(
        'ROLLBACK - Client has encountered a connection error and is not queryable',
        {},
      ),
    ],
    [
      'knex finding no connection in time',
      Object.assign(
        new Error(
          'Knex: Timeout acquiring a connection. The pool is probably full.',
        ),
        { name: 'KnexTimeoutError' },
      ),
    ],
  ])(
    'answers %s with a 503 to try again, without its address',
    (_what, error) => {
      const answer = answerable(error) as Error;
      expect(answer).toMatchObject({ name: 'ServiceUnavailableError' });
      expect(answer.message).toMatch(
        /^A service that Glu needs did not answer/,
      );
      expect(answer.message).not.toContain('127.0.0.1');
    },
  );

  it('leaves every other error as it is', () => {
    const errors = [
      new NotFoundError('No pipeline pipeline:default/x'),
      new Error('something else'),
      failure('duplicate key value violates unique constraint', {
        code: '23505',
      }),
      'not an error',
    ];
    for (const error of errors) expect(answerable(error)).toBe(error);
  });
});
