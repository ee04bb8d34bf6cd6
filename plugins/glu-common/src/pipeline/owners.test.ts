import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { pipelineOwnerRef } from './owners';
import { parsePipelineEntity } from './validation';

describe('pipelineOwnerRef', () => {
  it('resolves an owner in the namespace given, as a group unless it says otherwise, in lower case', () => {
    expect(pipelineOwnerRef('team-checkout', 'payments')).toBe(
      'group:payments/team-checkout',
    );
    expect(pipelineOwnerRef('User:Ana', 'payments')).toBe('user:payments/ana');
    expect(pipelineOwnerRef('group:default/Team-A', 'payments')).toBe(
      'group:default/team-a',
    );
  });

  it('refuses what is not the ref of a group or a user', () => {
    expect(() => pipelineOwnerRef('component:checkout', 'default')).toThrow(
      new InputError(
        'component:default/checkout is not a group or a user; only they own pipelines',
      ),
    );
    expect(() => pipelineOwnerRef('group:default/', 'default')).toThrow(
      '"group:default/" is not an entity reference like group:default/name',
    );
  });

  it("is how a pipeline's owner is read: in the pipeline's namespace", () => {
    const entity = (owner: string): Entity => ({
      apiVersion: 'glu.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'checkout', namespace: 'payments' },
      spec: {
        owner,
        phases: [{ name: 'build', source: { type: 'api' } }],
      },
    });
    expect(parsePipelineEntity(entity('team-checkout')).owner).toBe(
      'group:payments/team-checkout',
    );
    expect(() => parsePipelineEntity(entity('api:checkout'))).toThrow(
      'Invalid pipeline pipeline:payments/checkout: spec.owner: api:payments/checkout is not a group or a user; only they own pipelines',
    );
  });
});
