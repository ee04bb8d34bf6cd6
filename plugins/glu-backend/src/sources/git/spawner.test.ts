import { silentHost } from '../../__testUtils__/silentHost';
import { GitSpawner, StartedGit } from './spawner';

jest.setTimeout(20_000);

const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/** Starts plumbing with the spawner and gathers what it prints. */
function start(spawner: GitSpawner, args: string[], input?: string) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const started: StartedGit = spawner.startGit(
    { args, cwd: process.cwd(), env, input },
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

/** An alias that runs a shell, which runs sleep: a group of three. */
const WAIT = ['-c', 'alias.wait=!sleep 60', 'wait'];

describe('GitSpawner', () => {
  let spawner: GitSpawner;
  beforeEach(() => {
    spawner = new GitSpawner();
  });
  afterEach(() => spawner.stop());

  it('runs plumbing from its own process: what git reads and prints, and how it ends', async () => {
    const hashed = await start(spawner, ['hash-object', '--stdin'], 'hello\n')
      .result;
    expect(hashed).toEqual({
      code: 0,
      stdout: 'ce013625030ba8dba906f756967f9e9ca394464a\n',
      stderr: '',
    });
    expect(spawner.pid).toBeDefined();
    expect(spawner.pid).not.toBe(process.pid);

    const failed = await start(spawner, ['cat-file', '-t', 'no-such-object'])
      .result;
    expect(failed.code).toBe(128);
    expect(failed.stderr).toContain('no-such-object');
  });

  it('runs simple-git from its own process, failing with what git printed', async () => {
    const never = new AbortController().signal;
    const version = await spawner.runSimpleGit(
      { args: ['--version'], cwd: process.cwd(), env },
      never,
    );
    expect(version).toMatch(/^git version/);
    await expect(
      spawner.runSimpleGit(
        { args: ['cat-file', '-t', 'no-such-object'], cwd: process.cwd(), env },
        never,
      ),
    ).rejects.toThrow(/no-such-object/);
  });

  it('stops a command under way when asked, plumbing or simple-git, with what it started', async () => {
    const waiting = start(spawner, WAIT);
    waiting.started.kill();
    expect((await waiting.result).code).not.toBe(0);

    const host = await silentHost();
    try {
      const deadline = new AbortController();
      const running = spawner.runSimpleGit(
        { args: ['ls-remote', host.url], cwd: process.cwd(), env },
        deadline.signal,
      );
      const socket = await host.connection();
      const closed = new Promise(resolve => socket.once('close', resolve));
      deadline.abort();
      await expect(running).rejects.toThrow(/abort/i);
      // Only the end of `git-remote-http` closes its connection.
      await closed;
    } finally {
      await host.close();
    }
  });

  it('fails what it was running when its process dies, and starts a new one for what comes next', async () => {
    const host = await silentHost();
    const waiting = start(spawner, WAIT);
    const never = new AbortController().signal;
    const simple = spawner.runSimpleGit(
      { args: ['ls-remote', host.url], cwd: process.cwd(), env },
      never,
    );
    await host.connection();
    await start(spawner, ['--version']).result;
    const first = spawner.pid!;
    process.kill(first, 'SIGKILL');
    await expect(waiting.result).rejects.toThrow(
      'the process that runs git ended (SIGKILL)',
    );
    await expect(simple).rejects.toThrow('the process that runs git ended');
    const next = await start(spawner, ['--version']).result;
    expect(next.code).toBe(0);
    expect(spawner.pid).not.toBe(first);
    await host.close();
  });

  it('ends with stop(), killing what it ran, with what that started', async () => {
    const host = await silentHost();
    try {
      const waiting = start(spawner, WAIT);
      const simple = spawner.runSimpleGit(
        { args: ['ls-remote', host.url], cwd: process.cwd(), env },
        new AbortController().signal,
      );
      const socket = await host.connection();
      const closed = new Promise(resolve => socket.once('close', resolve));
      spawner.stop();
      await expect(waiting.result).rejects.toThrow(
        'the process that runs git ended',
      );
      await expect(simple).rejects.toThrow('the process that runs git ended');
      await closed;
    } finally {
      await host.close();
    }
  });
});
