/*
 * The system tools that the tests and the benchmarks use beyond Node: a
 * registry and skopeo (the OCI tests), Chromium (the end-to-end tests, the
 * portal's benchmark). Installed from Debian's packages when missing and
 * running as root, as on CI.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

function log(message) {
  process.stdout.write(`[glu] ${message}\n`);
}

function aptInstall(packages) {
  spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  spawnSync(
    'apt-get',
    ['install', '-y', '--no-install-recommends', ...packages],
    {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
}

function canInstall() {
  return process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get');
}

/** Debian packages that tests use (a registry, skopeo), installed when missing. */
function ensureDebianTools() {
  const needed = { 'docker-registry': 'docker-registry', skopeo: 'skopeo' };
  const missing = Object.entries(needed)
    .filter(
      ([command]) =>
        spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0,
    )
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (canInstall()) {
    log(`installing Debian's ${missing.join(', ')}`);
    aptInstall(missing);
  } else {
    log(
      `missing ${missing.join(
        ', ',
      )}: install them (Debian: apt-get install ${missing.join(
        ' ',
      )}) for the registry tests`,
    );
  }
}

/** A Chromium to drive: GLU_CHROMIUM, the system's, or Debian's installed now. */
function findChromium() {
  const candidates = [
    process.env.GLU_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter(Boolean);
  const found = candidates.find(candidate => fs.existsSync(candidate));
  if (found) return found;
  if (canInstall()) {
    log("Chromium: not found, installing Debian's chromium package");
    aptInstall(['chromium']);
    if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  return undefined;
}

module.exports = { ensureDebianTools, findChromium };
