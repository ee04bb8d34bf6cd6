import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQuery } from '@backstage/plugin-permission-node';
import {
  gluFreezePermission,
  gluHotfixPermission,
  gluPermissions,
  gluQuarantineEverywherePermission,
  gluPipelineReadPermission,
  gluRequestPermission,
} from '@glu-dev/plugin-glu-common';

/**
 * The rule "owners may change their pipelines", for a permission policy:
 * anyone signed in may read pipelines; only the owners of a pipeline (the
 * user, or a group the user belongs to) may promote, roll back, pin,
 * approve, publish or quarantine versions in it. Stopping the line and going
 * through it (setting freezes, `glu.freeze.manage`; hotfixes,
 * `glu.pipeline.hotfix`) and quarantining a digest in every pipeline
 * (`glu.quarantine.manage`) is for the release managers alone: the users and
 * groups in `releaseManagers`.
 * Answers undefined for a permission that is not Glu's, so a policy decides
 * the rest itself:
 *
 * ```ts
 * async handle(request: PolicyQuery, user?: PolicyQueryUser) {
 *   const claims = user
 *     ? (await userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
 *     : [];
 *   return gluOwnerDecision(request, claims) ?? { result: AuthorizeResult.ALLOW };
 * }
 * ```
 *
 * The decision is the catalog's `isEntityOwner` condition on the Pipeline
 * entity, so Glu applies it to lists in its own query.
 *
 * @public
 */
export function gluOwnerDecision(
  request: PolicyQuery,
  /** The user and the groups the user belongs to, as entity refs. */
  claims: string[],
  options: {
    /** Who may set freezes and hotfix through them (user and group refs). */
    releaseManagers?: string[];
  } = {},
): PolicyDecision | undefined {
  const { permission } = request;
  if (!gluPermissions.some(p => p.name === permission.name)) return undefined;
  // Anyone who may read a pipeline may ask for a promotion in it: the
  // approval policy decides whether it happens.
  if (
    permission.name === gluPipelineReadPermission.name ||
    permission.name === gluRequestPermission.name
  ) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (
    permission.name === gluFreezePermission.name ||
    permission.name === gluHotfixPermission.name ||
    permission.name === gluQuarantineEverywherePermission.name
  ) {
    const managers = new Set(
      (options.releaseManagers ?? []).map(r => r.toLocaleLowerCase('en-US')),
    );
    return {
      result: claims.some(c => managers.has(c.toLocaleLowerCase('en-US')))
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    };
  }
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: {
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'catalog-entity',
      params: { claims },
    },
  };
}
