import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { pipelineValidationOptions } from '@glu-dev/plugin-glu-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGluPipelineAction } from './createPipelineAction';

/**
 * Adds `glu:pipeline:create` to the scaffolder: templates write Pipeline
 * definitions that the catalog accepts.
 *
 * @public
 */
export const scaffolderModuleGlu = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'glu',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, discovery, auth, logger, config, catalog }) {
        scaffolder.addActions(
          createGluPipelineAction(
            pipelineValidationOptions({
              discovery,
              auth,
              logger,
              config,
              catalog,
            }),
          ),
        );
      },
    });
  },
});
