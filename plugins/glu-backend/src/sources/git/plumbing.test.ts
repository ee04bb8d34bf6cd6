import { execFileSync } from 'node:child_process';
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { silentHost } from '../../__testUtils__/silentHost';
import {
  catBlobs,
  fastImport,
  GitCommandError,
  PlumbingOptions,
  streamGit,
} from './plumbing';
import { useGitSpawner } from './spawner';

jest.setTimeout(20_000);

describe.each([
  ['by the backend', false],
  ['by the spawner process', true],
])('plumbing, git started %s', (_, spawner) => {
  let stopSpawner: () => void;
  beforeAll(() => {
    stopSpawner = useGitSpawner(spawner);
  });
  afterAll(() => stopSpawner());

  let repo: GitFixture;
  let options: PlumbingOptions;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo.bareDir, encoding: 'utf8' });

  beforeEach(async () => {
    repo = await createGitFixture({
      'env/small.yaml': 'version: 1.0.0\n',
      'env/large.yaml': 'x'.repeat(3 * 1024 * 1024),
      'env/unicode ü.yaml': 'name: ü\n',
    });
    options = {
      cwd: repo.bareDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      signal: new AbortController().signal,
    };
  });

  afterEach(() => repo.cleanup());

  it('reads blobs by request as git prints them, leaves out what names none, and keeps only the size of one over the limit', async () => {
    const large = git('rev-parse', 'main:env/large.yaml').trim();
    const blobs = await catBlobs(
      options,
      [
        'main:env/small.yaml',
        'main:env/missing.yaml',
        large,
        'main:env/unicode ü.yaml',
        'main:env',
      ],
      1024 * 1024,
    );
    expect([...blobs]).toEqual([
      ['main:env/small.yaml', 'version: 1.0.0\n'],
      [large, { bytes: 3 * 1024 * 1024 }],
      ['main:env/unicode ü.yaml', 'name: ü\n'],
    ]);
    // Under a limit it fits, the same blob comes whole, across many chunks.
    const whole = await catBlobs(options, [large], Infinity);
    expect(whole.get(large)).toBe('x'.repeat(3 * 1024 * 1024));
  });

  it('makes a commit of files whatever their names on top of its parent, kept under its ref, with no work tree', async () => {
    const parent = git('rev-parse', 'main').trim();
    const files = new Map([
      ['env/small.yaml', { mode: '100644', content: 'version: 2.0.0\n' }],
      ['env/line\nbreak.yaml', { mode: '100644', content: 'a\n' }],
      ['"quoted".yaml', { mode: '100755', content: 'b\n' }],
      ['back\\slash.yaml', { mode: '100644', content: '' }],
    ]);
    const sha = await fastImport(options, {
      ref: 'refs/glu/commit',
      parent,
      files,
      message: 'Promote to 2.0.0\n\nBy Glu',
      author: { name: 'Glu', email: 'glu@example.com' },
      at: Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    expect(git('rev-parse', 'refs/glu/commit').trim()).toBe(sha);
    expect(git('rev-parse', `${sha}^`).trim()).toBe(parent);
    expect(git('log', '-1', '--format=%an <%ae> %at%n%B', sha).trim()).toBe(
      `Glu <glu@example.com> ${
        Date.UTC(2026, 0, 2, 3, 4, 5) / 1000
      }\nPromote to 2.0.0\n\nBy Glu`,
    );
    for (const [file, { mode, content }] of files) {
      expect(git('ls-tree', sha, '--', file).split(' ')[0]).toBe(mode);
      expect(git('cat-file', 'blob', `${sha}:${file}`)).toBe(content);
    }
    // The files it did not name are as they were.
    expect(git('cat-file', 'blob', `${sha}:env/unicode ü.yaml`)).toBe(
      'name: ü\n',
    );
    expect(git('fsck', '--no-progress', '--strict')).toBe('');
  });

  it('fails with what git said', async () => {
    const failing = streamGit(
      ['cat-file', '-p', 'no-such-object'],
      options,
      () => false,
    );
    await expect(failing).rejects.toThrow(GitCommandError);
    await expect(failing).rejects.toThrow(/no-such-object/);
  });

  it('stops git once its reader has what it needs, and counts that as done', async () => {
    const seen: string[] = [];
    // Far more output than the first chunk: git is stopped after it.
    await streamGit(
      ['cat-file', '--batch'],
      { ...options, input: 'main:env/large.yaml\n'.repeat(20) },
      chunk => {
        seen.push(chunk.toString('utf8'));
        return true;
      },
    );
    expect(seen).toHaveLength(1);
  });

  it('kills git and the helpers it started at its deadline, so a host that never answers is let go', async () => {
    const host = await silentHost();
    try {
      const deadline = new AbortController();
      const fetching = streamGit(
        ['fetch', host.url],
        { ...options, signal: deadline.signal },
        () => false,
      );
      // git's `git-remote-http` is connected and waits for an answer.
      const socket = await host.connection();
      const closed = new Promise(resolve => socket.once('close', resolve));
      deadline.abort(new Error('deadline'));
      await expect(fetching).rejects.toThrow('deadline');
      // Only the end of the helper's process closes its connection.
      await closed;
    } finally {
      await host.close();
    }
  });
});
