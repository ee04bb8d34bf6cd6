/*
 * The bench's repositories and entities. Repositories as adopters have
 * them: thousands of files in nested folders, most of them not Glu's, and a
 * long history, written by `git fast-import` in seconds. The history is
 * written once, into a template, and every repository starts as a local
 * clone of it (hard links) with a last commit that adds Glu's files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** GLU_BENCH_REPOSITORY_FILES: the files of every repository (5,000). */
export const REPOSITORY_FILES = Number(
  process.env.GLU_BENCH_REPOSITORY_FILES ?? 5000,
);
/** GLU_BENCH_REPOSITORY_COMMITS: the commits of its history (2,000). */
export const REPOSITORY_COMMITS = Number(
  process.env.GLU_BENCH_REPOSITORY_COMMITS ?? 2000,
);

const PERSON = 'Dana Developer <dana@example.com>';
/** A fixed start, one commit an hour after it: the same history every run. */
const EPOCH = 1_700_000_000;

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dana Developer',
      GIT_AUTHOR_EMAIL: 'dana@example.com',
      GIT_COMMITTER_NAME: 'Dana Developer',
      GIT_COMMITTER_EMAIL: 'dana@example.com',
    },
  });
}

/** The path of the n-th file that is not Glu's: three folders deep. */
function fillerPath(n: number): string {
  return `services/s${n % 40}/src/m${Math.floor(n / 40) % 25}/file${n}.ts`;
}

function fillerContent(n: number, commit: number): string {
  return `// File ${n}, as commit ${commit} left it.\nexport const value${n} = ${commit};\nexport function f${n}(x: number): number {\n  return x * ${
    n + 1
  } + ${commit};\n}\n`;
}

/** A commit of a fast-import stream, its files given inline. */
function commitCommand(
  ref: string,
  mark: number,
  seconds: number,
  message: string,
  files: Record<string, string>,
  from?: string,
): string {
  const parts = [
    `commit ${ref}`,
    `mark :${mark}`,
    `committer ${PERSON} ${seconds} +0000`,
    `data ${Buffer.byteLength(message)}`,
    message,
  ];
  if (from) parts.push(`from ${from}`);
  for (const [file, content] of Object.entries(files)) {
    parts.push(
      `M 100644 inline ${file}`,
      `data ${Buffer.byteLength(content)}`,
      content,
    );
  }
  return `${parts.join('\n')}\n`;
}

/** A bare repository that `git http-backend` serves and accepts pushes to. */
function initBare(bare: string) {
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  git(path.dirname(bare), [
    'init',
    '--quiet',
    '--bare',
    '--initial-branch=main',
    bare,
  ]);
  git(bare, ['config', 'http.receivepack', 'true']);
}

/**
 * The template: REPOSITORY_FILES files in its first commit, then
 * REPOSITORY_COMMITS - 2 commits that each change two of them (as a
 * repository's history does, mostly code).
 */
export function createTemplate(bare: string): void {
  initBare(bare);
  const first: Record<string, string> = {};
  for (let n = 0; n < REPOSITORY_FILES; n++) {
    first[fillerPath(n)] = fillerContent(n, 1);
  }
  const stream = [commitCommand('refs/heads/main', 1, EPOCH, 'Start', first)];
  for (let c = 2; c < REPOSITORY_COMMITS; c++) {
    // Two files a commit, spread over the tree by a fixed stride.
    const changed: Record<string, string> = {};
    for (const n of [
      (c * 7919) % REPOSITORY_FILES,
      (c * 104729) % REPOSITORY_FILES,
    ]) {
      changed[fillerPath(n)] = fillerContent(n, c);
    }
    stream.push(
      commitCommand(
        'refs/heads/main',
        c,
        EPOCH + c * 3600,
        `Change ${c}`,
        changed,
      ),
    );
  }
  git(bare, ['fast-import', '--quiet'], stream.join(''));
}

/**
 * A repository served by the Git host (`<root>/repos/<name>.git`): the
 * template's history and a last commit that adds `files`.
 */
export function createRepository(
  template: string,
  root: string,
  name: string,
  files: Record<string, string>,
): void {
  const bare = path.join(root, 'repos', `${name}.git`);
  git(root, ['clone', '--quiet', '--bare', '--local', template, bare]);
  git(bare, ['config', 'http.receivepack', 'true']);
  git(
    bare,
    ['fast-import', '--quiet'],
    commitCommand(
      'refs/heads/main',
      1,
      EPOCH + REPOSITORY_COMMITS * 3600,
      'Add the deployments',
      files,
      'refs/heads/main^0',
    ),
  );
}

export const OWNER = 'group:default/team-bench';

/** A phase whose file holds the version under `version:`. */
function gitPhase(
  name: string,
  repository: string,
  file: string,
  from: string,
) {
  return {
    name,
    source: {
      type: 'git',
      repository,
      path: file,
      format: { type: 'yaml-path', key: 'version' },
    },
    promotion: { from },
  };
}

/**
 * A pipeline: an api phase (`build`), then a phase for each file, in their
 * order, each promoted from the one before; part of `system` when given.
 */
export function pipeline(
  name: string,
  repository: string,
  files: Record<string, string>,
  system?: string,
) {
  const phases: object[] = [{ name: 'build', source: { type: 'api' } }];
  let from = 'build';
  for (const [phase, file] of Object.entries(files)) {
    phases.push(gitPhase(phase, repository, file, from));
    from = phase;
  }
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'default' },
    spec: { owner: OWNER, ...(system ? { system } : {}), phases },
  };
}

/**
 * The phases of the fleet's pipelines that read a file of their own, after
 * the api phase `build`: four environments a pipeline, as a fleet has them.
 */
export const FLEET_PHASES = ['dev', 'staging', 'production'];

/** The system the fleet's pipelines are part of, and only they. */
export const FLEET_SYSTEM = 'system:default/fleet';

/** The fleet's system, so that the catalog knows what its pipelines name. */
export const fleetSystemEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'fleet', namespace: 'default' },
  spec: { owner: OWNER },
};

/** The owners of the pipelines: the catalog lets a pipeline in only after. */
export const ownerEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-bench', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
