import { execFile } from 'node:child_process';
import { ALICE, bin, CI, run, url, useGlu } from './__testUtils__/glu';

jest.setTimeout(180_000);

describe('glu', () => {
  useGlu({ published: '1.1.0' });

  it('watches a pipeline and shows each change as it comes', async () => {
    const child = execFile(
      process.execPath,
      [bin, 'watch', 'checkout', '--interval', '0.2', '-o', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GLU_URL: url,
          GLU_TOKEN: ALICE,
        },
      },
    );
    let out = '';
    child.stdout!.on('data', chunk => (out += chunk));
    const views = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line));
    const until = async (test: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`Timed out: ${out}`);
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    };
    await until(() => views().length >= 1);
    await run(['publish', 'checkout', 'build', '--version', '1.3.0'], CI);
    await until(() =>
      views().some(
        v =>
          v.phases.find((p: any) => p.name === 'build').state.version ===
          '1.3.0',
      ),
    );
    const exited = new Promise<number | null>(resolve =>
      child.once('exit', code => resolve(code)),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
