import { ApprovalStatus, EdgeView } from '@glu-dev/plugin-glu-common';
import { ActionPermission, SignedIn } from '../../hooks/useGluPermissions';
import { sameEntityRef } from '../format';

type Policy = ApprovalStatus['policy'];
type Needed = ApprovalStatus['needed'];

const andList = new Intl.ListFormat('en', { type: 'conjunction' });
const orList = new Intl.ListFormat('en', { type: 'disjunction' });

function approvals(count: number): string {
  return count === 1 ? '1 approval' : `${count} approvals`;
}

/** Who must approve, in words: `1 from group:default/team-platform and 1 more from anyone who may approve`. */
export function policyCountText(policy: Policy): string {
  const byGroup = policy.from.reduce((sum, f) => sum + f.count, 0);
  if (policy.from.length === 0) {
    return `${approvals(policy.count)} from anyone who may approve`;
  }
  const parts = policy.from.map(f => `${f.count} from ${f.group}`);
  const anyone = policy.count - byGroup;
  if (anyone > 0) parts.push(`${anyone} more from anyone who may approve`);
  return parts.join(' and ');
}

/** Who the policy keeps out, in words: `not by the requester or the version's author`. */
export function notByText(policy: Policy): string | undefined {
  const who = policy.notBy.map(n =>
    n === 'requester' ? 'the requester' : "the version's author",
  );
  return who.length ? `not by ${orList.format(who)}` : undefined;
}

/**
 * An approval policy in words: `1 from group:default/team-platform; not by
 * the requester or the version's author; approvals count for 24h`.
 */
export function policyText(policy: Policy): string {
  return [
    policyCountText(policy),
    notByText(policy),
    policy.maxAge ? `approvals count for ${policy.maxAge}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Who is still needed, in words: `1 more from group:default/team-platform`. */
export function neededText(needed: Needed): string {
  return andList.format(
    needed.map(n =>
      n.group
        ? `${n.count} more from ${n.group}`
        : `${n.count} more from anyone who may approve`,
    ),
  );
}

/** Where the approvals stand, as a sentence. */
export function standingText(status: ApprovalStatus): string {
  return status.passed
    ? 'The approval policy is met.'
    : `Waiting for ${neededText(status.needed)}.`;
}

/** Whether an author (a user ref, `Name <email>`, or an email) is the signed-in user. */
export function isSignedInAuthor(
  author: string | undefined,
  me: Pick<SignedIn, 'userEntityRef' | 'email'>,
): boolean {
  if (!author) return false;
  if (sameEntityRef(author, me.userEntityRef)) return true;
  const email =
    author.match(/<([^>]+@[^>]+)>/)?.[1] ?? author.match(/^(\S+@\S+)$/)?.[1];
  return Boolean(
    email &&
      me.email &&
      email.toLocaleLowerCase('en-US') === me.email.toLocaleLowerCase('en-US'),
  );
}

/**
 * Why the signed-in user may not approve the version an edge waits for,
 * each reason in the second person (`you asked for this promotion`); none
 * when they may. Mirrors the backend's refusals: the policy keeps out the
 * requester and the author, an approval from outside the groups it asks
 * for does not count, one approval per person, and the permission policy
 * decides first.
 */
export function approveBlockers(
  edge: Pick<EdgeView, 'approval' | 'request'>,
  me:
    | Pick<SignedIn, 'userEntityRef' | 'ownershipEntityRefs' | 'email'>
    | undefined,
  permission: ActionPermission,
): string[] {
  const reasons: string[] = [];
  const status = edge.approval;
  // A group the policy names may approve on its edge without the permission.
  const named = Boolean(
    status &&
      me &&
      status.policy.from.some(f =>
        me.ownershipEntityRefs.some(ref => sameEntityRef(ref, f.group)),
      ),
  );
  if (status && me) {
    const { policy } = status;
    const requester = status.requester ?? edge.request?.requestedBy;
    if (
      policy.notBy.includes('requester') &&
      requester &&
      sameEntityRef(requester, me.userEntityRef)
    ) {
      reasons.push('you asked for this promotion');
    }
    if (
      policy.notBy.includes('author') &&
      isSignedInAuthor(status.author, me)
    ) {
      reasons.push('you made this version');
    }
    const byGroup = policy.from.reduce((sum, f) => sum + f.count, 0);
    const inGroup = policy.from.some(f =>
      me.ownershipEntityRefs.some(ref => sameEntityRef(ref, f.group)),
    );
    // Only when the groups account for every approval needed: otherwise
    // anyone who may approve counts for the rest.
    if (policy.from.length > 0 && !inGroup && byGroup >= policy.count) {
      reasons.push(
        `you are not in ${orList.format(policy.from.map(f => f.group))}`,
      );
    }
    if (
      status.approvals.some(a => sameEntityRef(a.approver, me.userEntityRef))
    ) {
      reasons.push('you approved already');
    }
  }
  if (named) return reasons;
  if (!permission.allowed && permission.denied) {
    reasons.push(
      'the permission policy does not grant you glu.pipeline.approve',
    );
  } else if (!permission.allowed && !permission.loading) {
    reasons.push(
      permission.reason
        ? permission.reason.replace(/^Y/, 'y').replace(/\.$/, '')
        : 'your permission to approve could not be checked',
    );
  }
  return reasons;
}

/** `You may not approve 2.1.0: you asked for this promotion; you are not in group:default/team-platform.` */
export function mayNotApproveText(version: string, reasons: string[]): string {
  return `You may not approve ${version}: ${reasons.join('; ')}.`;
}
