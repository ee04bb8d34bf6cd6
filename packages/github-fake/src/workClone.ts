import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';

const AUTHOR = {
  GIT_AUTHOR_NAME: 'Dana Developer',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Developer',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
};

/** Writes files under a folder, making the folders they need. */
async function writeFiles(dir: string, files: Record<string, string>) {
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), content);
  }
}

/**
 * A fake host's own clone of one of its bare repositories: how the host, its
 * people and its CI see and change the repository (reading branches and
 * files, committing by hand, merging). It serves one git command sequence at
 * a time, so that callers in parallel do not share a half-done checkout.
 */
export class WorkClone {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly git: SimpleGit) {}

  /**
   * Creates the bare repository at `bare` with these files on `main`, and
   * the work clone of it at `workDir`.
   */
  static async create(options: {
    bare: string;
    workDir: string;
    files: Record<string, string>;
  }): Promise<WorkClone> {
    const { bare, workDir, files } = options;
    await fs.mkdir(path.dirname(bare), { recursive: true });
    await simpleGit().raw([
      'init',
      '--bare',
      '--quiet',
      '--initial-branch=main',
      bare,
    ]);
    await simpleGit().raw(['clone', '--quiet', bare, workDir]);
    const git = simpleGit(workDir).env({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...AUTHOR,
    });
    await git.raw(['checkout', '--quiet', '-B', 'main']);
    await writeFiles(workDir, files);
    await git.add(Object.keys(files));
    await git.raw(['commit', '--quiet', '-m', 'Initial configuration']);
    await git.raw(['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    return new WorkClone(git);
  }

  /** Runs work on the clone once the work before it is done. */
  serial<T>(work: (git: SimpleGit) => Promise<T>): Promise<T> {
    const run = () => work(this.git);
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // The steps below expect to run inside `serial`.

  async fetch() {
    await this.git.raw(['fetch', '--quiet', '--prune', 'origin']);
  }

  /** Checks out a branch as the repository has it, discarding local work. */
  async sync(branch: string) {
    await this.fetch();
    await this.git.raw([
      'checkout',
      '--quiet',
      '--force',
      '-B',
      branch,
      `origin/${branch}`,
    ]);
  }

  async headNow(branch: string): Promise<string | undefined> {
    await this.fetch();
    try {
      return (
        await this.git.raw(['rev-parse', '--verify', `origin/${branch}`])
      ).trim();
    } catch {
      return undefined;
    }
  }

  async pushHead(branch: string): Promise<string> {
    await this.git.raw([
      'push',
      '--quiet',
      'origin',
      `HEAD:refs/heads/${branch}`,
    ]);
    return (await this.git.revparse(['HEAD'])).trim();
  }

  // What people see and do

  /** The commit a branch points at, if it exists. */
  head(branch: string): Promise<string | undefined> {
    return this.serial(() => this.headNow(branch));
  }

  /** The branches of the repository. */
  branches(): Promise<string[]> {
    return this.serial(async git => {
      await this.fetch();
      const out = await git.raw([
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/remotes/origin',
      ]);
      return out
        .split('\n')
        .map(l => l.trim().replace(/^origin\//, ''))
        .filter(l => l && l !== 'origin' && l !== 'HEAD');
    });
  }

  /** A file on a branch. */
  show(file: string, branch: string): Promise<string> {
    return this.serial(async git => {
      await this.fetch();
      return git.raw(['show', `origin/${branch}:${file}`]);
    });
  }

  /** The commits of a branch, newest first, with their parents. */
  log(
    branch: string,
  ): Promise<{ sha: string; subject: string; parents: string[] }[]> {
    return this.serial(async git => {
      await this.fetch();
      const out = await git.raw([
        'log',
        '--format=%H %P%x09%s',
        `origin/${branch}`,
      ]);
      return out
        .trim()
        .split('\n')
        .map(line => {
          const [shas, subject] = line.split('\t');
          const [sha, ...parents] = shas.trim().split(' ');
          return { sha, subject, parents: parents.filter(Boolean) };
        });
    });
  }

  /** Commits files to a branch by hand, as a person would. */
  commit(
    files: Record<string, string>,
    message: string,
    branch: string,
  ): Promise<string> {
    return this.serial(async git => {
      await this.sync(branch);
      await writeFiles((await git.revparse(['--show-toplevel'])).trim(), files);
      await git.add(Object.keys(files));
      await git.raw(['commit', '--quiet', '-m', message]);
      return this.pushHead(branch);
    });
  }

  /** Whether the repository has this commit. */
  commitExists(sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{7,40}$/.test(sha)) return Promise.resolve(false);
    return this.serial(async git => {
      await this.fetch();
      try {
        await git.raw(['cat-file', '-e', `${sha}^{commit}`]);
        return true;
      } catch {
        return false;
      }
    });
  }
}
