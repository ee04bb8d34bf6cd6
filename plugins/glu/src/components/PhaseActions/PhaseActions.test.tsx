import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { gluApprovePermission, Pin } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  CHECKOUT_REF,
  checkoutView,
  digestOf,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu, RenderOptions } from '../../__testUtils__/render';
import {
  CHECKOUT_URL,
  errorResponse,
  servePipeline,
} from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

async function renderProduction(options?: RenderOptions) {
  await renderGlu(
    <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    options,
  );
  return within(
    await screen.findByRole('region', { name: 'Phase Production' }),
  );
}

/** The backend's pins: pinning and unpinning change what the view shows. */
function servePins() {
  let pin: Pin | undefined;
  const requests: { method: string; body?: unknown }[] = [];
  servePipeline(server, () =>
    checkoutView(view => {
      if (pin) phaseOf(view, 'production').pin = pin;
    }),
  );
  server.use(
    http.post(`${CHECKOUT_URL}/phases/production/pin`, async ({ request }) => {
      const body = (await request.json()) as { reason: string };
      requests.push({ method: 'POST', body });
      pin = {
        phase: 'production',
        digest: digestOf('1.4.0'),
        version: '1.4.0',
        pinnedBy: 'user:default/guest',
        reason: body.reason,
        pinnedAt: new Date().toISOString(),
      };
      return HttpResponse.json(pin);
    }),
    http.delete(`${CHECKOUT_URL}/phases/production/pin`, () => {
      requests.push({ method: 'DELETE' });
      pin = undefined;
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return requests;
}

describe('pinning, unpinning and approving', () => {
  it('pins a phase with a reason, then unpins it', async () => {
    const requests = servePins();
    const production = await renderProduction();

    await userEvent.click(production.getByRole('button', { name: 'Pin' }));
    const pinDialog = within(
      await screen.findByRole('dialog', { name: 'Pin Production' }),
    );
    const confirm = pinDialog.getByRole('button', { name: 'Pin' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      pinDialog.getByRole('textbox', { name: /Reason/ }),
      'release freeze',
    );
    await userEvent.click(confirm);
    expect(
      await pinDialog.findByText('Pinned Production at 1.4.0.'),
    ).toBeInTheDocument();
    await userEvent.click(pinDialog.getByRole('button', { name: 'Close' }));

    await waitFor(() =>
      expect(production.getByText(/Pinned at 1.4.0 by/)).toHaveTextContent(
        'release freeze',
      ),
    );
    await userEvent.click(production.getByRole('button', { name: 'Unpin' }));
    const unpinDialog = within(
      await screen.findByRole('dialog', { name: 'Unpin Production' }),
    );
    await userEvent.click(unpinDialog.getByRole('button', { name: 'Unpin' }));
    expect(
      await unpinDialog.findByText('Unpinned Production.'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(production.queryByText(/Pinned at/)).not.toBeInTheDocument(),
    );
    expect(requests).toEqual([
      { method: 'POST', body: { reason: 'release freeze' } },
      { method: 'DELETE' },
    ]);
  });

  it('approves the upstream version where the edge has an approvals gate', async () => {
    let approvers: string[] = [];
    const bodies: unknown[] = [];
    servePipeline(server, () =>
      checkoutView(view => {
        const passed = approvers.length >= 1;
        view.edges[1] = {
          ...view.edges[1],
          status: passed ? 'promotable' : 'blocked',
          reasons: passed ? [] : ['approvals: 0 of 1 approvals for 1.5.0'],
          gates: [
            {
              type: 'approvals',
              passed,
              reason: `${approvers.length} of 1 approvals for 1.5.0${
                approvers.length ? ` (${approvers.join(', ')})` : ''
              }`,
            },
          ],
        };
      }),
    );
    server.use(
      http.post(
        `${CHECKOUT_URL}/phases/production/approvals`,
        async ({ request }) => {
          bodies.push(await request.json());
          approvers = ['user:default/guest'];
          return HttpResponse.json({
            digest: digestOf('1.5.0'),
            version: '1.5.0',
            approvers,
          });
        },
      ),
    );
    const production = await renderProduction();
    expect(
      production.getByText('approvals: 0 of 1 approvals for 1.5.0'),
    ).toBeInTheDocument();

    await userEvent.click(production.getByRole('button', { name: 'Approve' }));
    const dialog = within(
      await screen.findByRole('dialog', { name: 'Approve for production' }),
    );
    expect(
      dialog.getByText(/Approve 1.5.0, which staging holds now/),
    ).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    expect(
      await dialog.findByText(
        'Approved 1.5.0 for production. Approved by user:default/guest.',
      ),
    ).toBeInTheDocument();
    expect(bodies).toEqual([{ from: 'staging' }]);
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(
        production.getByText(
          'approvals: 1 of 1 approvals for 1.5.0 (user:default/guest)',
        ),
      ).toBeInTheDocument(),
    );
    expect(production.getByRole('button', { name: 'Promote' })).toBeEnabled();
  });

  it('shows why an approval was refused', async () => {
    servePipeline(server, () =>
      checkoutView(view => {
        view.edges[1] = {
          ...view.edges[1],
          status: 'blocked',
          reasons: ['approvals: 0 of 1 approvals for 1.5.0'],
          gates: [
            {
              type: 'approvals',
              passed: false,
              reason: '0 of 1 approvals for 1.5.0',
            },
          ],
        };
      }),
    );
    server.use(
      http.post(`${CHECKOUT_URL}/phases/production/approvals`, () =>
        errorResponse(
          400,
          'InputError',
          'Approvals are given by people, not services',
        ),
      ),
    );
    const production = await renderProduction();
    await userEvent.click(production.getByRole('button', { name: 'Approve' }));
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'Approve failedApprovals are given by people, not services',
    );
  });

  it('disables Approve for a user who may not approve, saying why', async () => {
    servePipeline(server, () =>
      checkoutView(view => {
        view.edges[1] = {
          ...view.edges[1],
          status: 'blocked',
          reasons: ['approvals: 0 of 1 approvals for 1.5.0'],
          gates: [
            {
              type: 'approvals',
              passed: false,
              reason: '0 of 1 approvals for 1.5.0',
            },
          ],
        };
      }),
    );
    const production = await renderProduction({
      authorize: request =>
        isPermission(request.permission, gluApprovePermission)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const approve = production.getByRole('button', { name: 'Approve' });
    await waitFor(() =>
      expect(approve.parentElement).toHaveAttribute(
        'title',
        expect.stringContaining('glu.pipeline.approve'),
      ),
    );
    expect(approve).toBeDisabled();
  });
});
