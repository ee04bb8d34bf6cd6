/*
 * Approvals and promotion requests from the real `glu` binary: CI publishes
 * a version with its author, someone who may not promote asks for it, the
 * requester, the author and someone outside the group are refused as
 * approvers (exit 4, saying why), another member of the group approves and
 * the request is carried out; and a request is withdrawn. Run as a process
 * against the test backend.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ExitCode } from './exits';
import { CI, repo, run, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

const SRE = 'group:default/team-sre';
/** In the SRE team; may not promote, so asks. */
const BOB = mockCredentials.user.token('user:default/bob');
/** In the SRE team; made the version. */
const CAROL = mockCredentials.user.token('user:default/carol');
/** Neither in the team nor allowed to promote. */
const DAVE = mockCredentials.user.token('user:default/dave');
/** In the SRE team. */
const ERIN = mockCredentials.user.token('user:default/erin');

const INSPECT_HINT =
  '. `glu inspect checkout` shows the approval policy and who is still needed.\n';

describe('glu request and glu approve', () => {
  useGlu({
    approvals: { from: [{ group: 'team-sre', count: 1 }] },
    memberships: {
      'user:default/bob': [SRE],
      'user:default/carol': [SRE],
      'user:default/erin': [SRE],
    },
    denied: (permission, caller) =>
      ['user:default/bob', 'user:default/dave'].includes(caller) &&
      permission === 'glu.pipeline.promote',
  });

  it('asks for a promotion, refuses the requester and the author as approvers, and carries it out on another approval', async () => {
    // CI says who made the version; it goes along with it.
    const published = await run(
      [
        'publish',
        'checkout',
        'build',
        '--version',
        '1.1.0',
        '--author',
        'carol',
      ],
      CI,
    );
    expect(published).toMatchObject({ code: ExitCode.done, stderr: '' });
    expect(published.stdout).toMatch(
      /^Published 1\.1\.0 to build \(sha256:[0-9a-f]{64}\), made by user:default\/carol\n$/,
    );
    expect((await run(['promote', 'checkout', 'staging'])).code).toBe(
      ExitCode.done,
    );
    // Bob may not promote; he asks.
    const asked = await run(
      ['request', 'checkout', 'production', '--reason', 'the cart fix'],
      BOB,
    );
    expect(asked).toMatchObject({ code: ExitCode.done, stderr: '' });
    const [id] = /^Request (\S+) /.exec(asked.stdout)!.slice(1);
    expect(asked.stdout).toMatch(
      new RegExp(
        `^Request ${id} \\(open\\): 1\\.1\\.0 from staging into production\\n` +
          ' {2}asked by {2}user:default/bob\\n' +
          ' {2}reason {4}the cart fix\\n' +
          ' {2}expires {3}\\S+ \\(in 7 days\\)\\n' +
          ' {2}policy {4}1 from group:default/team-sre; not by the requester or the author\\n' +
          ' {2}approved {2}nobody yet\\n' +
          ' {2}needs {5}1 more from group:default/team-sre\\n' +
          ' {2}made by {3}user:default/carol\\n$',
      ),
    );

    const inspect = await run(['inspect', 'checkout'], DAVE);
    expect(inspect.stdout).toMatch(
      /\nstaging → production\s+commit\s+no\s+blocked\s+approvals: 0 of 1 approvals for 1\.1\.0; needs 1 more from group:default\/team-sre\n/,
    );
    expect(inspect.stdout).toContain(
      [
        '\nApprovals of staging → production: 1 from group:default/team-sre; not by the requester or the author',
        '  approved  nobody yet',
        '  needs     1 more from group:default/team-sre',
        '  made by   user:default/carol',
        `  request   ${id} by user:default/bob for 1.1.0: the cart fix (expires in 7 days)\n`,
      ].join('\n'),
    );

    // The requester, the author and someone outside the group: exit 4, why.
    expect(await run(['approve', 'checkout', 'production'], BOB)).toEqual({
      code: ExitCode.notAllowed,
      stdout: '',
      stderr: `glu: Not allowed (403): user:default/bob may not approve 1.1.0 for production: user:default/bob asked for this promotion, and the approval policy of staging → production keeps the requester and the author out${INSPECT_HINT}`,
    });
    expect(await run(['approve', 'checkout', 'production'], CAROL)).toEqual({
      code: ExitCode.notAllowed,
      stdout: '',
      stderr: `glu: Not allowed (403): user:default/carol may not approve 1.1.0 for production: user:default/carol made this version, and the approval policy of staging → production keeps the requester and the author out${INSPECT_HINT}`,
    });
    const outsider = await run(['approve', 'checkout', 'production'], DAVE);
    expect(outsider.code).toBe(ExitCode.notAllowed);
    expect(outsider.stderr).toContain(
      `asks for approvals from ${SRE}, and user:default/dave is in none of them`,
    );
    expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');

    const open = await run(['request', 'list', 'checkout', '--status', 'open']);
    const rows = open.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(
      /^ID\s+EDGE\s+VERSION\s+STATUS\s+BY\s+ASKED\s+REASON\s+NOTE$/,
    );
    expect(rows.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${id}\\s+staging → production\\s+1\\.1\\.0\\s+open\\s+user:default/bob\\s+.+ ago\\s+the cart fix\\s+expires in 7 days$`,
        ),
      ),
    ]);

    // Erin, of the group: the policy is met, and Glu carries it out.
    const approved = await run(['approve', 'checkout', 'production'], ERIN);
    expect(approved).toMatchObject({ code: ExitCode.done, stderr: '' });
    expect(approved.stdout).toMatch(
      new RegExp(
        '^Approved 1\\.1\\.0 for production\\n' +
          ' {2}approved by {2}user:default/erin\\n' +
          ' {2}needs {8}nobody more: the policy is met\\n' +
          `Carried out request ${id} of user:default/bob: promotion \\S+ into production \\(1\\.0\\.0 → 1\\.1\\.0\\): succeeded commit [0-9a-f]{10}\\n$`,
      ),
    );
    expect(await repo.show('env/production.yaml')).toBe('version: 1.1.0\n');

    // Who asked, who made it and who approved it, in the history.
    const history = (await run(['history', 'checkout', 'production'])).stdout
      .trimEnd()
      .split('\n');
    expect(history[0]).toMatch(
      /^ID\s+VERSION\s+DIGEST\s+CAUSE\s+BY\s+AUTHOR\s+APPROVED BY\s+WHEN\s+COMMIT$/,
    );
    expect(history[1]).toMatch(
      /^\S+\s+1\.1\.0\s+\S+\s+promotion\s+user:default\/bob\s+user:default\/carol\s+user:default\/erin\s/,
    );
    const json = JSON.parse(
      (await run(['request', 'list', 'checkout', '-o', 'json'])).stdout,
    );
    expect(json.items).toEqual([
      expect.objectContaining({
        id,
        status: 'carried-out',
        promotionId: expect.any(String),
      }),
    ]);
  });

  it('withdraws a request: its requester may, someone else may not', async () => {
    const published = await run(
      ['publish', 'checkout', 'build', '--version', '1.2.0', '-o', 'json'],
      CI,
    );
    expect(JSON.parse(published.stdout).state.author).toBeUndefined();
    expect((await run(['promote', 'checkout', 'staging'])).code).toBe(
      ExitCode.done,
    );
    const asked = await run(
      ['request', 'checkout', 'production', '-o', 'json'],
      BOB,
    );
    expect(asked.code).toBe(ExitCode.done);
    const request = JSON.parse(asked.stdout);
    expect(request).toMatchObject({
      version: '1.2.0',
      from: 'staging',
      to: 'production',
      requestedBy: 'user:default/bob',
      status: 'open',
      approval: {
        needed: [{ group: SRE, count: 1 }],
        requester: 'user:default/bob',
        passed: false,
      },
    });

    const notHis = await run(
      ['request', 'withdraw', 'checkout', request.id],
      DAVE,
    );
    expect(notHis.code).toBe(ExitCode.notAllowed);
    expect(notHis.stderr).toContain('(glu.pipeline.promote)');
    expect(
      await run(['request', 'withdraw', 'checkout', request.id], BOB),
    ).toEqual({
      code: ExitCode.done,
      stdout: `Withdrew request ${request.id}.\n`,
      stderr: '',
    });
    expect(
      await run(['request', 'withdraw', 'checkout', request.id], BOB),
    ).toEqual({
      code: ExitCode.blocked,
      stdout: '',
      stderr: `glu: Not withdrawn (409): The promotion request ${request.id} is withdrawn, not open. \`glu request list checkout\` lists the requests.\n`,
    });
    expect(
      (await run(['request', 'withdraw', 'checkout', '999'], BOB)).code,
    ).toBe(ExitCode.error);
    expect(
      (await run(['request', 'list', 'checkout', '--status', 'open'])).stdout,
    ).toBe('No promotion requests.\n');
    expect((await run(['inspect', 'checkout'])).stdout).not.toContain(
      '  request ',
    );

    // An edge without an approvals gate has nothing to request.
    expect(await run(['request', 'checkout', 'staging'], BOB)).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: Glu refused the request: The promotion from build into staging has no approvals gate: there is nothing to request; whoever may promote promotes it\n',
    });
  });
});
