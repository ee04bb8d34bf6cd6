import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  gluTimeoutMillis,
  pipelineValidationOptions,
} from '@glu-dev/plugin-glu-node';
import { CatalogRefusals } from './refusals';
import { PipelineEntityProcessor } from './PipelineEntityProcessor';

/**
 * Adds the `Pipeline` kind (`glu.dev/v1alpha1`) to the catalog.
 *
 * @public
 */
export const catalogModuleGlu = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'glu',
  register(env) {
    env.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        // The catalog's own API, for the owners of pipelines: asked with
        // this module's service credentials.
        catalog: catalogServiceRef,
      },
      async init({ processing, discovery, auth, logger, config, catalog }) {
        processing.addProcessor(
          new PipelineEntityProcessor({
            ...pipelineValidationOptions({
              discovery,
              auth,
              logger,
              config,
              catalog,
            }),
            // The catalog keeps no entity it refused: Glu is told why, for
            // the pipelines' owners and the pipeline's 404.
            refusals: new CatalogRefusals({
              discovery,
              auth,
              logger,
              timeoutMillis: gluTimeoutMillis(config, 'http'),
            }),
          }),
        );
      },
    });
  },
});
