/*
 * Approvals and promotion requests as `glu` prints them: an edge's approval
 * policy and where it stands (in `glu inspect`), a request, a pipeline's
 * requests, and what an approval did.
 */
import {
  ApprovalStatus,
  PipelineView,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { ago, Palette, statusColor, table } from './output';

type Edge = PipelineView['edges'][number];

/**
 * A policy in words: `2 from group:default/sre; not by the requester or the
 * author; an approval counts for 24h`.
 */
export function policyText(policy: ApprovalStatus['policy']): string {
  const fromGroups = policy.from.reduce((sum, f) => sum + f.count, 0);
  let who = policy.from.map(f => `${f.count} from ${f.group}`).join(' and ');
  if (!who) {
    who = `${policy.count} approval${policy.count === 1 ? '' : 's'}`;
  } else if (policy.count > fromGroups) {
    who += `, ${policy.count} in all`;
  }
  return [
    who,
    policy.notBy.length ? `not by the ${policy.notBy.join(' or the ')}` : '',
    policy.maxAge ? `an approval counts for ${policy.maxAge}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Who is still needed: `1 more from group:default/sre`, or that none is. */
export function neededText(p: Palette, approval: ApprovalStatus): string {
  if (approval.passed || approval.needed.length === 0) {
    return p.green('nobody more: the policy is met');
  }
  return p.yellow(
    approval.needed
      .map(n => `${n.count} more from ${n.group ?? 'anyone who may approve'}`)
      .join(' and '),
  );
}

/** Who approved, those that do not count marked with why. */
export function approversText(p: Palette, approval: ApprovalStatus): string {
  if (approval.approvals.length === 0) return p.dim('nobody yet');
  return approval.approvals
    .map(a =>
      a.counted
        ? a.approver
        : p.dim(`${a.approver} (not counted: ${a.why ?? 'does not count'})`),
    )
    .join(', ');
}

/** Labelled lines, the labels aligned: `  needs     1 more from …`. */
export function labelled(rows: Array<[string, string | undefined]>): string[] {
  const shown = rows.filter(([, value]) => value);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  return shown.map(([label, value]) => `  ${label.padEnd(width)}${value}`);
}

/** An open request in one line: `4 by user:default/bob for 1.1.0: why`. */
function requestLine(request: PromotionRequest): string {
  return `${request.id} by ${request.requestedBy} for ${request.version}${
    request.reason ? `: ${request.reason}` : ''
  } (expires ${ago(request.expiresAt)})`;
}

/**
 * The approvals of a pipeline's edges that have an approvals gate, for
 * `glu inspect`: the policy, who approved, who is still needed, the version's
 * author and the open request; empty when no edge has one.
 */
export function approvalsText(p: Palette, view: PipelineView): string {
  const gated = view.edges.filter(
    (edge): edge is Edge & { approval: ApprovalStatus } => !!edge.approval,
  );
  return gated
    .map(edge =>
      [
        `${p.bold(`Approvals of ${edge.from} → ${edge.to}`)}: ${policyText(
          edge.approval.policy,
        )}`,
        ...labelled([
          ['approved', approversText(p, edge.approval)],
          ['needs', neededText(p, edge.approval)],
          ['made by', edge.approval.author],
          ['request', edge.request ? requestLine(edge.request) : undefined],
        ]),
      ].join('\n'),
    )
    .join('\n\n');
}

/** A request as `glu request` prints it, with who is needed when known. */
export function requestText(
  p: Palette,
  request: PromotionRequest,
  approval?: ApprovalStatus,
): string {
  const ended = request.endedAt
    ? `${request.endedAt} (${ago(request.endedAt)})`
    : '';
  return [
    `${p.bold(`Request ${request.id}`)} (${statusColor(p, request.status)}): ${
      request.version
    } from ${request.from} into ${request.to}`,
    ...labelled([
      ['asked by', request.requestedBy],
      ['reason', request.reason],
      [
        'expires',
        request.status === 'open'
          ? `${request.expiresAt} (${ago(request.expiresAt)})`
          : undefined,
      ],
      ['ended', ended || undefined],
      ['policy', approval ? policyText(approval.policy) : undefined],
      ['approved', approval ? approversText(p, approval) : undefined],
      ['needs', approval ? neededText(p, approval) : undefined],
      ['made by', approval?.author],
      ['promotion', request.promotionId],
      ['error', request.error ? p.red(request.error) : undefined],
    ]),
  ].join('\n');
}

/** A pipeline's requests, one row each, newest first. */
export function requestsTable(p: Palette, items: PromotionRequest[]): string {
  if (items.length === 0) return p.dim('No promotion requests.');
  return table(
    p,
    ['ID', 'EDGE', 'VERSION', 'STATUS', 'BY', 'ASKED', 'REASON', 'NOTE'],
    items.map(request => {
      let note = '';
      if (request.promotionId) note = `promotion ${request.promotionId}`;
      else if (request.error) note = p.red(request.error);
      else if (request.status === 'open') {
        note = `expires ${ago(request.expiresAt)}`;
      } else if (request.endedAt) note = `ended ${ago(request.endedAt)}`;
      return [
        request.id,
        `${request.from} → ${request.to}`,
        request.version,
        statusColor(p, request.status),
        request.requestedBy,
        ago(request.createdAt),
        request.reason ?? '',
        note,
      ];
    }),
  );
}
