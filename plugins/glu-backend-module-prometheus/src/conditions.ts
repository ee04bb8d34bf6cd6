import {
  jsep,
  JsepBinary,
  JsepCall,
  JsepIdentifier,
  JsepLiteral,
  JsepMember,
  JsepNode,
  JsepUnary,
} from './jsep';
import { NUMBER } from './threshold';

/**
 * Argo Rollouts' `successCondition` and `failureCondition`: expressions of
 * the expr language over `result` (`result[0] >= 0.95`, `len(result) > 0
 * and result[0] < 5`), parsed with jsep and evaluated here over a small
 * safe subset; what is outside it is refused by name.
 */

/** The functions conditions may call, with how many arguments each takes. */
const FUNCTIONS: Record<string, number> = {
  len: 1,
  isNaN: 1,
  isInf: 1,
  asInt: 1,
  asFloat: 1,
  default: 2,
  isNil: 1,
};

const BINARY = new Set([
  '&&',
  '||',
  'and',
  'or',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
]);
const UNARY = new Set(['!', 'not', '-', '+']);

/** The longest condition read: longer ones are refused before parsing. */
const MAX_LENGTH = 2000;

/** An expression, parsed. */
export type Expression = JsepNode;

/**
 * Parses with the expr language's word operators added to jsep for this
 * parse only, so that other users of jsep in the process see it unchanged.
 */
function parse(text: string): Expression {
  const added: Array<() => void> = [];
  if (!('and' in jsep.binary_ops)) {
    jsep.addBinaryOp('and', 2);
    added.push(() => jsep.removeBinaryOp('and'));
  }
  if (!('or' in jsep.binary_ops)) {
    jsep.addBinaryOp('or', 1);
    added.push(() => jsep.removeBinaryOp('or'));
  }
  if (!('not' in jsep.unary_ops)) {
    jsep.addUnaryOp('not');
    added.push(() => jsep.removeUnaryOp('not'));
  }
  if (!('nil' in jsep.literals)) {
    jsep.addLiteral('nil', null);
    added.push(() => jsep.removeLiteral('nil'));
  }
  try {
    return jsep(text);
  } finally {
    for (const remove of added) remove();
  }
}

/** Why a kind of node is refused. */
function describe(node: Expression): string {
  switch (node.type) {
    case 'ConditionalExpression':
      return 'the ?: operator is not supported';
    case 'ArrayExpression':
      return 'array literals are not supported';
    case 'Compound':
    case 'SequenceExpression':
      return 'a condition is one expression, not several';
    case 'ThisExpression':
      return '"this" is not supported';
    default:
      return `${node.type} is not supported`;
  }
}

/** What a parsed expression uses that Glu does not evaluate. */
function refusals(node: Expression, found: string[]): void {
  switch (node.type) {
    case 'Literal':
      if (node.value instanceof RegExp)
        found.push('regular expression literals are not supported');
      return;
    case 'Identifier': {
      const name = (node as JsepIdentifier).name;
      if (name !== 'result') {
        found.push(
          name in FUNCTIONS
            ? `${name} is a function: call it, e.g. ${name}(result)`
            : `unknown name ${name} (a condition looks at result)`,
        );
      }
      return;
    }
    case 'MemberExpression': {
      const access = node as JsepMember;
      refusals(access.object, found);
      if (access.computed) refusals(access.property, found);
      return;
    }
    case 'UnaryExpression': {
      const unary = node as JsepUnary;
      if (!UNARY.has(unary.operator)) {
        found.push(`operator ${unary.operator} is not supported`);
      }
      refusals(unary.argument, found);
      return;
    }
    case 'BinaryExpression': {
      const operation = node as JsepBinary;
      if (!BINARY.has(operation.operator)) {
        found.push(`operator ${operation.operator} is not supported`);
      }
      refusals(operation.left, found);
      refusals(operation.right, found);
      return;
    }
    case 'CallExpression': {
      const invocation = node as JsepCall;
      const name =
        invocation.callee.type === 'Identifier'
          ? (invocation.callee as JsepIdentifier).name
          : undefined;
      if (!name || !(name in FUNCTIONS)) {
        found.push(
          `${
            name ? `function ${name} is` : 'calls on values are'
          } not supported (only ${Object.keys(FUNCTIONS).join(', ')})`,
        );
      } else if (invocation.arguments.length !== FUNCTIONS[name]) {
        found.push(
          `${name} takes ${FUNCTIONS[name]} argument${
            FUNCTIONS[name] > 1 ? 's' : ''
          }, not ${invocation.arguments.length}`,
        );
      }
      invocation.arguments.forEach(arg => refusals(arg, found));
      return;
    }
    default:
      found.push(describe(node));
  }
}

/** A condition, parsed and checked, or what is wrong with it. */
export function parseCondition(
  text: string,
): { expression: Expression } | { problems: string[] } {
  if (text.length > MAX_LENGTH) {
    return { problems: [`is longer than ${MAX_LENGTH} characters`] };
  }
  let expression: Expression;
  try {
    expression = parse(text);
  } catch (error) {
    return { problems: [`cannot be read: ${(error as Error).message}`] };
  }
  const found: string[] = [];
  refusals(expression, found);
  return found.length > 0 ? { problems: [...new Set(found)] } : { expression };
}

/** Problems with a condition's text, each starting with `field`. */
export function conditionProblems(field: string, text: unknown): string[] {
  if (typeof text !== 'string' || !text.trim()) {
    return [
      `${field} must be an expression over result, e.g. result[0] >= 0.95`,
    ];
  }
  const parsed = parseCondition(text);
  return 'problems' in parsed
    ? parsed.problems.map(problem => `${field} "${text}": ${problem}`)
    : [];
}

const isNil = (value: unknown) => value === null || value === undefined;

function typeName(value: unknown): string {
  if (isNil(value)) return 'nil';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value === 'object' ? 'map' : typeof value}`;
}

function number(value: unknown, what: string): number {
  if (typeof value !== 'number') {
    throw new Error(`${what} needs a number, not ${typeName(value)}`);
  }
  return value;
}

function boolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') {
    throw new Error(`${what} needs true or false, not ${typeName(value)}`);
  }
  return value;
}

function member(object: unknown, key: unknown, optional: boolean): unknown {
  if (isNil(object)) {
    if (optional) return null;
    throw new Error(`cannot read ${String(key)} of nil`);
  }
  if (Array.isArray(object) || typeof object === 'string') {
    const index = number(key, 'an index');
    const length = object.length;
    const at = index < 0 ? length + index : index;
    if (!Number.isInteger(index) || at < 0 || at >= length) {
      throw new Error(`index out of range: ${index} (length ${length})`);
    }
    return object[at];
  }
  if (typeof object === 'object') {
    const name = String(key);
    return Object.prototype.hasOwnProperty.call(object, name)
      ? (object as Record<string, unknown>)[name]
      : null;
  }
  throw new Error(`cannot read ${String(key)} of ${typeName(object)}`);
}

function equal(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  return a === b;
}

function call(name: string, args: unknown[]): unknown {
  const [value] = args;
  switch (name) {
    case 'len':
      if (typeof value === 'string') return [...value].length;
      if (Array.isArray(value)) return value.length;
      if (value && typeof value === 'object') return Object.keys(value).length;
      throw new Error(
        `len needs an array, a map or a string, not ${typeName(value)}`,
      );
    case 'isNaN':
      return Number.isNaN(number(value, 'isNaN'));
    case 'isInf':
      return Math.abs(number(value, 'isInf')) === Infinity;
    case 'asInt':
      if (typeof value === 'number') return Math.trunc(value);
      if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) {
        return Number(value);
      }
      throw new Error(`asInt cannot read ${JSON.stringify(value)}`);
    case 'asFloat':
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        const text = value.trim().toLowerCase().replace(/^\+/, '');
        const special: Record<string, number> = {
          nan: NaN,
          inf: Infinity,
          infinity: Infinity,
          '-inf': -Infinity,
          '-infinity': -Infinity,
        };
        if (text in special) return special[text];
        if (new RegExp(`^${NUMBER}$`).test(text)) return Number(text);
      }
      throw new Error(`asFloat cannot read ${JSON.stringify(value)}`);
    case 'default':
      return isNil(value) ? args[1] : value;
    default:
      return isNil(value);
  }
}

function binary(operator: string, left: unknown, right: unknown): unknown {
  switch (operator) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (
        !(typeof left === 'number' && typeof right === 'number') &&
        !(typeof left === 'string' && typeof right === 'string')
      ) {
        throw new Error(
          `${operator} compares numbers or strings, not ${typeName(
            left,
          )} and ${typeName(right)}`,
        );
      }
      if (operator === '<') return left < right;
      if (operator === '<=') return left <= right;
      if (operator === '>') return left > right;
      return left >= right;
    }
    case '+':
      if (typeof left === 'string' && typeof right === 'string') {
        return left + right;
      }
      return number(left, '+') + number(right, '+');
    case '-':
      return number(left, '-') - number(right, '-');
    case '*':
      return number(left, '*') * number(right, '*');
    case '/':
      return number(left, '/') / number(right, '/');
    default: {
      const divisor = number(right, '%');
      if (divisor === 0) throw new Error('% by zero');
      return number(left, '%') % divisor;
    }
  }
}

function evaluate(node: Expression, result: unknown): unknown {
  switch (node.type) {
    case 'Literal':
      return (node as JsepLiteral).value;
    case 'Identifier':
      return result;
    case 'MemberExpression': {
      const expression = node as JsepMember;
      const object = evaluate(expression.object, result);
      const key = expression.computed
        ? evaluate(expression.property, result)
        : (expression.property as JsepIdentifier).name;
      return member(object, key, Boolean(expression.optional));
    }
    case 'UnaryExpression': {
      const { operator, argument } = node as JsepUnary;
      const value = evaluate(argument, result);
      if (operator === '-') return -number(value, '-');
      if (operator === '+') return number(value, '+');
      return !boolean(value, operator);
    }
    case 'BinaryExpression': {
      const { operator, left, right } = node as JsepBinary;
      if (['&&', 'and', '||', 'or'].includes(operator)) {
        const first = boolean(evaluate(left, result), operator);
        const and = operator === '&&' || operator === 'and';
        if (and ? !first : first) return first;
        return boolean(evaluate(right, result), operator);
      }
      return binary(operator, evaluate(left, result), evaluate(right, result));
    }
    case 'CallExpression': {
      const expression = node as JsepCall;
      const name = (expression.callee as JsepIdentifier).name;
      return call(
        name,
        expression.arguments.map(arg => evaluate(arg, result)),
      );
    }
    default:
      throw new Error(describe(node));
  }
}

/**
 * Whether a condition holds for a result; throws when it cannot be
 * evaluated (an index out of range, a comparison of a string with a
 * number) or does not give true or false.
 */
export function holds(expression: Expression, result: unknown): boolean {
  const value = evaluate(expression, result);
  if (typeof value !== 'boolean') {
    throw new Error(`gives ${typeName(value)}, not true or false`);
  }
  return value;
}
