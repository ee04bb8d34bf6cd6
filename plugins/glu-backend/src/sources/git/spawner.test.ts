import { GitSpawner, StartedGit } from './spawner';

jest.setTimeout(20_000);

/** Starts git with the spawner and gathers what it prints. */
function run(spawner: GitSpawner, args: string[], input?: string) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const started: StartedGit = spawner.start(
    {
      args,
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      input,
    },
    { stdout: chunk => out.push(chunk), stderr: chunk => err.push(chunk) },
  );
  return {
    started,
    result: started.exited.then(code => ({
      code,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    })),
  };
}

describe('GitSpawner', () => {
  let spawner: GitSpawner;
  beforeEach(() => {
    spawner = new GitSpawner();
  });
  afterEach(() => spawner.stop());

  it('runs git from its own process: what git reads and prints, and how it ends', async () => {
    const hashed = await run(spawner, ['hash-object', '--stdin'], 'hello\n')
      .result;
    expect(hashed).toEqual({
      code: 0,
      stdout: 'ce013625030ba8dba906f756967f9e9ca394464a\n',
      stderr: '',
    });
    expect(spawner.pid).toBeDefined();
    expect(spawner.pid).not.toBe(process.pid);

    const failed = await run(spawner, ['cat-file', '-t', 'no-such-object'])
      .result;
    expect(failed.code).toBe(128);
    expect(failed.stderr).toContain('no-such-object');
  });

  it('kills a git that runs, and what it started, when asked', async () => {
    // An alias that runs a shell, which runs sleep: a group of three.
    const waiting = run(spawner, ['-c', 'alias.wait=!sleep 60', 'wait']);
    // Nothing to wait for but the kill: the answer comes once git is gone.
    waiting.started.kill();
    expect((await waiting.result).code).not.toBe(0);
  });

  it('fails what it was running when its process dies, and starts a new one for what comes next', async () => {
    const waiting = run(spawner, ['-c', 'alias.wait=!sleep 60', 'wait']);
    await run(spawner, ['--version']).result;
    const first = spawner.pid!;
    process.kill(first, 'SIGKILL');
    await expect(waiting.result).rejects.toThrow(
      'the process that starts git ended (SIGKILL)',
    );
    const next = await run(spawner, ['--version']).result;
    expect(next.code).toBe(0);
    expect(spawner.pid).not.toBe(first);
  });

  it('ends with stop(), failing what it was running', async () => {
    const waiting = run(spawner, ['-c', 'alias.wait=!sleep 60', 'wait']);
    await run(spawner, ['--version']).result;
    spawner.stop();
    await expect(waiting.result).rejects.toThrow(
      'the process that starts git ended',
    );
  });
});
