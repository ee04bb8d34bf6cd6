import { approvalPolicyOf } from '@glu-dev/plugin-glu-common';
import { approvalStatus, describeApprovals } from './approvalStatus';

const now = new Date('2026-12-07T12:00:00Z');
const SRE = 'group:default/sre';
const SECURITY = 'group:default/security';
const given = (
  approver: string,
  groups: string[],
  hoursAgo = 1,
  email?: string,
) => ({
  approver: `user:default/${approver}`,
  approvedAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
  groups,
  ...(email ? { email } : {}),
});

describe('an approval policy', () => {
  const policy = approvalPolicyOf({
    from: [
      { group: 'sre', count: 2 },
      { group: 'security', count: 1 },
    ],
    maxAge: '24h',
  });

  it('counts approvers by group, and says who is still needed', () => {
    const status = approvalStatus(
      policy,
      [given('ann', [SRE]), given('sam', [SECURITY])],
      {},
      now,
    );
    expect(status.passed).toBe(false);
    expect(status.needed).toEqual([{ group: SRE, count: 1 }]);
    expect(describeApprovals(status, '2.0.0')).toBe(
      '2 of 3 approvals for 2.0.0 (user:default/ann, user:default/sam); needs 1 more from group:default/sre',
    );
    expect(
      approvalStatus(
        policy,
        [given('ann', [SRE]), given('bea', [SRE]), given('sam', [SECURITY])],
        {},
        now,
      ).passed,
    ).toBe(true);
  });

  it('does not count the requester, the author (by ref or by the email of a commit) or an approval too old', () => {
    const status = approvalStatus(
      policy,
      [
        given('ann', [SRE]),
        given('bea', [SRE], 1, 'Bea@Example.com'),
        given('sam', [SECURITY], 25),
      ],
      { requester: 'user:default/ann', author: 'Bea <bea@example.com>' },
      now,
    );
    expect(status.approvals.map(a => [a.approver, a.counted, a.why])).toEqual([
      ['user:default/ann', false, 'asked for this promotion'],
      ['user:default/bea', false, 'made this version'],
      ['user:default/sam', false, 'approved more than 24h ago'],
    ]);
    expect(status.needed).toEqual([
      { group: SRE, count: 2 },
      { group: SECURITY, count: 1 },
    ]);
  });

  it('is a count alone for a number, and says so as before', () => {
    const status = approvalStatus(
      approvalPolicyOf(2),
      [given('ann', [])],
      {
        requester: 'user:default/ann',
      },
      now,
    );
    expect(status.passed).toBe(false);
    expect(describeApprovals(status, '1.0.0')).toBe(
      '1 of 2 approvals for 1.0.0 (user:default/ann)',
    );
  });
});
