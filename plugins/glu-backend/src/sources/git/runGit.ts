import { Worker } from 'node:worker_threads';

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
 * from a thread of its own (see SPAWNER). It answers as soon as git has
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
 * The thread that starts git. Starting a process from a large Node process
 * holds the starting thread until the child has exec'd (milliseconds each,
 * much more when the cores are busy), so git is started from a worker thread
 * of its own and the event loop that answers requests never waits on it.
 * Its code is plain JavaScript, the same in a build and from source.
 */
const SPAWNER = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const children = new Map();
const post = message => parentPort.postMessage(message);
parentPort.on('message', message => {
  const { id } = message;
  if (message.type === 'kill') {
    const child = children.get(id);
    if (child && child.pid) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    }
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

let spawner: Worker | undefined;
const running = new Map<number, Running>();
let nextId = 1;

function spawnerThread(): Worker {
  if (spawner) return spawner;
  const worker = new Worker(SPAWNER, { eval: true });
  // It never keeps the backend alive on its own.
  worker.unref();
  worker.on('message', (message: SpawnerMessage) => {
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
    if (spawner === worker) spawner = undefined;
    for (const [id, run] of running) {
      running.delete(id);
      run.onError(error);
    }
  };
  worker.on('error', lost);
  worker.on('exit', code =>
    lost(new Error(`The thread that starts git stopped (${code})`)),
  );
  spawner = worker;
  return worker;
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
    const thread = spawnerThread();
    const id = nextId++;
    const stderr: Buffer[] = [];
    let enough = false;
    // Git and everything it started (it runs in a process group of its own).
    const kill = () => thread.postMessage({ id, type: 'kill' });
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
    thread.postMessage({
      id,
      type: 'run',
      args,
      cwd: options.cwd,
      env: options.env,
      input: options.input ?? '',
    });
  });
}
