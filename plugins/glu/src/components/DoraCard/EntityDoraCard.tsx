import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { PIPELINE_KIND } from '@glu-dev/plugin-glu-common';
import { DoraCard } from './DoraCard';

/**
 * The DORA card of the entity on the page: a Pipeline's own figures, or
 * those of every pipeline a group or user owns.
 */
export function EntityDoraCard() {
  const { entity } = useEntity();
  const ref = stringifyEntityRef(entity);
  return entity.kind.toLowerCase() === PIPELINE_KIND.toLowerCase() ? (
    <DoraCard pipelineRef={ref} />
  ) : (
    <DoraCard ownerRef={ref} />
  );
}
