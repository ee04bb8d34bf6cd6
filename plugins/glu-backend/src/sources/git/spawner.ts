/*
 * How the plumbing's git processes start (`glu.optimizations.gitSpawner`).
 *
 * Starting a process copies the starting process's page tables: a few
 * milliseconds for a small process, 15 to 40 for a backend of 300 to 600 MB,
 * while its event loop waits. With the spawner, the plumbing's git
 * (plumbing.ts: `cat-file --batch`, `fast-import`, `update-ref`, …) is
 * started by a small Node process of its own (spawnerProcess.cjs), over IPC,
 * and the backend forks once. Without it, the backend starts git itself.
 * simple-git starts the porcelain and network commands itself, either way.
 *
 * When the spawner process dies, the git commands it was running fail (and
 * are killed with their process groups); the next command starts a new one.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';

/** What a git process prints, as it prints it. */
export interface GitOutput {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

/** One git process, started. */
export interface StartedGit {
  /** Its exit code (null once killed); rejects when it could not start. */
  exited: Promise<number | null>;
  /** Kills git and everything it started. */
  kill(): void;
}

/** How one git process is started. */
export interface GitStart {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  input?: string;
}

/** Git started by the backend's own process, in a process group of its own. */
function startHere(start: GitStart, output: GitOutput): StartedGit {
  const child = spawn('git', start.args, {
    cwd: start.cwd,
    env: start.env,
    // A process group of its own, so that killing it kills what it started.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.on('data', output.stdout);
  child.stderr.on('data', output.stderr);
  // Git may stop before it has read all of its input (it was killed).
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(start.input ?? '');
  return {
    exited,
    kill: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // It has ended already.
      }
    },
  };
}

type Answer =
  | { id: number; type: 'stdout' | 'stderr'; chunk: Uint8Array }
  | { id: number; type: 'exit'; code: number | null }
  | { id: number; type: 'error'; message: string };

interface Running {
  output: GitOutput;
  resolve(code: number | null): void;
  reject(error: Error): void;
}

/** Starts git from a small process of its own, over IPC. */
export class GitSpawner {
  private child: ChildProcess | undefined;
  private readonly running = new Map<number, Running>();
  private nextId = 1;

  constructor(
    private readonly program = resolvePackagePath(
      '@glu-dev/plugin-glu-backend',
      'src/sources/git/spawnerProcess.cjs',
    ),
  ) {}

  start(start: GitStart, output: GitOutput): StartedGit {
    const child = this.process();
    const id = this.nextId++;
    const exited = new Promise<number | null>((resolve, reject) => {
      this.running.set(id, { output, resolve, reject });
    });
    child.send({ type: 'start', id, ...start });
    return {
      exited,
      kill: () => {
        if (this.running.has(id) && this.child === child && child.connected) {
          child.send({ type: 'kill', id });
        }
      },
    };
  }

  /** The spawner process's id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Ends the spawner process, and with it every git it runs. */
  stop(): void {
    this.child?.kill();
  }

  private process(): ChildProcess {
    if (this.child) return this.child;
    // Nothing of the backend's own Node options (a profiler, an
    // instrumentation file): it only starts git.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [this.program], {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (answer: Answer) => this.answer(answer));
    const ended = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      const error = new Error(`the process that starts git ${why}`);
      for (const running of this.running.values()) running.reject(error);
      this.running.clear();
    };
    child.on('exit', (code, signal) =>
      ended(`ended (${signal ?? `exit code ${code}`})`),
    );
    child.on('error', error => ended(`failed: ${error.message}`));
    // It must not keep the backend alive.
    child.unref();
    (child.channel as { unref?(): void } | undefined)?.unref?.();
    this.child = child;
    return child;
  }

  private answer(answer: Answer) {
    const running = this.running.get(answer.id);
    if (!running) return;
    if (answer.type === 'stdout' || answer.type === 'stderr') {
      const chunk = Buffer.from(
        answer.chunk.buffer,
        answer.chunk.byteOffset,
        answer.chunk.byteLength,
      );
      running.output[answer.type](chunk);
      return;
    }
    this.running.delete(answer.id);
    if (answer.type === 'exit') running.resolve(answer.code);
    else running.reject(new Error(answer.message));
  }
}

let spawner: GitSpawner | undefined;
let users = 0;

/**
 * Starts the plumbing's git from a spawner process from now on
 * (`glu.optimizations.gitSpawner`), or leaves it to the backend; answers
 * how to let go of it. Backends in one process (tests) share one spawner,
 * stopped when the last lets go.
 */
export function useGitSpawner(on: boolean): () => void {
  if (!on) return () => {};
  spawner ??= new GitSpawner();
  users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0) {
      spawner?.stop();
      spawner = undefined;
    }
  };
}

/** Starts one git process, as `useGitSpawner` decided. */
export function startGit(start: GitStart, output: GitOutput): StartedGit {
  return spawner ? spawner.start(start, output) : startHere(start, output);
}
