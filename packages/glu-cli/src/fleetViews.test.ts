import {
  FleetCell,
  FleetDiff,
  FleetPage,
  Promotion,
} from '@glu-dev/plugin-glu-common';
import chalk from 'chalk';
import { PassThrough } from 'node:stream';
import { ask, mergeEnvironments } from './commands/fleet';
import {
  cellText,
  fleetCsv,
  fleetDiffCsv,
  fleetDiffTable,
  fleetTable,
  Outcome,
  outcomesSummary,
  outcomesText,
} from './fleetViews';
import { csv } from './output';

const p = new chalk.Instance({ level: 0 });
/** The time of the tests: every time is counted from it. */
const now = Date.parse('2026-03-10T12:00:00.000Z');
const before = (seconds: number) =>
  new Date(now - seconds * 1000).toISOString();

const cell = (over: Partial<FleetCell>): FleetCell => ({
  environment: 'production',
  phase: 'production',
  version: '1.4.2',
  digest: 'sha256:aaa',
  since: before(86_400 * 5),
  status: 'up-to-date',
  reasons: [],
  ...over,
});

const fleet: FleetPage = {
  environments: ['build', 'staging', 'production'],
  items: [
    {
      ref: 'pipeline:default/checkout',
      name: 'checkout',
      namespace: 'default',
      owner: 'group:default/team-checkout',
      components: [],
      cells: [
        cell({ environment: 'build', phase: 'build', version: '1.5.0' }),
        cell({
          environment: 'staging',
          phase: 'staging',
          status: 'behind',
          behind: {
            from: 'build',
            version: '1.5.0',
            digest: 'sha256:bbb',
            versions: 3,
            since: before(2 * 86_400),
          },
        }),
        cell({
          status: 'pinned',
          reasons: [
            'production is pinned at 1.4.2 by user:default/rita: "a, b"',
          ],
        }),
      ],
    },
    {
      ref: 'pipeline:default/payments',
      name: 'payments',
      namespace: 'default',
      owner: 'group:default/team-payments',
      system: 'system:default/shop',
      components: [],
      cells: [
        cell({ environment: 'staging', phase: 'stage', version: '2.0.0' }),
        cell({ phase: 'prod', status: 'empty', version: undefined }),
      ],
    },
  ],
};

describe('glu fleet, as printed', () => {
  it('tells what each environment holds in a few words', () => {
    expect(cellText(p, undefined, now)).toBe('—');
    expect(cellText(p, cell({}), now)).toBe('1.4.2');
    expect(cellText(p, fleet.items[0].cells[1], now)).toBe(
      '1.4.2 · behind 3 (2d)',
    );
    expect(cellText(p, cell({ status: 'pinned' }), now)).toBe('1.4.2 · pinned');
    expect(cellText(p, cell({ status: 'frozen' }), now)).toBe('1.4.2 · frozen');
    expect(
      cellText(
        p,
        cell({
          status: 'blocked',
          behind: {
            from: 'staging',
            version: '1.5.0',
            digest: 'sha256:bbb',
            versions: 1,
            since: before(3 * 3600 + 300),
          },
        }),
        now,
      ),
    ).toBe('1.4.2 · blocked, behind 1 (3h 5m)');
    expect(cellText(p, cell({ status: 'refresh-failing' }), now)).toBe(
      '1.4.2 · refresh failing',
    );
    expect(cellText(p, cell({ status: 'quarantined' }), now)).toBe(
      '1.4.2 · quarantined',
    );
    expect(cellText(p, cell({ status: 'promoting' }), now)).toBe(
      '1.4.2 · promoting',
    );
    expect(
      cellText(p, cell({ status: 'empty', version: undefined }), now),
    ).toBe('empty');
  });

  it('shows a row a pipeline and a column an environment, with the system when a pipeline has one', () => {
    expect(fleetTable(p, fleet, now).split('\n')).toEqual([
      'PIPELINE          OWNER                        SYSTEM               build  staging                production',
      'default/checkout  group:default/team-checkout                       1.5.0  1.4.2 · behind 3 (2d)  1.4.2 · pinned',
      'default/payments  group:default/team-payments  system:default/shop  —      2.0.0                  empty',
    ]);
    const alone = { ...fleet, items: [fleet.items[0]] };
    expect(fleetTable(p, alone, now).split('\n')[0]).toBe(
      'PIPELINE          OWNER                        build  staging                production',
    );
    expect(fleetTable(p, { environments: [], items: [] }, now)).toBe(
      'No pipelines that this token may read.',
    );
  });

  it('writes CSV, a record for each phase of each pipeline, quoted as RFC 4180 says', () => {
    expect(fleetCsv(fleet).split('\r\n')).toEqual([
      'pipeline,owner,system,environment,phase,version,digest,status,since,behindVersions,behindSince,reasons',
      `pipeline:default/checkout,group:default/team-checkout,,build,build,1.5.0,sha256:aaa,up-to-date,${before(
        86_400 * 5,
      )},,,`,
      `pipeline:default/checkout,group:default/team-checkout,,staging,staging,1.4.2,sha256:aaa,behind,${before(
        86_400 * 5,
      )},3,${before(2 * 86_400)},`,
      `pipeline:default/checkout,group:default/team-checkout,,production,production,1.4.2,sha256:aaa,pinned,${before(
        86_400 * 5,
      )},,,"production is pinned at 1.4.2 by user:default/rita: ""a, b"""`,
      `pipeline:default/payments,group:default/team-payments,system:default/shop,staging,stage,2.0.0,sha256:aaa,up-to-date,${before(
        86_400 * 5,
      )},,,`,
      `pipeline:default/payments,group:default/team-payments,system:default/shop,production,prod,,sha256:aaa,empty,${before(
        86_400 * 5,
      )},,,`,
      '',
    ]);
    expect(
      csv(
        ['a', 'b'],
        [
          ['line\nbreak', 'carriage\rreturn'],
          [1, true],
        ],
      ),
    ).toBe('a,b\r\n"line\nbreak","carriage\rreturn"\r\n1,true\r\n');
  });
});

const diff: FleetDiff = {
  from: 'staging',
  to: 'production',
  items: [
    {
      pipeline: fleet.items[0],
      from: cell({
        environment: 'staging',
        phase: 'staging',
        version: '1.5.0',
      }),
      to: cell({
        status: 'behind',
        behind: {
          from: 'staging',
          version: '1.5.0',
          digest: 'sha256:bbb',
          versions: 2,
          since: before(90),
        },
      }),
      promotable: true,
      reasons: [],
    },
    {
      pipeline: fleet.items[1],
      from: cell({ environment: 'staging', phase: 'stage', version: '2.0.0' }),
      to: cell({
        phase: 'prod',
        status: 'blocked',
        version: '1.9.0',
        behind: {
          from: 'stage',
          version: '2.0.0',
          digest: 'sha256:ccc',
          versions: 1,
          since: before(7200),
        },
      }),
      promotable: false,
      reasons: ['approvals: 0 of 1 approvals for 2.0.0'],
    },
  ],
};

describe('glu fleet diff, as printed', () => {
  it('shows the versions, the lag and whether each may be promoted or why not', () => {
    expect(fleetDiffTable(p, diff, now).split('\n')).toEqual([
      'PIPELINE          staging  production  LAG             PROMOTABLE',
      'default/checkout  1.5.0    1.4.2       2 versions, 2m  yes',
      'default/payments  2.0.0    1.9.0       1 version, 2h   no: approvals: 0 of 1 approvals for 2.0.0',
    ]);
    // Not promotable without reasons: the status of `to` says why.
    const same = {
      ...diff.items[0],
      to: cell({ version: '1.5.0' }),
      promotable: false,
    };
    expect(
      fleetDiffTable(p, { ...diff, items: [same] }, now).split('\n')[1],
    ).toBe('default/checkout  1.5.0    1.5.0       —    no: up-to-date');
    expect(fleetDiffTable(p, { ...diff, items: [] }, now)).toBe(
      'No pipeline where production lags staging.',
    );
  });

  it('writes CSV, with what promoting did when asked to promote', () => {
    expect(fleetDiffCsv(diff).split('\r\n').slice(0, 2)).toEqual([
      'pipeline,owner,system,from,fromPhase,fromVersion,fromDigest,to,toPhase,toVersion,toDigest,toStatus,behindVersions,behindSince,promotable,reasons',
      `pipeline:default/checkout,group:default/team-checkout,,staging,staging,1.5.0,sha256:aaa,production,production,1.4.2,sha256:aaa,behind,2,${before(
        90,
      )},true,`,
    ]);
    const outcome: Outcome = {
      result: {
        pipeline: 'pipeline:default/checkout',
        phase: 'production',
        from: 'staging',
        promotion: { id: 'p1', status: 'succeeded' } as Promotion,
      },
    };
    const rows = fleetDiffCsv(diff, new Map([[diff.items[0], outcome]])).split(
      '\r\n',
    );
    expect(rows[0]).toMatch(/,reasons,promotion,promotionStatus,error$/);
    expect(rows[1]).toMatch(/,true,,p1,succeeded,$/);
    expect(rows[2]).toBe(
      `pipeline:default/payments,group:default/team-payments,system:default/shop,staging,stage,2.0.0,sha256:aaa,production,prod,1.9.0,sha256:aaa,blocked,1,${before(
        7200,
      )},false,approvals: 0 of 1 approvals for 2.0.0,,,`,
    );
  });

  it('tells what each promotion did, and how many were refused', () => {
    const outcomes: Outcome[] = [
      {
        result: {
          pipeline: 'pipeline:default/checkout',
          phase: 'production',
          from: 'staging',
          promotion: {
            kind: 'promotion',
            id: 'p1',
            to: 'production',
            status: 'succeeded',
            commitSha: '0123456789abcdef',
            before: { version: '1.4.2' },
            after: { version: '1.5.0' },
          } as Promotion,
        },
      },
      {
        result: {
          pipeline: 'pipeline:default/payments',
          phase: 'prod',
          error: { name: 'ConflictError', message: 'held', statusCode: 409 },
        },
        refusal: 'Blocked (409): held',
      },
    ];
    expect(outcomesText(p, outcomes)).toBe(
      [
        'default/checkout: promotion p1 into production (1.4.2 → 1.5.0): succeeded commit 0123456789',
        'default/payments: not promoted into prod: Blocked (409): held',
      ].join('\n'),
    );
    expect(outcomesSummary(outcomes)).toBe('Promoted 1 of 2; 1 refused.');
    expect(outcomesSummary(outcomes.slice(0, 1))).toBe('Promoted 1 of 1.');
  });
});

describe('glu fleet, its pages and its question', () => {
  it('puts the environments of several pages in one order, upstream first', () => {
    expect(
      mergeEnvironments([
        ['build', 'staging', 'production'],
        ['dev', 'staging', 'prod'],
        ['staging', 'production'],
      ]),
    ).toEqual(['dev', 'build', 'staging', 'prod', 'production']);
    expect(mergeEnvironments([])).toEqual([]);
  });

  it('asks on a terminal, and takes only yes for yes', async () => {
    const answer = async (text: string | undefined) => {
      const input = new PassThrough();
      const output = new PassThrough();
      let asked = '';
      output.on('data', chunk => {
        asked += chunk.toString();
      });
      const said = ask('Promote 2 pipelines? [y/N] ', input, output);
      if (text === undefined) input.end();
      else input.write(text);
      return { said: await said, asked };
    };
    expect(await answer('y\n')).toEqual({
      said: true,
      asked: 'Promote 2 pipelines? [y/N] ',
    });
    expect((await answer('YES\n')).said).toBe(true);
    expect((await answer('\n')).said).toBe(false);
    expect((await answer('no\n')).said).toBe(false);
    // The input ends before an answer: no.
    expect((await answer(undefined)).said).toBe(false);
  });
});
