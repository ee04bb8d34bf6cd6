import { coveredPhases, normalizeScope } from './scope';

const pipeline = {
  ref: 'pipeline:default/checkout',
  namespace: 'default',
  owner: 'group:default/team-checkout',
  phases: [
    { name: 'build', edges: [] },
    { name: 'staging', edges: [{ from: 'build' }] },
    { name: 'production', edges: [{ from: 'staging' }] },
  ],
} as any;

describe('a freeze scope', () => {
  it('covers every phase something promotes into when it says nothing', () => {
    expect(coveredPhases(normalizeScope({}), pipeline)).toEqual([
      'staging',
      'production',
    ]);
  });

  it('covers only what every part given matches', () => {
    const covered = (scope: object) =>
      coveredPhases(normalizeScope(scope), pipeline);
    expect(covered({ phases: ['production'] })).toEqual(['production']);
    expect(covered({ owners: ['team-checkout'] })).toHaveLength(2);
    expect(covered({ owners: ['Group:Default/Team-Checkout'] })).toHaveLength(
      2,
    );
    expect(covered({ owners: ['team-payments'] })).toEqual([]);
    expect(covered({ pipelines: ['checkout'], phases: ['staging'] })).toEqual([
      'staging',
    ]);
    expect(covered({ pipelines: ['pipeline:default/payments'] })).toEqual([]);
    expect(covered({ namespaces: ['payments'] })).toEqual([]);
    expect(
      covered({ namespaces: ['default'], owners: ['team-payments'] }),
    ).toEqual([]);
  });

  it('covers a phase by the environment it stands for', () => {
    const renamed = {
      ...pipeline,
      phases: [
        { name: 'build', edges: [] },
        { name: 'qa', environment: 'staging', edges: [{ from: 'build' }] },
        { name: 'prod', environment: 'production', edges: [{ from: 'qa' }] },
      ],
    };
    expect(
      coveredPhases(normalizeScope({ phases: ['production'] }), renamed),
    ).toEqual(['prod']);
    expect(coveredPhases(normalizeScope({ phases: ['qa'] }), renamed)).toEqual([
      'qa',
    ]);
  });

  it('refuses a ref that is not one, naming it', () => {
    expect(() =>
      normalizeScope({ pipelines: ['component:default/x'] }),
    ).toThrow(/Not a pipeline's entity ref: component:default\/x/);
    expect(() => normalizeScope({ owners: ['component:default/x'] })).toThrow(
      /not a group or a user/,
    );
  });
});
