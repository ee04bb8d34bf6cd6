/*
 * A lockfile for the app, seeded from the workspace's: the app then installs
 * offline from the Yarn cache that the workspace's own install filled, as
 * create-app seeds a new app's lockfile from Backstage's.
 *
 * Every package the workspace resolved is offered to the app. A range the
 * app asks for that the workspace's lockfile does not name as such (the app
 * asks for `^0.6.0`, the workspace pinned `0.6.0`) is added to the entry of
 * the newest version that satisfies it, as Yarn would resolve it from the
 * registry's copy of the same versions. Yarn drops what the app does not use.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const semver = require('semver');
const YAML = require('yaml');

/** `name@npm:range` as a lockfile names it. */
function descriptor(name, range) {
  return `${name}@${/^[a-z]+:/.test(range) ? range : `npm:${range}`}`;
}

function nameOf(key) {
  return key.slice(0, key.indexOf('@', 1));
}

/** The ranges the app's own manifests ask for. */
function manifestsRanges(app) {
  const files = ['package.json'];
  for (const group of ['packages', 'plugins']) {
    const dir = path.join(app, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(group, name, 'package.json');
      if (fs.existsSync(path.join(app, file))) files.push(file);
    }
  }
  const ranges = [];
  for (const file of files) {
    const manifest = JSON.parse(fs.readFileSync(path.join(app, file), 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        ranges.push([name, range]);
      }
    }
  }
  return ranges;
}

/**
 * Writes the app's yarn.lock from the workspace's; `extraRanges` are the
 * ranges of packages the app will get otherwise (the tarballs' dependencies).
 * Returns the ranges that no version of the workspace's satisfies.
 */
function seedLockfile({ workspaceLock, app, extraRanges = [] }) {
  const lock = YAML.parse(fs.readFileSync(workspaceLock, 'utf8'));
  const entries = new Map();
  const keysOfName = new Map();
  for (const [key, entry] of Object.entries(lock)) {
    if (key === '__metadata' || entry.resolution.includes('@workspace:')) {
      continue;
    }
    entries.set(key, { names: key.split(', '), entry });
    for (const d of key.split(', ')) {
      const list = keysOfName.get(nameOf(d)) ?? [];
      list.push(key);
      keysOfName.set(nameOf(d), list);
    }
  }
  const known = new Set([...entries.values()].flatMap(e => e.names));
  const wanted = [...manifestsRanges(app), ...extraRanges];
  for (const { entry } of entries.values()) {
    for (const [name, range] of Object.entries(entry.dependencies ?? {})) {
      wanted.push([name, String(range)]);
    }
  }
  const unmet = new Set();
  for (const [name, range] of wanted) {
    if (/^(link|workspace|file|portal|patch):/.test(range)) continue;
    const d = descriptor(name, range);
    if (known.has(d)) continue;
    const plain = range.replace(/^npm:/, '');
    const best = (keysOfName.get(name) ?? [])
      .filter(
        key =>
          semver.validRange(plain) &&
          semver.satisfies(entries.get(key).entry.version, plain),
      )
      .sort((a, b) =>
        semver.rcompare(
          entries.get(a).entry.version,
          entries.get(b).entry.version,
        ),
      )[0];
    if (best) {
      entries.get(best).names.push(d);
      known.add(d);
    } else {
      unmet.add(d);
    }
  }
  const seeded = { __metadata: lock.__metadata };
  for (const { names, entry } of entries.values()) {
    seeded[names.join(', ')] = entry;
  }
  fs.writeFileSync(
    path.join(app, 'yarn.lock'),
    `# Seeded from Glu's workspace by the adoption test.\n\n${YAML.stringify(
      seeded,
      { lineWidth: 0 },
    )}`,
  );
  return [...unmet];
}

module.exports = { seedLockfile };
