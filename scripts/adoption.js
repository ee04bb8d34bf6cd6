/*
 * `npm run test:adoption`: Glu added to a fresh Backstage app as the README
 * says, from the packed packages, and a first promotion made in that app's
 * portal by its owner. Also the last step of `npm test`.
 *
 *   1. the published packages, packed (scripts/pack.js --out), or the
 *      tarballs in GLU_ADOPTION_TARBALLS when `npm test` packed them already;
 *   2. a copy of fixtures/adoption-app, the app @backstage/create-app makes
 *      (fixtures/README.md), with the tarballs in its `glu/` folder and
 *      the root `resolutions` that docs/publishing.md shows for them;
 *   3. the README's "Adding Glu to an existing Backstage app", block by
 *      block (scripts/adoption/readme.js). GitHub cannot be reached from
 *      here: the README's https://github.com/acme/gitops is a local bare
 *      repository, and the catalog reads its pipelines.yaml from a clone;
 *   4. `yarn install` offline, from the Yarn cache the workspace's install
 *      filled, its lockfile seeded from the workspace's
 *      (scripts/adoption/lockfile.js);
 *   5. `yarn start`, the app as its developers run it;
 *   6. in Chromium: the guest signs in, opens the component's Glu tab, finds
 *      Promote enabled on production, promotes, and the commit lands in the
 *      repository;
 *   7. the command line installed globally from its tarballs, as
 *      docs/publishing.md says (`npm install -g`, its other dependencies from
 *      the npm registry), lists the pipeline and tells a missing one by the
 *      API's answer and its exit code.
 * The app's log is test-results/adoption-app.log. Ends with `N passed, N
 * failed`.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { followReadme } = require('./adoption/readme');
const { seedLockfile } = require('./adoption/lockfile');
const { serve } = require('./served');
const { findChromium } = require('./tools');

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'test-results');
const node = process.env.GLU_NODE ?? process.execPath;
const REPOSITORY = 'https://github.com/acme/gitops';

function log(message) {
  process.stdout.write(`[glu adoption] ${message}\n`);
}

function run(command, args, options = {}) {
  return execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
}

function git(args, cwd) {
  return run('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Adopter',
      GIT_AUTHOR_EMAIL: 'adopter@example.com',
      GIT_COMMITTER_NAME: 'Adopter',
      GIT_COMMITTER_EMAIL: 'adopter@example.com',
    },
  });
}

/** The tarballs, packed here unless `npm test` packed them already. */
function tarballs(work) {
  const given = process.env.GLU_ADOPTION_TARBALLS;
  const dir = given ?? path.join(work, 'packed');
  if (!given) {
    log('packing the published packages (scripts/pack.js)');
    run(node, [path.join(root, 'scripts', 'pack.js'), '--out', dir], {
      cwd: root,
    });
  }
  const found = {};
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.tgz'))) {
    const manifest = JSON.parse(
      run('tar', ['-xzOf', path.join(dir, file), 'package/package.json']),
    );
    found[manifest.name] = { file: path.join(dir, file), manifest };
  }
  return found;
}

/** Step 2: the app, its tarballs and their resolutions. */
function prepareApp(work, packed) {
  const app = path.join(work, 'app');
  fs.cpSync(path.join(root, 'fixtures', 'adoption-app'), app, {
    recursive: true,
  });
  fs.mkdirSync(path.join(app, 'glu'));
  for (const { file } of Object.values(packed)) {
    fs.copyFileSync(file, path.join(app, 'glu', path.basename(file)));
  }
  const publishing = fs.readFileSync(
    path.join(root, 'docs', 'publishing.md'),
    'utf8',
  );
  const section = publishing.slice(
    publishing.indexOf('### Installing from the tarballs'),
  );
  const block = section.match(/```json\n([\s\S]*?)\n```/);
  if (!block) throw new Error('docs/publishing.md shows no resolutions');
  const { resolutions } = JSON.parse(block[1]);
  for (const [name, target] of Object.entries(resolutions)) {
    const file = path.join(app, target.replace(/^file:/, ''));
    if (!fs.existsSync(file)) {
      throw new Error(
        `docs/publishing.md resolves ${name} to ${target}, which packing does not make`,
      );
    }
  }
  const manifestFile = path.join(app, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  // Offline, the app resolves as the workspace does (its lockfile is seeded
  // from the workspace's): with the workspace's own resolutions, which pin
  // tools whose newest versions some registries lack (docs/development.md,
  // "Root resolutions").
  const workspace = JSON.parse(
    fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
  );
  manifest.resolutions = {
    ...workspace.resolutions,
    ...manifest.resolutions,
    ...resolutions,
  };
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return app;
}

/** Step 3's repository: what the adopter has, and the README's pipeline. */
function gitopsRepository(work, pipelines) {
  const bare = path.join(work, 'gitops.git');
  const clone = path.join(work, 'gitops');
  git(['init', '-q', '--bare', '-b', 'main', bare], work);
  git(['clone', '-q', bare, clone], work);
  const deployment = tag => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: example-website
spec:
  template:
    spec:
      containers:
        - name: website
          image: registry.example.com/acme/example-website:${tag}
`;
  for (const [phase, tag] of [
    ['staging', '1.1.0'],
    ['production', '1.0.0'],
  ]) {
    const file = path.join(clone, 'teams', 'guests', phase, 'deployment.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, deployment(tag));
  }
  fs.writeFileSync(
    path.join(clone, 'pipelines.yaml'),
    pipelines.replaceAll(REPOSITORY, `file://${bare}`),
  );
  git(['add', '-A'], clone);
  git(['commit', '-q', '-m', 'The website, in staging and production'], clone);
  git(['push', '-q', 'origin', 'main'], clone);
  return { bare, clone };
}

/** The README's repository, in app-config, made the local one. */
function pointConfigAtRepository(app, { bare, clone }) {
  const file = path.join(app, 'app-config.yaml');
  const config = YAML.parse(fs.readFileSync(file, 'utf8'));
  config.catalog.locations = config.catalog.locations.map(location =>
    location.type === 'url' && location.target.startsWith(`${REPOSITORY}/`)
      ? {
          ...location,
          type: 'file',
          target: path.join(
            clone,
            location.target.slice(`${REPOSITORY}/blob/main/`.length),
          ),
        }
      : location,
  );
  fs.writeFileSync(
    file,
    YAML.stringify(config).replaceAll(REPOSITORY, `file://${bare}`),
  );
}

/** Step 4. */
function install(app, packed) {
  const extraRanges = Object.values(packed).flatMap(({ manifest }) =>
    Object.entries(manifest.dependencies ?? {}),
  );
  const unmet = seedLockfile({
    workspaceLock: path.join(root, 'yarn.lock'),
    app,
    extraRanges,
  }).filter(d => !d.startsWith('@glu-dev/'));
  if (unmet.length) {
    log(`the workspace's install has no version for: ${unmet.join(', ')}`);
  }
  log('yarn install, offline');
  run(node, ['.yarn/releases/yarn-4.13.0.cjs', 'install'], {
    cwd: app,
    env: {
      ...process.env,
      YARN_ENABLE_NETWORK: 'false',
      YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
      YARN_ENABLE_GLOBAL_CACHE: 'true',
      YARN_ENABLE_PROGRESS_BARS: 'false',
    },
  });
}

/** Step 5: `yarn start`, in a process group of its own. */
function start(app) {
  log('yarn start (log: test-results/adoption-app.log)');
  return serve({
    command: node,
    args: ['.yarn/releases/yarn-4.13.0.cjs', 'start'],
    cwd: app,
    env: { ...process.env, BROWSER: 'none' },
    logFile: path.join(resultsDir, 'adoption-app.log'),
    urls: ['http://localhost:7007/api/glu/health', 'http://localhost:3000/'],
    timeoutMs: 600000,
  });
}

/** Step 6: the owner's first promotion, in the portal. */
async function promoteInPortal(repository) {
  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error("no Chromium: install Debian's chromium");
  const { chromium, expect } = require('@playwright/test');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage();
  try {
    // As a person finds it: the catalog (create-app's home page), the
    // component, its Glu tab. The catalog takes in the pipeline once it has
    // its owner, and Glu reads it then: on create-app's defaults, within a
    // few minutes. Each try starts from a fresh load; the guest signs in
    // on the first.
    const production = page.getByRole('region', { name: 'Phase production' });
    const enter = page.getByRole('button', { name: 'Enter' });
    const component = page.getByRole('link', { name: /example-website/ });
    await expect(async () => {
      await page.goto('http://localhost:3000/');
      // Signed in already, after the first time.
      await expect(enter.or(component)).toBeVisible({ timeout: 60_000 });
      if (await enter.isVisible()) await enter.click();
      await component.click();
      await page.getByRole('link', { name: 'Glu', exact: true }).click();
      await expect(production).toBeVisible({ timeout: 15_000 });
    }).toPass({ timeout: 420_000 });
    const promote = production.getByRole('button', { name: 'Promote' });
    await expect(promote).toBeEnabled({ timeout: 60_000 });
    await page.screenshot({
      path: path.join(resultsDir, 'adoption-glu-tab.png'),
      fullPage: true,
    });
    await promote.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /^Promote to/ }).click();
    await expect(dialog.getByText('Promoted production to')).toBeVisible({
      timeout: 60_000,
    });
  } catch (error) {
    await page
      .screenshot({
        path: path.join(resultsDir, 'adoption-failed.png'),
        fullPage: true,
      })
      .catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }
  const production = run('git', [
    '--git-dir',
    repository.bare,
    'show',
    'main:teams/guests/production/deployment.yaml',
  ]);
  if (!production.includes('example-website:1.1.0')) {
    throw new Error(`production was not promoted in Git:\n${production}`);
  }
}

/** Step 7: `glu`, installed on its own, against the app's backend. */
async function globalCli(work, packed) {
  const prefix = path.join(work, 'global');
  log('npm install -g the command line from its tarballs');
  run('npm', [
    'install',
    '-g',
    '--prefix',
    prefix,
    '--no-audit',
    '--no-fund',
    packed['@glu-dev/glu-cli'].file,
    packed['@glu-dev/plugin-glu-common'].file,
  ]);
  const refreshed = await fetch(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  const { token } = (await refreshed.json()).backstageIdentity;
  const glu = args => {
    try {
      const stdout = run(path.join(prefix, 'bin', 'glu'), args, {
        env: {
          ...process.env,
          GLU_URL: 'http://localhost:7007',
          GLU_TOKEN: token,
        },
      });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      return { code: error.status, stdout: error.stdout, stderr: error.stderr };
    }
  };
  const listed = glu(['pipelines']);
  if (listed.code !== 0 || !listed.stdout.includes('example-website')) {
    throw new Error(`glu pipelines: ${JSON.stringify(listed)}`);
  }
  const missing = glu(['inspect', 'nope']);
  if (missing.code !== 1 || !/^glu: Not found \(404\)/.test(missing.stderr)) {
    throw new Error(`glu inspect nope: ${JSON.stringify(missing)}`);
  }
}

async function main() {
  fs.mkdirSync(resultsDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-adoption-'));
  let stop;
  let passed = false;
  try {
    const packed = tarballs(work);
    const app = prepareApp(work, packed);
    const versions = Object.fromEntries(
      Object.entries(packed).map(([name, p]) => [name, p.manifest.version]),
    );
    const { done, pipelines } = followReadme({
      readme: path.join(root, 'README.md'),
      app,
      versions,
    });
    done.forEach(line => log(`README: ${line}`));
    const repository = gitopsRepository(work, pipelines);
    pointConfigAtRepository(app, repository);
    install(app, packed);
    stop = await start(app);
    await promoteInPortal(repository);
    log('the guest promoted production in a fresh app, as the README says');
    await globalCli(work, packed);
    log('glu, installed globally, answers as it should');
    passed = true;
  } catch (error) {
    const printed = [error.stdout, error.stderr].filter(Boolean).join('\n');
    log(`failed: ${printed || error.stack || error}`);
  } finally {
    await stop?.();
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(
    `\n${passed ? 1 : 0} passed, ${passed ? 0 : 1} failed\n`,
  );
  process.exit(passed ? 0 : 1);
}

main();
