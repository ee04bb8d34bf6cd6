/*
 * The reliability suite, malformed requests: every route of the API given
 * bodies, parameters and cursors that are wrong in every way, each answered
 * with a 4xx that says what to fix, never a 5xx, and no replica crashes.
 */
import { call, Tally } from './harness/client';
import { pipeline } from './harness/entities';
import { TOKENS, useSuite } from './harness/suite';

const FILES = {
  'env/svc-0/version.yaml': 'version: 1.0.0\n',
  'env/svc-1/version.yaml': 'version: 1.0.0\n',
};

describe('reliability: malformed requests', () => {
  const suite = useSuite({
    name: 'requests',
    repositories: { services: FILES },
    entities: ({ host }) =>
      ['svc-0', 'svc-1'].map(name =>
        pipeline(name, host.url('services'), `env/${name}/version.yaml`),
      ),
    ready: ['svc-0', 'svc-1'],
  });

  it('malformed requests get a 4xx that says what to fix, never 5xx, and no replica crashes', async () => {
    const { replicas } = suite;
    const [a, b] = replicas;
    const base = '/api/glu/pipelines/default/svc-0';
    const history = await suite.call(`${a.url}${base}/phases/staging/history`, {
      token: TOKENS.operator,
    });
    const entry = history.body.items[0].id;
    const other = (
      await suite.call(
        `${a.url}/api/glu/pipelines/default/svc-1/phases/staging/history`,
        {
          token: TOKENS.operator,
        },
      )
    ).body.items[0].id;
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    type Case = [
      string,
      string,
      string,
      unknown?,
      { raw?: string; token?: string; headers?: Record<string, string> }?,
    ];
    const cases: Case[] = [
      [
        'promote: no body',
        'POST',
        `${base}/promotions`,
        undefined,
        { raw: '', headers: { 'content-type': 'application/json' } },
      ],
      [
        'promote: broken JSON',
        'POST',
        `${base}/promotions`,
        undefined,
        { raw: '{"phase":', headers: { 'content-type': 'application/json' } },
      ],
      [
        'promote: JSON that is a list',
        'POST',
        `${base}/promotions`,
        ['staging'],
      ],
      ['promote: no phase', 'POST', `${base}/promotions`, {}],
      ['promote: phase a number', 'POST', `${base}/promotions`, { phase: 7 }],
      [
        'promote: an unknown field',
        'POST',
        `${base}/promotions`,
        { phase: 'staging', force: true },
      ],
      [
        'promote: dryRun a string',
        'POST',
        `${base}/promotions`,
        { phase: 'staging', dryRun: 'yes' },
      ],
      [
        'promote: an unknown phase',
        'POST',
        `${base}/promotions`,
        { phase: 'qa' },
      ],
      [
        'promote: a phase with a path in it',
        'POST',
        `${base}/promotions`,
        { phase: '../../etc/passwd' },
      ],
      [
        'promote: into a phase nothing promotes into',
        'POST',
        `${base}/promotions`,
        { phase: 'build' },
      ],
      [
        'promote: from a phase it does not promote from',
        'POST',
        `${base}/promotions`,
        { phase: 'staging', from: 'qa' },
      ],
      [
        'promote: a phase of a megabyte',
        'POST',
        `${base}/promotions`,
        { phase: 'p'.repeat(1_000_000) },
      ],
      [
        'promote: an unknown pipeline',
        'POST',
        '/api/glu/pipelines/default/nope/promotions',
        { phase: 'staging' },
      ],
      [
        'promote: a pipeline name with dots',
        'POST',
        '/api/glu/pipelines/default/..%2F..%2Fetc/promotions',
        { phase: 'staging' },
      ],
      [
        'promote: an unknown namespace',
        'POST',
        '/api/glu/pipelines/elsewhere/svc-0/promotions',
        { phase: 'staging' },
      ],
      [
        'promote: text, not JSON',
        'POST',
        `${base}/promotions`,
        undefined,
        { raw: 'phase=staging', headers: { 'content-type': 'text/plain' } },
      ],
      ['view: an unknown pipeline', 'GET', '/api/glu/pipelines/default/nope'],
      [
        'view: a name of 2,000 characters',
        'GET',
        `/api/glu/pipelines/default/${'n'.repeat(2000)}`,
      ],
      ['list: limit -1', 'GET', '/api/glu/pipelines?limit=-1'],
      ['list: limit 0', 'GET', '/api/glu/pipelines?limit=0'],
      [
        'list: limit of a billion',
        'GET',
        '/api/glu/pipelines?limit=1000000000',
      ],
      ['list: limit not a number', 'GET', '/api/glu/pipelines?limit=many'],
      ['list: a cursor of garbage', 'GET', '/api/glu/pipelines?cursor=%%%'],
      ['list: an owner with a NUL byte', 'GET', '/api/glu/pipelines?owner=%00'],
      [
        'list: a component with a NUL byte',
        'GET',
        '/api/glu/pipelines?component=group%00',
      ],
      [
        'list: 150 owners',
        'GET',
        `/api/glu/pipelines?${Array.from(
          { length: 150 },
          (_, i) => `owner=group:default/t${i}`,
        ).join('&')}`,
      ],
      [
        'view: a name with a NUL byte',
        'GET',
        '/api/glu/pipelines/default/svc%00',
      ],
      [
        'history: a phase with a NUL byte',
        'GET',
        `${base}/phases/sta%00ging/history`,
      ],
      ['history: an unknown phase', 'GET', `${base}/phases/qa/history`],
      [
        'history: a cursor of garbage',
        'GET',
        `${base}/phases/staging/history?cursor=${'x'.repeat(30)}`,
      ],
      [
        'history: a cursor past 2^53',
        'GET',
        `${base}/phases/staging/history?cursor=${b64('99999999999999999999')}`,
      ],
      [
        'history: a cursor of NaN',
        'GET',
        `${base}/phases/staging/history?cursor=${b64('NaN')}`,
      ],
      [
        'history: a cursor of 3,000 characters',
        'GET',
        `${base}/phases/staging/history?cursor=${'a'.repeat(3000)}`,
      ],
      [
        'history: limit 5000',
        'GET',
        `${base}/phases/staging/history?limit=5000`,
      ],
      ['diff: no ids', 'GET', `${base}/phases/staging/diff`],
      [
        'diff: an id of NaN',
        'GET',
        `${base}/phases/staging/diff?from=${entry}&to=NaN`,
      ],
      [
        'diff: an id past 2^53',
        'GET',
        `${base}/phases/staging/diff?from=${entry}&to=99999999999999999999`,
      ],
      [
        'diff: an entry of another pipeline',
        'GET',
        `${base}/phases/staging/diff?from=${entry}&to=${other}`,
      ],
      [
        'promotions: a cursor of SQL',
        'GET',
        `${base}/promotions?cursor=${b64("'; drop table glu_history; --")}`,
      ],
      ['promotion: an unknown id', 'GET', '/api/glu/promotions/nope'],
      [
        'rollback: no history id',
        'POST',
        `${base}/phases/staging/rollback`,
        {},
      ],
      [
        'rollback: a history id of NaN',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: 'NaN' },
      ],
      [
        'rollback: a history id past 2^53',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: '99999999999999999999999' },
      ],
      [
        'rollback: a history id that is a number',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: 1 },
      ],
      [
        'rollback: an entry of another pipeline',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: other },
      ],
      [
        'rollback: an entry that does not exist',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: '999999999' },
      ],
      [
        'rollback: a pin without a reason',
        'POST',
        `${base}/phases/staging/rollback`,
        { historyId: entry, pin: {} },
      ],
      ['pin: no reason', 'POST', `${base}/phases/staging/pin`, {}],
      [
        'pin: an empty reason',
        'POST',
        `${base}/phases/staging/pin`,
        { reason: '' },
      ],
      [
        'pin: a reason of 5,000 characters',
        'POST',
        `${base}/phases/staging/pin`,
        { reason: 'r'.repeat(5000) },
      ],
      [
        'pin: an unknown phase',
        'POST',
        `${base}/phases/qa/pin`,
        { reason: 'freeze' },
      ],
      ['approve: by a service', 'POST', `${base}/phases/staging/approvals`, {}],
      [
        'publish: a version of 300 characters',
        'POST',
        `${base}/phases/build/versions`,
        { version: 'v'.repeat(300) },
        { token: TOKENS.ci },
      ],
      [
        'publish: an empty version',
        'POST',
        `${base}/phases/build/versions`,
        { version: '' },
        { token: TOKENS.ci },
      ],
      [
        'publish: nothing to publish',
        'POST',
        `${base}/phases/build/versions`,
        {},
        { token: TOKENS.ci },
      ],
      [
        'publish: a field of 300 characters',
        'POST',
        `${base}/phases/build/versions`,
        { fields: { tag: 't'.repeat(300) } },
        { token: TOKENS.ci },
      ],
      [
        'publish: 100 fields',
        'POST',
        `${base}/phases/build/versions`,
        {
          fields: Object.fromEntries(
            Array.from({ length: 100 }, (_, i) => [`f${i}`, 'x']),
          ),
        },
        { token: TOKENS.ci },
      ],
      [
        'publish: a field that is no string',
        'POST',
        `${base}/phases/build/versions`,
        { fields: { tag: 1 } },
        { token: TOKENS.ci },
      ],
      [
        'publish: to a phase that reads from Git',
        'POST',
        `${base}/phases/staging/versions`,
        { version: '1.0.0' },
        { token: TOKENS.ci },
      ],
      [
        'publish: to an unknown phase',
        'POST',
        `${base}/phases/qa/versions`,
        { version: '1.0.0' },
        { token: TOKENS.ci },
      ],
      [
        'refresh: an unknown pipeline',
        'POST',
        '/api/glu/pipelines/default/nope/refresh',
      ],
      ['an unknown route', 'GET', '/api/glu/nothing-here'],
      [
        'a method that the route has not',
        'PATCH',
        `${base}/promotions`,
        { phase: 'staging' },
      ],
      [
        'a body of 5 MB',
        'POST',
        `${base}/promotions`,
        undefined,
        {
          raw: JSON.stringify({ phase: 'staging', pad: 'x'.repeat(5_000_000) }),
          headers: { 'content-type': 'application/json' },
        },
      ],
    ];
    const statuses = new Tally();
    const wrong: string[] = [];
    for (const [i, [what, method, route, body, options]] of cases.entries()) {
      const replica = replicas[i % 2];
      const answer = await call(statuses, `${replica.url}${route}`, {
        method,
        token: options?.token ?? TOKENS.operator,
        ...(body !== undefined ? { body } : {}),
        ...(options?.raw !== undefined ? { raw: options.raw } : {}),
        headers: options?.headers,
      });
      suite.tally.record(answer.status);
      const message = answer.body?.error?.message;
      // Backstage answers routes that do not exist with a bare 404.
      const noRoute = answer.status === 404 && what.includes('route');
      if (
        answer.status < 400 ||
        answer.status >= 500 ||
        (!message && !noRoute)
      ) {
        wrong.push(
          `${what}: ${answer.status} ${String(
            JSON.stringify(answer.body),
          ).slice(0, 300)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    // Still up, both of them.
    for (const replica of [a, b]) {
      expect((await suite.call(`${replica.url}/api/glu/health`)).status).toBe(
        200,
      );
      expect(replica.running).toBe(true);
    }
    suite.figure(
      'malformed requests',
      `${
        cases.length
      } answered with a 4xx and a message: ${statuses.summary()}; 0 crashes`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
