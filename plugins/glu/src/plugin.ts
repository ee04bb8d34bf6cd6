import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { GLU_PLUGIN_ID, GluClient } from '@glu-dev/plugin-glu-common';
import { gluApiRef } from './api';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The Glu plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const gluPlugin = createPlugin({
  id: GLU_PLUGIN_ID,
  apis: [
    createApiFactory({
      api: gluApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GluClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * The Glu tab of a catalog entity, for apps on the legacy frontend system.
 *
 * @public
 */
export const EntityGluContent: () => JSX.Element = gluPlugin.provide(
  createRoutableExtension({
    name: 'EntityGluContent',
    component: () =>
      import('./components/EntityGluContent').then(m => m.EntityGluContent),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The pipelines page (every pipeline, filterable by owner), for apps on the
 * legacy frontend system; mount it at `/glu`.
 *
 * @public
 */
export const GluPage: () => JSX.Element = gluPlugin.provide(
  createRoutableExtension({
    name: 'GluPage',
    component: () => import('./components/GluPage').then(m => m.GluPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The DORA card, for apps on the legacy frontend system: on a Pipeline's
 * page, its deployment frequency, lead time for changes, change failure rate
 * and time to restore; on a Group's or User's page, those of every pipeline
 * it owns. Show it for the entities where `isDoraAvailable` is true.
 *
 * @public
 */
export const EntityGluDoraCard: () => JSX.Element = gluPlugin.provide(
  createComponentExtension({
    name: 'EntityGluDoraCard',
    component: {
      lazy: () => import('./components/DoraCard').then(m => m.EntityDoraCard),
    },
  }),
);

/**
 * The fleet card, for apps on the legacy frontend system: on a Group's page,
 * what each environment holds for every pipeline it owns; on a System's,
 * for every pipeline that is part of it; with a link to the fleet view of
 * the pipelines page. Show it for the entities where `isFleetAvailable` is
 * true.
 *
 * @public
 */
export const EntityGluFleetCard: () => JSX.Element = gluPlugin.provide(
  createComponentExtension({
    name: 'EntityGluFleetCard',
    component: {
      lazy: () =>
        import('./components/Fleet').then(m => m.LegacyEntityFleetCard),
    },
  }),
);
