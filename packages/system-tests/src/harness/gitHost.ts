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

/**
 * A Git host on loopback (`git http-backend` over bare repositories) whose
 * repositories can each be made to misbehave: hang, die in the middle of a
 * push, or refuse pushes with a pre-receive hook.
 */
export class GitHost {
  private readonly faults = new Map<string, GitHostFault | 'hang-push'>();
  /** Pushes that reached each repository, refused or not. */
  readonly pushes = new Map<string, number>();

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

  private decide(request: GitHostRequest): GitHostFault | undefined {
    const name = request.repository.replace(/\.git$/, '');
    if (request.service === 'receive-pack' && request.transfer) {
      this.pushes.set(name, (this.pushes.get(name) ?? 0) + 1);
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
    return this.server.close();
  }
}
