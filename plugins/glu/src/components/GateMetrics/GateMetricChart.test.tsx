import { renderInTestApp } from '@backstage/test-utils';
import { GateMeasurement, GateMetric } from '@glu-dev/plugin-glu-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GateMetricChart } from './GateMetricChart';
import { GateMetrics } from './GateMetrics';

const start = Date.parse('2025-06-02T14:00:00Z');

/** Measurements a minute apart: a number is a value, a string an outcome without one. */
function measurements(
  ...items: (number | [number, GateMeasurement['outcome']] | string)[]
): GateMeasurement[] {
  return items.map((item, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    if (typeof item === 'string') {
      return { at, outcome: 'error', message: item };
    }
    const [value, outcome] =
      typeof item === 'number' ? [item, 'successful' as const] : item;
    return { at, value, outcome };
  });
}

const errorRate: GateMetric = {
  name: 'error rate',
  condition: '< 0.01',
  measurements: measurements(0.002, 0.0031, [0.012, 'failed'], 0.0021),
};

function points() {
  return screen.queryAllByTestId('gate-metric-point');
}

function thresholds() {
  return screen.queryAllByTestId('gate-metric-threshold');
}

describe('GateMetricChart', () => {
  it('draws a point for each measurement, coloured by outcome, with the name, latest value and condition', async () => {
    await renderInTestApp(<GateMetricChart metric={errorRate} />);
    expect(points()).toHaveLength(4);
    expect(points().map(p => p.getAttribute('data-outcome'))).toEqual([
      'successful',
      'successful',
      'failed',
      'successful',
    ]);
    expect(points()[0].getAttribute('fill')).not.toEqual(
      points()[2].getAttribute('fill'),
    );
    const line = screen.getByTestId('gate-metric-line').getAttribute('d')!;
    expect(line.match(/[ML]/g)).toEqual(['M', 'L', 'L', 'L']);
    const chart = screen.getByTestId('gate-metric');
    expect(chart).toHaveTextContent('error rate 0.0021successful');
    expect(chart).toHaveTextContent('condition < 0.01');
    // The value axis spans the values and the threshold.
    expect(chart).toHaveTextContent('0.012');
  });

  it('describes the chart for those who cannot see it', async () => {
    await renderInTestApp(<GateMetricChart metric={errorRate} />);
    const chart = screen.getByRole('img', { name: /^error rate/ });
    const label = chart.getAttribute('aria-label')!;
    expect(label).toContain('condition < 0.01');
    expect(label).toContain('4 measurements');
    expect(label).toContain('latest 0.0021, successful');
    expect(label).toContain('values from 0.002 to 0.012');
    expect(label).toContain('3 successful, 1 failed');
    expect(chart.querySelector('title')).toHaveTextContent(label);
  });

  it('draws the threshold of a comparison as a dashed line', async () => {
    await renderInTestApp(<GateMetricChart metric={errorRate} />);
    expect(thresholds()).toHaveLength(1);
    expect(thresholds()[0]).toHaveAttribute('stroke-dasharray');
  });

  it('draws both bounds of a between', async () => {
    await renderInTestApp(
      <GateMetricChart
        metric={{
          name: 'latency p99',
          condition: 'between 0.1 and 0.5',
          measurements: measurements(0.2, 0.3, 0.25),
        }}
      />,
    );
    expect(thresholds()).toHaveLength(2);
    const [a, b] = thresholds().map(t => Number(t.getAttribute('y1')));
    expect(a).not.toEqual(b);
  });

  it('draws no threshold for an expression', async () => {
    await renderInTestApp(
      <GateMetricChart
        metric={{
          name: 'success rate',
          condition: 'result[0] >= 0.95',
          measurements: measurements(0.97, 0.96),
        }}
      />,
    );
    expect(points()).toHaveLength(2);
    expect(thresholds()).toHaveLength(0);
  });

  it('breaks the line at a measurement without a value and marks it on the baseline', async () => {
    await renderInTestApp(
      <GateMetricChart
        metric={{
          ...errorRate,
          measurements: measurements(0.002, 0.003, 'connection refused', 0.004),
        }}
      />,
    );
    expect(points()).toHaveLength(3);
    const gaps = screen.getAllByTestId('gate-metric-gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toHaveAttribute('data-outcome', 'error');
    const line = screen.getByTestId('gate-metric-line').getAttribute('d')!;
    expect(line.match(/[ML]/g)).toEqual(['M', 'L', 'M']);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain(
      '3 successful, 1 error',
    );
  });

  it('tells the time, value, outcome and message of a measurement on hover', async () => {
    await renderInTestApp(
      <GateMetricChart
        metric={{
          ...errorRate,
          measurements: measurements(0.002, 'query timed out'),
        }}
      />,
    );
    await userEvent.hover(screen.getByTestId('gate-metric-gap'));
    const tip = await screen.findByRole('tooltip');
    expect(tip).toHaveTextContent('no value, error');
    expect(tip).toHaveTextContent('query timed out');
    await userEvent.unhover(screen.getByTestId('gate-metric-gap'));
    await userEvent.hover(points()[0]);
    expect(
      await within(await screen.findByRole('tooltip')).findByText(
        '0.002, successful',
      ),
    ).toBeInTheDocument();
  });

  it('says when a metric has no measurements yet', async () => {
    await renderInTestApp(
      <GateMetricChart
        metric={{ name: 'error rate', condition: '< 0.01', measurements: [] }}
      />,
    );
    expect(screen.getByTestId('gate-metric')).toHaveTextContent(
      'no measurements yet',
    );
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });
});

describe('GateMetrics', () => {
  it('draws a chart for each metric', async () => {
    await renderInTestApp(
      <GateMetrics
        type="analysis"
        metrics={[
          errorRate,
          { ...errorRate, name: 'latency', condition: '<= 250' },
        ]}
      />,
    );
    expect(screen.getAllByTestId('gate-metric')).toHaveLength(2);
    expect(
      screen.getByRole('group', { name: 'Metrics of the analysis gate' }),
    ).toBeInTheDocument();
  });

  it('draws nothing without metrics', async () => {
    const { container } = await renderInTestApp(
      <>
        <GateMetrics type="soak" />
        <GateMetrics type="prometheus" metrics={[]} />
      </>,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
