import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GateList } from './GateList';

describe('GateList', () => {
  it('tells a gate waiting from a system found broken, with when it was checked', async () => {
    const checkedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    await renderInTestApp(
      <GateList
        gates={[
          {
            type: 'soak',
            passed: true,
            reason: 'staging has held 1.5.0 for 40m',
          },
          {
            type: 'argocd',
            passed: false,
            reason: 'checkout-staging is Progressing at 1a2b3c4',
            checkedAt,
          },
          {
            type: 'http',
            passed: false,
            failed: true,
            reason: 'staging.example.com/health answers 500, not 2xx',
            checkedAt,
          },
        ]}
      />,
    );
    expect(screen.getByTitle('passed')).toBeInTheDocument();
    expect(screen.getByTitle('blocking')).toBeInTheDocument();
    expect(screen.getByTitle('failed')).toBeInTheDocument();
    expect(
      screen.getByText('http: staging.example.com/health answers 500, not 2xx'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('5 minutes ago')).toHaveLength(2);
    expect(screen.queryAllByText(/checked/)).toHaveLength(2);
  });
});

describe('GateList with metrics', () => {
  it('draws the metrics of a gate that measures under it', async () => {
    await renderInTestApp(
      <GateList
        gates={[
          { type: 'soak', passed: true, reason: 'held for 40m' },
          {
            type: 'prometheus',
            passed: false,
            reason: 'error rate 0.0021 (< 0.01) for 4m, for 4m of 10m',
            checkedAt: new Date().toISOString(),
            metrics: [
              {
                name: 'error rate',
                condition: '< 0.01',
                measurements: [
                  {
                    at: new Date(Date.now() - 60_000).toISOString(),
                    value: 0.002,
                    outcome: 'successful',
                  },
                  {
                    at: new Date().toISOString(),
                    value: 0.0021,
                    outcome: 'successful',
                  },
                ],
              },
            ],
          },
        ]}
      />,
    );
    const metrics = screen.getByRole('group', {
      name: 'Metrics of the prometheus gate',
    });
    expect(metrics).toHaveTextContent('error rate');
    expect(screen.getAllByTestId('gate-metric')).toHaveLength(1);
    expect(screen.getAllByTestId('gate-metric-point')).toHaveLength(2);
    expect(screen.getByTestId('gate-metric-threshold')).toBeInTheDocument();
  });
});
