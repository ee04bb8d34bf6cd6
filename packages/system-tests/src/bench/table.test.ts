import { alternate, ratio, rotate, spread, Table } from './table';

describe('the bench table', () => {
  it('prints the median ratio of paired samples with their range', () => {
    expect(ratio([110, 240, 90], [100, 200, 100])).toBe(
      '1.10× (0.90–1.20, 3 pairs)',
    );
    expect(spread([3, 1, 2])).toBe('2.0 ms (1.0 ms–3.0 ms)');
  });

  it('alternates Glu and the floor, and which backend goes first', () => {
    expect([0, 1, 2].map(alternate)).toEqual([
      [true, false],
      [false, true],
      [true, false],
    ]);
    expect([0, 1, 2].map(r => rotate(['a', 'b'], r))).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
    ]);
  });

  it('writes a variant column only when there are variants, the variants of a figure together', () => {
    const table = new Table('SQLite');
    const row = { glu: '1', floor: '2', ratio: '0.5×', goal: '—' };
    jest.spyOn(process.stdout, 'write').mockReturnValue(true);
    table.add({ ...row, figure: 'a', variant: 'current' });
    expect(table.markdown().split('\n')[0]).toBe(
      '| figure | Glu | floor | ratio (spread) | goal |',
    );
    table.add({ ...row, figure: 'b', variant: 'current' });
    table.add({ ...row, figure: 'a', variant: 'small | limits' });
    expect(table.markdown().split('\n')).toEqual([
      '| figure | variant         | Glu | floor | ratio (spread) | goal |',
      '| ------ | --------------- | --- | ----- | -------------- | ---- |',
      '| a      | current         | 1   | 2     | 0.5×           | —    |',
      '| a      | small \\| limits | 1   | 2     | 0.5×           | —    |',
      '| b      | current         | 1   | 2     | 0.5×           | —    |',
    ]);
  });
});
