import {
  Document,
  isMap,
  isScalar,
  isSeq,
  Node,
  parse,
  parseAllDocuments,
  Scalar,
} from 'yaml';

/** A YAML file of one or more documents, edited in place. */
export interface YamlFile {
  content: string;
  documents: Document.Parsed[];
}

export class YamlFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlFormatError';
  }
}

export function parseYamlFile(content: string): YamlFile {
  const documents = parseAllDocuments(content, { keepSourceTokens: true });
  if (!Array.isArray(documents)) {
    // An empty stream comes back as an EmptyStream, not as an array.
    return { content, documents: [] };
  }
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new YamlFormatError(
        `the file is not valid YAML: ${document.errors[0].message}`,
      );
    }
  }
  return { content, documents };
}

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
  return node as Node | undefined;
}

/** The string value of a scalar node, or undefined. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined;
  }
  return String(node.value);
}

function plainIsSafe(value: string): boolean {
  if (value === '' || /^\s|\s$/.test(value)) return false;
  try {
    return parse(`k: ${value}`)?.k === value;
  } catch {
    return false;
  }
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

/**
 * Applies edits so that only the changed values differ: an existing scalar is
 * replaced in the original text, keeping quotes, comments and layout. A key
 * that must be added or removed re-renders only its own document.
 */
export function applyEdits(file: YamlFile, edits: ScalarEdit[]): string {
  type Splice = { start: number; end: number; text: string };
  const splices: Splice[] = [];
  const restructured = new Set<Document.Parsed>();

  const spliceable = (edit: ScalarEdit) => {
    const node = nodeAt(edit.document.contents, edit.path);
    if (edit.value === undefined) return node === undefined;
    return (
      isScalar(node) &&
      !!node.range &&
      (node.type === 'PLAIN' ||
        node.type === 'QUOTE_DOUBLE' ||
        node.type === 'QUOTE_SINGLE')
    );
  };
  // A document that gains or loses a key is re-rendered, with all its edits.
  for (const edit of edits) {
    if (!spliceable(edit)) restructured.add(edit.document);
  }

  for (const edit of edits) {
    const node = nodeAt(edit.document.contents, edit.path);
    if (restructured.has(edit.document)) {
      if (edit.value === undefined) {
        if (node !== undefined) edit.document.deleteIn(edit.path);
      } else if (scalarString(node) !== edit.value) {
        edit.document.setIn(edit.path, edit.value);
      }
      continue;
    }
    if (edit.value === undefined || !isScalar(node) || !node.range) continue;
    if (scalarString(node) === edit.value) continue;
    splices.push({
      start: node.range[0],
      end: node.range[1],
      text: scalarSource(edit.value, node.type),
    });
  }

  for (const document of restructured) {
    if (!document.range) continue;
    // The first document's range leaves out the comments and directives
    // before it, which its rendering includes.
    const start = document === file.documents[0] ? 0 : document.range[0];
    const end = document.range[2];
    const original = file.content.slice(start, end);
    let text = document.toString();
    if (!original.endsWith('\n')) text = text.replace(/\n$/, '');
    splices.push({ start, end, text });
  }

  let content = file.content;
  for (const splice of splices.sort((a, b) => b.start - a.start)) {
    content =
      content.slice(0, splice.start) + splice.text + content.slice(splice.end);
  }
  return content;
}
