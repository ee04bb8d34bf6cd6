/**
 * The `prometheus` gate's conditions: a threshold (`< 0.01`, `between 0.9
 * and 1`) that one value meets or not.
 */

/** A threshold of the `prometheus` gate. */
export type Threshold =
  | { op: '<' | '<=' | '>' | '>=' | '==' | '!='; value: number }
  | { op: 'between'; low: number; high: number };

/** A number as people write one: `0.01`, `.5`, `1e-3`. */
export const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const COMPARISON = new RegExp(`^\\s*(<=|>=|==|!=|<|>)\\s*(${NUMBER})\\s*$`);
const BETWEEN = new RegExp(
  `^\\s*between\\s+(${NUMBER})\\s+and\\s+(${NUMBER})\\s*$`,
  'i',
);

/** A threshold from its text, or what is wrong with the text. */
export function parseThreshold(
  text: unknown,
): { threshold: Threshold } | { problem: string } {
  const hint =
    'condition must be like "< 0.01", "<= x", "> x", ">= x", "== x", "!= x" or "between x and y"';
  if (typeof text !== 'string') return { problem: hint };
  const comparison = COMPARISON.exec(text);
  if (comparison) {
    return {
      threshold: {
        op: comparison[1] as '<',
        value: Number(comparison[2]),
      },
    };
  }
  const between = BETWEEN.exec(text);
  if (between) {
    const [low, high] = [Number(between[1]), Number(between[2])];
    if (low > high) {
      return {
        problem: `condition "${text}" is empty: the lower bound comes first`,
      };
    }
    return { threshold: { op: 'between', low, high } };
  }
  return { problem: `${hint}, not ${JSON.stringify(text)}` };
}

/** The threshold as people write it: `< 0.01`, `between 0.9 and 1`. */
export function formatThreshold(threshold: Threshold): string {
  return threshold.op === 'between'
    ? `between ${threshold.low} and ${threshold.high}`
    : `${threshold.op} ${threshold.value}`;
}

/** Whether a value meets a threshold (`between` includes its bounds). */
export function meetsThreshold(threshold: Threshold, value: number): boolean {
  switch (threshold.op) {
    case '<':
      return value < threshold.value;
    case '<=':
      return value <= threshold.value;
    case '>':
      return value > threshold.value;
    case '>=':
      return value >= threshold.value;
    case '==':
      return value === threshold.value;
    case '!=':
      return value !== threshold.value;
    default:
      return value >= threshold.low && value <= threshold.high;
  }
}
