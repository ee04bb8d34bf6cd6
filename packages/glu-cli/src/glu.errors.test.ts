import { ExitCode } from './exits';
import { ALICE, BOB, CI, run, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

describe('glu', () => {
  useGlu({ published: '1.1.0' });

  it('says what to do when not allowed, not found, or called wrongly', async () => {
    const refused = await run(['promote', 'checkout', 'staging'], BOB);
    expect(refused.code).toBe(ExitCode.notAllowed);
    expect(refused.stderr).toMatch(
      /^glu: Not allowed \(403\): user:default\/bob may not .*pipeline:default\/checkout \(glu\.pipeline\.promote\)\. pipeline:default\/checkout is owned by group:default\/team-checkout: ask one of its owners/m,
    );
    const pin = await run(['pin', 'checkout', 'staging', '--reason', 'x'], BOB);
    expect(pin.code).toBe(ExitCode.notAllowed);
    expect(pin.stderr).toContain('(glu.pipeline.pin)');

    const otherKind = await run(['inspect', 'component:default/checkout']);
    expect(otherKind).toMatchObject({
      code: ExitCode.usage,
      stderr:
        "glu: Not a pipeline's entity ref: component:default/checkout (e.g. pipeline:default/checkout)\n",
    });

    const missing = await run(['inspect', 'nope']);
    expect(missing.code).toBe(ExitCode.error);
    expect(missing.stderr).toMatch(/^glu: Not found \(404\): .*glu pipelines/);

    const badToken = await run(['pipelines'], 'not-a-token');
    expect(badToken.code).toBe(ExitCode.notAllowed);
    expect(badToken.stderr).toMatch(
      /^glu: Backstage did not accept the token \(401\).*--token, GLU_TOKEN or --token-file/,
    );

    const bad = await run(['pipelines', '--limit', 'many']);
    expect(bad.code).toBe(ExitCode.usage);
    const badWait = await run([
      'promote',
      'checkout',
      'staging',
      '--wait',
      '--wait-timeout',
      'soon',
    ]);
    expect(badWait).toMatchObject({
      code: ExitCode.usage,
      stderr: 'glu: --wait-timeout is a number of seconds above 0, not soon\n',
    });
    const unknown = await run(['promot', 'checkout']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toMatch(/unknown command 'promot'/);
    const publish = await run(['publish', 'checkout', 'build'], CI);
    expect(publish.code).toBe(ExitCode.usage);
    const refusedInput = await run(
      ['publish', 'checkout', 'staging', '--version', '2.0.0'],
      CI,
    );
    expect(refusedInput).toMatchObject({
      code: ExitCode.usage,
      stderr:
        'glu: Glu refused the request: The phase staging reads from a git source; versions are published only to api phases\n',
    });
    const malformed = await run(
      [
        'publish',
        'checkout',
        'build',
        '--version',
        '2.0.0',
        '--digest',
        'md5:abc',
      ],
      CI,
    );
    expect(malformed).toMatchObject({
      code: ExitCode.usage,
      stderr:
        'glu: Glu refused the request: The version cannot be published: digest "md5:abc" uses the algorithm md5, which is not a registered one: write it as sha256: and 64 lowercase hex characters, or sha512: and 128\n',
    });

    const down = await run(['pipelines'], ALICE, {
      GLU_URL: 'http://127.0.0.1:9',
    });
    expect(down.code).toBe(ExitCode.error);
    expect(down.stderr).toMatch(
      /Could not reach Backstage at http:\/\/127\.0\.0\.1:9/,
    );
    const nowhere = await run(['pipelines'], ALICE, { GLU_URL: '' });
    expect(nowhere.code).toBe(ExitCode.usage);
  });
});
