import { spawn } from 'node:child_process';

/** How one git command runs. */
export interface GitCommandOptions {
  /** The repository (or folder) it runs in. */
  cwd: string;
  /** Its whole environment. */
  env: Record<string, string>;
  /** Past this signal, git and everything it started is killed. */
  signal: AbortSignal;
  /** What it reads on its standard input. */
  input?: string;
}

/** A git command that failed: what it printed, and how it ended. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    /** What git printed on its standard error. */
    readonly stderr: string = message,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/**
 * Runs one git command and answers what it printed. Git runs in a process
 * group of its own, so that its deadline kills its helpers too (a
 * `git-remote-http` that waits on a host that never answers). It answers as
 * soon as git has exited and closed its output: no polling, no delay.
 */
export async function runGit(
  args: string[],
  options: GitCommandOptions,
): Promise<string> {
  return (await runGitBytes(args, options)).toString('utf8');
}

/** As `runGit`, answering the bytes git printed. */
export function runGitBytes(
  args: string[],
  options: GitCommandOptions,
): Promise<Buffer> {
  const stdout: Buffer[] = [];
  return spawnGit(args, options, chunk => {
    stdout.push(chunk);
    return false;
  }).then(
    () => Buffer.concat(stdout),
    error => {
      if (!(error instanceof GitCommandError)) throw error;
      // What git printed on either stream says why it failed.
      const out = Buffer.concat(stdout).toString('utf8').trim();
      const err = error.stderr.trim();
      throw new GitCommandError(
        [err, out].filter(Boolean).join('\n') ||
          `git ${args[0]} failed with exit code ${error.exitCode}`,
        error.exitCode,
        error.stderr,
      );
    },
  );
}

/**
 * Runs one git command and hands what it prints to `read` as it comes;
 * once `read` answers true (it has what it needs), git is stopped and the
 * command counts as done.
 */
export function streamGit(
  args: string[],
  options: GitCommandOptions,
  read: (chunk: Buffer) => boolean,
): Promise<void> {
  return spawnGit(args, options, read);
}

function spawnGit(
  args: string[],
  options: GitCommandOptions,
  read: (chunk: Buffer) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(options.signal.reason);
      return;
    }
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stderr: Buffer[] = [];
    let enough = false;
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    };
    options.signal.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (enough) return;
      if (read(chunk)) {
        enough = true;
        kill();
      }
    });
    child.stderr.on('data', chunk => stderr.push(chunk));
    child.stdin.on('error', () => undefined);
    child.on('error', error => {
      options.signal.removeEventListener('abort', kill);
      reject(error);
    });
    child.on('close', code => {
      options.signal.removeEventListener('abort', kill);
      if (options.signal.aborted) {
        reject(options.signal.reason);
        return;
      }
      if (code === 0 || enough) {
        resolve();
        return;
      }
      const err = Buffer.concat(stderr).toString('utf8');
      reject(
        new GitCommandError(
          err.trim() || `git ${args[0]} failed with exit code ${code}`,
          code,
          err,
        ),
      );
    });
    child.stdin.end(options.input ?? '');
  });
}
