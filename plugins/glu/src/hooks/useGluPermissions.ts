import { usePermission } from '@backstage/plugin-permission-react';
import {
  gluApprovePermission,
  gluPinPermission,
  gluPromotePermission,
  gluRollbackPermission,
} from '@glu-dev/plugin-glu-common';

/** Whether the signed-in user may take an action, and if not, why. */
export type ActionPermission = {
  allowed: boolean;
  /** True until the permission framework has answered. */
  loading?: boolean;
  /** Why the control is disabled; absent when allowed. */
  reason?: string;
};

export type GluPermissions = {
  promote: ActionPermission;
  rollback: ActionPermission;
  pin: ActionPermission;
  approve: ActionPermission;
};

function explain(
  state: { loading: boolean; allowed: boolean; error?: Error },
  what: string,
  permissionName: string,
  owner?: string,
): ActionPermission {
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
  return {
    allowed: false,
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
  return {
    promote: explain(promote, 'promote', gluPromotePermission.name, owner),
    rollback: explain(rollback, 'roll back', gluRollbackPermission.name, owner),
    pin: explain(pin, 'pin or unpin phases', gluPinPermission.name, owner),
    approve: explain(approve, 'approve', gluApprovePermission.name, owner),
  };
}
