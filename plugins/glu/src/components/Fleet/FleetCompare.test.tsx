import { registerMswTestHooks } from '@backstage/test-utils';
import { FleetDiffItem, Promotion } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  fleetCell,
  fleetRow,
  hoursAgo,
  serveFleet,
  serveFleetDiff,
  serveFleetPromotions,
} from '../../__testUtils__/fleet';
import { renderGlu } from '../../__testUtils__/render';
import { GluPipelinesViews } from '../GluPage/GluPipelinesViews';

const server = setupServer();
registerMswTestHooks(server);

const ENVIRONMENTS = ['dev', 'staging', 'production'];

function diffItem(
  name: string,
  from: string,
  to: string,
  promotable: boolean,
  reasons: string[] = [],
): FleetDiffItem {
  const { cells, ...pipeline } = fleetRow(name);
  return {
    pipeline,
    from: fleetCell(from, '1.6.0'),
    to: fleetCell(to, '1.4.0', {
      status: promotable ? 'behind' : 'blocked',
      behind: {
        from,
        version: '1.6.0',
        digest: 'sha256:16',
        versions: 2,
        since: hoursAgo(26),
      },
      reasons,
    }),
    promotable,
    reasons,
  };
}

function promotion(pipeline: string, to: string): Promotion {
  return {
    id: `promotion-${pipeline}`,
    pipelineRef: pipeline,
    from: 'staging',
    to,
    kind: 'promotion',
    strategy: 'commit',
    status: 'succeeded',
    triggeredBy: 'user:default/guest',
    trigger: 'manual',
    createdAt: hoursAgo(0),
  };
}

const row = (name: string) =>
  screen
    .getAllByTestId('fleet-compare-row')
    .find(r => r.getAttribute('data-pipeline') === `pipeline:default/${name}`)!;

async function choose(select: string, option: string) {
  await userEvent.click(screen.getByRole('button', { name: select }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('the compare view', () => {
  it('compares staging to production first, then the environments picked', async () => {
    serveFleet(server, () => [fleetRow('checkout')], {
      environments: ENVIRONMENTS,
    });
    const requests = serveFleetDiff(
      server,
      (from, to) => [diffItem('checkout', from, to, true)],
      { pageSize: 1 },
    );
    await renderGlu(<GluPipelinesViews />, {
      routeEntries: ['/glu?view=compare'],
    });
    const table = await screen.findByRole('table', {
      name: 'Compare staging to production',
    });
    expect(requests[0]).toEqual({
      from: 'staging',
      to: 'production',
      limit: '1000',
    });
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent(
      'Checkout1.6.0for 3dup to date1.4.0for 3dbehind 2 versions for 1d2 versionsfor 1d',
    );

    await choose('From', 'dev');
    expect(
      await screen.findByRole('table', { name: 'Compare dev to production' }),
    ).toBeInTheDocument();
    expect(requests[requests.length - 1]).toEqual({
      from: 'dev',
      to: 'production',
      limit: '1000',
    });
  });

  it('promotes the pipelines selected, and shows what came of each', async () => {
    serveFleet(server, () => [fleetRow('checkout')], {
      environments: ENVIRONMENTS,
    });
    let promoted = false;
    const requests = serveFleetDiff(server, (from, to) => [
      ...(promoted ? [] : [diffItem('checkout', from, to, true)]),
      diffItem('cart', from, to, true),
      diffItem('billing', from, to, false, ['soak: 1h of 24h']),
    ]);
    const bodies = serveFleetPromotions(server, request => {
      promoted = true;
      return request.pipeline === 'pipeline:default/cart'
        ? {
            ...request,
            error: {
              name: 'NotAllowedError',
              message: 'The freeze "release" holds promotions into production',
              statusCode: 409,
            },
          }
        : { ...request, promotion: promotion(request.pipeline, request.phase) };
    });
    await renderGlu(<GluPipelinesViews />, {
      routeEntries: ['/glu?view=compare'],
    });
    await screen.findByRole('table', { name: 'Compare staging to production' });
    // Only those that can be promoted now can be picked.
    expect(
      within(row('billing')).queryByRole('checkbox'),
    ).not.toBeInTheDocument();
    expect(row('billing')).toHaveTextContent('soak: 1h of 24h');
    const promote = screen.getByRole('button', { name: 'Promote 0 selected' });
    expect(promote).toBeDisabled();

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select Checkout' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select Cart' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote 2 selected' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote 2 pipelines from staging to production',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote 2 pipelines' }),
    );
    expect(
      await within(dialog).findByTestId('fleet-promotion-summary'),
    ).toHaveTextContent('1 promoted, 1 refused.');
    expect(bodies).toEqual([
      [
        {
          pipeline: 'pipeline:default/checkout',
          phase: 'production',
          from: 'staging',
        },
        {
          pipeline: 'pipeline:default/cart',
          phase: 'production',
          from: 'staging',
        },
      ],
    ]);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );

    // The diff is read again; the rows keep what came of each.
    await waitFor(() => expect(requests).toHaveLength(2));
    await waitFor(() =>
      expect(
        within(row('checkout')).getByTestId('fleet-promotion-result'),
      ).toHaveTextContent('Promotion succeeded'),
    );
    expect(
      within(row('cart')).getByTestId('fleet-promotion-result'),
    ).toHaveTextContent(
      'Refused: The freeze "release" holds promotions into production',
    );
    // Checkout left the diff: it stays with its result, and cannot be picked.
    expect(row('checkout')).toHaveTextContent('Now holds what staging held');
    expect(within(row('checkout')).queryByRole('checkbox')).toBeNull();
    expect(screen.getByTestId('fleet-promotion-summary')).toHaveTextContent(
      '1 promoted, 1 refused.',
    );
    expect(
      screen.getByRole('button', { name: 'Promote 0 selected' }),
    ).toBeDisabled();
  });

  it('selects every promotable pipeline at once', async () => {
    serveFleet(server, () => [], { environments: ['staging', 'production'] });
    serveFleetDiff(server, (from, to) => [
      diffItem('checkout', from, to, true),
      diffItem('cart', from, to, true),
      diffItem('billing', from, to, false),
    ]);
    await renderGlu(<GluPipelinesViews />, {
      routeEntries: ['/glu?view=compare'],
    });
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Select every promotable' }),
    );
    expect(
      screen.getByRole('button', { name: 'Promote 2 selected' }),
    ).toBeEnabled();
  });
});
