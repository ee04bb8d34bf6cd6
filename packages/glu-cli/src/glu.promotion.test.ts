import { ExitCode } from './exits';
import { BOB, CI, repo, run, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

describe('glu', () => {
  useGlu();

  it('publishes a version as CI does, and lists the pipelines', async () => {
    // Nothing published yet: a pin of build has nothing to hold (409).
    const early = await run(['pin', 'checkout', 'build', '--reason', 'hold']);
    expect(early.code).toBe(ExitCode.blocked);
    expect(early.stderr).toBe(
      'glu: Blocked (409): The phase build has not been observed yet, so there is nothing to pin it at\n',
    );

    // CI's trace context, as CI systems set it: the version's trace.
    const traceparent =
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const published = await run(
      ['publish', 'checkout', 'build', '--version', '1.1.0'],
      CI,
      { TRACEPARENT: traceparent },
    );
    expect(published).toMatchObject({ code: 0, stderr: '' });
    expect(published.stdout).toMatch(/^Published 1\.1\.0 to build \(/);

    const again = await run(
      ['publish', 'checkout', 'build', '--version', '1.1.0', '-o', 'json'],
      CI,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({
      changed: false,
      state: { version: '1.1.0', traceparent },
    });
    const badTrace = await run(
      ['publish', 'checkout', 'build', '--version', '1.1.1'].concat([
        '--traceparent',
        'nope',
      ]),
      CI,
    );
    expect(badTrace.code).toBe(ExitCode.usage);

    const list = await run(['pipelines']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PIPELINE\s+OWNER\s+PHASES\s+BEHIND$/);
    expect(lines[1]).toMatch(
      /^default\/checkout\s+group:default\/team-checkout\s+build 1\.1\.0, staging 1\.0\.0, production 1\.0\.0\s+1$/,
    );
    // No colours when the output is not a terminal.
    expect(list.stdout).not.toContain('\u001b[');

    expect(
      JSON.parse((await run(['pipelines', '--mine', '-o', 'json'])).stdout)
        .items,
    ).toHaveLength(1);
    expect(
      JSON.parse((await run(['pipelines', '--mine', '-o', 'json'], BOB)).stdout)
        .items,
    ).toHaveLength(0);
    const yaml = await run([
      'pipelines',
      '--owner',
      'group:default/team-checkout',
      '-o',
      'yaml',
    ]);
    expect(yaml.stdout).toMatch(
      /^items:\n {2}- ref: pipeline:default\/checkout/,
    );
  });

  it('inspects a pipeline: phases, versions, digests and edges with their reasons', async () => {
    const inspect = await run(['inspect', 'checkout']);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^Checkout {2}pipeline:default\/checkout\n/);
    expect(inspect.stdout).toMatch(/\nbuild\s+1\.1\.0\s+[0-9a-f]{12}\s+/);
    expect(inspect.stdout).toMatch(
      /\nbuild → staging\s+commit\s+no\s+promotable\s/,
    );
    expect(inspect.stdout).toMatch(
      /\nstaging → production\s+commit\s+no\s+up-to-date\s/,
    );
    const graph = await run(['inspect', 'default/checkout', '--graph']);
    expect(graph.stdout).toContain('build 1.1.0 ──promotable──▶ staging 1.0.0');
    const json = JSON.parse(
      (await run(['inspect', 'checkout', '-o', 'json'])).stdout,
    );
    expect(json.edges.map((e: any) => e.status)).toEqual([
      'promotable',
      'up-to-date',
    ]);
  });

  it('shows the diff of a promotion, then promotes, and keeps the history', async () => {
    const diff = await run(['diff', 'checkout', 'staging']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('-version: 1.0.0\n+version: 1.1.0');

    const dry = await run(['promote', 'checkout', 'staging', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Promotion build → staging: promotable\n/);
    expect(dry.stdout).toContain('+version: 1.1.0');
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');

    const promoted = await run(['promote', 'checkout', 'staging', '--wait']);
    expect(promoted.code).toBe(0);
    // The plan on stderr, for people; the result on stdout.
    expect(promoted.stderr).toContain('+version: 1.1.0');
    expect(promoted.stdout).toMatch(
      /^promotion \S+ into staging \(1\.0\.0 → 1\.1\.0\): succeeded commit [0-9a-f]{10}/,
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.1.0\n');

    const nothing = await run(['promote', 'checkout', 'staging']);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/: up-to-date/);

    const history = await run(['history', 'checkout', 'staging']);
    expect(history.code).toBe(0);
    const rows = history.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(
      /^ID\s+VERSION\s+DIGEST\s+CAUSE\s+BY\s+WHEN\s+COMMIT$/,
    );
    expect(rows[1]).toMatch(
      /^\S+\s+1\.1\.0\s+\S+\s+promotion\s+user:default\/alice\s/,
    );
    const entries = JSON.parse(
      (await run(['history', 'checkout', 'staging', '--all', '-o', 'json']))
        .stdout,
    ).items;
    expect(entries.map((e: any) => e.version)).toEqual(['1.1.0', '1.0.0']);
    const between = await run([
      'diff',
      'checkout',
      'staging',
      entries[1].id,
      entries[0].id,
    ]);
    expect(between.stdout).toContain('-version: 1.0.0\n+version: 1.1.0');
  });

  it('shows DORA figures of a pipeline and of a team', async () => {
    const json = await run(['dora', 'checkout', '--days', '7', '-o', 'json']);
    expect(json.code).toBe(0);
    const dora = JSON.parse(json.stdout);
    expect(dora).toMatchObject({
      pipelineRef: 'pipeline:default/checkout',
      production: ['production'],
    });
    expect(dora.figures.days).toHaveLength(8);
    const text = await run(['dora', 'checkout']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/production: production\n/);
    expect(text.stdout).toMatch(/DEPLOYMENTS\s+LEAD TIME\s+FAILED\s+RESTORE\n/);
    const team = await run(['dora', '--owner', 'group:default/team-checkout']);
    expect(team.code).toBe(0);
    expect(team.stdout).toMatch(/^PIPELINE\s+DEPLOYMENTS/);
    expect(team.stdout).toContain('default/checkout');
    const neither = await run(['dora']);
    expect(neither.code).toBe(ExitCode.usage);
    expect(neither.stderr).toContain(
      'Give a pipeline, or --owner for a team, one of them',
    );
    expect((await run(['dora', 'checkout', '--days', '0'])).code).toBe(
      ExitCode.usage,
    );
  });

  it('exits 3 on a blocked edge, and lets it through once approved', async () => {
    const blocked = await run(['promote', 'checkout', 'production']);
    expect(blocked.code).toBe(ExitCode.blocked);
    expect(blocked.stderr).toContain('approvals: 0 of 1 approvals for 1.1.0');
    expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');

    const approved = await run(['approve', 'checkout', 'production']);
    expect(approved).toMatchObject({ code: 0 });
    expect(approved.stdout).toBe(
      [
        'Approved 1.1.0 for production',
        '  approved by  user:default/alice',
        '  needs        nobody more: the policy is met\n',
      ].join('\n'),
    );
    const promoted = await run([
      'promote',
      'checkout',
      'production',
      '-o',
      'json',
    ]);
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      status: 'succeeded',
      after: { version: '1.1.0' },
    });
  });

  it('pins (a promotion into a pinned phase exits 3), unpins, refreshes and rolls back', async () => {
    await run(['publish', 'checkout', 'build', '--version', '1.2.0'], CI);
    const pinned = await run([
      'pin',
      'checkout',
      'staging',
      '--reason',
      'release freeze',
    ]);
    expect(pinned.stdout).toBe(
      'Pinned staging at 1.1.0 (user:default/alice: release freeze)\n',
    );
    const held = await run(['promote', 'checkout', 'staging']);
    expect(held.code).toBe(ExitCode.blocked);
    expect(held.stderr).toMatch(
      /staging is pinned at 1\.1\.0 by user:default\/alice: release freeze/,
    );
    const inspect = await run(['inspect', 'checkout']);
    expect(inspect.stdout).toMatch(
      /\nstaging\s+1\.1\.0\s.*pinned by user:default\/alice: release freeze/,
    );
    expect((await run(['unpin', 'checkout', 'staging'])).stdout).toBe(
      'Released staging.\n',
    );

    const refreshed = await run(['refresh', 'checkout']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toMatch(/\nstaging\s+1\.1\.0\s/);

    const entries = JSON.parse(
      (await run(['history', 'checkout', 'staging', '-o', 'json'])).stdout,
    ).items;
    const first = entries.find((e: any) => e.version === '1.0.0');
    const dry = await run([
      'rollback',
      'checkout',
      'staging',
      first.id,
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Rollback of staging: promotable\n/);
    const back = await run([
      'rollback',
      'checkout',
      'staging',
      first.id,
      '--pin',
      'bad release',
    ]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(
      /^rollback \S+ into staging \(1\.1\.0 → 1\.0\.0\): succeeded/,
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');
    await run(['unpin', 'checkout', 'staging']);
  });
});
