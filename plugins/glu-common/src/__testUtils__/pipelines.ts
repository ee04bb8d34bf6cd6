/** Pipeline entities for the tests of their validation. */
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  parsePipelineEntity,
  PipelineValidationError,
} from '../pipeline/validation';

export function pipeline(spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: spec as JsonObject,
  };
}

export const gitSource = (
  path: string,
  extra: Record<string, unknown> = {},
) => ({
  type: 'git',
  repository: 'https://github.com/acme/gitops',
  path,
  format: 'kubernetes',
  ...extra,
});

export const valid = {
  owner: 'team-checkout',
  components: ['checkout'],
  phases: [
    { name: 'staging', source: gitSource('env/staging/deployment.yaml') },
    {
      name: 'production',
      source: gitSource('./env/production/deployment.yaml'),
      promotion: { from: 'staging', gates: [{ soak: '30m' }] },
    },
  ],
};

export function issuesOf(
  spec: Record<string, unknown>,
  options = {},
): string[] {
  try {
    parsePipelineEntity(pipeline(spec), options);
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineValidationError);
    return (error as PipelineValidationError).issues;
  }
  throw new Error('expected the definition to be refused');
}
