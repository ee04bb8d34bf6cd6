/*
 * Quarantines from the real `glu` binary: quarantine a version of a
 * pipeline, see a promotion of it blocked (exit 3) and it marked in `glu
 * inspect` and `glu history`, lift it; quarantine a digest everywhere with
 * rollbacks; and who may not. Run as a process against the test backend.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ExitCode } from './exits';
import { BOB, repo, run, runGlu, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

/** Carol may quarantine a version of a pipeline, not a digest everywhere. */
const CAROL = mockCredentials.user.token('user:default/carol');

describe('glu quarantine', () => {
  useGlu({
    published: '1.1.0',
    denied: (permission, caller) =>
      (caller === 'user:default/bob' && permission !== 'glu.pipeline.read') ||
      (caller === 'user:default/carol' &&
        permission === 'glu.quarantine.manage'),
  });

  it('quarantines a version of a pipeline: its promotions are blocked, inspect and history mark it, and it is lifted', async () => {
    expect(await run(['quarantine', 'list'])).toEqual({
      code: ExitCode.done,
      stdout: 'No quarantines.\n',
      stderr: '',
    });
    // Staging takes 1.1.0 before it turns out bad.
    expect((await run(['promote', 'checkout', 'staging'])).code).toBe(
      ExitCode.done,
    );

    const refused = await run(
      [
        'quarantine',
        'add',
        '--reason',
        'mine',
        '--pipeline',
        'checkout',
        '--version',
        '1.1.0',
      ],
      BOB,
    );
    expect(refused.code).toBe(ExitCode.notAllowed);
    expect(refused.stderr).toContain('(glu.pipeline.quarantine)');
    expect(refused.stderr).toContain(
      'pipeline:default/checkout is owned by group:default/team-checkout: ask one of its owners',
    );

    const added = await run([
      'quarantine',
      'add',
      '--reason',
      'leaks memory',
      '--pipeline',
      'checkout',
      '--version',
      '1.1.0',
    ]);
    expect(added).toMatchObject({ code: ExitCode.done, stderr: '' });
    const [id] = /^Quarantine (\S+): /.exec(added.stdout)!.slice(1);
    expect(added.stdout).toMatch(
      new RegExp(
        `^Quarantine ${id}: leaks memory\\n {2}version {4}1\\.1\\.0\\n {2}pipeline {3}default/checkout\\n {2}by {9}user:default/alice, \\S+ \\(.+\\)\\n {2}held in {4}build \\(1\\.1\\.0\\)\\n {13}staging \\(1\\.1\\.0\\)\\n$`,
      ),
    );

    const inspect = await run(['inspect', 'checkout']);
    expect(inspect.stdout).toMatch(
      new RegExp(
        `\\nstaging\\s+1\\.1\\.0 \\(quarantined\\)\\s.*quarantine ${id} by user:default/alice: leaks memory`,
      ),
    );
    expect(inspect.stdout).toMatch(
      /\nstaging → production\s+commit\s+no\s+blocked\s.*quarantined: /,
    );
    const graph = await run(['inspect', 'checkout', '--graph']);
    expect(graph.stdout).toMatch(
      /\nbuild 1\.1\.0 \(quarantined\) ──\S+──▶ staging 1\.1\.0 \(quarantined\)/,
    );
    const held = await run(['promote', 'checkout', 'production']);
    expect(held.code).toBe(ExitCode.blocked);
    expect(held.stderr).toContain('quarantined: ');
    expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');

    const history = (await run(['history', 'checkout', 'staging'])).stdout
      .trimEnd()
      .split('\n');
    expect(history[1]).toMatch(
      /^\S+\s+1\.1\.0 \(quarantined\)\s+\S+\s+promotion\s+user:default\/alice\s/,
    );
    expect(history[2]).toMatch(/^\S+\s+1\.0\.0\s+\S+\s/);

    const list = (await run(['quarantine', 'list'])).stdout
      .trimEnd()
      .split('\n');
    expect(list[0]).toMatch(
      /^ID\s+PIPELINE\s+VERSION\s+REASON\s+BY\s+WHEN\s+HELD IN$/,
    );
    expect(list[1]).toMatch(
      new RegExp(
        `^${id}\\s+default/checkout\\s+1\\.1\\.0\\s+leaks memory\\s+user:default/alice\\s+.+\\s+build, staging$`,
      ),
    );
    // Someone who may only read sees them too, by pipeline.
    const json = await run(
      ['quarantine', 'list', '--pipeline', 'default/checkout', '-o', 'json'],
      BOB,
    );
    expect(json.code).toBe(ExitCode.done);
    expect(JSON.parse(json.stdout).items).toEqual([
      expect.objectContaining({
        id,
        pipelineRef: 'pipeline:default/checkout',
        version: '1.1.0',
        reason: 'leaks memory',
        quarantinedBy: 'user:default/alice',
        rollback: false,
        holding: [
          expect.objectContaining({ phase: 'build', version: '1.1.0' }),
          expect.objectContaining({ phase: 'staging', version: '1.1.0' }),
        ],
      }),
    ]);

    expect((await run(['quarantine', 'lift', id], BOB)).code).toBe(
      ExitCode.notAllowed,
    );
    expect(await run(['quarantine', 'lift', id])).toEqual({
      code: ExitCode.done,
      stdout: `Lifted quarantine ${id}.\n`,
      stderr: '',
    });
    const again = await run(['quarantine', 'lift', id]);
    expect(again).toMatchObject({ code: ExitCode.error, stdout: '' });
    expect(again.stderr).toMatch(
      /^glu: Not found \(404\): .+\. `glu quarantine list` lists the quarantines\.\n$/,
    );
    expect((await run(['quarantine', 'list'])).stdout).toBe(
      'No quarantines.\n',
    );
    expect((await run(['inspect', 'checkout'])).stdout).not.toContain(
      'quarantined',
    );
  });

  it('quarantines a digest in every pipeline, rolling back the phases that hold it, pinned there', async () => {
    const view = JSON.parse(
      (await run(['inspect', 'checkout', '-o', 'json'])).stdout,
    );
    const staging = view.phases.find((p: any) => p.name === 'staging');
    expect(staging.state.version).toBe('1.1.0');
    const digest: string = staging.state.digest;

    const refused = await run(
      ['quarantine', 'add', '--reason', 'CVE', '--digest', digest],
      CAROL,
    );
    expect(refused.code).toBe(ExitCode.notAllowed);
    expect(refused.stderr).toContain('(glu.quarantine.manage)');
    expect(refused.stderr).not.toContain('is owned by');

    const added = await run([
      'quarantine',
      'add',
      '--reason',
      'CVE-2026-1234 in the base image',
      '--digest',
      digest,
      '--rollback',
    ]);
    expect(added).toMatchObject({ code: ExitCode.done, stderr: '' });
    const [id] = /^Quarantine (\S+): /.exec(added.stdout)!.slice(1);
    expect(added.stdout).toMatch(
      new RegExp(
        `^Quarantine ${id}: CVE-2026-1234 in the base image\\n {2}version {4}any with this digest\\n {2}digest {5}${digest}\\n {2}pipeline {3}every pipeline\\n`,
      ),
    );
    expect(added.stdout).toMatch(
      /\n {2}rollbacks {2}(.+\n {13})*default\/checkout staging: rollback \S+ succeeded\n/,
    );
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');
    expect((await run(['inspect', 'checkout'])).stdout).toMatch(
      /\nstaging\s+1\.0\.0\s.*pinned by user:default\/alice/,
    );

    const json = JSON.parse(
      (await run(['quarantine', 'list', '-o', 'json'])).stdout,
    );
    expect(json.items).toEqual([
      expect.objectContaining({ id, digest, rollback: true }),
    ]);
    expect(json.items[0].pipelineRef).toBeUndefined();
    // A rollback's pin stays when the quarantine is lifted.
    expect(
      JSON.parse((await run(['quarantine', 'lift', id, '-o', 'json'])).stdout),
    ).toEqual({ id, lifted: true });
    expect((await run(['inspect', 'checkout'])).stdout).toMatch(
      /\nstaging\s+1\.0\.0\s.*pinned by /,
    );
    expect((await run(['unpin', 'checkout', 'staging'])).code).toBe(
      ExitCode.done,
    );
  });
});

describe('glu quarantine, wrongly called', () => {
  // Refused before anything is sent: no Backstage needed.
  const call = (args: string[]) => runGlu('http://127.0.0.1:9', args);

  it('exits 2 without a version, with a version but no pipeline, with a ref of another kind, or no reason', async () => {
    expect(
      await call(['quarantine', 'add', '--reason', 'x', '--rollback']),
    ).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: Give the version to quarantine: --pipeline with --version or --digest, or --digest alone for a digest in every pipeline\n',
    });
    expect(
      await call(['quarantine', 'add', '--reason', 'x', '--version', '1.1.0']),
    ).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: --version names a version of one pipeline: give --pipeline too, or --digest alone for a digest in every pipeline\n',
    });
    expect(
      await call([
        'quarantine',
        'list',
        '--pipeline',
        'component:default/checkout',
      ]),
    ).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        "glu: Not a pipeline's entity ref: component:default/checkout (e.g. pipeline:default/checkout)\n",
    });
    const noReason = await call(['quarantine', 'add', '--digest', 'sha256:1']);
    expect(noReason.code).toBe(ExitCode.usage);
    expect(noReason.stderr).toContain(
      "required option '--reason <text>' not specified",
    );
    const empty = await call([
      'quarantine',
      'add',
      '--reason',
      '',
      '--digest',
      'sha256:1',
    ]);
    expect(empty).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr: 'glu: --reason takes why nobody may promote the version again\n',
    });
  });
});
