import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { PIPELINE_KIND, RELATION_DELIVERS } from '@glu-dev/plugin-glu-common';
import useAsync from 'react-use/esm/useAsync';

/** Whether the entity is a Pipeline. */
export function isPipeline(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') ===
    PIPELINE_KIND.toLocaleLowerCase('en-US')
  );
}

/** The Pipeline entities that show in an entity's Glu tab. */
export function usePipelines(entity: Entity) {
  const catalogApi = useApi(catalogApiRef);
  const entityRef = stringifyEntityRef(entity);
  return useAsync(async (): Promise<Entity[]> => {
    if (isPipeline(entity)) {
      return [entity];
    }
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: PIPELINE_KIND,
        [`relations.${RELATION_DELIVERS}`]: entityRef,
      },
      fields: ['kind', 'metadata', 'spec', 'relations'],
    });
    return items;
  }, [catalogApi, entityRef]);
}
