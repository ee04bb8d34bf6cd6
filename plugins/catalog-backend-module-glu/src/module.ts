import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { pipelineValidationOptions } from '@glu-dev/plugin-glu-node';
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
        catalog: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
      },
      async init({ catalog, discovery, auth, logger, config }) {
        catalog.addProcessor(
          new PipelineEntityProcessor(
            pipelineValidationOptions({ discovery, auth, logger, config }),
          ),
        );
      },
    });
  },
});
