/*
 * The README's "Adding Glu to an existing Backstage app", read as the steps
 * that the adoption test takes: every fenced block of that section, in order,
 * is either applied to the app or skipped for a reason the app itself shows
 * (it discovers its frontend plugins, `app.packages: all`). A block this
 * file does not know how to apply fails the test, so that the README cannot
 * say more than the test does.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const SECTION = '## Adding Glu to an existing Backstage app';

/** The fenced blocks of a Markdown section, with the heading each is under. */
function blocksOf(markdown, section) {
  const start = markdown.indexOf(`\n${section}\n`);
  if (start < 0) throw new Error(`the README has no section "${section}"`);
  const rest = markdown.slice(start + section.length + 2);
  const end = rest.search(/\n## /);
  const lines = (end < 0 ? rest : rest.slice(0, end)).split('\n');
  const blocks = [];
  let heading = section;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('### ')) heading = lines[i].slice(4);
    const fence = lines[i].match(/^```(\w+)$/);
    if (!fence) continue;
    const body = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]);
    blocks.push({ heading, lang: fence[1], text: body.join('\n') });
  }
  return blocks;
}

/** The commands of a shell block, continuation lines joined. */
function commandsOf(text) {
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'))
    .map(line => line.split(/\s+/));
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * `yarn --cwd <dir> add|remove <package>…`, as Yarn would write it: an added
 * package gets `^` and the version the app can install (its tarball's).
 */
function applyShell(app, text, versions, removed) {
  for (const words of commandsOf(text)) {
    const [tool, flag, dir, verb, ...names] = words;
    if (
      tool !== 'yarn' ||
      flag !== '--cwd' ||
      !['add', 'remove'].includes(verb)
    ) {
      throw new Error(`the adoption test cannot run "${words.join(' ')}"`);
    }
    const file = path.join(app, dir, 'package.json');
    const manifest = readJson(file);
    for (const name of names) {
      if (verb === 'add') {
        if (!versions[name]) {
          throw new Error(
            `the README adds ${name}, which Glu does not publish`,
          );
        }
        manifest.dependencies[name] = `^${versions[name]}`;
      } else {
        if (!manifest.dependencies[name]) {
          throw new Error(`the README removes ${name}, which ${dir} lacks`);
        }
        delete manifest.dependencies[name];
        removed.push(name);
      }
    }
    writeJson(file, manifest);
  }
}

/**
 * The backend's index.ts: each `backend.add(…)` of the block that is not
 * there yet goes before `backend.start()`, and the features of the packages
 * removed go.
 */
function applyBackendIndex(file, text, removed) {
  let source = fs.readFileSync(file, 'utf8');
  for (const name of removed) {
    const escaped = name.replace(/[/.-]/g, '\\$&');
    source = source.replace(
      new RegExp(`backend\\.add\\(\\s*import\\('${escaped}'\\),?\\s*\\);\\n`),
      '',
    );
  }
  const added = text
    .split('\n')
    .map(line => line.replace(/\s*\/\/.*$/, '').trim())
    .filter(line => line.startsWith('backend.add('));
  if (!added.length) throw new Error(`the README's ${file} block adds nothing`);
  for (const line of added) {
    if (!source.includes(line)) {
      source = source.replace(
        'backend.start();',
        `${line}\n\nbackend.start();`,
      );
    }
  }
  fs.writeFileSync(file, source);
}

/** Maps merge; lists are added to, as a person adds lines to a file. */
function merge(into, from) {
  if (Array.isArray(into) && Array.isArray(from)) return [...into, ...from];
  if (
    into &&
    from &&
    typeof into === 'object' &&
    typeof from === 'object' &&
    !Array.isArray(into) &&
    !Array.isArray(from)
  ) {
    const out = { ...into };
    for (const [key, value] of Object.entries(from)) {
      out[key] = key in out ? merge(out[key], value) : value;
    }
    return out;
  }
  return from;
}

/** The file a block is about, from its first line (`# x` or `// x`). */
function fileOf(block) {
  const first = block.text.split('\n')[0];
  const match = first.match(/^(?:#|\/\/)\s*([^\s,]+)/);
  return match ? match[1] : undefined;
}

/**
 * Follows the README's section in the app. Returns what it did, one line a
 * block, and the pipeline file the README shows for the repository.
 */
function followReadme({ readme, app, versions }) {
  const done = [];
  const removed = [];
  let pipelines;
  const config = path.join(app, 'app-config.yaml');
  for (const block of blocksOf(fs.readFileSync(readme, 'utf8'), SECTION)) {
    const file = fileOf(block);
    const where = `"${block.heading}", ${block.lang} ${file ?? ''}`.trim();
    if (block.lang === 'sh') {
      applyShell(app, block.text, versions, removed);
    } else if (file === 'packages/backend/src/index.ts') {
      applyBackendIndex(path.join(app, file), block.text, removed);
    } else if (file === 'packages/app/src/App.tsx') {
      const packages = YAML.parse(fs.readFileSync(config, 'utf8')).app
        ?.packages;
      if (packages !== 'all') {
        throw new Error(
          'the app does not discover its packages (app.packages)',
        );
      }
      done.push(`skipped ${where}: the app has app.packages: all`);
      continue;
    } else if (block.lang === 'yaml' && file === 'app-config.yaml') {
      const merged = merge(
        YAML.parse(fs.readFileSync(config, 'utf8')),
        YAML.parse(block.text),
      );
      fs.writeFileSync(config, YAML.stringify(merged));
    } else if (block.lang === 'yaml' && file === 'pipelines.yaml') {
      pipelines = block.text;
    } else {
      throw new Error(
        `the adoption test cannot apply the README's block ${where}`,
      );
    }
    done.push(`applied ${where}`);
  }
  if (!pipelines) throw new Error('the README shows no pipelines.yaml');
  return { done, pipelines };
}

module.exports = { followReadme };
