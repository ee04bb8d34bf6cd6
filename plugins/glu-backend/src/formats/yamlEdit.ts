import { isDeepStrictEqual } from 'node:util';
import { GluLimitError } from '@glu-dev/plugin-glu-node';
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Node,
  Pair,
  parse,
  Scalar,
} from 'yaml';
import {
  parseYamlFile,
  YamlFile,
  YamlFormatError,
  YamlLimits,
} from './yamlParse';

/** Parses `a.b[0].c` or `a.b.0.c` into path segments. */
export function parseKeyPath(key: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of key.split('.')) {
    const match = part.match(/^([^[\]]*)((?:\[\d+\])*)$/);
    if (!match) {
      throw new YamlFormatError(`"${key}" is not a key path like a.b[0].c`);
    }
    if (match[1] !== '') {
      segments.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
    }
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) {
      segments.push(Number(index[1]));
    }
  }
  if (segments.length === 0) {
    throw new YamlFormatError(`"${key}" is not a key path like a.b[0].c`);
  }
  return segments;
}

/** The node at a path, or undefined. */
export function nodeAt(
  root: unknown,
  path: (string | number)[],
): Node | undefined {
  let node: unknown = root;
  for (const segment of path) {
    if (isMap(node)) {
      node = node.get(segment, true);
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.get(segment, true);
    } else {
      return undefined;
    }
  }
  // A key without a value (`? key`) has no node either.
  return (node ?? undefined) as Node | undefined;
}

/** The string value of a scalar node, or undefined. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined;
  }
  return String(node.value);
}

/** `a.b[0].c`, for messages. */
function keyPathString(path: (string | number)[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return i > 0 ? `.${segment}` : segment;
    })
    .join('');
}

/** What a node is, for messages: `a list`, `a single value`, … */
function kindOf(node: unknown): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  return scalarString(node) === undefined ? 'empty' : 'a single value';
}

/** Which values read back as themselves when written plain, as asked. */
const plainSafety = new Map<string, boolean>();

function readsBackPlain(value: string): boolean {
  if (value === '' || /^\s|\s$/.test(value)) return false;
  return (['1.1', '1.2'] as const).every(version => {
    const options = { version, logLevel: 'silent' } as const;
    try {
      return (
        parse(`k: ${value}`, options)?.k === value &&
        parse(`[${value}]`, options)?.[0] === value
      );
    } catch {
      return false;
    }
  });
}

/**
 * Whether a value reads back as the same string when written plain: in YAML
 * 1.2 and in YAML 1.1 tools (where `yes`, `017`, `1_000`, `12:30` and dates
 * are not strings), in a block map and in a flow collection.
 */
function plainIsSafe(value: string): boolean {
  let safe = plainSafety.get(value);
  if (safe === undefined) {
    safe = readsBackPlain(value);
    // A version is written into many files at once: asked once, kept a while.
    if (plainSafety.size >= 1000) plainSafety.clear();
    plainSafety.set(value, safe);
  }
  return safe;
}

/** The source text of a scalar in the style of the one it replaces. */
function scalarSource(value: string, style: Scalar['type']): string {
  if (style === 'QUOTE_SINGLE' && !/\n/.test(value)) {
    return `'${value.replace(/'/g, "''")}'`;
  }
  if (style === 'QUOTE_DOUBLE' || !plainIsSafe(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** One change to make to the file: a scalar to set at a path. */
export interface ScalarEdit {
  document: Document.Parsed;
  path: (string | number)[];
  /** The new value; undefined removes the key. */
  value: string | undefined;
}

/** Text to put in place of `content.slice(start, end)`. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The text being edited, and where its lines start and end. */
class Source {
  readonly eol: string;
  constructor(readonly content: string) {
    this.eol = content.includes('\r\n') ? '\r\n' : '\n';
  }
  /** Where the line holding `offset` starts. */
  lineStart(offset: number): number {
    return this.content.lastIndexOf('\n', offset - 1) + 1;
  }
  /** Where the line holding the text that ends at `offset` ends, before its line break. */
  lineEnd(offset: number): number {
    const at = this.content[offset - 1] === '\n' ? offset - 1 : offset;
    const newline = this.content.indexOf('\n', at);
    if (newline < 0) return this.content.length;
    return this.content[newline - 1] === '\r' ? newline - 1 : newline;
  }
  /** Whether only white space comes between two offsets. */
  blank(from: number, to: number): boolean {
    return this.content.slice(from, to).trim() === '';
  }
}

/** Where the text of a node ends: its last value, not the comments after it. */
function endOf(node: unknown): number {
  if (isCollection(node) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    return endOf(isPair(last) ? last.value ?? last.key : last);
  }
  return (node as Node).range![1];
}

function keyStart(pair: Pair): number {
  return (pair.key as Node).range![0];
}

function replaceScalar(
  source: Source,
  node: Node,
  path: (string | number)[],
  value: string,
): Splice | undefined {
  if (!isScalar(node) || !node.range) {
    throw new YamlFormatError(
      `${keyPathString(path)} holds ${kindOf(node)}, not a single value`,
    );
  }
  if (scalarString(node) === value) return undefined;
  const [start, end] = node.range;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  let text = scalarSource(value, block ? 'PLAIN' : node.type);
  if (start === end) {
    // `key:` with no value yet: spaces around the value keep it apart from
    // the colon and from a comment after it.
    const { content } = source;
    if (!/\s/.test(content[start - 1])) text = ` ${text}`;
    if (content[start] === '#') text = `${text} `;
  }
  // A block scalar's text ends with its line break, which stays.
  if (block && source.content[end - 1] === '\n') text += source.eol;
  return { start, end, text };
}

function removeKey(
  source: Source,
  document: Document.Parsed,
  path: (string | number)[],
): Splice {
  const map = nodeAt(document.contents, path.slice(0, -1));
  if (!isMap(map)) {
    throw new YamlFormatError(`${keyPathString(path)} is not a key of a map`);
  }
  const items = map.items as Pair[];
  const key = path[path.length - 1];
  const index = items.findIndex(
    pair => pair.key === key || (isScalar(pair.key) && pair.key.value === key),
  );
  const pair = items[index];
  const [before, after] = [items[index - 1], items[index + 1]];
  if (map.flow) {
    // The pair and one comma next to it; `{}` once it was the only one.
    if (after) return { start: keyStart(pair), end: keyStart(after), text: '' };
    if (before) {
      const start = endOf(before.value ?? before.key);
      return { start, end: endOf(pair.value ?? pair.key), text: '' };
    }
    return { start: map.range![0] + 1, end: map.range![1] - 1, text: '' };
  }
  if (!before && !after) {
    throw new YamlFormatError(
      `removing ${keyPathString(path)} would leave its map empty`,
    );
  }
  const start = source.lineStart(keyStart(pair));
  const end = source.lineEnd(endOf(pair.value ?? pair.key));
  if (source.blank(start, keyStart(pair))) {
    // Its own lines, with the line break after them, or before them when
    // they end the file.
    const { content } = source;
    if (end < content.length) {
      return { start, end: content.indexOf('\n', end) + 1, text: '' };
    }
    return {
      start: Math.max(0, start - (content[start - 2] === '\r' ? 2 : 1)),
      end,
      text: '',
    };
  }
  // The first key of a list item (`- tag: 1`): the next key moves up onto
  // the item's line, unless a comment comes between them.
  if (after && source.blank(end, keyStart(after))) {
    return { start: keyStart(pair), end: keyStart(after), text: '' };
  }
  throw new YamlFormatError(
    `${keyPathString(
      path,
    )} shares its line with other YAML and cannot be removed on its own`,
  );
}

function addKey(
  source: Source,
  document: Document.Parsed,
  path: (string | number)[],
  value: string,
): Splice {
  // The deepest node on the path that is there; the keys after it are added.
  let depth = path.length - 1;
  while (
    depth > 0 &&
    nodeAt(document.contents, path.slice(0, depth)) === undefined
  ) {
    depth--;
  }
  const map = nodeAt(document.contents, path.slice(0, depth));
  const missing = path.slice(depth);
  if (!isMap(map) || missing.some(segment => typeof segment === 'number')) {
    const where =
      depth === 0 ? 'the document' : keyPathString(path.slice(0, depth));
    let why = `${where} is ${kindOf(map)}, not a map`;
    if (isSeq(map) && typeof missing[0] === 'number') {
      why = `${where} is a list without that item`;
    }
    if (isMap(map)) why = 'Glu adds keys to maps, not items to lists';
    throw new YamlFormatError(`cannot add ${keyPathString(path)}: ${why}`);
  }
  const keys = missing.map(key => scalarSource(String(key), 'PLAIN'));
  const text = scalarSource(value, 'PLAIN');
  const items = map.items as Pair[];
  const last = items[items.length - 1];
  if (map.flow) {
    const entry = `${keys[0]}: ${keys
      .slice(1)
      .reduceRight((inner, key) => `{${key}: ${inner}}`, text)}`;
    if (!last) {
      const at = map.range![0] + 1;
      return { start: at, end: at, text: entry };
    }
    const at = endOf(last.value ?? last.key);
    return { start: at, end: at, text: `, ${entry}` };
  }
  // New lines after the map's last entry and any block under it, at the
  // column of the map's keys, each missing map two spaces further in.
  const column = keyStart(items[0]) - source.lineStart(keyStart(items[0]));
  const at = source.lineEnd(endOf(last.value ?? last.key));
  const lines = keys.map(
    (key, i) => `${source.eol}${' '.repeat(column + 2 * i)}${key}:`,
  );
  return { start: at, end: at, text: `${lines.join('')} ${text}` };
}

function spliceFor(
  source: Source,
  document: Document.Parsed,
  { path, value }: ScalarEdit,
): Splice | undefined {
  const node = nodeAt(document.contents, path);
  if (value === undefined) {
    return node === undefined ? undefined : removeKey(source, document, path);
  }
  return node === undefined
    ? addKey(source, document, path, value)
    : replaceScalar(source, node, path, value);
}

/** What a node is to `sameContent`: a collection, an alias, or a value. */
function shapeOf(node: unknown): 'map' | 'seq' | 'alias' | 'value' {
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'seq';
  if (isAlias(node)) return 'alias';
  return 'value';
}

/**
 * Whether two documents' contents hold the same: collections item by item
 * and in order, values by value, aliases by the anchor they name. Aliases
 * are compared, never expanded, and nothing recurses: linear in the nodes
 * however the file nests or repeats itself.
 */
function sameContent(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    const shape = shapeOf(x);
    if (shapeOf(y) !== shape) return false;
    if (shape === 'alias') {
      if ((x as { source: string }).source !== (y as { source: string }).source)
        return false;
    } else if (shape === 'value') {
      // A value set by an edit may be a plain string, not yet a node.
      const value = (node: unknown) => (isScalar(node) ? node.value : node);
      if (!isDeepStrictEqual(value(x), value(y))) return false;
    } else {
      const [left, right] = [x, y].map(n => (n as { items: unknown[] }).items);
      if (left.length !== right.length) return false;
      left.forEach((item, i) => {
        if (isPair(item) && isPair(right[i])) {
          stack.push([item.key, (right[i] as Pair).key]);
          stack.push([item.value, (right[i] as Pair).value]);
        } else {
          stack.push([item, right[i]]);
        }
      });
    }
  }
  return true;
}

/**
 * Applies edits as splices of the original text, so that only the lines that
 * carry the values differ: a scalar is replaced in its quote style, keeping
 * its comment; a key is added as one line after its map's last entry (or
 * inside `{ }`), or removed with its own lines. Every other byte stays, and
 * the result is checked to hold exactly the intended values, and nothing
 * else changed. (That the format reads back the version it wrote is checked
 * for every format alike, in pipelines/readBack.ts.)
 */
export function applyEdits(
  file: YamlFile,
  edits: ScalarEdit[],
  limits: YamlLimits,
): string {
  // Made when it is thrown: an error's stack costs more than the edit.
  const unwritable = () =>
    new YamlFormatError(
      'the values cannot be written in place without changing other parts of the file',
    );
  let current = file;
  for (const edit of edits) {
    const document = current.documents[file.documents.indexOf(edit.document)];
    const source = new Source(current.content);
    const splice = spliceFor(source, document, edit);
    if (!splice) continue;
    const { content } = current;
    try {
      current = parseYamlFile(
        content.slice(0, splice.start) +
          splice.text +
          content.slice(splice.end),
        limits,
      );
    } catch (error) {
      if (error instanceof GluLimitError) throw error;
      throw unwritable();
    }
  }
  // A last check that the splices hold exactly the intended values: the
  // original documents with the edits made.
  if (current.documents.length !== file.documents.length) throw unwritable();
  file.documents.forEach((document, i) => {
    const own = edits.filter(e => e.document === document);
    let expected: Document = document;
    if (own.length > 0) {
      expected = document.clone();
      for (const { path, value } of own) {
        if (value !== undefined) expected.setIn(path, value);
        else if (expected.hasIn(path)) expected.deleteIn(path);
      }
    }
    if (!sameContent(current.documents[i].contents, expected.contents)) {
      throw unwritable();
    }
  });
  return current.content;
}
