import { GateDefinition } from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { builtInGates } from '../gates';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { ViewCache } from './ViewCache';

/** A pipeline whose one edge, from `build` into `staging`, has these gates. */
function gated(name: string, gates: GateDefinition[]) {
  return storedPipeline(name, [storedGitPhase('staging', 'build', gates)]);
}

describe('ViewCache', () => {
  const gates = new ExtensionRegistry<GluGate>('gate');
  gates.add(
    ...builtInGates,
    {
      type: 'ticket',
      cacheable: true,
      evaluate: async () => ({ passed: true, reason: 'filed' }),
    },
    {
      type: 'weather',
      evaluate: async () => ({ passed: true, reason: 'sunny' }),
    },
  );

  it('keeps a view while its revision holds, and only views whose gates all declare themselves cacheable', () => {
    const cache = new ViewCache<string>(gates);
    const kept = gated('kept', [{ approvals: 1 }, { ticket: {} }]);
    cache.keep(kept, '1@t', 'view 1');
    expect(cache.get(kept.ref, '1@t')).toBe('view 1');
    // The revision moved: the view is gone, whatever asks next.
    expect(cache.get(kept.ref, '2@t')).toBeUndefined();
    expect(cache.get(kept.ref, '1@t')).toBeUndefined();

    for (const pipeline of [
      gated('soaked', [{ approvals: 1 }, { soak: '10m' }]),
      gated('windowed', [{ window: { days: ['mon'] } }]),
      // A gate that says nothing is not kept: the safe default.
      gated('weather', [{ weather: {} }]),
      gated('unknown', [{ nobody: {} }]),
    ]) {
      cache.keep(pipeline, '1@t', 'view');
      expect({
        pipeline: pipeline.name,
        kept: cache.get(pipeline.ref, '1@t'),
      }).toEqual({
        pipeline: pipeline.name,
        kept: undefined,
      });
    }
  });
});
