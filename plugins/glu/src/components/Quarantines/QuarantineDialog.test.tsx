import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  gluQuarantinePermission,
  HistoryEntry,
  Quarantine,
  QuarantineMark,
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
  historyEntry,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu, RenderOptions } from '../../__testUtils__/render';
import {
  errorResponse,
  serveHistory,
  servePipeline,
  serveQuarantines,
} from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

const mark: QuarantineMark = {
  id: '3',
  reason: 'Corrupts carts',
  quarantinedBy: 'user:default/sam',
};

/** Staging's history: 1.5.0 now, 1.4.0 before it. */
function stagingHistory(quarantined = false): HistoryEntry[] {
  return [
    historyEntry('staging', '2', '1.5.0', {
      cause: 'promotion',
      actor: 'user:default/alice',
      ...(quarantined ? { quarantine: mark } : {}),
    }),
    historyEntry('staging', '1', '1.4.0', { cause: 'promotion' }),
  ];
}

/**
 * The quarantines like the backend (after servePipeline): set, then listed.
 * Records what was asked.
 */
function serveQuarantining(
  answer: (body: Record<string, unknown>) => Quarantine,
) {
  const requests: Record<string, unknown>[] = [];
  let set: Quarantine | undefined;
  serveQuarantines(server, () => (set ? [set] : []));
  server.use(
    http.post(`${GLU_BASE_URL}/quarantines`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      requests.push(body);
      set = answer(body);
      return HttpResponse.json(set);
    }),
  );
  return requests;
}

function quarantineOf(body: Record<string, unknown>): Quarantine {
  return {
    id: '3',
    pipelineRef: CHECKOUT_REF,
    digest: String(body.digest),
    reason: String(body.reason),
    quarantinedBy: 'user:default/guest',
    quarantinedAt: new Date().toISOString(),
    rollback: Boolean(body.rollback),
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
}

async function openStagingHistory(options?: RenderOptions) {
  await renderGlu(
    <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    options,
  );
  const staging = within(
    await screen.findByRole('region', { name: 'Phase Staging' }),
  );
  await userEvent.click(staging.getByRole('button', { name: 'History' }));
  return within(await screen.findByRole('dialog'));
}

const denyQuarantine = (request: EvaluatePermissionRequest) =>
  request.permission.name === gluQuarantinePermission.name
    ? AuthorizeResult.DENY
    : AuthorizeResult.ALLOW;

describe('quarantined versions', () => {
  it('marks a phase that holds a quarantined version, and its history entries, with the reason on hover', async () => {
    servePipeline(server, () =>
      checkoutView(view => {
        phaseOf(view, 'staging').quarantine = mark;
        phaseOf(view, 'build').quarantine = mark;
      }),
    );
    serveHistory(server, 'staging', () => stagingHistory(true));
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );
    const staging = within(
      await screen.findByRole('region', { name: 'Phase Staging' }),
    );
    expect(staging.getByTestId('quarantine-chip')).toHaveAttribute(
      'title',
      'Quarantined, never promoted again: Corrupts carts (quarantine 3 by user:default/sam)',
    );
    expect(
      within(
        screen.getByRole('region', { name: 'Phase Production' }),
      ).queryByTestId('quarantine-chip'),
    ).toBeNull();
    // Quarantined already: nothing more to do from the phase.
    expect(staging.getByRole('button', { name: 'Quarantine' })).toBeDisabled();

    await userEvent.click(staging.getByRole('button', { name: 'History' }));
    const dialog = within(await screen.findByRole('dialog'));
    const items = within(
      await dialog.findByTestId('phase-history'),
    ).getAllByRole('listitem');
    expect(within(items[0]).getByText('quarantined')).toBeInTheDocument();
    expect(
      within(items[0]).getByRole('button', {
        name: 'Quarantine this version',
      }),
    ).toBeDisabled();
    expect(within(items[1]).queryByText('quarantined')).toBeNull();
    expect(
      within(items[1]).getByRole('button', {
        name: 'Quarantine this version',
      }),
    ).toBeEnabled();
  });

  it('quarantines a version from its history entry, by digest, and says which phases hold it', async () => {
    let set = false;
    servePipeline(server, () =>
      checkoutView(view => {
        if (set) phaseOf(view, 'staging').quarantine = mark;
      }),
    );
    const requests = serveQuarantining(body => {
      set = true;
      return quarantineOf(body);
    });
    serveHistory(server, 'staging', () => stagingHistory(set));
    const history = await openStagingHistory();
    const items = within(
      await history.findByTestId('phase-history'),
    ).getAllByRole('listitem');
    await userEvent.click(
      within(items[0]).getByRole('button', {
        name: 'Quarantine this version',
      }),
    );

    const dialog = within(
      screen.getByRole('dialog', { name: 'Quarantine 1.5.0' }),
    );
    expect(
      dialog.getByText(/Nothing promotes 1\.5\.0 \(digest 151515151515\)/),
    ).toBeInTheDocument();
    expect(
      dialog.getByText('Build and Staging hold it now.'),
    ).toBeInTheDocument();
    const confirm = dialog.getByRole('button', { name: 'Quarantine' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Corrupts carts',
    );
    await userEvent.click(confirm);

    const outcome = within(await dialog.findByTestId('quarantine-outcome'));
    expect(
      outcome.getByText(
        'Quarantine 3 is set: nothing promotes 151515151515 again.',
      ),
    ).toBeInTheDocument();
    expect(
      outcome.getAllByRole('listitem').map(item => item.textContent),
    ).toEqual(['build (1.5.0)', 'staging (1.5.0)']);
    expect(
      outcome.getByText(/They keep it until someone rolls them back/),
    ).toBeInTheDocument();
    expect(requests).toEqual([
      {
        pipeline: CHECKOUT_REF,
        digest: digestOf('1.5.0'),
        reason: 'Corrupts carts',
        rollback: false,
      },
    ]);

    // The history, the phase and the pipeline's quarantines show it at once.
    await waitFor(() =>
      expect(within(items[0]).getByText('quarantined')).toBeInTheDocument(),
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await userEvent.click(history.getByRole('button', { name: 'Close' }));
    expect(
      await screen.findByTestId('glu-pipeline-quarantines'),
    ).toHaveTextContent('Corrupts carts');
    expect(
      within(screen.getByRole('region', { name: 'Phase Staging' })).getByTestId(
        'quarantine-chip',
      ),
    ).toBeInTheDocument();
  });

  it("rolls back the holders when asked, from the phase's own button, and shows each rollback's outcome", async () => {
    servePipeline(server, () => checkoutView());
    const requests = serveQuarantining(body => ({
      ...quarantineOf(body),
      rollbacks: [
        {
          pipelineRef: CHECKOUT_REF,
          phase: 'build',
          error: 'its api source is read-only: nothing to roll back',
        },
        {
          pipelineRef: CHECKOUT_REF,
          phase: 'staging',
          promotionId: 'p-42',
          status: 'succeeded',
        },
      ],
    }));
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );
    const staging = within(
      await screen.findByRole('region', { name: 'Phase Staging' }),
    );
    await userEvent.click(
      await staging.findByRole('button', { name: 'Quarantine' }),
    );
    const dialog = within(
      screen.getByRole('dialog', { name: 'Quarantine 1.5.0' }),
    );
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Corrupts carts',
    );
    await userEvent.click(
      dialog.getByRole('checkbox', {
        name: 'Roll back the phases that hold it, pinned',
      }),
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Quarantine' }));

    const rollbacks = within(
      await dialog.findByRole('list', { name: 'Rollbacks' }),
    );
    expect(rollbacks.getAllByRole('listitem').map(i => i.textContent)).toEqual([
      'build: not rolled back: its api source is read-only: nothing to roll back',
      'staging: rolled back and pinned (promotion p-42)',
    ]);
    expect(requests[0]).toMatchObject({
      digest: digestOf('1.5.0'),
      rollback: true,
    });
  });

  it('says why a version could not be quarantined', async () => {
    servePipeline(server, () => checkoutView());
    serveHistory(server, 'staging', () => stagingHistory());
    server.use(
      http.post(`${GLU_BASE_URL}/quarantines`, () =>
        errorResponse(409, 'ConflictError', '500 quarantines are in force'),
      ),
    );
    const history = await openStagingHistory();
    const items = within(
      await history.findByTestId('phase-history'),
    ).getAllByRole('listitem');
    await userEvent.click(
      within(items[1]).getByRole('button', {
        name: 'Quarantine this version',
      }),
    );
    const dialog = within(
      screen.getByRole('dialog', { name: 'Quarantine 1.4.0' }),
    );
    expect(dialog.getByText('Production holds it now.')).toBeInTheDocument();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Leaks sessions',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Quarantine' }));
    expect(
      await dialog.findByText('The version could not be quarantined'),
    ).toBeInTheDocument();
    expect(
      dialog.getByText('500 quarantines are in force'),
    ).toBeInTheDocument();
  });

  it('offers no quarantine to those who may not quarantine versions of the pipeline', async () => {
    servePipeline(server, () => checkoutView());
    serveHistory(server, 'staging', () => stagingHistory());
    const history = await openStagingHistory({ authorize: denyQuarantine });
    const items = within(
      await history.findByTestId('phase-history'),
    ).getAllByRole('listitem');
    // The permissions have answered: rollback is offered.
    await waitFor(() =>
      expect(
        within(items[1]).getByRole('button', { name: 'Roll back to this' }),
      ).toBeEnabled(),
    );
    expect(
      history.queryByRole('button', { name: 'Quarantine this version' }),
    ).toBeNull();
    expect(
      within(
        screen.getByRole('region', { name: 'Phase Staging', hidden: true }),
      ).queryByRole('button', { name: 'Quarantine', hidden: true }),
    ).toBeNull();
  });
});
