import { ApprovalStatus, PromotionRequest } from '@glu-dev/plugin-glu-common';
import chalk from 'chalk';
import {
  approversText,
  neededText,
  policyText,
  requestsTable,
  requestText,
} from './approvalViews';

const p = new chalk.Instance({ level: 0 });
/** Long enough ago that the words for it do not change during a test. */
const at = '2026-01-05T10:00:00.000Z';
const SRE = 'group:default/sre';

const status: ApprovalStatus = {
  policy: {
    count: 3,
    from: [{ group: SRE, count: 2 }],
    notBy: ['requester', 'author'],
    maxAge: '24h',
  },
  approvals: [
    {
      approver: 'user:default/erin',
      approvedAt: at,
      groups: [SRE],
      counted: true,
    },
    {
      approver: 'user:default/bob',
      approvedAt: at,
      groups: [SRE],
      counted: false,
      why: 'asked for this promotion',
    },
  ],
  needed: [{ group: SRE, count: 1 }, { count: 1 }],
  requester: 'user:default/bob',
  passed: false,
};

const request: PromotionRequest = {
  id: '4',
  pipelineRef: 'pipeline:default/checkout',
  from: 'staging',
  to: 'production',
  digest: 'sha256:4f1c',
  version: '1.1.0',
  requestedBy: 'user:default/bob',
  status: 'carried-out',
  createdAt: at,
  expiresAt: at,
  endedAt: at,
  promotionId: '01a2',
};

describe('approvals as glu prints them', () => {
  it('says a policy in words', () => {
    expect(policyText(status.policy)).toBe(
      `2 from ${SRE}, 3 in all; not by the requester or the author; an approval counts for 24h`,
    );
    expect(policyText({ count: 1, from: [], notBy: [] })).toBe('1 approval');
    expect(
      policyText({
        count: 2,
        from: [
          { group: SRE, count: 1 },
          { group: 'group:default/security', count: 1 },
        ],
        notBy: ['author'],
      }),
    ).toBe(
      `1 from ${SRE} and 1 from group:default/security; not by the author`,
    );
  });

  it('marks approvals that do not count, and says who is still needed', () => {
    expect(approversText(p, status)).toBe(
      'user:default/erin, user:default/bob (not counted: asked for this promotion)',
    );
    expect(neededText(p, status)).toBe(
      `1 more from ${SRE} and 1 more from anyone who may approve`,
    );
    expect(neededText(p, { ...status, needed: [], passed: true })).toBe(
      'nobody more: the policy is met',
    );
    expect(approversText(p, { ...status, approvals: [] })).toBe('nobody yet');
  });

  it('shows a request that ended, and a table of requests', () => {
    expect(requestText(p, request).split('\n')).toEqual([
      'Request 4 (carried-out): 1.1.0 from staging into production',
      '  asked by   user:default/bob',
      expect.stringMatching(
        /^ {2}ended {6}2026-01-05T10:00:00\.000Z \(.+ ago\)$/,
      ),
      '  promotion  01a2',
    ]);
    const rows = requestsTable(p, [
      request,
      {
        ...request,
        id: '5',
        status: 'failed',
        promotionId: undefined,
        error: 'push refused',
      },
    ]).split('\n');
    expect(rows[1]).toMatch(
      /^4\s+staging → production\s+1\.1\.0\s+carried-out\s+user:default\/bob\s+.+ ago\s+promotion 01a2$/,
    );
    expect(rows[2]).toMatch(/^5\s.+\s+failed\s.+\s+push refused$/);
    expect(requestsTable(p, [])).toBe('No promotion requests.');
  });
});
