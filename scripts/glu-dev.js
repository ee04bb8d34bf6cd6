#!/usr/bin/env node
/*
 * Entry point of `npm start` and `npm test`.
 *
 * Runs on whatever Node the machine has (20 or newer) and sets up the pinned
 * toolchain inside the repository when the machine lacks it:
 *   - Node 22, from the npm registry package `node-<platform>-<arch>`, into
 *     `.toolchain/` (skipped when the running Node is already 22 or 24);
 *   - Yarn 4, committed as `.yarn/releases/yarn-*.cjs` (see `.yarnrc.yml`);
 *   - the dependencies, with `yarn install`, skipped when nothing changed.
 * Then it hands over to `scripts/start.js`, `scripts/test.js`,
 * `scripts/bench.js` or `scripts/adoption.js` on that Node.
 *
 * Plain CommonJS with no dependencies: it must run before anything is installed.
 */
'use strict';

const { spawnSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const NODE_VERSION = '22.23.3';
const SUPPORTED_NODE_MAJORS = ['22', '24'];
const root = path.resolve(__dirname, '..');
const toolchainDir = path.join(root, '.toolchain');

function log(message) {
  process.stderr.write(`[glu] ${message}\n`);
}

function fail(message) {
  log(`error: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) {
    fail(`${command} could not be started: ${result.error.message}`);
  }
  return result.status ?? 1;
}

/**
 * The machine's npm settings that Yarn needs too, so that both reach the same
 * registry the same way: the registry, its certificate authority, a proxy.
 */
function npmSettings() {
  let config = {};
  try {
    config = JSON.parse(
      execFileSync('npm', ['config', 'list', '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
  } catch {
    // npm answers nothing useful: Yarn keeps its own defaults.
  }
  const pick = key => {
    const value =
      config[key] ?? process.env[`npm_config_${key.replace(/-/g, '_')}`];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    registry: pick('registry'),
    cafile: pick('cafile'),
    httpsProxy: pick('https-proxy'),
    httpProxy: pick('proxy'),
    strictSsl: config['strict-ssl'],
  };
}

/** Yarn's environment settings that mirror npm's. */
function yarnSettingsFromNpm(env) {
  const npm = npmSettings();
  const settings = {
    YARN_NPM_REGISTRY_SERVER: npm.registry?.replace(/\/+$/, ''),
    YARN_HTTPS_CA_FILE_PATH: npm.cafile,
    YARN_HTTPS_PROXY: npm.httpsProxy,
    YARN_HTTP_PROXY: npm.httpProxy,
    YARN_ENABLE_STRICT_SSL: npm.strictSsl === false ? 'false' : undefined,
  };
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && env[key] === undefined) {
      env[key] = value;
    }
  }
}

/** Finds or installs Node 22; returns its bin folder and header folder. */
function ensureNode() {
  const major = process.versions.node.split('.')[0];
  if (SUPPORTED_NODE_MAJORS.includes(major)) {
    // A Node that ships its headers (an official build, or the toolchain's
    // own) builds native addons against them, without a download.
    const installed = path.resolve(path.dirname(process.execPath), '..');
    const headers = path.join(installed, 'include', 'node', 'node_api.h');
    return {
      binDir: path.dirname(process.execPath),
      nodedir: fs.existsSync(headers) ? installed : undefined,
    };
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const nodeDir = path.join(toolchainDir, 'node_modules', pkg);
  const nodeBin = path.join(
    nodeDir,
    'bin',
    process.platform === 'win32' ? 'node.exe' : 'node',
  );
  let installed;
  try {
    installed = JSON.parse(
      fs.readFileSync(path.join(nodeDir, 'package.json'), 'utf8'),
    ).version;
  } catch {
    installed = undefined;
  }
  if (installed !== NODE_VERSION || !fs.existsSync(nodeBin)) {
    log(
      `Node ${process.versions.node} is too old; installing Node ${NODE_VERSION} (${pkg}) into .toolchain/`,
    );
    fs.mkdirSync(toolchainDir, { recursive: true });
    fs.writeFileSync(
      path.join(toolchainDir, 'package.json'),
      `${JSON.stringify({ name: 'glu-toolchain', private: true }, null, 2)}\n`,
    );
    const status = run(
      'npm',
      [
        'install',
        '--prefix',
        toolchainDir,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `${pkg}@${NODE_VERSION}`,
      ],
      { cwd: toolchainDir },
    );
    if (status !== 0 || !fs.existsSync(nodeBin)) {
      fail(
        `could not install ${pkg}@${NODE_VERSION} from the npm registry; install Node ${SUPPORTED_NODE_MAJORS.join(
          ' or ',
        )} and run again`,
      );
    }
  }
  return { binDir: path.dirname(nodeBin), nodedir: nodeDir };
}

function yarnRelease() {
  const rc = fs.readFileSync(path.join(root, '.yarnrc.yml'), 'utf8');
  const match = rc.match(/^yarnPath:\s*(\S+)\s*$/m);
  if (!match) {
    fail('.yarnrc.yml has no yarnPath');
  }
  return path.join(root, match[1]);
}

/** Everything that decides what `yarn install` produces. */
function installFingerprint() {
  const hash = crypto.createHash('sha256');
  const files = ['yarn.lock', 'package.json', '.yarnrc.yml'];
  for (const group of ['packages', 'plugins']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(group, name, 'package.json');
      if (fs.existsSync(path.join(root, file))) files.push(file);
    }
  }
  for (const file of files) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  hash.update(process.version);
  return hash.digest('hex');
}

function main() {
  const [command, ...args] = process.argv.slice(2);
  const scripts = {
    start: 'start.js',
    test: 'test.js',
    bench: 'bench.js',
    adoption: 'adoption.js',
  };
  if (!scripts[command]) {
    fail(`usage: node scripts/glu-dev.js <${Object.keys(scripts).join('|')}>`);
  }

  const { binDir, nodedir } = ensureNode();
  const env = { ...process.env };
  env.PATH = [
    path.join(root, 'node_modules', '.bin'),
    binDir,
    process.env.PATH,
  ].join(path.delimiter);
  if (nodedir) {
    // Native addons (better-sqlite3) build against the headers shipped with
    // the toolchain's Node, so node-gyp needs no download.
    env.npm_config_nodedir = nodedir;
  } else {
    delete env.npm_config_nodedir;
  }
  yarnSettingsFromNpm(env);
  env.YARN_ENABLE_TELEMETRY = '0';
  env.YARN_ENABLE_PROGRESS_BARS = 'false';
  const nodeBin = path.join(binDir, path.basename(process.execPath));
  const yarn = yarnRelease();
  env.GLU_YARN = yarn;
  env.GLU_NODE = nodeBin;
  // A `yarn` command on PATH, for the tools that run `yarn …` themselves
  // (Backstage's repo tools): the committed release on the pinned Node.
  const shimDir = path.join(root, '.toolchain', 'bin');
  fs.mkdirSync(shimDir, { recursive: true });
  fs.writeFileSync(
    path.join(shimDir, 'yarn'),
    `#!/bin/sh\nexec "${nodeBin}" "${yarn}" "$@"\n`,
    { mode: 0o755 },
  );
  env.PATH = [shimDir, env.PATH].join(path.delimiter);

  const stampFile = path.join(root, 'node_modules', '.glu-install-stamp');
  const fingerprint = installFingerprint();
  const stamp = fs.existsSync(stampFile)
    ? fs.readFileSync(stampFile, 'utf8').trim()
    : '';
  if (stamp !== fingerprint) {
    log('installing dependencies with yarn');
    const status = run(nodeBin, [yarn, 'install'], { cwd: root, env });
    if (status !== 0) {
      fail('yarn install failed');
    }
    fs.writeFileSync(stampFile, `${installFingerprint()}\n`);
  }

  const status = run(
    nodeBin,
    [path.join(__dirname, scripts[command]), ...args],
    { cwd: root, env },
  );
  process.exit(status);
}

main();
