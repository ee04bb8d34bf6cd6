import { layoutPipeline } from './layout';

const phases = (...names: string[]) => names.map(name => ({ name }));

describe('layoutPipeline', () => {
  it('puts a chain of phases in one column each, left to right', () => {
    const { columns } = layoutPipeline(
      phases('build', 'staging', 'production'),
      [
        { from: 'build', to: 'staging' },
        { from: 'staging', to: 'production' },
      ],
    );
    expect(columns).toEqual([['build'], ['staging'], ['production']]);
  });

  it('places fan-out side by side and fan-in after its deepest upstream', () => {
    // build -> staging -> eu, build -> us; eu + us -> global
    const { columns, depth } = layoutPipeline(
      phases('global', 'us', 'eu', 'staging', 'build'),
      [
        { from: 'build', to: 'staging' },
        { from: 'staging', to: 'eu' },
        { from: 'build', to: 'us' },
        { from: 'eu', to: 'global' },
        { from: 'us', to: 'global' },
      ],
    );
    expect(columns).toEqual([['build'], ['us', 'staging'], ['eu'], ['global']]);
    expect(depth.get('global')).toBe(3);
  });

  it('keeps unconnected phases in the first column', () => {
    const { columns } = layoutPipeline(phases('a', 'b'), []);
    expect(columns).toEqual([['a', 'b']]);
  });

  it('does not loop on a cycle, and ignores edges to unknown phases', () => {
    const { columns } = layoutPipeline(phases('a', 'b', 'c'), [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'b' },
      { from: 'x', to: 'a' },
    ]);
    expect(columns).toEqual([['a'], ['b', 'c']]);
  });

  it('lays out a chain of 500 phases in 500 columns', () => {
    const names = Array.from({ length: 500 }, (_, i) => `p${i}`);
    const edges = names.slice(1).map((to, i) => ({ from: names[i], to }));
    const { columns } = layoutPipeline(phases(...names), edges);
    expect(columns).toHaveLength(500);
    expect(columns[499]).toEqual(['p499']);
  });
});
