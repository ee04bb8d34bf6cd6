import { parsePipelineEntity } from './validation';
import { issuesOf, pipeline, valid } from '../__testUtils__/pipelines';

describe('environments and systems of a pipeline', () => {
  it('reads environments and the system, and refuses one that is not a name, a duplicate or not a system', () => {
    const [staging, production] = valid.phases;
    const withEnvironments = (...environments: Array<string | undefined>) => ({
      ...valid,
      system: 'shop',
      phases: [staging, production].map((phase, i) => ({
        ...phase,
        ...(environments[i] ? { environment: environments[i] } : {}),
      })),
    });
    const definition = parsePipelineEntity(
      pipeline(withEnvironments('staging', 'live')),
    );
    // Kept only where it is not the phase's name.
    expect(definition.phases.map(p => p.environment)).toEqual([
      undefined,
      'live',
    ]);
    expect(definition.system).toBe('system:default/shop');
    const twice = (phase: string, environment: string) =>
      `spec.phases[1].environment: phase "${phase}" stands for environment "${environment}" already; give each phase an environment of its own`;
    expect(issuesOf(withEnvironments(undefined, 'staging'))).toEqual([
      twice('staging', 'staging'),
    ]);
    expect(issuesOf(withEnvironments('production'))).toEqual([
      twice('staging', 'production'),
    ]);
    expect(issuesOf(withEnvironments('Pre Prod'))).toEqual([
      expect.stringMatching(/^spec\.phases\[0\]\.environment: /),
    ]);
    expect(issuesOf({ ...valid, system: 'component:default/shop' })).toEqual([
      'spec.system: "component:default/shop" is not a system',
    ]);
    expect(issuesOf({ ...valid, system: 'system:default/' })).toEqual([
      expect.stringMatching(/^spec\.system: /),
    ]);
  });
});
