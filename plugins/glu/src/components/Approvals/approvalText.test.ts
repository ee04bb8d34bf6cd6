import { ApprovalStatus, PromotionRequest } from '@glu-dev/plugin-glu-common';
import {
  approveBlockers,
  isSignedInAuthor,
  mayNotApproveText,
  neededText,
  policyText,
  standingText,
} from './approvalText';

const PLATFORM = 'group:default/team-platform';
const SRE = 'group:default/team-sre';

function status(overrides: Partial<ApprovalStatus> = {}): ApprovalStatus {
  return {
    policy: {
      count: 1,
      from: [{ group: PLATFORM, count: 1 }],
      notBy: ['requester', 'author'],
    },
    approvals: [],
    needed: [{ group: PLATFORM, count: 1 }],
    passed: false,
    ...overrides,
  };
}

const request: PromotionRequest = {
  id: '7',
  pipelineRef: 'pipeline:default/payments',
  from: 'staging',
  to: 'production',
  digest: 'sha256:21',
  version: '2.1.0',
  requestedBy: 'user:default/guest',
  status: 'open',
  createdAt: '2026-12-07T10:00:00Z',
  expiresAt: '2026-12-14T10:00:00Z',
};

const allowed = { allowed: true };
const denied = { allowed: false, denied: true };
const guest = {
  userEntityRef: 'user:default/guest',
  ownershipEntityRefs: ['user:default/guest', 'group:default/team-checkout'],
};
const bob = {
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob', 'group:default/Team-Platform'],
  email: 'bob@example.com',
};

describe('the approval policy in words', () => {
  it('names the groups, who is kept out and how long approvals count', () => {
    expect(policyText({ ...status().policy, maxAge: '24h' })).toBe(
      "1 from group:default/team-platform; not by the requester or the version's author; approvals count for 24h",
    );
    expect(
      policyText({
        count: 3,
        from: [
          { group: PLATFORM, count: 1 },
          { group: SRE, count: 1 },
        ],
        notBy: ['author'],
      }),
    ).toBe(
      "1 from group:default/team-platform and 1 from group:default/team-sre and 1 more from anyone who may approve; not by the version's author",
    );
    expect(policyText({ count: 2, from: [], notBy: [] })).toBe(
      '2 approvals from anyone who may approve',
    );
    expect(policyText({ count: 1, from: [], notBy: ['requester'] })).toBe(
      '1 approval from anyone who may approve; not by the requester',
    );
  });

  it('says who is still needed, or that the policy is met', () => {
    expect(neededText([{ group: PLATFORM, count: 1 }, { count: 2 }])).toBe(
      '1 more from group:default/team-platform and 2 more from anyone who may approve',
    );
    expect(standingText(status())).toBe(
      'Waiting for 1 more from group:default/team-platform.',
    );
    expect(standingText(status({ needed: [], passed: true }))).toBe(
      'The approval policy is met.',
    );
  });
});

describe('why the signed-in user may not approve', () => {
  it('keeps out the requester, who is outside the group and not granted the permission', () => {
    const reasons = approveBlockers(
      { approval: status({ requester: 'user:default/guest' }), request },
      guest,
      { allowed: false, denied: true, reason: 'whatever the hook says' },
    );
    expect(reasons).toEqual([
      'you asked for this promotion',
      'you are not in group:default/team-platform',
      'the permission policy does not grant you glu.pipeline.approve',
    ]);
    expect(mayNotApproveText('2.1.0', reasons)).toBe(
      'You may not approve 2.1.0: you asked for this promotion; you are not in group:default/team-platform; the permission policy does not grant you glu.pipeline.approve.',
    );
  });

  it('lets a member of the group approve, whatever the case of the refs, also without the permission: the policy names them', () => {
    expect(
      approveBlockers({ approval: status(), request }, bob, allowed),
    ).toEqual([]);
    expect(
      approveBlockers({ approval: status(), request }, bob, denied),
    ).toEqual([]);
  });

  it('keeps out the author, by ref or by email, and who approved already', () => {
    expect(
      approveBlockers(
        {
          approval: status({
            author: 'Bob <BOB@example.com>',
            approvals: [
              {
                approver: 'user:default/bob',
                approvedAt: '2026-12-07T10:00:00Z',
                groups: [PLATFORM],
                counted: false,
                why: 'made this version',
              },
            ],
          }),
        },
        bob,
        allowed,
      ),
    ).toEqual(['you made this version', 'you approved already']);
    expect(isSignedInAuthor('user:default/Bob', bob)).toBe(true);
    expect(isSignedInAuthor('bob@example.com', bob)).toBe(true);
    expect(isSignedInAuthor('carol@example.com', bob)).toBe(false);
    expect(isSignedInAuthor(undefined, bob)).toBe(false);
  });

  it('does not keep out what the policy allows', () => {
    const open = status({
      policy: { count: 2, from: [{ group: PLATFORM, count: 1 }], notBy: [] },
      requester: 'user:default/guest',
    });
    // Anyone who may approve counts for the second approval, the requester too.
    expect(approveBlockers({ approval: open }, guest, allowed)).toEqual([]);
  });

  it('asks only the permission policy about an edge without a policy in the view', () => {
    expect(approveBlockers({}, guest, allowed)).toEqual([]);
    expect(
      approveBlockers({}, undefined, {
        allowed: false,
        reason:
          'Your permission to approve could not be checked: the network is down.',
      }),
    ).toEqual([
      'your permission to approve could not be checked: the network is down',
    ]);
    expect(
      approveBlockers({}, undefined, { allowed: false, loading: true }),
    ).toEqual([]);
  });
});
