import { ConfigReader } from '@backstage/config';
import { gluOptimizations } from './optimizations';

describe('gluOptimizations', () => {
  it('has every optimization on unless switched off', () => {
    expect(gluOptimizations(new ConfigReader({}))).toEqual({
      batching: true,
      announcedWrites: true,
      readAhead: true,
      yamlParseCache: true,
      gzippedViews: true,
      gitSpawner: true,
    });
    expect(
      gluOptimizations(
        new ConfigReader({
          glu: { optimizations: { readAhead: false, gzippedViews: true } },
        }),
      ),
    ).toMatchObject({ readAhead: false, gzippedViews: true, batching: true });
  });

  it('names what it does not know', () => {
    expect(() =>
      gluOptimizations(
        new ConfigReader({ glu: { optimizations: { readahead: false } } }),
      ),
    ).toThrow(
      'glu.optimizations.readahead is not an optimization; known: batching, announcedWrites, readAhead, yamlParseCache, gzippedViews, gitSpawner',
    );
  });
});
