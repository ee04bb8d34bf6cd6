import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GluOwnerPolicy } from './GluOwnerPolicy';

/**
 * Sets the permission policy to {@link GluOwnerPolicy}: owners may change
 * their pipelines, everyone signed in may read them, the release managers
 * (`glu.releaseManagers`) may set freezes and hotfix, everything else is
 * allowed. It replaces the allow-all policy module of a new app.
 *
 * @public
 */
export const permissionModuleGluOwnerPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'glu-owner-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        policy.setPolicy(
          new GluOwnerPolicy({
            userInfo,
            releaseManagers:
              config.getOptionalStringArray('glu.releaseManagers') ?? [],
          }),
        );
      },
    });
  },
});
