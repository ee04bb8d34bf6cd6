import { approvalPolicyOf, approvalPolicyProblems } from './approvals';

describe('approval policies', () => {
  it('read a count as that many people, with no other rule', () => {
    expect(approvalPolicyProblems(2)).toEqual([]);
    expect(approvalPolicyOf(2)).toEqual({ count: 2, from: [], notBy: [] });
  });

  it('read groups, keep the requester and the author out by default, and count the groups together', () => {
    const config = {
      from: [
        { group: 'sre', count: 2 },
        { group: 'group:default/Security', count: 1 },
      ],
      maxAge: '24h',
    };
    expect(approvalPolicyProblems(config)).toEqual([]);
    expect(approvalPolicyOf(config)).toEqual({
      count: 3,
      from: [
        { group: 'group:default/sre', count: 2 },
        { group: 'group:default/security', count: 1 },
      ],
      notBy: ['requester', 'author'],
      maxAge: '24h',
    });
    expect(approvalPolicyOf({ count: 2, notBy: [] })).toEqual({
      count: 2,
      from: [],
      notBy: [],
    });
  });

  it('say what is wrong, field by field', () => {
    expect(
      approvalPolicyProblems({
        from: [{ group: 'user:default/alice', count: 0 }],
        notBy: ['manager'],
        maxAge: 'a day',
        quorum: 3,
      }),
    ).toEqual([
      '"quorum" is not count, from, notBy or maxAge',
      'from[0].group must name a group, e.g. group:default/sre',
      'from[0].count must be how many of the group, e.g. 1',
      'notBy must list requester, author or both',
      'maxAge must be a duration like 24h',
    ]);
    expect(
      approvalPolicyProblems({ count: 1, from: [{ group: 'sre', count: 2 }] }),
    ).toEqual(["count (1) must be at least the groups' counts together (2)"]);
    expect(approvalPolicyProblems(0)).toHaveLength(1);
  });
});
