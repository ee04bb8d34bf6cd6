import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  environmentOf,
  FreezeScope,
  parsePipelineRef,
  PipelineDefinition,
  pipelineOwnerRef,
} from '@glu-dev/plugin-glu-common';

/**
 * A freeze's scope in the form Glu compares: owners and pipelines as full
 * entity refs in lower case, namespaces in lower case. Throws an
 * InputError (400) for a ref that is not one, naming it.
 */
export function normalizeScope(scope: FreezeScope = {}): FreezeScope {
  const lower = (text: string) => text.toLocaleLowerCase('en-US');
  const unique = (values: string[]) => [...new Set(values)];
  return {
    ...(scope.namespaces?.length
      ? { namespaces: unique(scope.namespaces.map(lower)) }
      : {}),
    ...(scope.owners?.length
      ? {
          owners: unique(
            scope.owners.map(o => lower(pipelineOwnerRef(o, 'default'))),
          ),
        }
      : {}),
    ...(scope.pipelines?.length
      ? {
          pipelines: unique(
            scope.pipelines.map(p =>
              lower(stringifyEntityRef(parsePipelineRef(p))),
            ),
          ),
        }
      : {}),
    ...(scope.phases?.length ? { phases: unique(scope.phases) } : {}),
  };
}

/**
 * The phases of a pipeline that a scope covers: every part of the scope
 * that is given must match. Scopes compared here are normalized.
 */
export function coveredPhases(
  scope: FreezeScope,
  pipeline: Pick<PipelineDefinition, 'ref' | 'namespace' | 'owner' | 'phases'>,
): string[] {
  const lower = (text: string) => text.toLocaleLowerCase('en-US');
  if (
    scope.namespaces &&
    !scope.namespaces.includes(lower(pipeline.namespace))
  ) {
    return [];
  }
  if (scope.owners && !scope.owners.includes(lower(pipeline.owner))) {
    return [];
  }
  if (scope.pipelines && !scope.pipelines.includes(lower(pipeline.ref))) {
    return [];
  }
  // Only phases that something promotes into can be held.
  const written = pipeline.phases.filter(p => p.edges.length > 0);
  // A phase by its name, or by the environment it stands for.
  return written
    .filter(
      p =>
        !scope.phases ||
        scope.phases.includes(p.name) ||
        scope.phases.includes(environmentOf(p)),
    )
    .map(p => p.name);
}

/** The words for what a scope covers. */
export function describeScope(scope: FreezeScope): string {
  const parts = [
    scope.namespaces && `namespaces ${scope.namespaces.join(', ')}`,
    scope.owners && `pipelines of ${scope.owners.join(', ')}`,
    scope.pipelines && `pipelines ${scope.pipelines.join(', ')}`,
    scope.phases && `phases ${scope.phases.join(', ')}`,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'every pipeline';
}
