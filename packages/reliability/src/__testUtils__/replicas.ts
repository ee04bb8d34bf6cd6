import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';

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

/** One backend replica: a process of its own, started from `replica.ts`. */
export class Replica {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly configFile: string,
    private readonly logFile: string,
  ) {}

  /** Writes the replica's config; `start` starts it. */
  static create(options: {
    name: string;
    port: number;
    dir: string;
    logDir: string;
    config: Record<string, unknown>;
  }): Replica {
    const configFile = path.join(options.dir, `${options.name}.yaml`);
    fs.writeFileSync(configFile, stringify(options.config));
    return new Replica(
      options.name,
      options.port,
      configFile,
      path.join(options.logDir, `reliability-${options.name}.log`),
    );
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
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        require.resolve('../replica.ts'),
        '--config',
        this.configFile,
      ],
      {
        cwd: path.resolve(__dirname, '../..'),
        stdio: ['ignore', out, out],
        env: {
          ...process.env,
          NODE_ENV: 'development',
          ESBK_TSCONFIG_PATH: path.resolve(
            __dirname,
            '../../../../tsconfig.json',
          ),
        },
      },
    );
    this.child = child;
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

  /** kill -9: the replica stops at once, in the middle of whatever it does. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the replica as an operator would. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
