import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FloorShell, quote } from './floor';

describe('FloorShell', () => {
  let dir: string;
  let shell: FloorShell;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-floor-'));
    shell = new FloorShell();
  });

  afterEach(() => {
    shell.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a commit and push in a clone and times them, as git from a shell', async () => {
    const bare = path.join(dir, 'origin.git');
    execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);
    const clone = path.join(dir, 'clone');
    await shell.run(dir, [
      `git clone --quiet ${quote(bare)} ${quote(clone)}`,
      `cd ${quote(clone)}`,
      'git checkout --quiet -b main',
      "printf 'version: 1.0.0\\n' > version.yaml",
      'git add version.yaml',
      "git commit --quiet -m 'First'",
      'git push --quiet origin HEAD:main',
    ]);
    const { millis, cpuSeconds } = await shell.measure(clone, [
      "printf 'version: 2.0.0\\n' > version.yaml",
      "git commit --quiet -am 'Second'",
      'git push --quiet origin HEAD:main',
    ]);
    expect(
      execFileSync('git', ['show', 'main:version.yaml'], {
        cwd: bare,
        encoding: 'utf8',
      }),
    ).toBe('version: 2.0.0\n');
    expect(millis).toBeGreaterThan(0);
    // The git it ran used some CPU, and the shell counted it.
    expect(cpuSeconds).toBeGreaterThan(0);
  });

  it('fails on the first step that fails, with its output, and runs on', async () => {
    await expect(
      shell.run(dir, ['true', 'git fetch --quiet nowhere', 'touch reached']),
    ).rejects.toThrow(/failed \(128\).*not a git repository/);
    expect(fs.existsSync(path.join(dir, 'reached'))).toBe(false);
    await expect(shell.run(dir, ['touch after'])).resolves.toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, 'after'))).toBe(true);
  });

  it("keeps a step's quotes and spaces as they are", async () => {
    await shell.run(dir, [`printf %s ${quote("it's a 'name'")} > out`]);
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe(
      "it's a 'name'",
    );
  });

  it('leaves no files of its own behind once closed', async () => {
    const own = () =>
      fs
        .readdirSync(os.tmpdir())
        .filter(f => f.startsWith(`glu-bench-floor-${process.pid}-`));
    await shell.run(dir, ['true']);
    expect(own().length).toBeGreaterThan(0);
    shell.close();
    expect(own()).toEqual([]);
  });
});
