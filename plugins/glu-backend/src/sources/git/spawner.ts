/*
 * Where Glu's git runs (`glu.optimizations.gitSpawner`).
 *
 * Starting a process copies the starting process's page tables: a few
 * milliseconds for a small process, 15 to 40 for a backend of 300 to 600 MB,
 * while its event loop waits. With the spawner, every git command, porcelain
 * and network through simple-git and plumbing alike (git/gitRunner.cjs at
 * the package's root), runs in a small Node process of its own
 * (git/spawnerProcess.cjs), asked over IPC, and the backend forks once.
 * Without it, the backend runs git/gitRunner.cjs itself.
 *
 * When the spawner process dies, the commands it was running fail (their
 * git is killed with its process group); the next command starts a new one.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';

/** What a plumbing command prints, as it prints it. */
export interface GitOutput {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

/** A plumbing command, started. */
export interface StartedGit {
  /** Its exit code (null once killed); rejects when it could not start. */
  exited: Promise<number | null>;
  /** Kills git and everything it started. */
  kill(): void;
}

/** A plumbing command to start. */
export interface GitStart {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  input?: string;
}

/** A porcelain or network command, for simple-git. */
export interface SimpleGitRequest {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** What runs git: gitRunner.cjs, here or in the spawner process. */
export interface GitRunner {
  /** What the command printed; fails with what git printed on an exit but 0. */
  runSimpleGit(request: SimpleGitRequest, signal: AbortSignal): Promise<string>;
  startGit(start: GitStart, output: GitOutput): StartedGit;
}

const PACKAGE = '@glu-dev/plugin-glu-backend';
/** Plain CommonJS, shipped as it is (like the migrations). */
const FOLDER = 'git';

let here: GitRunner | undefined;

/** gitRunner.cjs, in the backend's own process. */
function runnerHere(): GitRunner {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  here ??= require(resolvePackagePath(PACKAGE, FOLDER, 'gitRunner.cjs'));
  return here!;
}

type Answer =
  | { id: number; type: 'stdout'; chunk: Uint8Array }
  | { id: number; type: 'stderr'; chunk: Uint8Array }
  | { id: number; type: 'exit'; code: number | null }
  | { id: number; type: 'done'; stdout: string }
  | { id: number; type: 'failed'; message: string };

interface Running {
  /** The spawner process that runs it. */
  child: ChildProcess;
  output?: GitOutput;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Runs git in a small process of its own, over IPC. */
export class GitSpawner implements GitRunner {
  private child: ChildProcess | undefined;
  private readonly running = new Map<number, Running>();
  private nextId = 1;

  constructor(
    private readonly program = resolvePackagePath(
      PACKAGE,
      FOLDER,
      'spawnerProcess.cjs',
    ),
  ) {}

  /**
   * Starts the spawner process now, rather than with the first command: the
   * one fork it costs happens while the backend starts.
   */
  warmUp(): void {
    this.process();
  }

  /** The spawner process's id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  runSimpleGit(request: SimpleGitRequest, signal: AbortSignal) {
    if (signal.aborted) return Promise.reject(signal.reason);
    const { answer, stop } = this.send<string>({ type: 'simple', request });
    // At its deadline it fails at once, whether or not the spawner answers.
    const abort = () => stop(running => running.reject(signal.reason));
    signal.addEventListener('abort', abort, { once: true });
    return answer.finally(() => signal.removeEventListener('abort', abort));
  }

  startGit(start: GitStart, output: GitOutput): StartedGit {
    const { answer, stop } = this.send<number | null>(
      { type: 'start', start },
      output,
    );
    // Killed, it has ended (null), as a killed process has: what the
    // spawner still sends of it is dropped.
    return {
      exited: answer,
      kill: () => stop(running => running.resolve(null)),
    };
  }

  /**
   * Ends the spawner process, which kills every git it runs as it goes (its
   * channel closes).
   */
  stop(): void {
    if (this.child?.connected) this.child.disconnect();
    else this.child?.kill();
  }

  private send<T>(message: object, output?: GitOutput) {
    const child = this.process();
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.running.set(id, {
        child,
        output,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
    child.send({ ...message, id });
    /** Has the spawner kill it, and settles it now as `end` says. */
    const stop = (end: (running: Running) => void) => {
      const running = this.running.get(id);
      if (!running) return;
      this.running.delete(id);
      if (child.connected) child.send({ type: 'kill', id });
      end(running);
    };
    return { answer, stop };
  }

  private process(): ChildProcess {
    // One that was let go of ends on its own, with what it runs.
    if (this.child?.connected) return this.child;
    // Nothing of the backend's own Node options (a profiler, an
    // instrumentation file): it only runs git.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [this.program], {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (answer: Answer) => this.answer(answer));
    const ended = (why: string) => {
      if (this.child === child) this.child = undefined;
      const error = new Error(`the process that runs git ${why}`);
      for (const [id, running] of this.running) {
        if (running.child !== child) continue;
        this.running.delete(id);
        running.reject(error);
      }
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
      const { buffer, byteOffset, byteLength } = answer.chunk;
      running.output?.[answer.type](
        Buffer.from(buffer, byteOffset, byteLength),
      );
      return;
    }
    this.running.delete(answer.id);
    if (answer.type === 'exit') running.resolve(answer.code);
    else if (answer.type === 'done') running.resolve(answer.stdout);
    else running.reject(new Error(answer.message));
  }
}

let spawner: GitSpawner | undefined;
let users = 0;

/**
 * Runs git from a spawner process from now on
 * (`glu.optimizations.gitSpawner`), or in the backend's own; answers how to
 * let go of it. Backends in one process (tests) share one spawner, stopped
 * when the last lets go.
 */
export function useGitSpawner(on: boolean): () => void {
  if (!on) return () => {};
  spawner ??= new GitSpawner();
  spawner.warmUp();
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

/** What runs git now, as `useGitSpawner` decided. */
export function gitRunner(): GitRunner {
  return spawner ?? runnerHere();
}
