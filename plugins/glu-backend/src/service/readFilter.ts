import {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { PipelineFilter } from '../store/PipelineStore';

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
