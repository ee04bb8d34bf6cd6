import {
  GitHostFault,
  GitHostRequest,
  startGitHttpServer,
} from '@internal/glu-github-fake';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dana Developer',
      GIT_AUTHOR_EMAIL: 'dana@example.com',
      GIT_COMMITTER_NAME: 'Dana Developer',
      GIT_COMMITTER_EMAIL: 'dana@example.com',
    },
  });
}

type Service = GitHostRequest['service'];

/**
 * Requests of one kind to one repository, held until released: each one is
 * known as it arrives, so a scenario can act while a fetch or a push is
 * under way rather than guess when it is.
 */
export class Hold {
  readonly requests: GitHostRequest[] = [];
  private readonly waiters: Array<() => void> = [];
  private released = false;
  private readonly releases: Array<() => void> = [];

  /** Called by the host: the request waits until `release`. */
  take(request: GitHostRequest): Promise<undefined> {
    this.requests.push(request);
    this.waiters.splice(0).forEach(wake => wake());
    if (this.released) return Promise.resolve(undefined);
    return new Promise(resolve => this.releases.push(() => resolve(undefined)));
  }

  /** Resolves once `count` requests have arrived, with the last of them. */
  async arrived(count = 1): Promise<GitHostRequest> {
    while (this.requests.length < count) {
      await new Promise<void>(wake => this.waiters.push(wake));
    }
    return this.requests[count - 1];
  }

  /** Lets every held request, and every later one, go on as usual. */
  release(): void {
    this.released = true;
    this.releases.splice(0).forEach(go => go());
  }
}

/**
 * A Git host on loopback (`git http-backend` over bare repositories) whose
 * repositories can each be made to misbehave: hang, die in the middle of a
 * push, refuse pushes with a pre-receive hook, or hold fetches or pushes
 * until told.
 */
export class GitHost {
  private readonly faults = new Map<string, GitHostFault | 'hang-push'>();
  private readonly holds = new Map<string, Hold>();
  /** Pushes that reached each repository, refused or not. */
  readonly pushes = new Map<string, number>();
  /** Every request that reached each repository. */
  readonly requests = new Map<string, GitHostRequest[]>();

  private constructor(
    private readonly root: string,
    private readonly server: Awaited<ReturnType<typeof startGitHttpServer>>,
  ) {}

  static async start(root: string): Promise<GitHost> {
    fs.mkdirSync(path.join(root, 'repos'), { recursive: true });
    const ref: { host?: GitHost } = {};
    const server = await startGitHttpServer({
      root: path.join(root, 'repos'),
      fault: request => ref.host?.decide(request),
    });
    ref.host = new GitHost(root, server);
    return ref.host;
  }

  private decide(
    request: GitHostRequest,
  ): GitHostFault | undefined | Promise<undefined> {
    const name = request.repository.replace(/\.git$/, '');
    this.requests.set(name, [...(this.requests.get(name) ?? []), request]);
    if (request.service === 'receive-pack' && request.transfer) {
      this.pushes.set(name, (this.pushes.get(name) ?? 0) + 1);
    }
    const hold = this.holds.get(`${name} ${request.service}`);
    // A push is held at its transfer, a fetch from its first request.
    if (hold && (request.service === 'upload-pack' || request.transfer)) {
      return hold.take(request);
    }
    const fault = this.faults.get(name);
    if (fault === 'hang') return 'hang';
    if (fault && request.service === 'receive-pack' && request.transfer) {
      return fault === 'hang-push' ? 'hang' : fault;
    }
    return undefined;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.server.port}/${name}.git`;
  }

  get port(): number {
    return this.server.port;
  }

  private bare(name: string): string {
    return path.join(this.root, 'repos', `${name}.git`);
  }

  /** A new repository whose `main` holds these files. */
  create(name: string, files: Record<string, string>): void {
    const bare = this.bare(name);
    git(this.root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    git(bare, 'config', 'http.receivepack', 'true');
    this.commit(name, files, 'Initial configuration');
  }

  /** A person's commit to `main`. */
  commit(
    name: string,
    files: Record<string, string>,
    message: string,
    symlinks: Record<string, string> = {},
  ): string {
    const work = fs.mkdtempSync(path.join(this.root, `work-${name}-`));
    try {
      git(work, 'init', '--quiet', '--initial-branch=main');
      git(work, 'remote', 'add', 'origin', this.bare(name));
      if (this.head(name)) {
        git(work, 'fetch', '--quiet', 'origin', 'main');
        git(work, 'checkout', '--quiet', '-B', 'main', 'FETCH_HEAD');
      }
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
        fs.writeFileSync(path.join(work, file), content);
      }
      for (const [file, target] of Object.entries(symlinks)) {
        fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
        fs.symlinkSync(target, path.join(work, file));
      }
      git(work, 'add', '-A');
      git(work, 'commit', '--quiet', '-m', message);
      // Straight into the bare repository: no fault applies to people.
      git(work, 'push', '--quiet', '--no-verify', 'origin', 'HEAD:main');
      return this.head(name)!;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /** The commit `main` points at. */
  head(name: string): string | undefined {
    try {
      return git(
        this.bare(name),
        'rev-parse',
        '--verify',
        '--quiet',
        'main',
      ).trim();
    } catch {
      return undefined;
    }
  }

  /** How many commits `main` holds. */
  commits(name: string): number {
    return Number(git(this.bare(name), 'rev-list', '--count', 'main'));
  }

  /** The commits of `main` that changed a file, newest first. */
  commitsOf(name: string, file: string): string[] {
    return git(this.bare(name), 'log', '--format=%H', 'main', '--', file)
      .split('\n')
      .filter(Boolean);
  }

  /** The file as `main` holds it. */
  read(name: string, file: string): string {
    return git(this.bare(name), 'show', `main:${file}`);
  }

  /**
   * Makes a repository misbehave: a fault of the server, or `hang-push`,
   * which hangs only pushes; undefined ends it (and drops what hangs).
   */
  fault(name: string, fault: GitHostFault | 'hang-push' | undefined): void {
    if (fault) this.faults.set(name, fault);
    else this.faults.delete(name);
    if (fault === undefined) this.server.releaseHung();
  }

  /**
   * Holds the repository's fetches (`upload-pack`) or pushes
   * (`receive-pack`) until the hold is released; a new hold replaces the
   * last one.
   */
  hold(name: string, service: Service): Hold {
    const hold = new Hold();
    this.holds.set(`${name} ${service}`, hold);
    return hold;
  }

  /** Ends a hold: what it holds goes on, and nothing more is held. */
  unhold(name: string, service: Service): void {
    this.holds.get(`${name} ${service}`)?.release();
    this.holds.delete(`${name} ${service}`);
  }

  /** A pre-receive hook that refuses every push with this message. */
  refuse(name: string, message: string | undefined): void {
    const hook = path.join(this.bare(name), 'hooks', 'pre-receive');
    if (message === undefined) {
      fs.rmSync(hook, { force: true });
      return;
    }
    fs.writeFileSync(hook, `#!/bin/sh\necho "${message}" >&2\nexit 1\n`, {
      mode: 0o755,
    });
  }

  close(): Promise<void> {
    for (const hold of this.holds.values()) hold.release();
    return this.server.close();
  }
}
