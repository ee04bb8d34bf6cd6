import { ChildProcess, spawn } from 'node:child_process';

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
 * `git-remote-http` that waits on a host that never answers), and is started
 * from a process of its own (see SPAWNER). It answers as soon as git has
 * exited and closed its output: no polling, no delay.
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
  return streamGit(args, options, chunk => {
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
 * The process that starts git. Starting a process copies the starting
 * process's address space (its page tables): milliseconds for a large Node
 * process such as a backend, during which its threads wait too. So git is
 * started by a small Node process of its own, over IPC, and the backend
 * never forks. It stops with the backend (its channel closes), killing what
 * it started. Its code is plain JavaScript, the same in a build and from
 * source.
 */
const SPAWNER = `
const { spawn } = require('node:child_process');
const children = new Map();
const post = message => process.send(message);
const killGroup = child => {
  if (child && child.pid) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
  }
};
process.on('disconnect', () => {
  for (const child of children.values()) killGroup(child);
  process.exit(0);
});
process.on('message', message => {
  const { id } = message;
  if (message.type === 'kill') {
    killGroup(children.get(id));
    return;
  }
  let child;
  try {
    child = spawn('git', message.args, {
      cwd: message.cwd,
      env: message.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    post({ id, type: 'error', message: String(error && error.message || error) });
    return;
  }
  children.set(id, child);
  child.stdout.on('data', chunk => post({ id, type: 'out', chunk }));
  child.stderr.on('data', chunk => post({ id, type: 'err', chunk }));
  child.stdin.on('error', () => {});
  child.on('error', error => {
    children.delete(id);
    post({ id, type: 'error', message: String(error && error.message || error) });
  });
  child.on('close', code => {
    children.delete(id);
    post({ id, type: 'close', code });
  });
  child.stdin.end(message.input || '');
});
`;

type SpawnerMessage =
  | { id: number; type: 'out' | 'err'; chunk: Uint8Array }
  | { id: number; type: 'error'; message: string }
  | { id: number; type: 'close'; code: number | null };

interface Running {
  onOut(chunk: Buffer): void;
  onErr(chunk: Buffer): void;
  onError(error: Error): void;
  onClose(code: number | null): void;
}

let spawner: ChildProcess | undefined;
const running = new Map<number, Running>();
let nextId = 1;

function spawnerProcess(): ChildProcess {
  if (spawner) return spawner;
  // Nothing of the backend's own Node options (a profiler, an
  // instrumentation file): it only starts git.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['-e', SPAWNER], {
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  // It never keeps the backend alive on its own.
  child.unref();
  (child.channel as { unref(): void } | undefined)?.unref();
  child.on('message', (message: SpawnerMessage) => {
    const run = running.get(message.id);
    if (!run) return;
    switch (message.type) {
      case 'out':
      case 'err': {
        const chunk = Buffer.from(
          message.chunk.buffer,
          message.chunk.byteOffset,
          message.chunk.byteLength,
        );
        if (message.type === 'out') run.onOut(chunk);
        else run.onErr(chunk);
        break;
      }
      case 'error':
        running.delete(message.id);
        run.onError(new Error(message.message));
        break;
      default:
        running.delete(message.id);
        run.onClose(message.code);
    }
  });
  const lost = (error: Error) => {
    if (spawner === child) spawner = undefined;
    for (const [id, run] of running) {
      running.delete(id);
      run.onError(error);
    }
  };
  child.on('error', lost);
  child.on('exit', code =>
    lost(new Error(`The process that starts git stopped (${code})`)),
  );
  spawner = child;
  return child;
}

/** A message to the spawner; one that has stopped has lost its commands. */
function send(child: ChildProcess, message: object) {
  try {
    child.send(message);
  } catch {
    // Its exit fails what it ran (see `lost`).
  }
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
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(options.signal.reason);
      return;
    }
    const child = spawnerProcess();
    const id = nextId++;
    const stderr: Buffer[] = [];
    let enough = false;
    // Git and everything it started (it runs in a process group of its own).
    const kill = () => send(child, { id, type: 'kill' });
    options.signal.addEventListener('abort', kill, { once: true });
    running.set(id, {
      onOut: chunk => {
        if (enough) return;
        if (read(chunk)) {
          enough = true;
          kill();
        }
      },
      onErr: chunk => stderr.push(chunk),
      onError: error => {
        options.signal.removeEventListener('abort', kill);
        reject(error);
      },
      onClose: code => {
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
      },
    });
    send(child, {
      id,
      type: 'run',
      args,
      cwd: options.cwd,
      env: options.env,
      input: options.input ?? '',
    });
  });
}
