import { WritesUnderWay } from './WritesUnderWay';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('WritesUnderWay', () => {
  afterEach(() => jest.useRealTimers());

  it('stops once the writes under way ended, and refuses new ones meanwhile', async () => {
    const underWay = new WritesUnderWay();
    const push = deferred();
    const write = underWay.run(() => push.promise.then(() => 'pushed'));
    const failing = underWay.run(() => Promise.reject(new Error('refused')));
    await expect(failing).rejects.toThrow('refused');

    let stopped: number | undefined;
    const stopping = underWay.stop(60_000).then(left => {
      stopped = left;
    });
    await expect(underWay.run(async () => 'late')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Glu is stopping and starts no more writes; ask again',
    });
    await Promise.resolve();
    expect(stopped).toBeUndefined();

    push.resolve();
    await expect(write).resolves.toBe('pushed');
    await stopping;
    expect(stopped).toBe(0);
  });

  it('waits no longer than it was given, and says how many were left', async () => {
    jest.useFakeTimers();
    const underWay = new WritesUnderWay();
    const hung = deferred();
    underWay.run(() => hung.promise);

    let left: number | undefined;
    const stopping = underWay.stop(20_000).then(n => {
      left = n;
    });
    await jest.advanceTimersByTimeAsync(19_999);
    expect(left).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    await stopping;
    expect(left).toBe(1);
  });
});
