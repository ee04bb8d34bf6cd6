import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Who a user is, for approval policies: the groups they belong to (their
 * ownership refs, as Backstage's user info has them) and their email (as
 * the catalog's User entity has it, to tell a version's author by the email
 * of a commit). A catalog that does not answer leaves the email out.
 */
export function whoIsOf(deps: {
  userInfo: UserInfoService;
  catalog: CatalogService;
  auth: AuthService;
}) {
  return async (
    credentials: BackstageCredentials,
  ): Promise<{ claims: string[]; email?: string }> => {
    const info = await deps.userInfo.getUserInfo(credentials);
    let email: string | undefined;
    try {
      const user = await deps.catalog.getEntityByRef(info.userEntityRef, {
        credentials: await deps.auth.getOwnServiceCredentials(),
      });
      const profile = (user?.spec as { profile?: { email?: unknown } })
        ?.profile;
      if (typeof profile?.email === 'string') email = profile.email;
    } catch {
      email = undefined;
    }
    return { claims: info.ownershipEntityRefs, ...(email ? { email } : {}) };
  };
}
