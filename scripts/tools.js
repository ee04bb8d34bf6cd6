/*
 * The system tools that the tests and the benchmarks use beyond Node: a
 * registry and skopeo (the OCI tests), Chromium (the end-to-end tests, the
 * portal's benchmark), Prometheus (the prometheus gates' tests, and the
 * example portal's metrics). Installed from Debian's packages when missing
 * and running as root, as on CI.
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

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

/**
 * Debian packages that tests use (a registry, skopeo, Prometheus), installed
 * when missing.
 */
function ensureDebianTools() {
  const needed = {
    'docker-registry': 'docker-registry',
    skopeo: 'skopeo',
    prometheus: 'prometheus',
  };
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
      )}) for the registry and Prometheus tests`,
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

/** A Prometheus to run: GLU_PROMETHEUS, the system's, or Debian's installed now. */
function findPrometheus() {
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map(dir => path.join(dir, 'prometheus'));
  const candidates = [
    process.env.GLU_PROMETHEUS,
    ...onPath,
    '/usr/bin/prometheus',
  ].filter(Boolean);
  const executable = candidate => {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  };
  const found = candidates.find(executable);
  if (found) return found;
  if (canInstall()) {
    log("Prometheus: not found, installing Debian's prometheus package");
    aptInstall(['prometheus']);
    if (executable('/usr/bin/prometheus')) return '/usr/bin/prometheus';
  }
  return undefined;
}

/** Whether `url` answers 200 within a second. */
function answers(url) {
  return new Promise(resolve => {
    const request = http.get(url, response => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(1000, () => request.destroy());
  });
}

/**
 * Starts a Prometheus for the example portal, on 127.0.0.1:`port`: its
 * configuration, storage and log under `dir`, scraping the example backend's
 * traffic (`/api/example-traffic/metrics` on `backend`) every 5 seconds.
 * Waits until it is ready, and answers its url and how to stop it; or, when
 * there is no Prometheus or it does not start, says so and answers undefined:
 * the example's prometheus gates then wait.
 */
async function startPrometheus({
  dir,
  port,
  backend = 'localhost:7007',
  say = log,
}) {
  const binary = findPrometheus();
  if (!binary) {
    say(
      'Prometheus: not found (Debian: apt-get install prometheus, or set GLU_PROMETHEUS); the prometheus gates of the example will wait',
    );
    return undefined;
  }
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    [
      '# Written at each start of the example portal: the example backend',
      "# stands in for the example services' traffic (packages/backend/src/",
      '# exampleTraffic.ts), which the prometheus gates of the example ask about.',
      'global:',
      '  scrape_interval: 5s',
      '  evaluation_interval: 5s',
      'scrape_configs:',
      '  - job_name: glu-example',
      '    metrics_path: /api/example-traffic/metrics',
      '    static_configs:',
      `      - targets: ['${backend}']`,
      '',
    ].join('\n'),
  );
  const logFile = path.join(dir, 'prometheus.log');
  const out = fs.openSync(logFile, 'w');
  const host = `127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=${host}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited = false;
  const gone = new Promise(resolve => {
    child.on('error', () => resolve());
    child.on('exit', () => resolve());
  });
  gone.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10000);
    await gone;
    clearTimeout(timer);
  };
  const url = `http://${host}`;
  const deadline = Date.now() + 30000;
  while (!exited && Date.now() < deadline) {
    if (await answers(`${url}/-/ready`)) {
      say(`Prometheus: ${url}, scraping ${backend} (log: ${logFile})`);
      return { url, pid: child.pid, stop };
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  await stop();
  const tail = fs.existsSync(logFile)
    ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join('\n')
    : '';
  say(
    `Prometheus did not start on ${host}: the prometheus gates of the example will wait${
      tail ? `\n${tail}` : ''
    }`,
  );
  return undefined;
}

module.exports = {
  ensureDebianTools,
  findChromium,
  findPrometheus,
  startPrometheus,
};
