import { EdgeView } from '@glu-dev/plugin-glu-common';
import { GluPermissions } from '../../hooks/useGluPermissions';
import { sameEntityRef } from '../format';
import { approveBlockers, mayNotApproveText } from './approvalText';

/** A control that shows, usable or disabled with the reason why. */
export type Offer = { disabledReason?: string };

/** The approval controls of an edge, for the signed-in user. */
export type ApprovalControls = {
  /** Approve the version; absent when there is nothing to approve. */
  approve?: Offer;
  /** Ask for the promotion (for those who may not promote). */
  request?: Offer;
  /** Withdraw the open request (its requester, or who may promote). */
  withdraw?: Offer;
  /** Whether the signed-in user may approve, and if not, why. */
  standing?: { may: boolean; text: string };
};

/** Whether an edge has an approvals gate. */
export function hasApprovalsGate(edge: EdgeView): boolean {
  return Boolean(edge.approval) || edge.gates.some(g => g.type === 'approvals');
}

/** Why nothing can be asked for or approved along the edge now, if so. */
function nothingToDo(
  edge: EdgeView,
  awaitingFirst: boolean,
): string | undefined {
  if (awaitingFirst) {
    return `Nothing to promote yet: no version has been published to ${edge.from}`;
  }
  if (edge.status === 'up-to-date') {
    return `${edge.to} already holds what ${edge.from} holds`;
  }
  if (edge.status === 'in-progress') {
    return 'A promotion along this edge is in progress';
  }
  return undefined;
}

/**
 * What the signed-in user may do about an edge's approvals: approve (and
 * if not, why: the policy's reasons, then the permission policy's), ask
 * for the promotion when they may not promote it themselves, and withdraw
 * the open request.
 */
export function approvalControls(
  edge: EdgeView,
  permissions: GluPermissions,
  options: {
    /** The version the edge waits for, as people read it. */
    version: string;
    /** Blocked only because the upstream awaits its first version. */
    awaitingFirst: boolean;
  },
): ApprovalControls {
  if (!hasApprovalsGate(edge)) return {};
  const { version, awaitingFirst } = options;
  const me = permissions.signedIn;
  const controls: ApprovalControls = {};
  const idle = nothingToDo(edge, awaitingFirst);

  const blockers = approveBlockers(edge, me, permissions.approve);
  if (edge.status !== 'up-to-date') {
    let disabledReason: string | undefined;
    if (permissions.approve.loading) {
      disabledReason = permissions.approve.reason;
    } else if (blockers.length > 0) {
      disabledReason = mayNotApproveText(version, blockers);
    } else if (awaitingFirst) {
      disabledReason = idle;
    }
    controls.approve = { disabledReason };
    if (edge.approval && me && !permissions.approve.loading) {
      controls.standing = blockers.length
        ? { may: false, text: mayNotApproveText(version, blockers) }
        : { may: true, text: `You may approve ${version}.` };
    }
  }

  const open = edge.request;
  const mine = Boolean(
    open && me && sameEntityRef(open.requestedBy, me.userEntityRef),
  );
  if (open && (mine || permissions.promote.allowed)) {
    controls.withdraw = {};
  }
  if (permissions.promote.denied && permissions.request.allowed && !mine) {
    controls.request = {
      disabledReason:
        idle ??
        (open
          ? `${open.requestedBy} has asked for ${open.version} already: it waits for approval`
          : undefined),
    };
  }
  return controls;
}
