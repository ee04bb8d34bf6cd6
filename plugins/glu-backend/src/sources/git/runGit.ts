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
  constructor(message: string, readonly exitCode: number | null) {
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
export function runGit(
  args: string[],
  options: GitCommandOptions,
): Promise<string> {
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
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    };
    options.signal.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', chunk => stdout.push(chunk));
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
      const out = Buffer.concat(stdout).toString('utf8');
      if (code === 0) {
        resolve(out);
        return;
      }
      const err = Buffer.concat(stderr).toString('utf8');
      reject(
        new GitCommandError(
          [err.trim(), out.trim()].filter(Boolean).join('\n') ||
            `git ${args[0]} failed with exit code ${code}`,
          code,
        ),
      );
    });
    child.stdin.end(options.input ?? '');
  });
}
