import { Batcher } from './batcher';

describe('Batcher', () => {
  it('hands the items of one turn over as one batch, and each caller its own result', async () => {
    const batches: number[][] = [];
    const doubled = new Batcher<number, number>(async items => {
      batches.push(items);
      return items.map(i => i * 2);
    });
    const first = await Promise.all([1, 2, 3].map(i => doubled.add(i)));
    // The next turn is the next batch.
    const second = await doubled.add(4);
    expect(first).toEqual([2, 4, 6]);
    expect(second).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('gathers what comes within its window, and hands the batch error to every caller', async () => {
    const batches: string[][] = [];
    const refused = new Batcher<string, void>(
      async items => {
        batches.push(items);
        throw new Error(`refused ${items.join(', ')}`);
      },
      { windowMillis: 50 },
    );
    const a = refused.add('a');
    await new Promise(resolve => setTimeout(resolve, 10));
    const b = refused.add('b');
    await expect(a).rejects.toThrow('refused a, b');
    await expect(b).rejects.toThrow('refused a, b');
    expect(batches).toEqual([['a', 'b']]);
  });

  it('hands a work that throws at once to its callers, not to the process', async () => {
    const throwing = new Batcher<number, number>(() => {
      throw new Error('no');
    });
    await expect(throwing.add(1)).rejects.toThrow('no');
  });
});
