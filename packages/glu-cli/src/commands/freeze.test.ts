import { ExitCode } from '../exits';
import { freezeRequestOf } from './freeze';

describe('glu freeze set', () => {
  const now = Date.parse('2026-12-24T12:00:00Z');

  it('asks for a freeze of everything, from now until it is lifted, given only a reason', () => {
    expect(freezeRequestOf({ reason: 'stop the line' }, now)).toEqual({
      reason: 'stop the line',
    });
  });

  it('puts each part of the scope given, and counts --until from --from', () => {
    expect(
      freezeRequestOf(
        {
          reason: 'release week',
          owner: ['group:default/team-checkout'],
          pipeline: ['checkout'],
          phase: ['production', 'staging'],
          namespace: ['default'],
          from: '1d',
          until: '2h',
          rollbacks: true,
        },
        now,
      ),
    ).toEqual({
      reason: 'release week',
      scope: {
        namespaces: ['default'],
        owners: ['group:default/team-checkout'],
        pipelines: ['checkout'],
        phases: ['production', 'staging'],
      },
      startsAt: '2026-12-25T12:00:00.000Z',
      endsAt: '2026-12-25T14:00:00.000Z',
      rollbacks: true,
    });
    expect(
      freezeRequestOf({ reason: 'x', until: '2026-12-24T18:00:00Z' }, now),
    ).toEqual({ reason: 'x', endsAt: '2026-12-24T18:00:00.000Z' });
  });

  it('refuses an end that is not after the start', () => {
    expect(() =>
      freezeRequestOf({ reason: 'x', until: '2026-12-24T11:00:00Z' }, now),
    ).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.usage,
        message:
          '--until (2026-12-24T11:00:00.000Z) is not after the freeze starts (2026-12-24T12:00:00.000Z)',
      }),
    );
  });
});
