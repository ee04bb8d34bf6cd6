import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { gluPermissions } from '@glu-dev/plugin-glu-common';
import { gluOwnerDecision } from '@glu-dev/plugin-glu-node';

/**
 * A permission policy in which the owners of a pipeline may change it
 * (promote, roll back, pin, approve, publish) and anyone signed in may read
 * it; release managers may set freezes and hotfix through them. Every other
 * permission goes to `fallback`: by default everything is allowed, as in the policy that `@backstage/create-app` starts with.
 *
 * @public
 */
export class GluOwnerPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      /** Who the user is and which groups the user belongs to. */
      userInfo: UserInfoService;
      /** What decides every permission that is not Glu's. */
      fallback?: PermissionPolicy;
      /**
       * The users and groups who may set freezes and hotfix through them
       * (`glu.releaseManagers` in app-config); nobody by default.
       */
      releaseManagers?: string[];
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { userInfo, fallback } = this.options;
    if (gluPermissions.some(p => p.name === request.permission.name)) {
      const claims = user
        ? (await userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
        : [];
      return gluOwnerDecision(request, claims, {
        releaseManagers: this.options.releaseManagers,
      })!;
    }
    return fallback
      ? fallback.handle(request, user)
      : { result: AuthorizeResult.ALLOW };
  }
}
