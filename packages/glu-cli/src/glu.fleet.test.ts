/*
 * The fleet from the real `glu` binary: every pipeline under its
 * environments (as a table, JSON and CSV), two environments compared, and
 * promoting what lags, with one promotion refused (its remote refuses the
 * push). Run as a process against the test backend.
 */
import { Entity } from '@backstage/catalog-model';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { eventually } from '@glu-dev/plugin-glu-backend/src/__testUtils__/backend';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  createGitFixture,
  GitFixture,
} from '@glu-dev/plugin-glu-backend/src/__testUtils__/git';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ExitCode } from './exits';
import { ALICE, BOB, CI, repo, run, url, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

/** Payments: of a system, its phases standing for staging and production. */
const paymentsPipeline = (repository: string): Entity => {
  const git = (file: string) => ({
    type: 'git',
    repository,
    path: file,
    format: { type: 'yaml-path', key: 'version' },
  });
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
    spec: {
      owner: 'group:default/team-payments',
      system: 'system:default/shop',
      components: ['component:default/payments'],
      phases: [
        { name: 'build', source: { type: 'api' } },
        {
          name: 'stage',
          environment: 'staging',
          source: git('env/stage.yaml'),
          promotion: { from: 'build' },
        },
        {
          name: 'prod',
          environment: 'production',
          source: git('env/prod.yaml'),
          promotion: { from: 'stage' },
        },
      ],
    },
  };
};

const lines = (text: string) => text.trimEnd().split('\n');

describe('glu fleet', () => {
  let payments: GitFixture;

  beforeAll(async () => {
    payments = await createGitFixture({
      'env/stage.yaml': 'version: 1.9.0\n',
      'env/prod.yaml': 'version: 1.9.0\n',
    });
    // Its remote refuses every push: a promotion of payments is refused.
    await fs.writeFile(
      path.join(payments.bareDir, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "protected branch: main needs a review" >&2\nexit 1\n',
      { mode: 0o755 },
    );
  });

  useGlu({
    published: '1.1.0',
    entities: () => [paymentsPipeline(payments.url)],
  });

  beforeAll(async () => {
    const published = await run(
      ['publish', 'payments', 'build', '--version', '2.0.0'],
      CI,
    );
    if (published.code !== 0) throw new Error(published.stderr);
    await eventually(async () => {
      const res = await fetch(`${url}/api/glu/pipelines/default/payments`, {
        headers: { authorization: `Bearer ${ALICE}` },
      });
      const view = res.ok ? await res.json() : undefined;
      return view?.phases.every((phase: any) => phase.state) ? view : undefined;
    }, 'payments to be observed');
  });

  afterAll(async () => {
    await payments?.cleanup();
  });

  it('shows every pipeline under its environments, as a table, JSON and CSV', async () => {
    const table = await run(['fleet']);
    expect(table).toMatchObject({ code: ExitCode.done, stderr: '' });
    expect(lines(table.stdout)).toEqual([
      expect.stringMatching(
        /^PIPELINE\s+OWNER\s+SYSTEM\s+build\s+staging\s+production$/,
      ),
      expect.stringMatching(
        /^default\/checkout\s+group:default\/team-checkout\s+1\.1\.0\s+1\.0\.0 · behind 1 \(\d+[sm]\)\s+1\.0\.0$/,
      ),
      expect.stringMatching(
        /^default\/payments\s+group:default\/team-payments\s+system:default\/shop\s+2\.0\.0\s+1\.9\.0 · behind 1 \(\d+[sm]\)\s+1\.9\.0$/,
      ),
    ]);

    const json = await run(['fleet', '-o', 'json']);
    expect(json.code).toBe(ExitCode.done);
    const fleet = JSON.parse(json.stdout);
    expect(fleet.environments).toEqual(['build', 'staging', 'production']);
    expect(fleet.nextCursor).toBeUndefined();
    expect(fleet.items.map((row: any) => row.ref)).toEqual([
      'pipeline:default/checkout',
      'pipeline:default/payments',
    ]);
    expect(fleet.items[1]).toMatchObject({
      system: 'system:default/shop',
      cells: [
        { environment: 'build', phase: 'build', version: '2.0.0' },
        {
          environment: 'staging',
          phase: 'stage',
          version: '1.9.0',
          status: 'behind',
          behind: { from: 'build', version: '2.0.0', versions: 1 },
        },
        {
          environment: 'production',
          phase: 'prod',
          version: '1.9.0',
          status: 'up-to-date',
        },
      ],
    });

    const csv = await run(['fleet', '-o', 'csv']);
    expect(csv.code).toBe(ExitCode.done);
    const records = csv.stdout.split('\r\n');
    expect(records).toHaveLength(1 + 6 + 1);
    expect(records[0]).toBe(
      'pipeline,owner,system,environment,phase,version,digest,status,since,behindVersions,behindSince,reasons',
    );
    expect(records[5]).toMatch(
      /^pipeline:default\/payments,group:default\/team-payments,system:default\/shop,staging,stage,1\.9\.0,[^,]+,behind,[^,]+,1,[^,]+,$/,
    );
    expect(records[7]).toBe('');

    // Another command does not print CSV, after its name or before it.
    const after = await run(['pipelines', '-o', 'csv']);
    expect(after.code).toBe(ExitCode.usage);
    expect(after.stderr).toContain(
      "argument 'csv' is invalid. Allowed choices are table, json, yaml.",
    );
    expect(await run(['-o', 'csv', 'pipelines'])).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr: 'glu: -o takes table, json, yaml, not csv\n',
    });
    expect((await run(['-o', 'csv', 'fleet'])).stdout).toBe(csv.stdout);
  });

  it('shows only the pipelines of some owners, of some systems, or yours', async () => {
    const refs = async (args: string[], token = ALICE) =>
      JSON.parse(
        (await run(['fleet', ...args, '-o', 'json'], token)).stdout,
      ).items.map((row: any) => row.ref);
    expect(await refs(['--owner', 'group:default/team-payments'])).toEqual([
      'pipeline:default/payments',
    ]);
    expect(await refs(['--system', 'system:default/shop'])).toEqual([
      'pipeline:default/payments',
    ]);
    expect(await refs(['--mine'])).toEqual(['pipeline:default/checkout']);
    expect(await run(['fleet', '--mine'], BOB)).toEqual({
      code: ExitCode.done,
      stdout: 'No pipelines that this token may read.\n',
      stderr: '',
    });
  });

  it('compares two environments across the fleet', async () => {
    expect(await run(['fleet', 'diff', 'staging', 'production'])).toEqual({
      code: ExitCode.done,
      stdout: 'No pipeline where production lags staging.\n',
      stderr: '',
    });

    const table = await run(['fleet', 'diff', 'build', 'staging']);
    expect(table).toMatchObject({ code: ExitCode.done, stderr: '' });
    expect(lines(table.stdout)).toEqual([
      expect.stringMatching(/^PIPELINE\s+build\s+staging\s+LAG\s+PROMOTABLE$/),
      expect.stringMatching(
        /^default\/checkout\s+1\.1\.0\s+1\.0\.0\s+1 version, \d+[sm]\s+yes$/,
      ),
      expect.stringMatching(
        /^default\/payments\s+2\.0\.0\s+1\.9\.0\s+1 version, \d+[sm]\s+yes$/,
      ),
    ]);

    const json = JSON.parse(
      (await run(['fleet', 'diff', 'build', 'staging', '-o', 'json'])).stdout,
    );
    expect(json).toMatchObject({
      from: 'build',
      to: 'staging',
      items: [
        {
          pipeline: { ref: 'pipeline:default/checkout' },
          from: { phase: 'build', version: '1.1.0' },
          to: { phase: 'staging', version: '1.0.0' },
          promotable: true,
          reasons: [],
        },
        {
          pipeline: { ref: 'pipeline:default/payments' },
          from: { phase: 'build', version: '2.0.0' },
          to: { phase: 'stage', version: '1.9.0' },
          promotable: true,
        },
      ],
    });

    const csv = (await run(['fleet', 'diff', 'build', 'staging', '-o', 'csv']))
      .stdout;
    expect(csv.split('\r\n')[2]).toMatch(
      /^pipeline:default\/payments,group:default\/team-payments,system:default\/shop,build,build,2\.0\.0,[^,]+,staging,stage,1\.9\.0,[^,]+,behind,1,[^,]+,true,$/,
    );

    // The filters, after `diff` or before it.
    const refs = async (args: string[]) =>
      JSON.parse((await run([...args, '-o', 'json'])).stdout).items.map(
        (item: any) => item.pipeline.ref,
      );
    expect(
      await refs([
        'fleet',
        'diff',
        'build',
        'staging',
        '--system',
        'system:default/shop',
      ]),
    ).toEqual(['pipeline:default/payments']);
    expect(await refs(['fleet', '--mine', 'diff', 'build', 'staging'])).toEqual(
      ['pipeline:default/checkout'],
    );

    expect((await run(['fleet', 'diff', 'build'])).code).toBe(ExitCode.usage);
  });

  it('promotes what may be, tells what each did, and exits non-zero when one was refused', async () => {
    // No terminal to ask on: refused before anything is read or written.
    expect(
      await run(['fleet', 'diff', 'build', 'staging', '--promote']),
    ).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr:
        'glu: --promote asks before it promotes, and there is no terminal to ask on: give --yes to promote without asking\n',
    });
    expect(
      (await run(['fleet', 'diff', 'build', 'staging', '--yes'])).code,
    ).toBe(ExitCode.usage);
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.0.0\n');

    const promoted = await run([
      'fleet',
      'diff',
      'build',
      'staging',
      '--promote',
      '--yes',
    ]);
    // Payments' remote refused the push: a refusal, with its 409.
    expect(promoted.code).toBe(ExitCode.blocked);
    expect(lines(promoted.stdout)).toEqual([
      expect.stringMatching(
        /^default\/checkout: promotion \S+ into staging \(1\.0\.0 → 1\.1\.0\): succeeded commit [0-9a-f]{10}$/,
      ),
      expect.stringMatching(
        /^default\/payments: not promoted into stage: Blocked \(409\): .*protected branch: main needs a review/,
      ),
    ]);
    // The plan for people on stderr, then how many were refused.
    expect(promoted.stderr).toMatch(/^PIPELINE\s+build\s+staging\s+LAG/);
    expect(promoted.stderr).toMatch(/\nPromoted 1 of 2; 1 refused\.\n$/);
    expect(await repo.show('env/staging.yaml')).toBe('version: 1.1.0\n');
    expect(await payments.show('env/stage.yaml')).toBe('version: 1.9.0\n');

    // Checkout holds build's version now (a digest of its own, so still
    // listed, not promotable); payments is refused again, in JSON.
    const again = await run([
      'fleet',
      'diff',
      'build',
      'staging',
      '--promote',
      '--yes',
      '-o',
      'json',
    ]);
    expect(again.code).toBe(ExitCode.blocked);
    expect(again.stderr).toBe('');
    const answer = JSON.parse(again.stdout);
    expect(
      answer.items
        .filter((item: any) => item.promotable)
        .map((item: any) => item.pipeline.ref),
    ).toEqual(['pipeline:default/payments']);
    expect(answer.promotions).toEqual([
      {
        pipeline: 'pipeline:default/payments',
        phase: 'stage',
        from: 'build',
        error: expect.objectContaining({ statusCode: 409 }),
      },
    ]);

    // Nothing that may be promoted among checkout's: nothing to do.
    expect(
      await run([
        'fleet',
        'diff',
        'build',
        'staging',
        '--owner',
        'group:default/team-checkout',
        '--promote',
        '--yes',
      ]),
    ).toMatchObject({ code: ExitCode.done, stdout: 'Nothing to promote.\n' });
  });
});
