import { withinDeadline } from './deadlines';

describe('withinDeadline', () => {
  it('answers what the work answers, or its error, before the deadline', async () => {
    await expect(withinDeadline(Promise.resolve(42), 1_000)).resolves.toBe(42);
    await expect(
      withinDeadline(Promise.reject(new Error('refused')), 1_000),
    ).rejects.toThrow('refused');
  });

  it('gives up on work that never answers, once the deadline has passed', async () => {
    const started = Date.now();
    await expect(withinDeadline(new Promise(() => {}), 1_200)).rejects.toThrow(
      'no answer within 1s',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_150);
  });
});
