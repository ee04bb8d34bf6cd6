import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { gluPipelineReadPermission } from '@glu-dev/plugin-glu-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { approvalPolicyOf } from '@glu-dev/plugin-glu-common';
import { approvalsConfigOf } from '../deciding/approvals';
import { promotionEdge } from '../pipelines/edges';
import { requirePhase } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';

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

/**
 * The groups that the approval policy of the edge into a phase names (full
 * refs, lower case); none when it names none, or the edge is unclear.
 */
export async function approvalGroupsOf(
  store: Pick<GluStore, 'pipelines'>,
  ref: string,
  phaseName: string,
  from?: string,
): Promise<string[]> {
  const { phase } = await requirePhase(store, ref, phaseName);
  const chosen = promotionEdge(phase, from);
  if ('problem' in chosen) return [];
  const config = approvalsConfigOf(chosen.edge);
  return config === undefined
    ? []
    : approvalPolicyOf(config).from.map(f => f.group);
}

/** Which of some pipelines a caller may read. */
export function readableBy(
  permissions: PermissionsService,
  options: { credentials: BackstageCredentials },
): (refs: string[]) => Promise<string[]> {
  return async refs => {
    const decisions = await permissions.authorize(
      refs.map(ref => ({
        permission: gluPipelineReadPermission,
        resourceRef: ref,
      })),
      options,
    );
    return refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW);
  };
}

/** Whether a user is in a group that the edge's approval policy names. */
export async function namedApprover(
  deps: {
    approvalGroups?: (
      ref: string,
      phase: string,
      from?: string,
    ) => Promise<string[]>;
    claimsOf?: (credentials: BackstageCredentials) => Promise<string[]>;
  },
  ref: string,
  phase: string,
  from: string | undefined,
  { credentials }: { credentials: BackstageCredentials },
): Promise<boolean> {
  const { approvalGroups, claimsOf } = deps;
  const principal = credentials.principal as { type: string };
  if (!approvalGroups || !claimsOf || principal.type !== 'user') return false;
  const groups = await approvalGroups(ref, phase, from).catch(
    () => [] as string[],
  );
  if (groups.length === 0) return false;
  const claims = (await claimsOf(credentials)).map(c =>
    c.toLocaleLowerCase('en-US'),
  );
  return groups.some(group => claims.includes(group));
}
