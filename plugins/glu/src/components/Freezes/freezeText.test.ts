import {
  isFreezeReason,
  parseList,
  periodLabel,
  phasesLabel,
  scopeLabel,
} from './freezeText';
import { absoluteTime } from '../format';

describe('the words for freezes', () => {
  it("tells a freeze's reason from a gate's", () => {
    expect(isFreezeReason('frozen: Black Friday (freeze 7 by rita)')).toBe(
      true,
    );
    expect(isFreezeReason('soak: staging has held 1.5.0 for 5m of 30m')).toBe(
      false,
    );
  });

  it('says what a scope covers', () => {
    expect(scopeLabel({})).toBe('every phase of every pipeline');
    expect(scopeLabel({ phases: ['production'] })).toBe(
      'phases production of every pipeline',
    );
    expect(
      scopeLabel({
        owners: ['group:default/team-a'],
        namespaces: ['payments'],
        phases: ['staging', 'production'],
      }),
    ).toBe(
      'phases staging and production of pipelines owned by group:default/team-a; namespaces payments',
    );
    expect(phasesLabel(['production'])).toBe('production');
  });

  it('says since and until when, or from when for a freeze to come', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    const startsAt = '2026-11-27T06:00:00Z';
    expect(periodLabel({ startsAt }, now)).toBe(
      `since ${absoluteTime(startsAt)}, until lifted`,
    );
    const endsAt = '2026-12-24T06:00:00Z';
    expect(periodLabel({ startsAt: endsAt, endsAt }, now)).toBe(
      `from ${absoluteTime(endsAt)}, until ${absoluteTime(endsAt)}`,
    );
  });

  it('reads a comma-separated list as typed', () => {
    expect(
      parseList(' group:default/a, ,group:default/b,group:default/a,'),
    ).toEqual(['group:default/a', 'group:default/b']);
    expect(parseList('')).toEqual([]);
  });
});
