/**
 * jsep, the expression parser, typed here: its own typings declare the
 * module with `export =`, which a full type check of this repository's ES
 * modules refuses, so they are not imported.
 */

/** A node of a parsed expression. */
export interface JsepNode {
  type: string;
  [field: string]: unknown;
}

export interface JsepIdentifier extends JsepNode {
  type: 'Identifier';
  name: string;
}

export interface JsepLiteral extends JsepNode {
  type: 'Literal';
  value: unknown;
}

export interface JsepMember extends JsepNode {
  type: 'MemberExpression';
  object: JsepNode;
  property: JsepNode;
  computed: boolean;
  optional?: boolean;
}

export interface JsepUnary extends JsepNode {
  type: 'UnaryExpression';
  operator: string;
  argument: JsepNode;
}

export interface JsepBinary extends JsepNode {
  type: 'BinaryExpression';
  operator: string;
  left: JsepNode;
  right: JsepNode;
}

export interface JsepCall extends JsepNode {
  type: 'CallExpression';
  callee: JsepNode;
  arguments: JsepNode[];
}

/** The parts of jsep's API that conditions use. */
export interface Jsep {
  (expression: string): JsepNode;
  binary_ops: Record<string, number>;
  unary_ops: Record<string, unknown>;
  literals: Record<string, unknown>;
  addBinaryOp(operator: string, precedence: number): void;
  addUnaryOp(operator: string): void;
  addLiteral(name: string, value: unknown): void;
  removeBinaryOp(operator: string): void;
  removeUnaryOp(operator: string): void;
  removeLiteral(name: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jsep: Jsep = require('jsep');
