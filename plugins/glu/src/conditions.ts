import { Entity } from '@backstage/catalog-model';
import {
  PIPELINE_KIND,
  RELATION_DELIVERED_BY,
} from '@glu-dev/plugin-glu-common';

/**
 * Whether an entity has something to show in the Glu tab: it is a pipeline,
 * or a pipeline delivers it.
 *
 * @public
 */
export function isGluAvailable(entity: Entity): boolean {
  if (
    entity.kind.toLocaleLowerCase('en-US') ===
    PIPELINE_KIND.toLocaleLowerCase('en-US')
  ) {
    return true;
  }
  return Boolean(entity.relations?.some(r => r.type === RELATION_DELIVERED_BY));
}

/**
 * Where the Glu tab is offered: pipelines, and components, which get an empty
 * state explaining how to add a pipeline when none delivers them yet.
 */
export function isGluTabShown(entity: Entity): boolean {
  return (
    isGluAvailable(entity) ||
    entity.kind.toLocaleLowerCase('en-US') === 'component'
  );
}

/**
 * Whether an entity has DORA figures in Glu: a Pipeline, or a group or user
 * (the figures of the pipelines it owns), for the legacy `EntityGluDoraCard`.
 *
 * @public
 */
export function isDoraAvailable(entity: { kind: string }): boolean {
  return ['pipeline', 'group', 'user'].includes(entity.kind.toLowerCase());
}

/**
 * Whether an entity has a fleet in Glu: a group (the pipelines it owns) or
 * a system (the pipelines that are part of it), for the legacy
 * `EntityGluFleetCard`.
 *
 * @public
 */
export function isFleetAvailable(entity: { kind: string }): boolean {
  return ['group', 'system'].includes(entity.kind.toLowerCase());
}
