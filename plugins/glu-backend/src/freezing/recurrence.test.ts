import { ConfigReader } from '@backstage/config';
import { readConfiguredFreezes } from './recurrence';

function freezesOf(freezes: any[]) {
  return readConfiguredFreezes(new ConfigReader({ glu: { freezes } }));
}

const berlin = (iso: string) => new Date(`${iso}`);

describe('freezes from app-config', () => {
  const [weekend] = freezesOf([
    {
      name: 'weekend',
      reason: 'No changes over the weekend',
      scope: { phases: ['production'] },
      timezone: 'Europe/Berlin',
      recurrence: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0',
      duration: { days: 2, hours: 16 },
    },
  ]);

  it('holds every Friday 16:00 to Monday 08:00 in its time zone', () => {
    // Friday 2026-12-04, 15:59 in Berlin (UTC+1): the next occurrence.
    expect(weekend.occurrenceAt(berlin('2026-12-04T14:59:00Z'))).toEqual({
      start: new Date('2026-12-04T15:00:00Z'),
      end: new Date('2026-12-07T07:00:00Z'),
    });
    // Saturday: held, until Monday 08:00.
    const saturday = weekend.occurrenceAt(berlin('2026-12-05T12:00:00Z'))!;
    expect(saturday.start.getTime()).toBeLessThanOrEqual(
      Date.parse('2026-12-05T12:00:00Z'),
    );
    expect(saturday.end).toEqual(new Date('2026-12-07T07:00:00Z'));
    // Monday 08:00 on: the next Friday's.
    expect(weekend.occurrenceAt(berlin('2026-12-07T07:00:00Z'))).toEqual({
      start: new Date('2026-12-11T15:00:00Z'),
      end: new Date('2026-12-14T07:00:00Z'),
    });
    expect(weekend.id).toBe('config:weekend');
    expect(weekend.recurrence).toContain('FREQ=WEEKLY;BYDAY=FR');
  });

  it('keeps the wall clock across a change of daylight saving time', () => {
    // Summer time ends on Sunday 2026-10-25 in Berlin: Friday 16:00 is
    // 14:00 UTC, Monday 08:00 is 07:00 UTC.
    expect(weekend.occurrenceAt(new Date('2026-10-24T12:00:00Z'))).toEqual({
      start: new Date('2026-10-23T14:00:00Z'),
      end: new Date('2026-10-26T07:00:00Z'),
    });
  });

  it('holds through dates, the last one to its end', () => {
    const [yearEnd] = freezesOf([
      {
        name: 'year-end',
        reason: 'Year-end freeze',
        timezone: 'Europe/Berlin',
        dates: [{ from: '2026-12-20', to: '2027-01-03' }],
      },
    ]);
    const occurrence = {
      start: new Date('2026-12-19T23:00:00Z'),
      end: new Date('2027-01-03T23:00:00Z'),
    };
    expect(yearEnd.occurrenceAt(new Date('2026-12-01T00:00:00Z'))).toEqual(
      occurrence,
    );
    expect(yearEnd.occurrenceAt(new Date('2027-01-03T22:59:00Z'))).toEqual(
      occurrence,
    );
    expect(yearEnd.occurrenceAt(new Date('2027-01-03T23:00:00Z'))).toBe(
      undefined,
    );
  });

  it('refuses what it cannot read, naming the freeze', () => {
    const base = { name: 'bad', reason: 'r' };
    expect(() =>
      freezesOf([{ ...base, recurrence: 'FREQ=SOMETIMES', duration: '1h' }]),
    ).toThrow(
      /glu\.freezes\[0\] \(bad\): FREQ=SOMETIMES is not a recurrence rule/,
    );
    expect(() => freezesOf([{ ...base, recurrence: 'FREQ=DAILY' }])).toThrow(
      'glu.freezes[0] (bad): a recurrence needs a duration',
    );
    expect(() =>
      freezesOf([{ ...base, timezone: 'Mars/Olympus', dates: [] }]),
    ).toThrow('glu.freezes[0] (bad): Mars/Olympus is not a time zone');
    expect(() =>
      freezesOf([
        { ...base, dates: [{ from: '2026-12-20', to: '2026-12-19T00:00' }] },
      ]),
    ).toThrow(/is not after/);
    expect(() => freezesOf([base])).toThrow('give a recurrence or dates');
    expect(() =>
      freezesOf([
        { ...base, dates: [{ from: '2026-01-01', to: '2026-01-02' }] },
        { ...base, dates: [{ from: '2026-01-01', to: '2026-01-02' }] },
      ]),
    ).toThrow(/name is unique/);
  });
});
