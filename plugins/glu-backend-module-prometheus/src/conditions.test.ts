import { jsep } from './jsep';
import { conditionProblems, holds, parseCondition } from './conditions';
import {
  formatThreshold,
  meetsThreshold,
  parseThreshold,
  Threshold,
} from './threshold';

function condition(text: string) {
  const parsed = parseCondition(text);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return (result: unknown) => holds(parsed.expression, result);
}

describe('thresholds of the prometheus gate', () => {
  const threshold = (text: string): Threshold => {
    const parsed = parseThreshold(text);
    if ('problem' in parsed) throw new Error(parsed.problem);
    return parsed.threshold;
  };

  it.each([
    ['< 0.01', 0.005, true],
    ['< 0.01', 0.01, false],
    ['<= 0.01', 0.01, true],
    ['> 100', 101, true],
    ['>= 100', 99.9, false],
    ['== 1', 1, true],
    ['!= 0', 0, false],
    ['between 0.9 and 1', 0.9, true],
    ['between 0.9 and 1', 1, true],
    ['between 0.9 and 1', 1.01, false],
    ['<1e-3', 0.0005, true],
  ])('%s with %s is %s', (text, value, expected) => {
    expect(meetsThreshold(threshold(text), value)).toBe(expected);
  });

  it('writes a threshold as people do', () => {
    expect(formatThreshold(threshold('<0.01'))).toBe('< 0.01');
    expect(formatThreshold(threshold('Between  .9 and 1'))).toBe(
      'between 0.9 and 1',
    );
  });

  it('says what a condition should look like', () => {
    for (const text of ['0.01', '=< 1', '< x', 'between 1', undefined, 5]) {
      expect(parseThreshold(text)).toEqual({
        problem: expect.stringContaining('condition must be like "< 0.01"'),
      });
    }
    expect(parseThreshold('between 2 and 1')).toEqual({
      problem:
        'condition "between 2 and 1" is empty: the lower bound comes first',
    });
  });
});

describe('conditions of analysis metrics', () => {
  it('evaluates what Argo Rollouts templates say', () => {
    expect(condition('result[0] >= 0.95')([0.97])).toBe(true);
    expect(condition('result[0] >= 0.95')([0.9])).toBe(false);
    expect(condition('result >= 0.95')(0.95)).toBe(true);
    expect(condition('result[-1] < 5')([9, 4])).toBe(true);
    expect(condition('len(result) > 0 and result[0] < 5')([1])).toBe(true);
    expect(condition('len(result) == 0 || result[0] < 5')([])).toBe(true);
    expect(condition('not (result[0] > 1)')([0.5])).toBe(true);
    expect(condition('!isNaN(result[0])')([NaN])).toBe(false);
    expect(condition('isInf(result)')(-Infinity)).toBe(true);
    expect(condition('result.data.ok == true')({ data: { ok: true } })).toBe(
      true,
    );
    expect(
      condition('result["ok"] && result.rate > 0.9')({ ok: true, rate: 1 }),
    ).toBe(true);
    expect(condition('result.missing == nil')({})).toBe(true);
    expect(condition('result?.a?.b == nil')(null)).toBe(true);
    expect(condition('asInt(result) == 3')('3')).toBe(true);
    expect(condition('asFloat(result) > 0.5')('0.75')).toBe(true);
    expect(condition('default(result, 0) == 0')(null)).toBe(true);
    expect(condition('isNil(result)')(undefined)).toBe(true);
    expect(condition('result == "ok"')('ok')).toBe(true);
    expect(condition('(result[0] + result[1]) / 2 % 2 == 1 - 0')([1, 1])).toBe(
      true,
    );
    expect(condition('result * 100 >= 95')(0.96)).toBe(true);
  });

  it('gives errors that say why a condition cannot be evaluated', () => {
    expect(() => condition('result[0] > 1')([])).toThrow(
      'index out of range: 0 (length 0)',
    );
    expect(() => condition('result > 1')('high')).toThrow(
      '> compares numbers or strings, not a string and a number',
    );
    expect(() => condition('result')(1)).toThrow(
      'gives a number, not true or false',
    );
    expect(() => condition('result.a.b')(null)).toThrow('cannot read a of nil');
    expect(() => condition('result and true')(1)).toThrow(
      'and needs true or false, not a number',
    );
  });

  it('reads no property of a value that is not its own', () => {
    expect(condition('result.constructor == nil')({})).toBe(true);
    expect(condition('result["__proto__"] == nil')({})).toBe(true);
  });

  it('refuses by name what Glu does not evaluate', () => {
    expect(conditionProblems('successCondition', 'sum(result) > 1')).toEqual([
      'successCondition "sum(result) > 1": function sum is not supported (only len, isNaN, isInf, asInt, asFloat, default, isNil)',
    ]);
    expect(conditionProblems('successCondition', 'result ** 2 > 1')).toEqual([
      'successCondition "result ** 2 > 1": operator ** is not supported',
    ]);
    expect(
      conditionProblems('failureCondition', 'result > 1 ? true : false'),
    ).toEqual([
      'failureCondition "result > 1 ? true : false": the ?: operator is not supported',
    ]);
    expect(conditionProblems('successCondition', 'env.HOME == 1')).toEqual([
      'successCondition "env.HOME == 1": unknown name env (a condition looks at result)',
    ]);
    expect(conditionProblems('successCondition', 'len(result, 1) > 1')).toEqual(
      ['successCondition "len(result, 1) > 1": len takes 1 argument, not 2'],
    );
    expect(conditionProblems('successCondition', 'result.x() > 1')).toEqual([
      'successCondition "result.x() > 1": calls on values are not supported (only len, isNaN, isInf, asInt, asFloat, default, isNil)',
    ]);
    expect(conditionProblems('successCondition', 'result[')[0]).toMatch(
      /^successCondition "result\[": cannot be read: /,
    );
    expect(conditionProblems('successCondition', '')).toEqual([
      'successCondition must be an expression over result, e.g. result[0] >= 0.95',
    ]);
    expect(conditionProblems('successCondition', 'x'.repeat(3000))).toEqual([
      expect.stringContaining('is longer than 2000 characters'),
    ]);
  });

  it('leaves jsep as it found it for other users', () => {
    condition('result > 1 and result < 2');
    expect('and' in jsep.binary_ops).toBe(false);
    expect('or' in jsep.binary_ops).toBe(false);
    expect('not' in jsep.unary_ops).toBe(false);
  });
});
