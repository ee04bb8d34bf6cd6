import { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { fleetCell, fleetRow, serveFleet } from '../../__testUtils__/fleet';
import { renderGlu } from '../../__testUtils__/render';
import { GluPipelinesViews } from '../GluPage/GluPipelinesViews';

const server = setupServer();
registerMswTestHooks(server);

const SHOP = 'system:default/shop';
const PLATFORM = 'group:default/team-platform';

const entities: Entity[] = [
  ...['team-checkout', 'team-platform'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  })),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { owner: 'group:default/team-checkout' },
  },
];

const rows = () => [
  fleetRow('checkout', { system: SHOP }),
  fleetRow('cart', { system: SHOP, owner: PLATFORM }),
  fleetRow('billing'),
];

async function renderFleet(search = '?view=fleet') {
  return renderGlu(<GluPipelinesViews />, {
    entities,
    routeEntries: [`/glu${search}`],
  });
}

/** The table's lines: `#` and a group's heading, or a pipeline's cells. */
const lines = () =>
  within(screen.getByRole('table', { name: 'Fleet' }))
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      row.getAttribute('data-testid') === 'fleet-group'
        ? `# ${row.textContent}`
        : row.textContent,
    );

describe('the fleet view', () => {
  it('opens from the tab, and groups pipelines by owner or by system', async () => {
    serveFleet(server, rows);
    await renderGlu(<GluPipelinesViews />, {
      entities,
      routeEntries: ['/glu'],
    });
    await userEvent.click(screen.getByRole('tab', { name: 'Fleet' }));
    expect(
      await screen.findByRole('columnheader', { name: 'production' }),
    ).toBeInTheDocument();
    expect(lines()).toEqual([
      '# team-checkout (2 pipelines)',
      'Billing1.5.0for 3dup to date1.5.0for 3dup to date',
      'Checkoutshop1.5.0for 3dup to date1.5.0for 3dup to date',
      '# team-platform (1 pipeline)',
      'Cartshop1.5.0for 3dup to date1.5.0for 3dup to date',
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Group by' }));
    await userEvent.click(screen.getByRole('option', { name: 'System' }));
    await waitFor(() =>
      expect(lines().filter(l => l?.startsWith('#'))).toEqual([
        '# shop (2 pipelines)',
        '# No system (1 pipeline)',
      ]),
    );
    expect(lines()[1]).toMatch(/^Cart/);
  });

  it('reads the whole fleet, a thousand a request, and shows 50 pipelines a page', async () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      fleetRow(`p${String(i).padStart(3, '0')}`),
    );
    const requests = serveFleet(server, () => many, { pageSize: 50 });
    await renderFleet();
    expect(await screen.findByRole('status')).toHaveTextContent(
      '120 pipelines in 2 environments',
    );
    expect(requests).toEqual([
      { limit: '1000' },
      { limit: '1000', cursor: '50' },
      { limit: '1000', cursor: '100' },
    ]);
    expect(screen.getAllByTestId('fleet-row')).toHaveLength(50);
    expect(screen.getAllByTestId('fleet-row')[0]).toHaveTextContent(/^P000/);

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getAllByTestId('fleet-row')).toHaveLength(50);
    expect(screen.getAllByTestId('fleet-row')[0]).toHaveTextContent(/^P050/);
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getAllByTestId('fleet-row')).toHaveLength(20);
  });

  it('keeps a thousand pipelines in four environments to one page in the document', async () => {
    const environments = ['dev', 'staging', 'canary', 'production'];
    const many = Array.from({ length: 1000 }, (_, i) =>
      fleetRow(`p${String(i).padStart(4, '0')}`, {
        owner: `group:default/team-${i % 7}`,
        cells: environments.map(e => fleetCell(e, `1.${i % 9}.0`)),
      }),
    );
    serveFleet(server, () => many, { environments });
    await renderFleet();
    expect(await screen.findByRole('status')).toHaveTextContent(
      '1000 pipelines in 4 environments',
    );
    expect(screen.getAllByTestId('fleet-row')).toHaveLength(50);
    expect(screen.getAllByTestId('fleet-cell')).toHaveLength(200);
  });

  it('filters on the text, and asks for my pipelines or a system', async () => {
    const requests = serveFleet(server, rows);
    await renderFleet();
    await screen.findByRole('table', { name: 'Fleet' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Filter pipelines' }),
      'CHECK',
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('fleet-row')).toHaveLength(1),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      '1 pipeline of 3 in 2 environments',
    );

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Owned by me' }),
    );
    await waitFor(() =>
      expect(requests[requests.length - 1]).toEqual({
        mine: 'true',
        limit: '1000',
      }),
    );

    await userEvent.click(screen.getByRole('textbox', { name: 'System' }));
    await userEvent.click(await screen.findByRole('option', { name: SHOP }));
    await waitFor(() =>
      expect(requests[requests.length - 1]).toEqual({
        mine: 'true',
        system: [SHOP],
        limit: '1000',
      }),
    );
  });

  it('opens from a link as it was, and links each cell to its phase in the Glu tab', async () => {
    const requests = serveFleet(server, () => [
      fleetRow('checkout', {
        system: SHOP,
        cells: [
          fleetCell('staging', '1.6.0'),
          fleetCell('production', '1.5.0', { phase: 'prod-eu' }),
        ],
      }),
      fleetRow('cart', { system: SHOP }),
    ]);
    await renderFleet(
      `?view=fleet&groupBy=system&system=${encodeURIComponent(SHOP)}&q=check`,
    );
    const cell = await screen.findByRole('link', {
      name: 'Checkout in production: 1.5.0 for 3d, up to date',
    });
    expect(cell).toHaveAttribute(
      'href',
      '/catalog/default/pipeline/checkout/glu?phase=prod-eu',
    );
    expect(requests).toEqual([{ system: [SHOP], limit: '1000' }]);
    expect(lines()[0]).toBe('# shop (1 pipeline)');
    expect(screen.getByRole('tab', { name: 'Fleet' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
