import { createRouteRef } from '@backstage/core-plugin-api';

/** The pipelines page, `GluPage` (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'glu' });

/** The Glu tab of an entity, `EntityGluContent` (legacy frontend system). */
export const entityContentRouteRef = createRouteRef({
  id: 'glu:entity-content',
});
