import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { packageDir, repositoryRoot } from './paths';

/** A free port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One backend replica: a process of its own, started from `replica.ts`, or
 * the example backend's production bundle.
 */
export class Replica {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly configFile: string,
    /** Where its output goes: this run's only, from its first start. */
    readonly logFile: string,
    private readonly production: boolean,
    private readonly bundle: string | undefined,
    private readonly nodeOptions: string[],
  ) {}

  /** Writes the replica's config; `start` starts it. */
  static create(options: {
    name: string;
    port: number;
    dir: string;
    logDir: string;
    config: Record<string, unknown>;
    /** Runs it as in production: NODE_ENV=production, no source maps. */
    production?: boolean;
    /**
     * The folder of the example backend's unpacked production bundle
     * (`yarn workspace backend build`) to run instead of `replica.ts`; it
     * runs as in production.
     */
    bundle?: string;
    /** Options for its Node, e.g. `--cpu-prof`. */
    nodeOptions?: string[];
  }): Replica {
    const configFile = path.join(options.dir, `${options.name}.yaml`);
    fs.writeFileSync(configFile, stringify(options.config));
    const logFile = path.join(options.logDir, `${options.name}.log`);
    fs.writeFileSync(logFile, '');
    return new Replica(
      options.name,
      options.port,
      configFile,
      logFile,
      options.production ?? !!options.bundle,
      options.bundle,
      options.nodeOptions ?? [],
    );
  }

  /** The lines of its output that match. */
  logLines(pattern: RegExp): string[] {
    return fs
      .readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter(line => pattern.test(line));
  }

  /** The process's id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && !this.child.killed;
  }

  /** Starts the process, and resolves once Glu answers its health check. */
  async start(timeoutMillis = 180_000): Promise<void> {
    const out = fs.openSync(this.logFile, 'a');
    const entry = this.bundle
      ? [path.join(this.bundle, 'packages', 'backend', 'dist', 'index.cjs.js')]
      : [
          '--require',
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
          path.join(packageDir, 'src', 'replica.ts'),
        ];
    const child = spawn(
      process.execPath,
      [
        ...(this.production ? [] : ['--enable-source-maps']),
        ...this.nodeOptions,
        ...entry,
        '--config',
        this.configFile,
      ],
      {
        cwd: this.bundle ?? packageDir,
        stdio: ['ignore', out, out],
        env: {
          ...process.env,
          NODE_ENV: this.production ? 'production' : 'development',
          ESBK_TSCONFIG_PATH: path.join(repositoryRoot, 'tsconfig.json'),
        },
      },
    );
    this.child = child;
    // Never outlives the suite that started it.
    const stop = () => child.kill('SIGKILL');
    process.once('exit', stop);
    child.once('exit', () => process.removeListener('exit', stop));
    this.exited = new Promise(resolve => child.once('exit', () => resolve()));
    this.exited.then(() => fs.closeSync(out));
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `${this.name} exited with ${child.exitCode}; see ${this.logFile}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/api/glu/health`, {
          signal: AbortSignal.timeout(2000),
        });
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} did not start; see ${this.logFile}`);
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }

  /** The process's id and those of every process it started, and theirs. */
  private tree(): number[] {
    if (!this.child?.pid) return [];
    const table = execFileSync('ps', ['-eo', 'pid=,ppid='], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .map(line => line.trim().split(/\s+/).map(Number));
    const tree = [this.child.pid];
    for (let i = 0; i < tree.length; i++) {
      for (const [pid, ppid] of table) {
        if (ppid === tree[i]) tree.push(pid);
      }
    }
    return tree;
  }

  /**
   * Whether the TCP connection from this loopback port is the replica's (or
   * a git it started): a server that sees a request tells who sent it.
   */
  ownsConnectionFrom(port: number): boolean {
    const sockets = execFileSync(
      'ss',
      ['-Htnp', 'state', 'established', `( sport = :${port} )`],
      { encoding: 'utf8' },
    );
    const pids = [...sockets.matchAll(/pid=(\d+)/g)].map(m => Number(m[1]));
    const tree = this.tree();
    return pids.some(pid => tree.includes(pid));
  }

  /**
   * kill -9: the replica stops at once, in the middle of whatever it does,
   * with every process it started (git among them), as when the container
   * it runs in dies.
   */
  async kill(): Promise<void> {
    if (!this.child?.pid) return;
    for (const pid of this.tree()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await this.exited;
  }

  /**
   * Stops the replica as an operator would: SIGTERM, then SIGKILL if it has
   * not exited within `graceMillis`.
   */
  async stop(graceMillis = 15_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMillis);
    await this.exited;
    clearTimeout(timer);
  }
}
