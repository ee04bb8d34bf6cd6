import { registerMswTestHooks } from '@backstage/test-utils';
import { Promotion, PromotionDryRun } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  CHECKOUT_REF,
  checkoutView,
  historyEntry,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { CHECKOUT_URL } from '../../__testUtils__/server';
import { RollbackDialog } from './RollbackDialog';

const server = setupServer();
registerMswTestHooks(server);

/** Staging's earlier state: 1.4.0, before build's 1.5.0 came in. */
const earlier = historyEntry('staging', '0', '1.4.0', {
  cause: 'promotion',
  actor: 'glu:auto-promotion',
});

/** Serves the rollback of staging, recording what was asked. */
function serveRollback() {
  const bodies: Array<{ dryRun?: boolean; pin?: { reason: string } }> = [];
  server.use(
    http.post(
      `${CHECKOUT_URL}/phases/staging/rollback`,
      async ({ request }) => {
        const body = (await request.json()) as (typeof bodies)[number];
        bodies.push(body);
        const versions = {
          fromVersion: { digest: earlier.digest, version: '1.4.0' },
          after: { digest: earlier.digest, version: '1.4.0' },
        };
        if (body.dryRun) {
          const plan: PromotionDryRun = {
            pipelineRef: CHECKOUT_REF,
            kind: 'rollback',
            from: 'staging',
            to: 'staging',
            status: 'promotable',
            reasons: [],
            gates: [],
            ...versions,
            diff: '-          image: registry.example.com/acme/checkout:1.5.0\n+          image: registry.example.com/acme/checkout:1.4.0\n',
          };
          return HttpResponse.json(plan);
        }
        const promotion: Promotion = {
          id: '21',
          pipelineRef: CHECKOUT_REF,
          from: 'staging',
          to: 'staging',
          kind: 'rollback',
          strategy: 'commit',
          status: 'succeeded',
          ...versions,
          triggeredBy: 'user:default/guest',
          trigger: 'manual',
          createdAt: new Date().toISOString(),
        };
        return HttpResponse.json(promotion);
      },
    ),
  );
  return bodies;
}

async function openRollback(change?: Parameters<typeof checkoutView>[0]) {
  const view = checkoutView(change);
  await renderGlu(
    <RollbackDialog
      pipeline={view}
      phase={phaseOf(view, 'staging')}
      entry={earlier}
      pinPermission={{ allowed: true }}
      onClose={() => {}}
      onChanged={() => {}}
    />,
  );
  return within(
    await screen.findByRole('dialog', { name: 'Roll Staging back to 1.4.0' }),
  );
}

describe('RollbackDialog', () => {
  it('pins by default a phase that an automatic edge feeds, saying why', async () => {
    const bodies = serveRollback();
    const dialog = await openRollback();

    expect(dialog.getByTestId('rollback-auto')).toHaveTextContent(
      "Build feeds Staging automatically: unless the phase is pinned, automatic promotion brings Build's version back the next time it runs, undoing the rollback.",
    );
    expect(dialog.getByRole('checkbox')).toBeChecked();
    expect(dialog.getByRole('textbox', { name: /Why pin it/ })).toHaveValue(
      'Rolled back from 1.5.0 to 1.4.0',
    );
    const confirm = dialog.getByRole('button', { name: 'Roll back' });
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);

    await dialog.findByText(/Rolled back staging to 1.4.0/);
    expect(bodies).toEqual([
      { historyId: '0', pin: { reason: 'rollback' }, dryRun: true },
      { historyId: '0', pin: { reason: 'Rolled back from 1.5.0 to 1.4.0' } },
    ]);
  });

  it('rolls back without the pin when it is unchecked', async () => {
    const bodies = serveRollback();
    const dialog = await openRollback();

    await userEvent.click(dialog.getByRole('checkbox'));
    const confirm = dialog.getByRole('button', { name: 'Roll back' });
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);

    await dialog.findByText(/Rolled back staging to 1.4.0/);
    expect(bodies.filter(b => !b.dryRun)).toEqual([{ historyId: '0' }]);
  });

  it('neither warns nor pins by default where promotion is by hand', async () => {
    serveRollback();
    const dialog = await openRollback(view => {
      view.edges[0].auto = false;
    });

    expect(dialog.queryByTestId('rollback-auto')).not.toBeInTheDocument();
    expect(dialog.getByRole('checkbox')).not.toBeChecked();
  });
});
