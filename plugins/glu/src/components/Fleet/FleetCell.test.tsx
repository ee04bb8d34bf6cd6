import { FleetCell, FleetCellStatus } from '@glu-dev/plugin-glu-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fleetCell, hoursAgo } from '../../__testUtils__/fleet';
import { renderGlu } from '../../__testUtils__/render';
import { FleetCellView } from './FleetCell';

const cells: Record<FleetCellStatus, [FleetCell, string]> = {
  'up-to-date': [fleetCell('production', '1.5.0'), 'up to date'],
  behind: [
    fleetCell('production', '1.4.0', {
      status: 'behind',
      behind: {
        from: 'staging',
        version: '1.6.0',
        digest: 'sha256:16',
        versions: 3,
        since: hoursAgo(49),
      },
    }),
    'behind 3 versions for 2d',
  ],
  promoting: [
    fleetCell('production', '1.4.0', {
      status: 'promoting',
      promotionId: 'p1',
    }),
    'promoting',
  ],
  blocked: [
    fleetCell('production', '1.4.0', {
      status: 'blocked',
      reasons: ['soak: staging has held 1.5.0 for 1h of 24h'],
    }),
    'blocked',
  ],
  pinned: [fleetCell('production', '1.4.0', { status: 'pinned' }), 'pinned'],
  frozen: [fleetCell('production', '1.4.0', { status: 'frozen' }), 'frozen'],
  quarantined: [
    fleetCell('production', '1.4.0', { status: 'quarantined' }),
    'quarantined',
  ],
  'refresh-failing': [
    fleetCell('production', '1.4.0', {
      status: 'refresh-failing',
      reasons: ['git: repository not found'],
    }),
    'refresh failing',
  ],
  empty: [fleetCell('production', undefined), 'empty'],
};

describe('FleetCellView', () => {
  it.each(Object.entries(cells))(
    'shows a cell that is %s with its icon, words and accessible name',
    async (status, [cell, label]) => {
      await renderGlu(
        <FleetCellView
          cell={cell}
          to="/catalog/default/pipeline/checkout/glu?phase=production"
          pipelineTitle="Checkout"
          now={Date.now()}
        />,
      );
      const link = screen.getByTestId('fleet-cell');
      expect(link).toHaveAttribute('data-status', status);
      expect(link).toHaveTextContent(label);
      expect(link.querySelector('svg')).not.toBeNull();
      expect(link).toHaveAccessibleName(
        expect.stringContaining(`Checkout in production: `),
      );
      expect(link).toHaveAccessibleName(expect.stringContaining(label));
      expect(link).toHaveAttribute(
        'href',
        '/catalog/default/pipeline/checkout/glu?phase=production',
      );
      expect(link).toHaveTextContent(
        cell.version ? `${cell.version}for 3d` : '—',
      );
    },
  );

  it('gives the reasons on hover, and in the accessible name', async () => {
    const [cell] = cells.blocked;
    await renderGlu(
      <FleetCellView
        cell={cell}
        to="/x"
        pipelineTitle="Checkout"
        now={Date.now()}
      />,
    );
    const link = screen.getByRole('link', {
      name: 'Checkout in production: 1.4.0 for 3d, blocked. soak: staging has held 1.5.0 for 1h of 24h',
    });
    await userEvent.hover(link);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'production: blockedsoak: staging has held 1.5.0 for 1h of 24h',
    );
  });

  it('says which version waits where', async () => {
    const [cell] = cells.behind;
    await renderGlu(<FleetCellView cell={cell} to="/x" now={Date.now()} />);
    // Keyboard users reach it too (MUI shows the tooltip on focus-visible,
    // which jsdom does not tell).
    await userEvent.tab();
    expect(screen.getByTestId('fleet-cell')).toHaveFocus();
    await userEvent.hover(screen.getByTestId('fleet-cell'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      '1.6.0 waits in staging',
    );
  });
});
