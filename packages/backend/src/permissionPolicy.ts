import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  gluApprovePermission,
  gluPinPermission,
  gluPromotePermission,
  gluPublishPermission,
  gluRollbackPermission,
} from '@glu-dev/plugin-glu-common';

/** What only the owners of a pipeline may do. */
const ownerOnly = [
  gluApprovePermission,
  gluPromotePermission,
  gluRollbackPermission,
  gluPinPermission,
  gluPublishPermission,
];

/**
 * The example portal's policy: anyone signed in may read everything; only
 * the members of the group that owns a pipeline may promote, roll back, pin or
 * publish a version in it; services (CI with a static token) may publish.
 */
export class GluExamplePolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    // CI publishes versions with a service token (external access).
    if (isPermission(request.permission, gluPublishPermission) && !user) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      ownerOnly.some(permission => isPermission(request.permission, permission))
    ) {
      return createCatalogConditionalDecision(
        request.permission as ResourcePermission<'catalog-entity'>,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'glu-example-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new GluExamplePolicy());
      },
    });
  },
});
