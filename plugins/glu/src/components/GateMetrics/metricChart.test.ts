import {
  axisTime,
  compactValue,
  conditionThresholds,
  valueDomain,
  valueRuns,
} from './metricChart';

describe('conditionThresholds', () => {
  it.each([
    ['< 0.01', [0.01]],
    ['>= 0.95', [0.95]],
    ['<=250', [250]],
    ['> -1.5e-3', [-0.0015]],
    ['== 0', [0]],
    ['between 0.1 and 0.5', [0.1, 0.5]],
    ['BETWEEN 5 and 1', [1, 5]],
  ])('draws %s at %j', (condition, expected) => {
    expect(conditionThresholds(condition)).toEqual(expected);
  });

  it.each([
    'result[0] >= 0.95',
    'len(result) > 0 && result[0] < 0.01',
    '< 1%',
    'between 1 and',
    '',
  ])('draws nothing for %s', condition => {
    expect(conditionThresholds(condition)).toEqual([]);
  });
});

describe('valueDomain', () => {
  it('spans the values and the thresholds', () => {
    expect(valueDomain([0.002, 0.003], [0.01])).toEqual([0.002, 0.01]);
    expect(valueDomain([0.97, 0.99], [0.95])).toEqual([0.95, 0.99]);
  });

  it('starts from zero when everything is the same', () => {
    expect(valueDomain([3, 3], [])).toEqual([0, 3]);
    expect(valueDomain([-2], [])).toEqual([-2, 0]);
    expect(valueDomain([0], [])).toEqual([0, 1]);
    expect(valueDomain([], [])).toEqual([0, 1]);
  });
});

describe('compactValue', () => {
  it('keeps a few significant digits', () => {
    expect(compactValue(0.0021)).toBe('0.0021');
    expect(compactValue(0.95321)).toBe('0.953');
    expect(compactValue(250)).toBe('250');
    expect(compactValue(12345)).toBe('12.3K');
  });
});

describe('valueRuns', () => {
  it('breaks at a measurement without a value', () => {
    const runs = valueRuns([
      { value: 1 },
      { value: 2 },
      {},
      { value: 3 },
      {},
      {},
    ]);
    expect(runs).toEqual([[{ value: 1 }, { value: 2 }], [{ value: 3 }]]);
  });
});

describe('axisTime', () => {
  it('does not throw on a time that does not parse', () => {
    expect(axisTime(Date.parse('not a time'), false)).toBe('?');
    expect(axisTime(Date.parse('2025-06-02T14:00:00Z'), false)).toMatch(/\d\d/);
  });
});
