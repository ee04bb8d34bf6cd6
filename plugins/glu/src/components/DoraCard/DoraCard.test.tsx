import { registerMswTestHooks } from '@backstage/test-utils';
import { DoraFigures } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GLU_BASE_URL } from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { CHECKOUT_URL, errorResponse } from '../../__testUtils__/server';
import { DoraCard, durationLabel } from './DoraCard';

const server = setupServer();
registerMswTestHooks(server);

const figures: DoraFigures = {
  deployments: 5,
  hotfixes: 0,
  deploymentsPerWeek: 1.17,
  medianLeadTimeSeconds: 4 * 3600,
  failedDeployments: 2,
  changeFailureRate: 0.4,
  medianTimeToRestoreSeconds: 2 * 3600,
  days: [
    { date: '2026-11-04', deployments: 1, failures: 1 },
    { date: '2026-11-05', deployments: 2, failures: 1 },
  ],
};

const figure = (label: string) => screen.getByRole('group', { name: label });

describe('DoraCard', () => {
  it("shows a pipeline's four figures, and asks for the period picked", async () => {
    const asked: Array<{ from: string; to: string }> = [];
    server.use(
      http.get(`${CHECKOUT_URL}/dora`, ({ request }) => {
        const url = new URL(request.url);
        asked.push({
          from: url.searchParams.get('from')!,
          to: url.searchParams.get('to')!,
        });
        return HttpResponse.json({
          pipelineRef: 'pipeline:default/checkout',
          from: url.searchParams.get('from'),
          to: url.searchParams.get('to'),
          production: ['production'],
          failureWindow: '1d',
          figures,
          deployments: [],
        });
      }),
    );
    await renderGlu(<DoraCard pipelineRef="pipeline:default/checkout" />);
    await waitFor(() =>
      expect(figure('Deployment frequency')).toHaveTextContent(
        '1.17/week5 deployments',
      ),
    );
    expect(figure('Lead time for changes')).toHaveTextContent('4h');
    expect(figure('Change failure rate')).toHaveTextContent('40%2 failed');
    expect(figure('Time to restore')).toHaveTextContent('2h');
    const days = (a: { from: string; to: string }) =>
      Math.round((Date.parse(a.to) - Date.parse(a.from)) / 86_400_000);
    expect(days(asked[0])).toBe(30);

    await userEvent.click(screen.getByText('Last 30 days'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last 90 days' }),
    );
    await waitFor(() => expect(asked).toHaveLength(2));
    expect(days(asked[1])).toBe(90);
  });

  it('counts the deployments that went through a freeze as hotfixes', async () => {
    server.use(
      http.get(`${CHECKOUT_URL}/dora`, () =>
        HttpResponse.json({
          pipelineRef: 'pipeline:default/checkout',
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          production: ['production'],
          failureWindow: '1d',
          figures: { ...figures, hotfixes: 1 },
          deployments: [],
        }),
      ),
    );
    await renderGlu(<DoraCard pipelineRef="pipeline:default/checkout" />);
    await waitFor(() =>
      expect(figure('Deployment frequency')).toHaveTextContent(
        '1.17/week5 deployments, 1 hotfix',
      ),
    );
  });

  it('says when nothing was deployed, and what counts as production', async () => {
    server.use(
      http.get(`${CHECKOUT_URL}/dora`, () =>
        HttpResponse.json({
          pipelineRef: 'pipeline:default/checkout',
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          production: ['production-eu', 'production-us'],
          failureWindow: '1d',
          figures: {
            deployments: 0,
            deploymentsPerWeek: 0,
            failedDeployments: 0,
            days: [],
          },
          deployments: [],
        }),
      ),
    );
    await renderGlu(<DoraCard pipelineRef="pipeline:default/checkout" />);
    expect(
      await screen.findByText(
        'No deployments in the last 30 days (production: production-eu, production-us).',
      ),
    ).toBeInTheDocument();
    expect(figure('Change failure rate')).toHaveTextContent('–0 failed');
  });

  it("lists an owner's pipelines with their figures", async () => {
    let owner: string | null = null;
    server.use(
      http.get(`${GLU_BASE_URL}/dora`, ({ request }) => {
        owner = new URL(request.url).searchParams.get('owner');
        return HttpResponse.json({
          owner: ['group:default/team-checkout'],
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          figures,
          pipelines: [
            {
              pipelineRef: 'pipeline:default/checkout',
              title: 'Checkout',
              production: ['production'],
              figures,
            },
            {
              pipelineRef: 'pipeline:default/cart',
              production: ['production'],
              figures: {
                deployments: 0,
                deploymentsPerWeek: 0,
                failedDeployments: 0,
                days: [],
              },
            },
          ],
        });
      }),
    );
    await renderGlu(<DoraCard ownerRef="group:default/team-checkout" />);
    const table = await screen.findByRole('table', {
      name: 'DORA by pipeline',
    });
    expect(owner).toBe('group:default/team-checkout');
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Checkout54h40%2h');
    expect(rows[2]).toHaveTextContent('cart0–––');
    expect(within(rows[1]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/pipeline/checkout',
    );
  });

  it("lists the time between an owner's environments", async () => {
    server.use(
      http.get(`${GLU_BASE_URL}/dora`, () =>
        HttpResponse.json({
          owner: ['group:default/team-checkout'],
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          figures,
          lag: [
            { from: 'dev', to: 'staging', changes: 1, median: 600, p90: 600 },
            {
              from: 'staging',
              to: 'production',
              changes: 12,
              median: 2 * 3600,
              p90: 3 * 86_400,
            },
            { from: 'production', to: 'dr', changes: 0 },
          ],
          pipelines: [],
        }),
      ),
    );
    await renderGlu(<DoraCard ownerRef="group:default/team-checkout" />);
    const section = await screen.findByRole('region', {
      name: 'Time between environments',
    });
    expect(
      within(section)
        .getAllByTestId('glu-environment-lag')
        .map(item => item.textContent),
    ).toEqual([
      'dev → staging  median 10m  p90 10m  (1 change)',
      'staging → production  median 2h  p90 3d  (12 changes)',
      'production → dr  median –  p90 –  (0 changes)',
    ]);
  });

  it('shows what went wrong', async () => {
    server.use(
      http.get(`${CHECKOUT_URL}/dora`, () =>
        errorResponse(
          400,
          'InputError',
          'A period is at most 366 days; ask for a shorter one',
        ),
      ),
    );
    await renderGlu(<DoraCard pipelineRef="pipeline:default/checkout" />);
    expect(
      (await screen.findAllByText(/A period is at most 366 days/))[0],
    ).toBeInTheDocument();
  });

  it('says durations in words', () => {
    expect(durationLabel(undefined)).toBe('–');
    expect(durationLabel(45)).toBe('45s');
    expect(durationLabel(12 * 60)).toBe('12m');
    expect(durationLabel(3 * 3600 + 5 * 60)).toBe('3h 5m');
    expect(durationLabel(2 * 86_400 + 4 * 3600)).toBe('2d 4h');
  });
});
