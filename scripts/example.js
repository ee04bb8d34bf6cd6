/*
 * The local state of the example portal, under `.glu/` (ignored by Git), or
 * under GLU_EXAMPLE_DIR: the SQLite databases, the backend's working
 * directory, the example GitOps repository and the example pipeline.
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

/** Seeds a bare repository from examples/gitops, once. */
function seedGitops(root, bareDir) {
  if (fs.existsSync(path.join(bareDir, 'HEAD'))) return;
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
  const template = fs.readFileSync(
    path.join(root, 'examples', 'pipelines.yaml'),
    'utf8',
  );
  fs.writeFileSync(
    path.join(stateDir, 'examples', 'pipelines.yaml'),
    template.split('{{gitops}}').join(pathToFileURL(bareDir).href),
  );
  return { stateDir, gitopsDir: bareDir };
}

module.exports = { prepareExample };
