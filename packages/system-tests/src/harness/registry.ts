import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './replicas';

/**
 * A real OCI registry (the CNCF distribution registry, Debian's
 * `docker-registry`) on loopback that asks for bearer tokens from `realm`,
 * as Docker Hub and most registries do: every request without a token it
 * signed is answered 401 with a `WWW-Authenticate: Bearer realm=…`
 * challenge.
 */
export class TokenRegistry {
  private constructor(
    private readonly server: ChildProcess,
    readonly host: string,
  ) {}

  static async start(dir: string, realm: string): Promise<TokenRegistry> {
    fs.mkdirSync(dir, { recursive: true });
    // The registry checks tokens against this certificate: none will pass.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=suite-registry',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const host = `127.0.0.1:${await freePort()}`;
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(
      config,
      [
        'version: 0.1',
        'log: { level: error }',
        `storage: { filesystem: { rootdirectory: ${path.join(
          dir,
          'storage',
        )} } }`,
        `http: { addr: "${host}" }`,
        'auth:',
        '  token:',
        `    realm: "${realm}"`,
        '    service: suite-registry',
        '    issuer: suite',
        `    rootcertbundle: ${path.join(dir, 'cert.pem')}`,
        '',
      ].join('\n'),
    );
    const server = spawn('docker-registry', ['serve', config], {
      stdio: 'ignore',
    });
    const stop = () => server.kill('SIGKILL');
    process.once('exit', stop);
    server.once('exit', () => process.removeListener('exit', stop));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        // Up once it answers at all: 401, asking for a token.
        await fetch(`http://${host}/v2/`);
        return new TokenRegistry(server, host);
      } catch {
        if (Date.now() > deadline || server.exitCode !== null) {
          throw new Error(`The registry did not start on ${host}`);
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
  }

  get origin(): string {
    return `http://${this.host}`;
  }

  async stop(): Promise<void> {
    if (this.server.exitCode !== null) return;
    const exited = new Promise(resolve => this.server.once('exit', resolve));
    this.server.kill('SIGTERM');
    await exited;
  }
}
