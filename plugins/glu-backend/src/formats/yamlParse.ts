import { GluLimitError, GluLimits } from '@glu-dev/plugin-glu-node';
import {
  Composer,
  CST,
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  Parser,
} from 'yaml';

/** A YAML file of one or more documents, edited in place. */
export interface YamlFile {
  content: string;
  documents: Document.Parsed[];
}

/** How far a YAML file may go: its depth and its nodes. */
export type YamlLimits = Pick<GluLimits, 'yamlDepth' | 'yamlNodes'>;

export class YamlFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlFormatError';
  }
}

/** What a file was measured at: how deep it nests, how many nodes it holds. */
interface Measure {
  depth: number;
  nodes: number;
}

function tooDeep(limits: YamlLimits): GluLimitError {
  return new GluLimitError(
    `the file nests deeper than glu.limits.yamlDepth (${limits.yamlDepth} levels)`,
  );
}

function tooMany(limits: YamlLimits): GluLimitError {
  return new GluLimitError(
    `the file holds more than glu.limits.yamlNodes (${limits.yamlNodes} nodes, counting what its aliases repeat)`,
  );
}

/** The anchor among a node's properties (`&name`), if it has one. */
function anchorIn(props: CST.Token[] | undefined): string | undefined {
  const anchor = props?.findLast(token => token.type === 'anchor');
  return anchor && 'source' in anchor ? anchor.source.slice(1) : undefined;
}

type Frame =
  | { token: CST.Token | null | undefined; depth: number; anchor?: string }
  | { closes: string; from: number };

/**
 * Measures one document's syntax before it is composed, without recursion
 * (however deep it nests): its depth in collections, and its nodes with
 * every alias counted as the nodes it repeats, so an alias bomb costs its
 * size in text to refuse, not its size expanded. `measure` carries the
 * nodes of the documents before it.
 */
function measureDocument(
  document: CST.Document,
  limits: YamlLimits,
  measure: Measure,
): void {
  // The nodes each anchor's node holds, once it is closed; 1 while open.
  const anchors = new Map<string, number>();
  const stack: Frame[] = [
    { token: document.value, depth: 0, anchor: anchorIn(document.start) },
  ];
  const count = (nodes: number) => {
    measure.nodes += nodes;
    if (measure.nodes > limits.yamlNodes) throw tooMany(limits);
  };
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('closes' in frame) {
      anchors.set(frame.closes, measure.nodes - frame.from);
      continue;
    }
    const { token, depth } = frame;
    if (!token) continue;
    const anchor =
      frame.anchor ??
      (token.type === 'block-scalar' ? anchorIn(token.props) : undefined);
    if (anchor) {
      stack.push({ closes: anchor, from: measure.nodes });
      anchors.set(anchor, 1);
    }
    switch (token.type) {
      case 'alias':
        count(anchors.get(token.source.slice(1)) ?? 1);
        break;
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        count(1);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        count(1);
        if (depth + 1 > limits.yamlDepth) throw tooDeep(limits);
        measure.depth = Math.max(measure.depth, depth + 1);
        for (const item of [...token.items].reverse()) {
          // A pair's properties before its key are the key's, those after
          // its `:` the value's; an item of a sequence has only a value.
          const pair = 'key' in item || 'sep' in item;
          stack.push({
            token: item.value,
            depth: depth + 1,
            anchor: anchorIn(pair ? item.sep : item.start),
          });
          if (pair) {
            stack.push({
              token: item.key,
              depth: depth + 1,
              anchor: anchorIn(item.start),
            });
          }
        }
        break;
      }
      default:
    }
  }
}

/** `at line 3, column 5` of an offset in the text. */
function where(content: string, offset: number): string {
  const before = content.slice(0, offset);
  const line = before.split('\n').length;
  return `at line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * Refuses a map that gives a key twice, as YAML does, in one pass over the
 * file: the `yaml` package's own check compares each key with every key
 * before it, which grows with the square of a map's keys (minutes for a map
 * of 80,000).
 */
function checkUniqueKeys(content: string, document: Document.Parsed): void {
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (keys.has(key)) {
          const at = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          throw new YamlFormatError(
            `the file is not valid YAML: map keys must be unique; ${JSON.stringify(
              String(key),
            )} is given again${
              at === undefined ? '' : ` ${where(content, at)}`
            }`,
          );
        }
        keys.add(key);
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      stack.push(...node.items);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
}

/**
 * Parses a file within limits: its flow collections are counted as they
 * are read, so a file of brackets nested without end stops at the limit;
 * each document's syntax is measured (`measureDocument`) before it is
 * composed; keys are checked once each.
 */
function parseWithin(
  content: string,
  limits: YamlLimits,
): { file: YamlFile; measure: Measure } {
  const measure: Measure = { depth: 0, nodes: 0 };
  const parser = new Parser();
  const composer = new Composer({ uniqueKeys: false });
  const documents: Document.Parsed[] = [];
  const compose = (tokens: Iterable<CST.Token>) => {
    for (const token of tokens) {
      if (token.type === 'document') measureDocument(token, limits, measure);
      documents.push(...composer.next(token));
    }
  };
  let flow = 0;
  for (const lexeme of new Lexer().lex(content)) {
    if (lexeme === '[' || lexeme === '{') {
      if (++flow > limits.yamlDepth) throw tooDeep(limits);
    } else if (lexeme === ']' || lexeme === '}') {
      flow = Math.max(0, flow - 1);
    }
    compose(parser.next(lexeme));
  }
  compose(parser.end());
  documents.push(...composer.end());
  for (const document of documents) {
    const [error] = document.errors;
    if (error) {
      throw new YamlFormatError(
        `the file is not valid YAML: ${error.message} ${where(
          content,
          error.pos[0],
        )}`,
      );
    }
    checkUniqueKeys(content, document);
  }
  return { file: { content, documents }, measure };
}

/**
 * A YAML file of one or more documents; what is not valid YAML, or goes
 * past the limits, throws.
 */
export function parseYamlFile(content: string, limits: YamlLimits): YamlFile {
  return parseWithin(content, limits).file;
}
