import { ExitCode } from './exits';
import { durationSeconds, instantOf } from './times';

describe('times', () => {
  const start = { at: Date.parse('2026-12-24T12:00:00Z'), what: 'now' };

  it('reads durations in seconds, minutes, hours, days and weeks, and combined', () => {
    expect(durationSeconds('45s')).toBe(45);
    expect(durationSeconds('2h')).toBe(7200);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('1w2d')).toBe(9 * 86_400);
    expect(durationSeconds('2 h')).toBeUndefined();
    expect(durationSeconds('h')).toBeUndefined();
    expect(durationSeconds('-1h')).toBeUndefined();
  });

  it('names an instant by a time or by a duration after the start', () => {
    expect(instantOf('2h', '--until', start)).toBe('2026-12-24T14:00:00.000Z');
    expect(instantOf('2026-12-31T23:00:00+01:00', '--until', start)).toBe(
      '2026-12-31T22:00:00.000Z',
    );
    expect(() => instantOf('tomorrow', '--from', start)).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.usage,
        message:
          '--from takes a time, e.g. 2026-12-24T18:00:00Z, or a duration after now, e.g. 2h, 1h30m or 3d; not tomorrow',
      }),
    );
    expect(() => instantOf('2026-13-45T99:00:00Z', '--from', start)).toThrow(
      /not 2026-13-45T99:00:00Z$/,
    );
  });
});
