import {
  ApprovalPolicyDefinition,
  GluApiSchemas,
  intervalMillis,
} from '@glu-dev/plugin-glu-common';

/** Where an edge's approvals stand, as the API shows it. */
export type ApprovalStatus = GluApiSchemas['ApprovalStatus'];

/** An approval as it was given: by whom, when, and in which groups then. */
export interface GivenApproval {
  approver: string;
  approvedAt: string;
  /** The groups the approver belonged to (full refs, lower case). */
  groups: string[];
  /** The approver's email, as the catalog had it, to tell the version's author. */
  email?: string;
}

/** Who is asked about: who asks for the promotion, who made the version. */
export interface ApprovalParties {
  requester?: string;
  author?: string;
}

/** The email in an author such as `Jane <jane@example.com>`, in lower case. */
function emailOf(text: string): string | undefined {
  const match = text.match(/<([^>]+@[^>]+)>/) ?? text.match(/^(\S+@\S+)$/);
  return match?.[1].toLocaleLowerCase('en-US');
}

/** Whether an approver is the version's author (by ref, or by email). */
export function isAuthor(
  approval: Pick<GivenApproval, 'approver' | 'email'>,
  author: string | undefined,
): boolean {
  if (!author) return false;
  if (author.toLocaleLowerCase('en-US') === approval.approver) return true;
  const email = emailOf(author);
  return Boolean(
    email &&
      approval.email &&
      approval.email.toLocaleLowerCase('en-US') === email,
  );
}

/** Why an approval does not count under the policy, if it does not. */
export function notCounted(
  policy: ApprovalPolicyDefinition,
  approval: GivenApproval,
  parties: ApprovalParties,
  now: Date,
): string | undefined {
  if (
    policy.notBy.includes('requester') &&
    parties.requester &&
    approval.approver === parties.requester
  ) {
    return 'asked for this promotion';
  }
  if (policy.notBy.includes('author') && isAuthor(approval, parties.author)) {
    return 'made this version';
  }
  const maxAge = intervalMillis(policy.maxAge);
  if (
    maxAge !== undefined &&
    now.getTime() - Date.parse(approval.approvedAt) > maxAge
  ) {
    return `approved more than ${policy.maxAge} ago`;
  }
  return undefined;
}

/**
 * Where a version's approvals stand under a policy: which count, who is
 * still needed (by group, then anyone), and whether the policy is met. The
 * one place the rule lives: the approvals gate, the edge's view and the
 * refusal of an approval all ask it.
 */
export function approvalStatus(
  policy: ApprovalPolicyDefinition,
  approvals: GivenApproval[],
  parties: ApprovalParties,
  now: Date,
): ApprovalStatus {
  const judged = approvals.map(approval => {
    const why = notCounted(policy, approval, parties, now);
    const groups = approval.groups.filter(g =>
      policy.from.some(f => f.group === g),
    );
    return {
      approver: approval.approver,
      approvedAt: approval.approvedAt,
      groups,
      counted: !why,
      ...(why ? { why } : {}),
    };
  });
  const counted = judged.filter(a => a.counted);
  const needed: ApprovalStatus['needed'] = [];
  for (const { group, count } of policy.from) {
    const have = counted.filter(a => a.groups.includes(group)).length;
    if (have < count) needed.push({ group, count: count - have });
  }
  const byGroup = needed.reduce((sum, n) => sum + n.count, 0);
  const anyone = policy.count - counted.length - byGroup;
  if (anyone > 0) needed.push({ count: anyone });
  return {
    policy: {
      count: policy.count,
      from: policy.from,
      notBy: policy.notBy,
      ...(policy.maxAge ? { maxAge: policy.maxAge } : {}),
    },
    approvals: judged,
    needed,
    ...(parties.requester ? { requester: parties.requester } : {}),
    ...(parties.author ? { author: parties.author } : {}),
    passed: needed.length === 0,
  };
}

/** The words for where approvals stand: what the gate's reason says. */
export function describeApprovals(
  status: ApprovalStatus,
  version: string,
): string {
  const counted = status.approvals.filter(a => a.counted).map(a => a.approver);
  const have = `${counted.length} of ${
    status.policy.count
  } approvals for ${version}${
    counted.length ? ` (${counted.join(', ')})` : ''
  }`;
  const needed = status.needed.map(n =>
    n.group ? `${n.count} more from ${n.group}` : `${n.count} more`,
  );
  const ignored = status.approvals
    .filter(a => !a.counted)
    .map(a => `${a.approver} ${a.why}`);
  return [
    have,
    // Groups say who is still needed; a count alone says it already.
    ...(needed.length && status.policy.from.length
      ? [`needs ${needed.join(' and ')}`]
      : []),
    ...(ignored.length ? [`not counted: ${ignored.join('; ')}`] : []),
  ].join('; ');
}
