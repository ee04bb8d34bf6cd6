/*
 * The most a pipeline definition may hold, and the check of its sizes: a
 * pipeline is read in one page of the portal.
 */
import { Entity } from '@backstage/catalog-model';
import { PipelineSpec } from './specSchema';

/**
 * The most a definition may hold: a pipeline is read in one page of the portal.
 *
 * @public
 */
export const PIPELINE_LIMITS = {
  phases: 100,
  components: 100,
  gatesPerEdge: 20,
  title: 200,
  description: 4000,
};

/** Where the definition holds more than the limits allow, and how much. */
export function limitIssues(entity: Entity, spec: PipelineSpec): string[] {
  const issues: string[] = [];
  const limit = (at: string, size: number, most: number, what: string) => {
    if (size > most) issues.push(`${at}: at most ${most} ${what}, not ${size}`);
  };
  limit('spec.phases', spec.phases.length, PIPELINE_LIMITS.phases, 'phases');
  limit(
    'spec.components',
    spec.components.length,
    PIPELINE_LIMITS.components,
    'components',
  );
  for (const field of ['title', 'description'] as const) {
    const text = entity.metadata[field];
    if (typeof text === 'string') {
      limit(
        `metadata.${field}`,
        text.length,
        PIPELINE_LIMITS[field],
        'characters',
      );
    }
  }
  spec.phases.forEach((phase, index) => {
    if (phase.title) {
      limit(
        `spec.phases[${index}].title`,
        phase.title.length,
        PIPELINE_LIMITS.title,
        'characters',
      );
    }
  });
  return issues;
}
