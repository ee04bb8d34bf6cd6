import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * The owners a list of pipelines asks for: those it names, or with `mine`
 * the caller's ownership refs (a user and their groups).
 */
export async function ownersOf(
  query: { owner?: string[]; mine?: boolean },
  credentials: BackstageCredentials,
  services: { auth: AuthService; userInfo: UserInfoService },
): Promise<string[]> {
  const named = query.owner ?? [];
  if (!query.mine) return named;
  if (named.length > 0) {
    throw new InputError(
      'Give either mine=true or owner=, not both: mine stands for the owners of the caller',
    );
  }
  if (!services.auth.isPrincipal(credentials, 'user')) {
    throw new InputError(
      "mine=true lists the pipelines of a user and needs a user's token; a service names the owners with owner=",
    );
  }
  return (await services.userInfo.getUserInfo(credentials)).ownershipEntityRefs;
}
