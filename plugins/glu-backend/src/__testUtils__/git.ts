import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';

/**
 * A real bare repository on disk that serves as a remote (`file://`), and a
 * clone of it in which tests commit "by hand", as a person would.
 */
export interface GitFixture {
  url: string;
  bareDir: string;
  /** Commits files by hand and pushes them; returns the commit. */
  commit(
    files: Record<string, string>,
    message: string,
    author?: { name: string; email: string },
  ): Promise<string>;
  /** The commits on the branch, newest first. */
  log(
    branch?: string,
  ): Promise<{ sha: string; subject: string; author: string }[]>;
  /** The content of a file on the branch. */
  show(file: string, branch?: string): Promise<string>;
  /** The unified diff of one file between two commits. */
  diff(from: string, to: string, file: string): Promise<string>;
  /** The files a commit changed, with added and removed line counts. */
  numstat(
    sha: string,
  ): Promise<{ added: number; removed: number; file: string }[]>;
  cleanup(): Promise<void>;
}

export async function createGitFixture(
  files: Record<string, string>,
  branch = 'main',
): Promise<GitFixture> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-git-'));
  const bareDir = path.join(root, 'remote.git');
  const cloneDir = path.join(root, 'clone');
  await simpleGit().raw([
    'init',
    '--bare',
    '--quiet',
    `--initial-branch=${branch}`,
    bareDir,
  ]);
  await simpleGit().raw(['clone', '--quiet', bareDir, cloneDir]);
  const git = simpleGit(cloneDir);
  await git.raw(['checkout', '--quiet', '-B', branch]);

  const commit = async (
    changes: Record<string, string>,
    message: string,
    author = { name: 'Dana Developer', email: 'dana@example.com' },
  ) => {
    await git
      .raw(['pull', '--quiet', '--rebase', 'origin', branch])
      .catch(() => undefined);
    for (const [file, content] of Object.entries(changes)) {
      await fs.mkdir(path.dirname(path.join(cloneDir, file)), {
        recursive: true,
      });
      await fs.writeFile(path.join(cloneDir, file), content);
    }
    await git.add(Object.keys(changes));
    await git
      .env({
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      })
      .raw(['commit', '--quiet', '-m', message]);
    await git.raw(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    return (await git.raw(['rev-parse', 'HEAD'])).trim();
  };

  await commit(files, 'Initial configuration');
  const bare = simpleGit(bareDir);
  return {
    url: `file://${bareDir}`,
    bareDir,
    commit,
    async log(ref = branch) {
      const out = await bare.raw(['log', '--format=%H%x1f%s%x1f%an', ref]);
      return out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(line => {
          const [sha, subject, author] = line.split('\x1f');
          return { sha, subject, author };
        });
    },
    show: (file, ref = branch) => bare.raw(['show', `${ref}:${file}`]),
    diff: (from, to, file) => bare.raw(['diff', from, to, '--', file]),
    async numstat(sha) {
      const out = await bare.raw(['show', '--numstat', '--format=', sha]);
      return out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(line => {
          const [added, removed, file] = line.split('\t');
          return { added: Number(added), removed: Number(removed), file };
        });
    },
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}

/** A Deployment manifest with comments, as people write them. */
export function deploymentManifest(environment: string, tag: string): string {
  return `# The checkout service in ${environment}.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: ${environment}
spec:
  replicas: 2 # scaled by the HPA
  template:
    spec:
      containers:
        - name: checkout
          image: registry.example.com/acme/checkout:${tag}
          ports:
            - containerPort: 8080
`;
}
