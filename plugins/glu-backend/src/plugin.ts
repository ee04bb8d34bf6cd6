import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  GluFormat,
  GluSource,
  gluFormatsExtensionPoint,
  gluSourcesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { createRouter } from './service/router';
import { DatabaseGluStore } from './store/DatabaseGluStore';
import { ExtensionRegistry } from './ExtensionRegistry';

/**
 * The Glu backend plugin: runs the pipelines and serves `/api/glu`.
 *
 * @public
 */
export const gluPlugin = createBackendPlugin({
  pluginId: 'glu',
  register(env) {
    const formats = new ExtensionRegistry<GluFormat>('format');
    const sources = new ExtensionRegistry<GluSource>('source');
    env.registerExtensionPoint(gluFormatsExtensionPoint, {
      addFormat: (...added) => formats.add(...added),
    });
    env.registerExtensionPoint(gluSourcesExtensionPoint, {
      addSource: (...added) => sources.add(...added),
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
      },
      async init({ logger, database, httpRouter }) {
        const store = await DatabaseGluStore.create({ database });
        formats.freeze();
        sources.freeze();
        httpRouter.use(
          await createRouter({
            logger,
            store,
            sources: () => sources.types(),
            formats: () => formats.types(),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
