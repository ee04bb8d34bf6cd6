import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  gluQuarantineEverywherePermission,
  gluQuarantinePermission,
  Quarantine,
} from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  CHECKOUT_REF,
  checkoutView,
  digestOf,
  GLU_BASE_URL,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import {
  errorResponse,
  servePipeline,
  serveQuarantines,
} from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

/** 1.5.0 of checkout, quarantined by name; staging and build hold it. */
const corruptsCarts: Quarantine = {
  id: '3',
  pipelineRef: CHECKOUT_REF,
  version: '1.5.0',
  reason: 'Corrupts carts',
  quarantinedBy: 'user:default/sam',
  quarantinedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  rollback: false,
  holding: [
    {
      pipelineRef: CHECKOUT_REF,
      phase: 'build',
      version: '1.5.0',
      digest: digestOf('1.5.0'),
    },
    {
      pipelineRef: CHECKOUT_REF,
      phase: 'staging',
      version: '1.5.0',
      digest: digestOf('1.5.0'),
    },
  ],
};

/** A digest in every pipeline, that no phase of checkout holds now. */
const vulnerable: Quarantine = {
  id: '4',
  digest: digestOf('1.3.0'),
  reason: 'CVE-2026-1234',
  quarantinedBy: 'user:default/rita',
  quarantinedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
  rollback: true,
  holding: [],
  rollbacks: [],
};

/** Grants everything but the named permissions. */
function deny(...names: string[]) {
  return (request: EvaluatePermissionRequest) =>
    names.includes(request.permission.name)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
}

function renderCheckout(authorize?: ReturnType<typeof deny>) {
  return renderGlu(
    <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    authorize ? { authorize } : {},
  );
}

describe('PipelineQuarantines', () => {
  it('lists the quarantines that apply to the pipeline: what, why, who, where, and who holds it', async () => {
    servePipeline(server, () => checkoutView());
    const requests = serveQuarantines(server, () => [
      corruptsCarts,
      vulnerable,
    ]);
    await renderCheckout();

    const banner = within(
      await screen.findByTestId('glu-pipeline-quarantines'),
    );
    expect(
      banner.getByText('2 quarantined versions: nothing promotes them again'),
    ).toBeInTheDocument();
    const byName = banner.getByRole('listitem', {
      name: 'Quarantine: 1.5.0',
    });
    expect(byName).toHaveTextContent(
      '1.5.0 — Corrupts carts; in this pipeline, by sam 5 minutes ago.',
    );
    expect(byName).toHaveTextContent('Still held by build and staging.');
    expect(within(byName).getByRole('link', { name: 'sam' })).toHaveAttribute(
      'href',
      '/catalog/default/user/sam',
    );
    const everywhere = banner.getByRole('listitem', {
      name: `Quarantine: ${digestOf('1.3.0').slice(7, 19)}`,
    });
    expect(everywhere).toHaveTextContent(
      'CVE-2026-1234; in every pipeline (by digest), by rita 2 hours ago.',
    );
    expect(everywhere).toHaveTextContent('No phase holds it.');
    expect(everywhere).toHaveTextContent(
      'Its holders were rolled back, pinned.',
    );
    // Asked about this pipeline only.
    expect(requests[0]).toEqual({ pipeline: CHECKOUT_REF });
  });

  it('offers Lift on each quarantine to those who may lift it', async () => {
    servePipeline(server, () => checkoutView());
    serveQuarantines(server, () => [corruptsCarts, vulnerable]);
    const { unmount } = await renderCheckout();
    const banner = within(
      await screen.findByTestId('glu-pipeline-quarantines'),
    );
    expect(
      await banner.findByRole('button', {
        name: 'Lift the quarantine of 1.5.0',
      }),
    ).toBeEnabled();
    expect(
      await banner.findByRole('button', {
        name: /^Lift the quarantine of [0-9a-f]{12}$/,
      }),
    ).toBeEnabled();
    unmount();

    // An owner who is not a release manager lifts only the pipeline's own.
    await renderCheckout(deny(gluQuarantineEverywherePermission.name));
    const owners = within(
      await screen.findByTestId('glu-pipeline-quarantines'),
    );
    expect(
      await owners.findByRole('button', {
        name: 'Lift the quarantine of 1.5.0',
      }),
    ).toBeEnabled();
    expect(owners.getAllByRole('button', { name: /^Lift/ })).toHaveLength(1);
  });

  it('offers no Lift to those who may not quarantine versions of the pipeline', async () => {
    servePipeline(server, () => checkoutView());
    serveQuarantines(server, () => [corruptsCarts]);
    await renderCheckout(
      deny(
        gluQuarantinePermission.name,
        gluQuarantineEverywherePermission.name,
      ),
    );
    const banner = within(
      await screen.findByTestId('glu-pipeline-quarantines'),
    );
    expect(banner.getByText(/Corrupts carts/)).toBeInTheDocument();
    // The phase's own permission answered: still no button.
    const staging = within(
      screen.getByRole('region', { name: 'Phase Staging' }),
    );
    await waitFor(() =>
      expect(staging.getByRole('button', { name: 'Pin' })).toBeEnabled(),
    );
    expect(banner.queryByRole('button', { name: /^Lift/ })).toBeNull();
    expect(staging.queryByRole('button', { name: 'Quarantine' })).toBeNull();
  });

  it('lifts a quarantine on confirmation, and shows the pipeline without it', async () => {
    let quarantines = [corruptsCarts];
    servePipeline(server, () =>
      checkoutView(view => {
        if (quarantines.length) {
          phaseOf(view, 'staging').quarantine = {
            id: '3',
            reason: 'Corrupts carts',
            quarantinedBy: 'user:default/sam',
          };
        }
      }),
    );
    serveQuarantines(server, () => quarantines);
    const lifted: string[] = [];
    server.use(
      http.delete(`${GLU_BASE_URL}/quarantines/:id`, ({ params }) => {
        lifted.push(String(params.id));
        quarantines = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await renderCheckout();
    const staging = within(
      await screen.findByRole('region', { name: 'Phase Staging' }),
    );
    expect(await staging.findByText('quarantined')).toBeInTheDocument();

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Lift the quarantine of 1.5.0',
      }),
    );
    const dialog = within(
      screen.getByRole('dialog', { name: 'Lift the quarantine of 1.5.0' }),
    );
    expect(dialog.getByText('Corrupts carts')).toBeInTheDocument();
    expect(
      dialog.getByText(/It holds 1\.5\.0 back in this pipeline/),
    ).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Lift' }));
    expect(
      await dialog.findByText('Lifted the quarantine.'),
    ).toBeInTheDocument();
    expect(lifted).toEqual(['3']);
    await waitFor(() =>
      expect(screen.queryByTestId('glu-pipeline-quarantines')).toBeNull(),
    );
    await waitFor(() => expect(staging.queryByText('quarantined')).toBeNull());
  });

  it('says why a quarantine could not be lifted', async () => {
    servePipeline(server, () => checkoutView());
    serveQuarantines(server, () => [corruptsCarts]);
    server.use(
      http.delete(`${GLU_BASE_URL}/quarantines/:id`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'You may not lift quarantine 3 of pipeline:default/checkout',
        ),
      ),
    );
    await renderCheckout();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Lift the quarantine of 1.5.0',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Lift' }));
    expect(
      await dialog.findByText('The quarantine could not be lifted'),
    ).toBeInTheDocument();
    expect(
      dialog.getByText(
        'You may not lift quarantine 3 of pipeline:default/checkout',
      ),
    ).toBeInTheDocument();
  });

  it('shows nothing when no quarantine applies, and a warning when they cannot be listed', async () => {
    servePipeline(server, () => checkoutView());
    const { unmount } = await renderCheckout();
    await screen.findByRole('region', { name: 'Phase Production' });
    expect(screen.queryByTestId('glu-pipeline-quarantines')).toBeNull();
    unmount();

    server.use(
      http.get(`${GLU_BASE_URL}/quarantines`, () =>
        errorResponse(500, 'Error', 'the store is unavailable'),
      ),
    );
    await renderCheckout();
    expect(
      await screen.findByText(
        'The quarantines could not be listed: the store is unavailable',
      ),
    ).toBeInTheDocument();
    // The pipeline shows all the same.
    expect(
      screen.getByRole('region', { name: 'Phase Production' }),
    ).toBeInTheDocument();
  });
});
