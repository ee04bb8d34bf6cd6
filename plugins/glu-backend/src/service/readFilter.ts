import { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { gluPipelineReadPermission } from '@glu-dev/plugin-glu-common';
import { PipelineFilter } from '../store/PipelineStore';
import { CallOptions, principalRef, Readable } from './GluService';
import { readableBy } from './whoIs';

/**
 * The catalog's conditions that a list of pipelines can apply in its own
 * query: who owns the pipeline, and the kind. A policy written for the
 * catalog (`catalogConditions.isEntityOwner`) thus filters Glu's lists in
 * one step. Answers undefined for a condition it does not know; the caller
 * then asks about each pipeline of the page instead.
 */
export function readFilterOf(
  criteria: PermissionCriteria<PermissionCondition>,
): PipelineFilter | undefined {
  if ('allOf' in criteria) {
    const inner = criteria.allOf.map(readFilterOf);
    return inner.every(Boolean)
      ? { allOf: inner as PipelineFilter[] }
      : undefined;
  }
  if ('anyOf' in criteria) {
    const inner = criteria.anyOf.map(readFilterOf);
    return inner.every(Boolean)
      ? { anyOf: inner as PipelineFilter[] }
      : undefined;
  }
  if ('not' in criteria) {
    const inner = readFilterOf(criteria.not);
    return inner ? { not: inner } : undefined;
  }
  const params = (criteria.params ?? {}) as Record<string, unknown>;
  if (criteria.rule === 'IS_ENTITY_OWNER' && Array.isArray(params.claims)) {
    return { ownerIn: params.claims.map(String) };
  }
  if (criteria.rule === 'IS_ENTITY_KIND' && Array.isArray(params.kinds)) {
    return {
      all: params.kinds.some(kind => String(kind).toLowerCase() === 'pipeline'),
    };
  }
  return undefined;
}

/**
 * What of the pipelines the caller may read, as a list asks it: all of
 * them (nothing given), those a filter lets through (the policy's
 * conditions that the store applies in its query), or those of a page that
 * `readable` answers (conditions that only the catalog can apply: one
 * question for the page). A caller who may read no pipeline at all is told
 * so, as Backstage's permission guide does for lists; one who may read some
 * is answered those, which may be none. Every list of pipelines (the
 * pipelines, the fleet) asks here.
 */
export async function readScopeOf(
  permissions: PermissionsService,
  options: CallOptions,
): Promise<{ filter?: PipelineFilter; readable?: Readable }> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission: gluPipelineReadPermission }],
    options,
  );
  if (decision.result === AuthorizeResult.DENY) {
    throw new NotAllowedError(
      `${principalRef(options.credentials)} may not read any pipeline (${
        gluPipelineReadPermission.name
      })`,
    );
  }
  if (decision.result !== AuthorizeResult.CONDITIONAL) return {};
  const filter = readFilterOf(decision.conditions);
  if (filter) return { filter };
  return { readable: readableBy(permissions, options) };
}
