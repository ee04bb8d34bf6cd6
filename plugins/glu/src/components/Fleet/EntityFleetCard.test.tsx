import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { fleetCell, fleetRow, serveFleet } from '../../__testUtils__/fleet';
import { renderGlu } from '../../__testUtils__/render';
import { EntityFleetCard } from './EntityFleetCard';

const server = setupServer();
registerMswTestHooks(server);

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-checkout', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'group:default/team-checkout' },
};

const rows = () => [
  fleetRow('checkout', {
    system: 'system:default/shop',
    cells: [
      fleetCell('staging', '1.6.0'),
      fleetCell('production', '1.5.0', { status: 'pinned' }),
    ],
  }),
  fleetRow('cart', {
    owner: 'group:default/team-platform',
    system: 'system:default/shop',
  }),
];

async function renderCard(entity: Entity, pagePath?: string) {
  await renderGlu(
    <EntityProvider entity={entity}>
      <EntityFleetCard pagePath={pagePath} />
    </EntityProvider>,
  );
}

describe('EntityFleetCard', () => {
  it("shows a group's pipelines, by system, and links to the fleet view", async () => {
    const requests = serveFleet(server, rows);
    await renderCard(group, '/glu');
    expect(
      await screen.findByRole('link', {
        name: 'Checkout in production: 1.5.0 for 3d, pinned',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/pipeline/checkout/glu?phase=production',
    );
    expect(requests).toEqual([
      { owner: ['group:default/team-checkout'], limit: '25' },
    ]);
    expect(screen.getAllByTestId('fleet-row')).toHaveLength(1);
    expect(screen.getByTestId('fleet-group')).toHaveTextContent('shop');
    expect(
      screen.getByRole('link', { name: 'Open in the fleet view' }),
    ).toHaveAttribute(
      'href',
      '/glu?view=fleet&owner=group%3Adefault%2Fteam-checkout&groupBy=system',
    );
  });

  it("shows a system's pipelines, by owner", async () => {
    const requests = serveFleet(server, rows);
    await renderCard(system);
    expect(await screen.findAllByTestId('fleet-row')).toHaveLength(2);
    expect(requests).toEqual([
      { system: ['system:default/shop'], limit: '25' },
    ]);
    expect(
      screen.getAllByTestId('fleet-group').map(g => g.textContent),
    ).toEqual(['team-checkout', 'team-platform']);
    // Without the pipelines page in the app, no link to it.
    expect(
      screen.queryByRole('link', { name: 'Open in the fleet view' }),
    ).not.toBeInTheDocument();
  });

  it('says when a system has no pipeline', async () => {
    serveFleet(server, () => []);
    await renderCard(system);
    expect(
      await screen.findByText('No pipeline is part of it.'),
    ).toBeInTheDocument();
  });
});
