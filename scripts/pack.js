#!/usr/bin/env node
/*
 * Builds and packs every published package, and checks what each tarball
 * ships: `yarn pack` alone packs what is there, and of an unbuilt package
 * that is its package.json and nothing else.
 *
 *   node scripts/pack.js [--out <folder>] [<package folder>…]
 *   (yarn release:pack)
 *
 * For each package that is not private: `backstage-cli package build` (its
 * type declarations come from the repository's `yarn tsc`, which this runs
 * first when any package's are missing), `yarn pack`, then the checks:
 *   - it ships its package.json, what its `files` name (as packed: the
 *     config schema that prepack generates included) and nothing else: no
 *     sources but those `files` names, no tests;
 *   - every entry point of the packed package.json (main, module, types,
 *     exports, bin) is in the tarball;
 *   - every package its type declarations import is among its dependencies
 *     or peer dependencies.
 * The tarballs land in --out (by default a temporary folder, removed), ready
 * for `npm publish <tarball>`. Exits 1 when a check fails.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { builtinModules } = require('node:module');

const root = path.resolve(__dirname, '..');
const node = process.execPath;
const yarn =
  process.env.GLU_YARN ?? path.join(root, '.yarn/releases/yarn-4.13.0.cjs');

function run(command, args, cwd) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The workspaces that are published, with their package.json. */
function publishedPackages() {
  const found = [];
  for (const group of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(root, group)).sort()) {
      const file = path.join(root, group, name, 'package.json');
      if (!fs.existsSync(file)) continue;
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (!manifest.private) {
        found.push({ dir: path.join(group, name), manifest });
      }
    }
  }
  return found;
}

/** The files of a tarball, without the `package/` every entry starts with. */
function tarballFiles(tarball) {
  return run('tar', ['-tzf', tarball], root)
    .split('\n')
    .filter(line => line && !line.endsWith('/'))
    .map(line => line.replace(/^package\//, ''));
}

/** Every file path that a packed package.json names as an entry point. */
function entryPoints(manifest) {
  const paths = [];
  for (const field of ['main', 'module', 'types']) {
    if (typeof manifest[field] === 'string') paths.push(manifest[field]);
  }
  const visit = value => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.endsWith('/')) paths.push(value);
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  visit(manifest.exports);
  if (typeof manifest.bin === 'string') paths.push(manifest.bin);
  else if (manifest.bin) paths.push(...Object.values(manifest.bin));
  return [...new Set(paths.map(p => path.posix.normalize(p)))];
}

/** The packages that a type declaration imports or refers to. */
function importedPackages(text) {
  const found = new Set();
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\/\/\/\s*<reference\s+types=['"]([^'"]+)['"]/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1];
      if (specifier.startsWith('.') || specifier.startsWith('/')) continue;
      const parts = specifier.split('/');
      found.add(
        specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0],
      );
    }
  }
  return found;
}

function isMatch(file, pattern) {
  // `files` entries name a file or a folder.
  return file === pattern || file.startsWith(`${pattern.replace(/\/$/, '')}/`);
}

function check(tarball, extracted) {
  const problems = [];
  const files = tarballFiles(tarball);
  const packed = JSON.parse(
    fs.readFileSync(path.join(extracted, 'package.json'), 'utf8'),
  );
  const allowed = [
    'package.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    // As packed: prepack adds what it generates (config.schema.json).
    ...(packed.files ?? []),
  ];
  for (const file of files) {
    if (!allowed.some(pattern => isMatch(file, pattern))) {
      problems.push(`ships ${file}, which its files do not name`);
    }
    if (/\.test\.[jt]sx?$|__testUtils__|(^|\/)src\/(?!schema\/)/.test(file)) {
      problems.push(`ships ${file}, a source or test file`);
    }
  }
  if (!files.some(file => file.startsWith('dist/'))) {
    problems.push('ships no dist/: it was not built');
  }
  for (const entry of entryPoints(packed)) {
    if (!files.includes(entry.replace(/^\.\//, ''))) {
      problems.push(`its package.json names ${entry}, which it does not ship`);
    }
  }
  const declared = new Set([
    packed.name,
    ...Object.keys(packed.dependencies ?? {}),
    ...Object.keys(packed.peerDependencies ?? {}),
  ]);
  const builtins = new Set([
    ...builtinModules,
    ...builtinModules.map(m => `node:${m}`),
  ]);
  for (const file of files.filter(f => f.endsWith('.d.ts'))) {
    const text = fs.readFileSync(path.join(extracted, file), 'utf8');
    for (const imported of importedPackages(text)) {
      if (builtins.has(imported) || imported.startsWith('node:')) continue;
      if (!declared.has(imported) && !declared.has(`@types/${imported}`)) {
        problems.push(
          `${file} refers to ${imported}, which is not among its dependencies`,
        );
      }
    }
  }
  return { files, problems };
}

function main() {
  const outArg = process.argv.indexOf('--out');
  const keep = outArg >= 0;
  const out = keep
    ? path.resolve(process.argv[outArg + 1])
    : fs.mkdtempSync(path.join(os.tmpdir(), 'glu-pack-'));
  fs.mkdirSync(out, { recursive: true });
  const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');

  // Every package's declarations, from one `yarn tsc` when any is missing
  // (a partial dist-types/, as a single package's API report leaves it).
  const declared = pkg =>
    fs.existsSync(path.join(root, 'dist-types', pkg.dir, 'src', 'index.d.ts'));
  if (!publishedPackages().every(declared)) {
    process.stdout.write('type declarations: yarn tsc\n');
    run(node, [yarn, 'tsc'], root);
  }
  const only = process.argv
    .slice(2)
    .filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--out')
    .map(dir => path.normalize(dir));
  let failures = 0;
  for (const pkg of publishedPackages().filter(
    p => only.length === 0 || only.includes(p.dir),
  )) {
    const cwd = path.join(root, pkg.dir);
    const name = pkg.manifest.name.replace(/^@/, '').replace('/', '-');
    const tarball = path.join(out, `${name}-${pkg.manifest.version}.tgz`);
    let result;
    try {
      run(node, [cli, 'package', 'build'], cwd);
      run(node, [yarn, 'pack', '--out', tarball], cwd);
      const extracted = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-packed-'));
      run('tar', ['-xzf', tarball, '-C', extracted, '--strip-components=1']);
      result = check(tarball, extracted);
      fs.rmSync(extracted, { recursive: true, force: true });
    } catch (error) {
      result = {
        files: [],
        problems: [`could not be built and packed: ${error.stderr || error}`],
      };
    }
    const dist = result.files.filter(f => f.startsWith('dist/')).length;
    const others = result.files.filter(f => !f.startsWith('dist/'));
    process.stdout.write(
      `${pkg.manifest.name}: ${
        result.files.length
      } files (dist/: ${dist}; ${others.join(', ')})\n`,
    );
    for (const problem of result.problems) {
      process.stdout.write(`  ✗ ${problem}\n`);
    }
    if (result.problems.length) failures++;
  }
  if (!keep) fs.rmSync(out, { recursive: true, force: true });
  else process.stdout.write(`tarballs in ${path.relative(root, out) || out}\n`);
  process.stdout.write(
    failures
      ? `${failures} package(s) would not ship as they should\n`
      : 'Every package ships what it should.\n',
  );
  process.exit(failures ? 1 : 0);
}

main();
