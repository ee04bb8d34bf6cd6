import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { GluClient } from '@glu-dev/plugin-glu-common';
import { gluApiRef } from './api';
import { isGluTabShown } from './conditions';

/** The Glu API client. */
const gluApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gluApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GluClient({ discoveryApi, fetchApi }),
    }),
});

/** The Glu tab on catalog entities. */
const gluEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/glu',
    title: 'Glu',
    filter: isGluTabShown,
    loader: () =>
      import('./components/EntityGluContent').then(m => <m.EntityGluContent />),
  },
});

/**
 * The Glu plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'glu',
  info: { packageJson: () => import('../package.json') },
  extensions: [gluApi, gluEntityContent],
});
