import { ConfigReader } from '@backstage/config';
import { gluOptimizations } from './optimizations';

describe('gluOptimizations', () => {
  it('has every optimization on unless switched off', () => {
    expect(gluOptimizations(new ConfigReader({}))).toEqual({
      batching: true,
      announcedWrites: true,
      gitSpawner: true,
    });
    expect(
      gluOptimizations(
        new ConfigReader({
          glu: { optimizations: { gitSpawner: false, batching: true } },
        }),
      ),
    ).toEqual({ gitSpawner: false, batching: true, announcedWrites: true });
  });

  it('names what it does not know, such as an optimization that was removed', () => {
    expect(() =>
      gluOptimizations(
        new ConfigReader({ glu: { optimizations: { readAhead: false } } }),
      ),
    ).toThrow(
      'glu.optimizations.readAhead is not an optimization; known: batching, announcedWrites, gitSpawner',
    );
  });
});
