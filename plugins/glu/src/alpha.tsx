import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { GLU_PLUGIN_ID, GluClient } from '@glu-dev/plugin-glu-common';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import { gluApiRef } from './api';
import { isDoraAvailable, isFleetAvailable, isGluTabShown } from './conditions';
import type { EntityFleetCard } from './components/Fleet/EntityFleetCard';

/** The pipelines page. */
const rootRouteRef = createRouteRef();

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

/** The DORA card on the pages of Pipelines, and of groups and users. */
const gluDoraCard = EntityCardBlueprint.make({
  name: 'dora',
  params: {
    filter: isDoraAvailable,
    loader: () =>
      import('./components/DoraCard').then(m => <m.EntityDoraCard />),
  },
});

/** The fleet card, with its link to the pipelines page where the app has it. */
function FleetCardOfEntity(props: { card: typeof EntityFleetCard }) {
  const page = useRouteRef(rootRouteRef);
  return <props.card pagePath={page?.()} />;
}

/** The fleet card on the pages of groups and systems. */
const gluFleetCard = EntityCardBlueprint.make({
  name: 'fleet',
  params: {
    filter: isFleetAvailable,
    loader: () =>
      import('./components/Fleet').then(m => (
        <FleetCardOfEntity card={m.EntityFleetCard} />
      )),
  },
});

/** The pipelines page at `/glu`, with its item in the app's navigation. */
const gluPage = PageBlueprint.make({
  params: {
    path: '/glu',
    title: 'Pipelines',
    icon: <DeviceHubIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/GluPage/GluPipelinesPage').then(m => (
        <m.GluPipelinesPage />
      )),
  },
});

/**
 * The Glu plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: GLU_PLUGIN_ID,
  title: 'Glu',
  icon: <DeviceHubIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [gluApi, gluEntityContent, gluDoraCard, gluFleetCard, gluPage],
});
