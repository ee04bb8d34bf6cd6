/*
 * `npm run bench`: Glu's speed side by side with the floor (the git CLI, the
 * catalog's own endpoints), as ratios. See packages/system-tests/src/bench.
 * Not part of `npm test`: it measures, it does not pass or fail on figures.
 *
 * It measures the production build of the example backend and app, as an
 * adopter deploys them: `yarn workspace backend build` (the app's bundle and
 * the backend's `dist/bundle.tar.gz`, with every workspace package built),
 * unpacked into packages/backend/dist/bundle, whose third-party dependencies
 * come from the workspace's install, as `yarn workspaces focus --production`
 * would bring them in an image.
 *
 * GLU_BENCH_VARIANTS=packages/system-tests/src/bench/optimizations.yaml
 * runs the current code once more with each optimization switched off.
 *
 * GLU_BENCH_BASELINE=<git revision> also builds that revision the same way,
 * in a `git worktree` of its own under the system's temporary folder (with
 * this checkout's install when the lockfiles match, its own `yarn install`
 * otherwise), runs it as the variant `baseline` next to the current code,
 * so that one run compares the two, and removes the worktree when it ends.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { findChromium } = require('./tools');

const root = path.resolve(__dirname, '..');
const node = process.env.GLU_NODE ?? process.execPath;
const yarn = process.env.GLU_YARN;

function run(args, options = {}) {
  const result = spawnSync(node, [yarn, ...args], {
    cwd: options.cwd ?? root,
    stdio: 'inherit',
    ...options,
  });
  if (result.status !== 0) {
    process.stderr.write(`[glu bench] yarn ${args.join(' ')} failed\n`);
    process.exit(result.status ?? 1);
  }
}

/** `yarn` on PATH, for the build of the app that the backend's build starts. */
function yarnOnPath(env) {
  const bin = path.join(root, 'node_modules', '.glu-bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, 'yarn'),
    `#!/bin/sh\nexec ${JSON.stringify(node)} ${JSON.stringify(yarn)} "$@"\n`,
    { mode: 0o755 },
  );
  return { ...env, PATH: [bin, env.PATH].join(path.delimiter) };
}

/** Unpacks the backend's bundle and links its workspace packages by name. */
function unpackBundle(checkout = root) {
  const dist = path.join(checkout, 'packages', 'backend', 'dist');
  const bundle = path.join(dist, 'bundle');
  fs.rmSync(bundle, { recursive: true, force: true });
  fs.mkdirSync(bundle);
  const tar = spawnSync(
    'tar',
    ['-xzf', path.join(dist, 'bundle.tar.gz'), '-C', bundle],
    { stdio: 'inherit' },
  );
  if (tar.status !== 0) process.exit(tar.status ?? 1);
  for (const folder of ['packages', 'plugins']) {
    const parent = path.join(bundle, folder);
    if (!fs.existsSync(parent)) continue;
    for (const name of fs.readdirSync(parent)) {
      const dir = path.join(parent, name);
      const pkg = JSON.parse(
        fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
      );
      const link = path.join(bundle, 'node_modules', pkg.name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(dir, link, 'dir');
    }
  }
  return bundle;
}

/** The folders of an install: the root's node_modules and its packages'. */
function workspaceModules(checkout) {
  const folders = ['node_modules'];
  for (const parent of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(checkout, parent))) {
      const folder = path.join(parent, name, 'node_modules');
      if (fs.existsSync(path.join(checkout, folder))) folders.push(folder);
    }
  }
  return folders;
}

/**
 * A worktree of the baseline revision, installed and built as this
 * checkout is; the folder of its unpacked bundle.
 */
function buildBaseline(revision, env) {
  const git = (...args) => {
    const result = spawnSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (result.status !== 0) {
      process.stderr.write(
        `[glu bench] git ${args.join(' ')}: ${result.stderr}`,
      );
      process.exit(result.status ?? 1);
    }
    return result.stdout.trim();
  };
  const commit = git('rev-parse', '--verify', `${revision}^{commit}`);
  const checkout = path.join(os.tmpdir(), `glu-bench-baseline-${commit}`);
  if (!fs.existsSync(path.join(checkout, 'package.json'))) {
    git('worktree', 'add', '--detach', '--force', checkout, commit);
  }
  // Gone with the bench, whichever way it ends: the repository keeps no
  // worktree of its own making.
  process.on('exit', () => {
    spawnSync('git', ['worktree', 'remove', '--force', checkout], {
      cwd: root,
      stdio: 'ignore',
      timeout: 300_000,
    });
  });
  process.stdout.write(
    `[glu bench] building the baseline ${revision} (${commit}) in ${checkout}\n`,
  );
  const sameLockfile =
    spawnSync('git', ['diff', '--quiet', commit, '--', 'yarn.lock'], {
      cwd: root,
    }).status === 0;
  if (!sameLockfile) {
    run(['install', '--immutable'], { env, cwd: checkout });
  } else if (!fs.existsSync(path.join(checkout, 'node_modules'))) {
    // The same lockfile installs the same packages: a copy of this
    // checkout's install (its links to workspace packages are relative, so
    // they point into the worktree's own) saves an install that would build
    // the native modules again.
    const copies = [...workspaceModules(root), '.yarn/install-state.gz'];
    for (const folder of copies) {
      // A package this checkout has and the baseline had not.
      if (!fs.existsSync(path.dirname(path.join(checkout, folder)))) continue;
      const copied = spawnSync(
        'cp',
        ['-a', path.join(root, folder), path.join(checkout, folder)],
        { stdio: 'inherit', timeout: 1_800_000 },
      );
      if (copied.status !== 0) process.exit(copied.status ?? 1);
    }
  }
  run(['workspace', 'backend', 'build'], { env, cwd: checkout });
  return unpackBundle(checkout);
}

const env = yarnOnPath(process.env);
process.stdout.write('[glu bench] building the backend and the app\n');
run(['workspace', 'backend', 'build'], { env });
env.GLU_BENCH_BACKEND = unpackBundle();
if (process.env.GLU_BENCH_BASELINE) {
  env.GLU_BENCH_BASELINE_BACKEND = buildBaseline(
    process.env.GLU_BENCH_BASELINE,
    env,
  );
}
// A variants file named from where the bench was started, read by the
// bench in its own package's folder.
const variantsFile = process.env.GLU_BENCH_VARIANTS?.trim();
if (variantsFile && !/^[[{]/.test(variantsFile)) {
  env.GLU_BENCH_VARIANTS = path.resolve(variantsFile);
}
const chromium = findChromium();
if (chromium) env.GLU_CHROMIUM = chromium;
run(['workspace', '@internal/glu-system-tests', 'bench'], { env });
