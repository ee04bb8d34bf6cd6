import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { gluGatesExtensionPoint } from '@glu-dev/plugin-glu-node';
import { ArgoCdGate } from './ArgoCdGate';

/**
 * The `argocd` gate for the Glu backend: the Argo CD application that
 * deploys the upstream phase is Synced and Healthy at the commit Glu made.
 * Instances and credentials come from `argocd.appLocatorMethods`, as the
 * Argo CD plugins for Backstage read them.
 *
 * @public
 */
export const gluModuleArgocd = createBackendModule({
  pluginId: 'glu',
  moduleId: 'argocd',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        gates: gluGatesExtensionPoint,
      },
      async init({ config, logger, gates }) {
        gates.addGate(ArgoCdGate.fromConfig(config, { logger }));
      },
    });
  },
});
