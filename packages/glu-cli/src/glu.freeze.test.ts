/*
 * Freezes from the real `glu` binary: set one, see it hold a promotion
 * back (exit 3), let a hotfix through with a reason, lift it; and who may
 * not. Run as a process against the test backend.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ExitCode } from './exits';
import { BOB, repo, run, runGlu, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

/** Carol may promote, not set freezes or go through them. */
const CAROL = mockCredentials.user.token('user:default/carol');

describe('glu freeze', () => {
  useGlu({
    published: '1.1.0',
    denied: (permission, caller) =>
      (caller === 'user:default/bob' && permission !== 'glu.pipeline.read') ||
      (caller === 'user:default/carol' &&
        ['glu.freeze.manage', 'glu.pipeline.hotfix'].includes(permission)),
  });

  it('sets a freeze that holds promotions back, lets a hotfix through with its reason, and lifts it', async () => {
    expect(await run(['freeze', 'list'])).toEqual({
      code: ExitCode.done,
      stdout: 'No freezes.\n',
      stderr: '',
    });

    const refused = await run(['freeze', 'set', '--reason', 'mine'], CAROL);
    expect(refused.code).toBe(ExitCode.notAllowed);
    expect(refused.stderr).toContain(
      'Not allowed (403): user:default/carol may not set or lift freezes (glu.freeze.manage)',
    );

    const set = await run([
      'freeze',
      'set',
      '--reason',
      'release week',
      '--pipeline',
      'checkout',
      '--phase',
      'staging',
      '--until',
      '2h',
    ]);
    expect(set).toMatchObject({ code: ExitCode.done, stderr: '' });
    const [id] = /^Freeze (\S+) /.exec(set.stdout)!.slice(1);
    expect(set.stdout).toMatch(
      new RegExp(
        `^Freeze ${id} \\(active\\): release week\\n {2}covers {5}pipeline default/checkout; phase staging\\n {2}from {7}\\S+ \\(.+\\)\\n {2}until {6}\\S+ \\(in 2 hours\\)\\n {2}rollbacks {2}go through\\n {2}set by {5}user:default/alice\\n$`,
      ),
    );
    // One that starts in two days holds nothing yet.
    const later = await run([
      'freeze',
      'set',
      '--reason',
      'the year ends',
      '--owner',
      'group:default/team-checkout',
      '--from',
      '2d',
      '--until',
      '2h',
      '--rollbacks',
      '-o',
      'json',
    ]);
    expect(later.code).toBe(ExitCode.done);
    const scheduled = JSON.parse(later.stdout);
    expect(scheduled).toMatchObject({
      reason: 'the year ends',
      scope: { owners: ['group:default/team-checkout'] },
      rollbacks: true,
      active: false,
      origin: 'api',
    });
    expect(Date.parse(scheduled.endsAt) - Date.parse(scheduled.startsAt)).toBe(
      2 * 3600_000,
    );

    const list = await run(['freeze', 'list']);
    const rows = list.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(
      /^ID\s+ACTIVE\s+REASON\s+SCOPE\s+SET BY\s+FROM\s+UNTIL$/,
    );
    expect(rows[1]).toMatch(
      new RegExp(
        `^${id}\\s+yes\\s+release week\\s+pipeline default/checkout; phase staging\\s+user:default/alice\\s+.+\\s+in 2 hours$`,
      ),
    );
    expect(rows[2]).toMatch(
      /^\S+\s+no\s+the year ends\s+owner group:default\/team-checkout, rollbacks too\s+user:default\/alice\s+in 2 days\s+in 2 days$/,
    );
    const json = JSON.parse(
      (await run(['freeze', 'list', '-o', 'json'])).stdout,
    );
    expect(json.items.map((f: any) => [f.id, f.active])).toEqual([
      [id, true],
      [scheduled.id, false],
    ]);
    // Someone who may only read sees the freezes too.
    expect((await run(['freeze', 'list'], BOB)).code).toBe(ExitCode.done);

    const inspect = await run(['inspect', 'checkout']);
    // When each phase was last looked at, from GET …/refresh.
    expect(inspect.stdout).toMatch(
      /PHASE\s+VERSION\s+DIGEST\s+CHANGED\s+LOOKED AT/,
    );
    // Changed, then looked at (seconds ago at most): both on its row.
    expect(inspect.stdout).toMatch(
      /^staging\s.* ago\s+(now|\d+ seconds? ago)\s/m,
    );
    expect(inspect.stdout).toContain(
      `frozen: staging, by freeze ${id} (user:default/alice: release week) until `,
    );
    const held = await run(['promote', 'checkout', 'staging']);
    expect(held.code).toBe(ExitCode.blocked);
    expect(held.stderr).toContain(
      `frozen: release week (freeze ${id} by user:default/alice`,
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');

    const notHers = await run(
      ['promote', 'checkout', 'staging', '--hotfix', 'urgent'],
      CAROL,
    );
    expect(notHers.code).toBe(ExitCode.notAllowed);
    expect(notHers.stderr).toContain('(glu.pipeline.hotfix)');
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');

    // Its plan is decided through the freezes, as the write will be.
    const plan = await run([
      'promote',
      'checkout',
      'staging',
      '--hotfix',
      'fix the checkout outage',
      '--dry-run',
    ]);
    expect(plan.code).toBe(ExitCode.done);
    expect(plan.stdout).toMatch(/^Promotion build → staging: promotable\n/);
    const hotfix = await run([
      'promote',
      'checkout',
      'staging',
      '--hotfix',
      'fix the checkout outage',
    ]);
    expect(hotfix.code).toBe(ExitCode.done);
    expect(hotfix.stdout).toMatch(
      new RegExp(
        `^promotion \\S+ into staging \\(1\\.0\\.0 → 1\\.1\\.0\\): succeeded commit [0-9a-f]{10}\\n {2}hotfix through freeze ${id}: fix the checkout outage\\n$`,
      ),
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.1.0\n');
    const history = await run(['history', 'checkout', 'staging']);
    expect(history.stdout.split('\n')[1]).toMatch(
      /^\S+\s+1\.1\.0\s+\S+\s+promotion \(hotfix\)\s+user:default\/alice\s/,
    );

    expect((await run(['freeze', 'lift', id], CAROL)).code).toBe(
      ExitCode.notAllowed,
    );
    expect(await run(['freeze', 'lift', id])).toEqual({
      code: ExitCode.done,
      stdout: `Lifted freeze ${id}.\n`,
      stderr: '',
    });
    expect(await run(['freeze', 'lift', id])).toEqual({
      code: ExitCode.error,
      stdout: '',
      stderr: `glu: Not found (404): There is no freeze ${id} to lift. \`glu freeze list\` lists the freezes.\n`,
    });
    expect(
      JSON.parse(
        (await run(['freeze', 'lift', scheduled.id, '-o', 'json'])).stdout,
      ),
    ).toEqual({ id: scheduled.id, lifted: true });
    expect((await run(['freeze', 'list'])).stdout).toBe('No freezes.\n');
  });
});

describe('glu freeze, wrongly called', () => {
  // Refused before anything is sent: no Backstage needed.
  const call = (args: string[]) => runGlu('http://127.0.0.1:9', args);

  it('exits 2 on a time that is not one, an end before the start, or no reason', async () => {
    expect(
      await call(['freeze', 'set', '--reason', 'x', '--until', 'soon']),
    ).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: --until takes a time, e.g. 2026-12-24T18:00:00Z, or a duration after now, e.g. 2h, 1h30m or 3d; not soon\n',
    });
    expect(
      await call([
        'freeze',
        'set',
        '--reason',
        'x',
        '--from',
        '2026-12-24T18:00:00Z',
        '--until',
        '2026-12-24T17:00:00+00:00',
      ]),
    ).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: --until (2026-12-24T17:00:00.000Z) is not after the freeze starts (2026-12-24T18:00:00.000Z)\n',
    });
    const noReason = await call(['freeze', 'set', '--phase', 'production']);
    expect(noReason.code).toBe(ExitCode.usage);
    expect(noReason.stderr).toContain(
      "required option '--reason <text>' not specified",
    );
    const empty = await call([
      'promote',
      'checkout',
      'staging',
      '--hotfix',
      '',
    ]);
    expect(empty).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr: 'glu: --hotfix takes the reason for going through the freezes\n',
    });
  });
});
