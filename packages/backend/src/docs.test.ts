/*
 * The documentation as a reader meets it: README.md, docs/ (the TechDocs
 * site that mkdocs.yml describes) and the packages' READMEs. Every YAML and
 * JSON block parses, every app-config block is one that this app's backend
 * accepts, and every relative link and anchor leads somewhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigSchema, loadConfigSchema } from '@backstage/config-loader';
import { JsonObject } from '@backstage/types';
import MarkdownIt from 'markdown-it';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

type Token = ReturnType<MarkdownIt['parse']>[number];

const root = path.resolve(__dirname, '../../..');
const docsDir = path.join(root, 'docs');
const markdown = new MarkdownIt();

/** Top-level keys that make a YAML block a piece of app-config. */
const APP_CONFIG_KEYS = new Set([
  'app',
  'argocd',
  'auth',
  'backend',
  'catalog',
  'events',
  'glu',
  'integrations',
  'kubernetes',
  'permission',
  'techdocs',
]);

/** What the rest of an app-config holds: the settings Backstage requires. */
const BASE_CONFIG: JsonObject = {
  app: { baseUrl: 'http://localhost:3000' },
  backend: {
    baseUrl: 'http://localhost:7007',
    database: { client: 'better-sqlite3', connection: ':memory:' },
  },
};

type Page = { file: string; tokens: Token[] };

function page(file: string, text?: string): Page {
  const source = text ?? fs.readFileSync(path.join(root, file), 'utf8');
  return { file, tokens: markdown.parse(source, {}) };
}

function docsPages(dir = docsDir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return docsPages(full);
    return entry.name.endsWith('.md') ? [path.relative(root, full)] : [];
  });
}

function readmes(): string[] {
  return ['plugins', 'packages'].flatMap(folder => {
    const base = path.join(root, folder);
    return ['README.md', ...fs.readdirSync(base).map(d => `${d}/README.md`)]
      .map(file => path.join(folder, file))
      .filter(file => fs.existsSync(path.join(root, file)));
  });
}

/** Fenced blocks of a language, with the line where each starts. */
function blocks(doc: Page, languages: string[]) {
  return doc.tokens
    .filter(t => t.type === 'fence')
    .filter(t => languages.includes(t.info.trim().split(/\s+/)[0]))
    .map(t => ({ where: `${doc.file}:${t.map![0] + 1}`, text: t.content }));
}

/** Each YAML and JSON block that does not parse, with the parser's first words. */
function unparsable(doc: Page): string[] {
  const problems = blocks(doc, ['yaml', 'yml']).flatMap(({ where, text }) =>
    parseAllDocuments(text)
      .flatMap(d => ('errors' in d ? d.errors : []))
      .slice(0, 1)
      .map(e => `${where}: ${e.message.split('\n')[0]}`),
  );
  for (const { where, text } of blocks(doc, ['json'])) {
    try {
      JSON.parse(text);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** `${NAME}` as Backstage substitutes it, with a placeholder for its value. */
function substituted(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{[^{}]+\}/g, 'placeholder');
  }
  if (Array.isArray(value)) return value.map(substituted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituted(v)]),
    );
  }
  return value;
}

/** Each app-config block that the app's config schema refuses, and why. */
function refusedConfig(doc: Page, schema: ConfigSchema): string[] {
  return blocks(doc, ['yaml', 'yml']).flatMap(({ where, text }) =>
    parseAllDocuments(text).flatMap(d => {
      const data = 'errors' in d && !d.errors.length ? d.toJS() : undefined;
      const isConfig =
        data &&
        typeof data === 'object' &&
        !Array.isArray(data) &&
        Object.keys(data).some(key => APP_CONFIG_KEYS.has(key));
      if (!isConfig) return [];
      try {
        schema.process(
          [
            { context: 'the rest of an app-config', data: BASE_CONFIG },
            { context: where, data: substituted(data) as JsonObject },
          ],
          { visibility: ['frontend', 'backend', 'secret'] },
        );
        return [];
      } catch (error) {
        const { messages, message } = error as Error & { messages?: string[] };
        return (messages ?? [message]).map(m => `${where}: ${m}`);
      }
    }),
  );
}

function headingTexts(doc: Page): string[] {
  return doc.tokens.flatMap((t, i) =>
    t.type === 'heading_open'
      ? [
          (doc.tokens[i + 1].children ?? [])
            .filter(c => c.type === 'text' || c.type === 'code_inline')
            .map(c => c.content)
            .join(''),
        ]
      : [],
  );
}

/** The anchors GitHub gives a page's headings (github-slugger's rules). */
function githubAnchors(doc: Page): Set<string> {
  const seen = new Map<string, number>();
  return new Set(
    headingTexts(doc).map(text => {
      const slug = text
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
        .replace(/ /g, '-');
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      return count ? `${slug}-${count}` : slug;
    }),
  );
}

/** The anchors MkDocs gives them (Python-Markdown's toc slugify). */
function mkdocsAnchors(doc: Page): Set<string> {
  return new Set(
    headingTexts(doc).map(text =>
      text
        .normalize('NFKD')
        .replace(/[^\p{ASCII}]/gu, '')
        .replace(/[^\w\s-]/g, '')
        .trim()
        .toLowerCase()
        .replace(/[-\s]+/g, '-'),
    ),
  );
}

function links(doc: Page) {
  let line = 0; // inline tokens of table cells have no lines of their own
  return doc.tokens.flatMap(t => {
    line = t.map ? t.map[0] + 1 : line;
    return (t.children ?? []).flatMap(c => {
      const target = c.attrGet(c.type === 'image' ? 'src' : 'href');
      return (c.type === 'link_open' || c.type === 'image') && target
        ? [{ where: `${doc.file}:${line}`, target }]
        : [];
    });
  });
}

/**
 * Each relative link that leads nowhere: a missing file, a missing heading
 * (on GitHub, and for pages of docs/ in TechDocs as well), or, from docs/,
 * a file outside it, which TechDocs does not publish.
 */
function brokenLinks(doc: Page, read: (file: string) => Page): string[] {
  return links(doc).flatMap(({ where, target }) => {
    if (/^([a-z][a-z0-9+.-]*:|\/)/i.test(target)) return [];
    const [file, anchor] = target.split('#');
    const resolved = file
      ? path.join(path.dirname(doc.file), decodeURIComponent(file))
      : doc.file;
    const inDocs = (f: string) => !path.relative('docs', f).startsWith('..');
    if (inDocs(doc.file) && !inDocs(resolved)) {
      return [`${where}: ${target} is outside docs/, which TechDocs publishes`];
    }
    if (!fs.existsSync(path.join(root, resolved))) {
      return [`${where}: ${target}: there is no ${resolved}`];
    }
    if (anchor === undefined) return [];
    if (!resolved.endsWith('.md')) {
      return [`${where}: ${target}: ${resolved} has no headings`];
    }
    const linked = read(resolved);
    if (!githubAnchors(linked).has(anchor)) {
      return [`${where}: ${target}: ${resolved} has no heading #${anchor}`];
    }
    if (inDocs(resolved) && !mkdocsAnchors(linked).has(anchor)) {
      return [`${where}: ${target}: TechDocs names that heading otherwise`];
    }
    return [];
  });
}

describe('the documentation', () => {
  const files = ['README.md', ...docsPages(), ...readmes()];
  const pages = new Map(files.map(file => [file, page(file)]));
  const read = (file: string) => pages.get(file) ?? page(file);
  let schema: ConfigSchema;

  beforeAll(async () => {
    // As `backstage-cli config:check` loads it: the config.d.ts of every
    // package the example app and backend are made of, undeclared keys
    // refused.
    schema = await loadConfigSchema({
      dependencies: ['backend', 'app'],
      packagePaths: [path.join(root, 'package.json')],
      noUndeclaredProperties: true,
    });
  }, 120_000);

  it('holds README.md, docs/ and the READMEs of the packages', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/index.md',
        'docs/security.md',
      ]),
    );
  });

  it('has YAML and JSON blocks that parse', () => {
    expect([...pages.values()].flatMap(unparsable)).toEqual([]);
  });

  it('has app-config blocks that the config schema accepts', () => {
    const problems = [...pages.values()].flatMap(p => refusedConfig(p, schema));
    expect(problems).toEqual([]);
  });

  it('has relative links and anchors that resolve', () => {
    const problems = [...pages.values()].flatMap(p => brokenLinks(p, read));
    expect(problems).toEqual([]);
  });

  it('lists every page of docs/ in its index, in the order of mkdocs.yml', () => {
    const listed = links(read('docs/index.md'))
      .map(l => l.target)
      .filter(target => /^[\w-]+\.md$/.test(target));
    const mkdocs = parseYaml(
      fs.readFileSync(path.join(root, 'mkdocs.yml'), 'utf8'),
    );
    const nav = (entries: unknown[]): string[] =>
      entries.flatMap(entry =>
        typeof entry === 'string'
          ? [entry]
          : Object.values(entry as object).flatMap(v =>
              Array.isArray(v) ? nav(v) : [v],
            ),
      );
    expect(nav(mkdocs.nav)).toEqual(['index.md', ...listed]);
    expect(['index.md', ...listed].sort()).toEqual(
      docsPages()
        .map(f => path.relative('docs', f))
        .sort(),
    );
  });

  describe('checks that find', () => {
    it('the flow map with a substitution that stopped the backend', () => {
      const doc = page(
        'old.md',
        [
          '```yaml',
          'backend:',
          '  auth:',
          '    externalAccess:',
          '      - type: static',
          '        options: { token: ${GLU_CI_TOKEN}, subject: ci }',
          '```',
        ].join('\n'),
      );
      expect(unparsable(doc)).toEqual([
        expect.stringMatching(/^old\.md:1: Unexpected /),
      ]);
    });

    it('a block in a list item, and JSON that is not', () => {
      const doc = page(
        'old.md',
        '- a step:\n\n  ```yaml\n  a: [1\n  ```\n\n```json\n{ "a": 1, }\n```\n',
      );
      expect(unparsable(doc)).toEqual([
        expect.stringMatching(/^old\.md:3: /),
        expect.stringMatching(/^old\.md:7: /),
      ]);
    });

    it('an app-config setting that no schema declares', () => {
      const doc = page(
        'old.md',
        '```yaml\nglu:\n  writeScope:\n    - repository: ${REPO}\n```\n',
      );
      expect(refusedConfig(doc, schema)).toEqual([
        expect.stringMatching(/^old\.md:1: .*writeScope/),
      ]);
    });

    it('a link to a heading that is not there, and one out of docs/', () => {
      const doc = page(
        'docs/old.md',
        '[a](security.md#who-may-write) [b](security.md#nobody) [c](../README.md)\n',
      );
      expect(brokenLinks(doc, read)).toEqual([
        'docs/old.md:1: security.md#nobody: docs/security.md has no heading #nobody',
        'docs/old.md:1: ../README.md is outside docs/, which TechDocs publishes',
      ]);
    });
  });
});
