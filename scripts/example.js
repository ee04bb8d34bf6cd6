/*
 * The local state of the example portal, under `.glu/` (ignored by Git), or
 * under GLU_EXAMPLE_DIR: the SQLite databases, the backend's working
 * directory, the example GitOps repository and the example pipelines.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

function git(args, cwd) {
  execFileSync('git', args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Glu example',
      GIT_AUTHOR_EMAIL: 'example@glu.invalid',
      GIT_COMMITTER_NAME: 'Glu example',
      GIT_COMMITTER_EMAIL: 'example@glu.invalid',
    },
  });
}

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir, prefix = '') {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap(entry => {
      const relative = path.join(prefix, entry.name);
      return entry.isDirectory() ? filesUnder(dir, relative) : [relative];
    });
}

/**
 * Adds to an existing example repository the files of examples/gitops that it
 * lacks (a newer example's), leaving the files it has alone: they hold the
 * versions promoted since.
 */
function topUpGitops(root, bareDir) {
  const source = path.join(root, 'examples', 'gitops');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-seed-'));
  try {
    git(['clone', '--quiet', '--branch', 'main', bareDir, work]);
    const missing = filesUnder(source).filter(
      file => !fs.existsSync(path.join(work, file)),
    );
    if (missing.length === 0) return;
    for (const file of missing) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.copyFileSync(path.join(source, file), path.join(work, file));
    }
    git(['add', '--', ...missing], work);
    git(
      ['commit', '--quiet', '-m', 'Example GitOps configuration: new files'],
      work,
    );
    git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Seeds a bare repository from examples/gitops, once; later, adds new files. */
function seedGitops(root, bareDir) {
  if (fs.existsSync(path.join(bareDir, 'HEAD'))) {
    topUpGitops(root, bareDir);
    return;
  }
  fs.mkdirSync(bareDir, { recursive: true });
  git(['init', '--quiet', '--bare', '--initial-branch=main', bareDir]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-seed-'));
  try {
    fs.cpSync(path.join(root, 'examples', 'gitops'), work, { recursive: true });
    git(['init', '--quiet', '--initial-branch=main'], work);
    git(['add', '.'], work);
    git(['commit', '--quiet', '-m', 'Example GitOps configuration'], work);
    git(['push', '--quiet', bareDir, 'HEAD:refs/heads/main'], work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Creates what the example portal's app-config points at. */
async function prepareExample(root, stateDir = path.join(root, '.glu')) {
  for (const dir of ['sqlite', 'work', 'git', 'examples']) {
    fs.mkdirSync(path.join(stateDir, dir), { recursive: true });
  }
  const bareDir = path.join(stateDir, 'git', 'gitops.git');
  seedGitops(root, bareDir);
  // The example pipelines, and the rest of the example fleet.
  for (const file of ['pipelines.yaml', 'fleet.yaml']) {
    const template = fs.readFileSync(path.join(root, 'examples', file), 'utf8');
    fs.writeFileSync(
      path.join(stateDir, 'examples', file),
      template.split('{{gitops}}').join(pathToFileURL(bareDir).href),
    );
  }
  return { stateDir, gitopsDir: bareDir };
}

module.exports = { prepareExample };
