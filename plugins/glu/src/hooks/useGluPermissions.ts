import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import useAsync from 'react-use/esm/useAsync';
import {
  gluApprovePermission,
  gluFreezePermission,
  gluHotfixPermission,
  gluPinPermission,
  gluPromotePermission,
  gluQuarantineEverywherePermission,
  gluQuarantinePermission,
  gluRequestPermission,
  gluRollbackPermission,
} from '@glu-dev/plugin-glu-common';
import { sameEntityRef } from '../components/format';

/** Whether the signed-in user may take an action, and if not, why. */
export type ActionPermission = {
  allowed: boolean;
  /** True until the permission framework has answered. */
  loading?: boolean;
  /** Why the control is disabled; absent when allowed. */
  reason?: string;
  /** The permission policy answered no (not still loading, not an error). */
  denied?: boolean;
};

/** Who is signed in, as the permission policy sees them, and whether they own the pipeline. */
export type SignedIn = {
  userEntityRef: string;
  /** The user and the groups they belong to, as the identity API has them. */
  ownershipEntityRefs: string[];
  /** The user's email, when their profile has one (to tell a version's author). */
  email?: string;
  /** Whether the user or one of their groups is the pipeline's owner. */
  owns: boolean;
};

export type GluPermissions = {
  promote: ActionPermission;
  rollback: ActionPermission;
  pin: ActionPermission;
  approve: ActionPermission;
  /** Promote through a freeze (a hotfix), with a reason. */
  hotfix: ActionPermission;
  /** Quarantine a version of the pipeline, and lift that quarantine. */
  quarantine: ActionPermission;
  /** Ask for a promotion that waits for its approval policy. */
  request: ActionPermission;
  /** Absent until the identity is known, or when the owner is not. */
  signedIn?: SignedIn;
};

/**
 * Who the user is signed in as, and whether they own the pipeline: in a
 * fresh app the guest (`user:development/guest`) owns nothing, and a
 * disabled control that names the identity it saw says what to change.
 */
function signedInSentence(
  signedIn: SignedIn,
  pipelineRef: string,
  owner: string,
): string {
  return signedIn.owns
    ? `You are signed in as ${signedIn.userEntityRef}, an owner of ${pipelineRef} (owned by ${owner}).`
    : `You are signed in as ${signedIn.userEntityRef}, who is not an owner of ${pipelineRef} (owned by ${owner}).`;
}

function explain(
  state: { loading: boolean; allowed: boolean; error?: Error },
  what: string,
  permissionName: string,
  pipeline: { ref: string; owner?: string; signedIn?: SignedIn },
): ActionPermission {
  const { owner, signedIn } = pipeline;
  if (state.loading) {
    return {
      allowed: false,
      loading: true,
      reason: 'Checking your permissions…',
    };
  }
  if (state.error) {
    return {
      allowed: false,
      reason: `Your permission to ${what} could not be checked: ${state.error.message}`,
    };
  }
  if (state.allowed) return { allowed: true };
  if (owner && signedIn) {
    return {
      allowed: false,
      denied: true,
      reason: `${signedInSentence(
        signedIn,
        pipeline.ref,
        owner,
      )} The permission policy does not grant you ${permissionName}, so you may not ${what} in it.`,
    };
  }
  return {
    allowed: false,
    denied: true,
    reason: `You may not ${what} in this pipeline: the permission policy does not grant you ${permissionName}${
      owner ? ` (the pipeline is owned by ${owner})` : ''
    }.`,
  };
}

/**
 * What the signed-in user may do in a pipeline, asked of the permission
 * framework with the Pipeline entity as the resource.
 */
export function useGluPermissions(
  pipelineRef: string,
  owner?: string,
): GluPermissions {
  const resourceRef = pipelineRef;
  const promote = usePermission({
    permission: gluPromotePermission,
    resourceRef,
  });
  const rollback = usePermission({
    permission: gluRollbackPermission,
    resourceRef,
  });
  const pin = usePermission({ permission: gluPinPermission, resourceRef });
  const approve = usePermission({
    permission: gluApprovePermission,
    resourceRef,
  });
  const hotfix = usePermission({
    permission: gluHotfixPermission,
    resourceRef,
  });
  const quarantine = usePermission({
    permission: gluQuarantinePermission,
    resourceRef,
  });
  const request = usePermission({
    permission: gluRequestPermission,
    resourceRef,
  });
  const identityApi = useApi(identityApiRef);
  const { value: identity } = useAsync(async () => {
    const [backstage, profile] = await Promise.all([
      identityApi.getBackstageIdentity(),
      // The email tells a version's author by a commit's email; optional.
      identityApi.getProfileInfo().catch(() => undefined),
    ]);
    return { ...backstage, email: profile?.email };
  }, [identityApi]);
  const signedIn: SignedIn | undefined =
    identity && owner
      ? {
          userEntityRef: identity.userEntityRef,
          ownershipEntityRefs: identity.ownershipEntityRefs,
          ...(identity.email ? { email: identity.email } : {}),
          owns: identity.ownershipEntityRefs.some(ref =>
            sameEntityRef(ref, owner),
          ),
        }
      : undefined;
  const pipeline = { ref: pipelineRef, owner, signedIn };
  return {
    promote: explain(promote, 'promote', gluPromotePermission.name, pipeline),
    rollback: explain(
      rollback,
      'roll back',
      gluRollbackPermission.name,
      pipeline,
    ),
    pin: explain(pin, 'pin or unpin phases', gluPinPermission.name, pipeline),
    approve: explain(approve, 'approve', gluApprovePermission.name, pipeline),
    hotfix: explain(
      hotfix,
      'promote through a freeze',
      gluHotfixPermission.name,
      pipeline,
    ),
    quarantine: explain(
      quarantine,
      'quarantine versions',
      gluQuarantinePermission.name,
      pipeline,
    ),
    request: explain(
      request,
      'ask for promotions',
      gluRequestPermission.name,
      pipeline,
    ),
    ...(signedIn ? { signedIn } : {}),
  };
}

/**
 * Whether the signed-in user may set and lift freezes: a permission of the
 * whole organization, not of one pipeline, so asked without a resource.
 */
export function useFreezePermission(): ActionPermission {
  const state = usePermission({ permission: gluFreezePermission });
  if (state.loading) {
    return {
      allowed: false,
      loading: true,
      reason: 'Checking your permissions…',
    };
  }
  if (state.error) {
    return {
      allowed: false,
      reason: `Your permission to set and lift freezes could not be checked: ${state.error.message}`,
    };
  }
  if (state.allowed) return { allowed: true };
  return {
    allowed: false,
    reason: `Only release managers set and lift freezes: the permission policy does not grant you ${gluFreezePermission.name}.`,
  };
}

/**
 * Whether the signed-in user may quarantine a digest in every pipeline, and
 * lift such a quarantine: not a permission of one pipeline, so asked without
 * a resource.
 */
export function useQuarantineEverywherePermission(): ActionPermission {
  const state = usePermission({
    permission: gluQuarantineEverywherePermission,
  });
  if (state.loading) {
    return {
      allowed: false,
      loading: true,
      reason: 'Checking your permissions…',
    };
  }
  if (state.error) {
    return {
      allowed: false,
      reason: `Your permission to manage quarantines in every pipeline could not be checked: ${state.error.message}`,
    };
  }
  if (state.allowed) return { allowed: true };
  return {
    allowed: false,
    reason: `Only release managers quarantine a digest in every pipeline and lift that: the permission policy does not grant you ${gluQuarantineEverywherePermission.name}.`,
  };
}
