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

  it('gathers what comes within its window as one batch', async () => {
    jest.useFakeTimers();
    try {
      const batches: string[][] = [];
      const upper = new Batcher<string, string>(
        async items => {
          batches.push(items);
          return items.map(i => i.toUpperCase());
        },
        { windowMillis: 50 },
      );
      const a = upper.add('a');
      jest.advanceTimersByTime(10);
      const b = upper.add('b');
      expect(batches).toEqual([]);
      jest.advanceTimersByTime(40);
      await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
      expect(batches).toEqual([['a', 'b']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails only the caller whose item fails, working a failed batch item by item in order', async () => {
    const batches: number[][] = [];
    const checked = new Batcher<number, number>(async items => {
      batches.push(items);
      if (items.includes(13)) throw new Error(`refused ${items.join(', ')}`);
      return items.map(i => i + 1);
    });
    const answers = await Promise.allSettled(
      [1, 13, 2].map(i => checked.add(i)),
    );
    expect(answers).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('refused 13') },
      { status: 'fulfilled', value: 3 },
    ]);
    expect(batches).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('works every item alone, as it comes, when batching is off', async () => {
    const batches: number[][] = [];
    const alone = new Batcher<number, number>(
      async items => {
        batches.push(items);
        return items.map(i => -i);
      },
      { enabled: false },
    );
    const answers = await Promise.all([1, 2, 3].map(i => alone.add(i)));
    expect(answers).toEqual([-1, -2, -3]);
    expect(batches).toEqual([[1], [2], [3]]);
  });

  it('hands a work that throws at once to its callers, not to the process', async () => {
    const throwing = new Batcher<number, number>(() => {
      throw new Error('no');
    });
    await expect(throwing.add(1)).rejects.toThrow('no');
    await expect(
      Promise.allSettled([throwing.add(1), throwing.add(2)]),
    ).resolves.toEqual([
      { status: 'rejected', reason: new Error('no') },
      { status: 'rejected', reason: new Error('no') },
    ]);
  });
});
