import { GluGateMeasurement } from '@glu-dev/plugin-glu-node';
import { minutes, SINCE } from './__testUtils__/gates';
import {
  effectiveCount,
  heldFor,
  MeasuringPlan,
  metricPhase,
  nextMeasurement,
  previousMeasurements,
  withMeasurement,
} from './measuring';

const at = (minute: number, outcome: GluGateMeasurement['outcome']) => ({
  at: minutes(minute).toISOString(),
  outcome,
});

const plan = (overrides: Partial<MeasuringPlan> = {}): MeasuringPlan => ({
  failureLimit: 0,
  inconclusiveLimit: 0,
  ...overrides,
});

describe('measuring a metric over time', () => {
  it('counts as Argo does: once without an interval, forever with one and no count', () => {
    expect(effectiveCount(undefined, undefined)).toBe(1);
    expect(effectiveCount(0, undefined)).toBe(1);
    expect(effectiveCount(undefined, 60_000)).toBeUndefined();
    expect(effectiveCount(3, 60_000)).toBe(3);
  });

  it('takes the first measurement once the initial delay has passed since the version came', () => {
    const delayed = plan({ initialDelayMillis: 5 * 60_000, count: 1 });
    expect(nextMeasurement(delayed, [], minutes(2), SINCE)).toEqual({
      due: false,
      inMillis: 3 * 60_000,
    });
    expect(nextMeasurement(delayed, [], minutes(5), SINCE)).toEqual({
      due: true,
    });
  });

  it('takes one every interval after the previous one, and retries errors at once', () => {
    const every = plan({ intervalMillis: 5 * 60_000 });
    const taken = [at(0, 'successful')];
    expect(nextMeasurement(every, taken, minutes(3), SINCE)).toEqual({
      due: false,
      inMillis: 2 * 60_000,
    });
    // A check that comes a moment early is on time.
    expect(
      nextMeasurement(
        every,
        taken,
        new Date(minutes(5).getTime() - 500),
        SINCE,
      ),
    ).toEqual({ due: true });
    expect(
      nextMeasurement(every, [...taken, at(1, 'error')], minutes(2), SINCE),
    ).toEqual({ due: true });
  });

  it('takes none once the metric is complete', () => {
    expect(
      nextMeasurement(
        plan({ count: 1 }),
        [at(0, 'successful')],
        minutes(9),
        SINCE,
      ),
    ).toEqual({ due: false });
    expect(
      nextMeasurement(
        plan({ intervalMillis: 60_000 }),
        [at(0, 'failed')],
        minutes(9),
        SINCE,
      ),
    ).toEqual({ due: false });
  });

  it('gives the phase of the measurements', () => {
    const three = plan({ count: 3, intervalMillis: 60_000, failureLimit: 1 });
    expect(metricPhase(three, [])).toBe('Pending');
    expect(metricPhase(three, [at(0, 'error')])).toBe('Running');
    expect(metricPhase(three, [at(0, 'successful'), at(1, 'failed')])).toBe(
      'Running',
    );
    // Errors do not count towards count.
    expect(
      metricPhase(three, [
        at(0, 'successful'),
        at(1, 'error'),
        at(2, 'failed'),
      ]),
    ).toBe('Running');
    expect(
      metricPhase(three, [
        at(0, 'successful'),
        at(1, 'failed'),
        at(2, 'successful'),
      ]),
    ).toBe('Successful');
    expect(metricPhase(three, [at(0, 'failed'), at(1, 'failed')])).toBe(
      'Failed',
    );
    expect(metricPhase(three, [at(0, 'inconclusive')])).toBe('Inconclusive');
    expect(
      metricPhase(plan({ intervalMillis: 60_000 }), [at(0, 'successful')]),
    ).toBe('Running');
  });

  it(`keeps at most the last ${120} measurements`, () => {
    let kept: GluGateMeasurement[] = [];
    for (let i = 0; i < 130; i++)
      kept = withMeasurement(kept, at(i, 'successful'));
    expect(kept).toHaveLength(120);
    expect(kept[0]).toEqual(at(10, 'successful'));
    expect(kept[119]).toEqual(at(129, 'successful'));
  });

  it('says how long the latest measurements have been successful', () => {
    expect(
      heldFor(
        [
          at(0, 'failed'),
          at(1, 'successful'),
          at(2, 'error'),
          at(3, 'successful'),
        ],
        minutes(5),
      ),
    ).toBe(4 * 60_000);
    expect(heldFor([at(0, 'successful'), at(1, 'failed')], minutes(5))).toBe(0);
  });

  it('goes on from the measurements of the same metric only', () => {
    const previous = {
      passed: false,
      reason: '',
      metrics: [
        {
          name: 'error rate',
          condition: '< 0.01',
          measurements: [at(0, 'failed')],
        },
      ],
    };
    expect(previousMeasurements(previous, 'error rate', '< 0.01')).toEqual([
      at(0, 'failed'),
    ]);
    expect(previousMeasurements(previous, 'error rate', '< 0.05')).toEqual([]);
    expect(previousMeasurements(undefined, 'error rate', '< 0.01')).toEqual([]);
  });
});
