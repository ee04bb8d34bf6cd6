import { registerMswTestHooks } from '@backstage/test-utils';
import { Promotion, PromotionDryRun } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  CHECKOUT_REF,
  checkoutView,
  digestOf,
  historyEntry,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import {
  CHECKOUT_URL,
  errorResponse,
  servePipeline,
} from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

const DIFF = `--- a/env/production/deployment.yaml
+++ b/env/production/deployment.yaml
@@ -17,7 +17,7 @@
       containers:
         - name: checkout
-          image: registry.example.com/acme/checkout:1.4.0
+          image: registry.example.com/acme/checkout:1.5.0
`;

const dryRun: PromotionDryRun = {
  pipelineRef: CHECKOUT_REF,
  kind: 'promotion',
  from: 'staging',
  to: 'production',
  status: 'promotable',
  reasons: [],
  gates: [],
  fromVersion: { digest: digestOf('1.5.0'), version: '1.5.0' },
  before: { digest: digestOf('1.4.0'), version: '1.4.0' },
  after: { digest: digestOf('1.5.0'), version: '1.5.0' },
  path: 'env/production/deployment.yaml',
  diff: DIFF,
};

function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: '12',
    pipelineRef: CHECKOUT_REF,
    from: 'staging',
    to: 'production',
    kind: 'promotion',
    strategy: 'commit',
    status: 'succeeded',
    fromVersion: dryRun.fromVersion,
    before: dryRun.before,
    after: dryRun.after,
    triggeredBy: 'user:default/guest',
    trigger: 'manual',
    commitSha: '0123456789abcdef0123456789abcdef01234567',
    commitUrl:
      'https://github.com/acme/gitops/commit/0123456789abcdef0123456789abcdef01234567',
    createdAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * The backend for a promotion: the dry run, then the promotion, after which
 * production holds what staging holds. Records what was asked.
 */
function serveBackend(
  answer: () => Response | Promise<Response>,
  plan: PromotionDryRun = dryRun,
) {
  let promoted = false;
  const bodies: unknown[] = [];
  servePipeline(server, () =>
    checkoutView(view => {
      if (promoted) {
        phaseOf(view, 'production').state = historyEntry(
          'production',
          '4',
          '1.5.0',
          { cause: 'promotion', actor: 'user:default/guest' },
        );
        view.edges[1].status = 'up-to-date';
      }
    }),
  );
  server.use(
    http.post(`${CHECKOUT_URL}/promotions`, async ({ request }) => {
      const body = (await request.json()) as { dryRun?: boolean };
      bodies.push(body);
      if (body.dryRun) return HttpResponse.json(plan);
      const response = await answer();
      promoted = response.ok;
      return response;
    }),
  );
  return bodies;
}

async function openPromoteDialog() {
  await renderGlu(<PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />);
  const production = within(
    await screen.findByRole('region', { name: 'Phase Production' }),
  );
  const promote = production.getByRole('button', { name: 'Promote' });
  await waitFor(() => expect(promote).toBeEnabled());
  await userEvent.click(promote);
  return screen.findByRole('dialog');
}

describe('PromoteDialog', () => {
  it('shows the dry run, promotes on confirmation and links the commit', async () => {
    const bodies = serveBackend(() => HttpResponse.json(promotion()));
    const dialog = within(await openPromoteDialog());

    expect(
      dialog.getByText('Promote Staging → Production'),
    ).toBeInTheDocument();
    // The versions and the diff that the dry run says will be committed.
    const diff = await dialog.findByTestId('promotion-diff');
    await waitFor(() =>
      expect(diff).toHaveTextContent(
        '- image: registry.example.com/acme/checkout:1.4.0',
      ),
    );
    expect(diff).toHaveTextContent(
      '+ image: registry.example.com/acme/checkout:1.5.0',
    );
    expect(dialog.getByText(/Staging holds/)).toHaveTextContent(
      'Staging holds 1.5.0. Production holds 1.4.0 and will hold 1.5.0.',
    );
    expect(
      dialog.getByText('env/production/deployment.yaml'),
    ).toBeInTheDocument();
    expect(dialog.getByText('This edge has no gates.')).toBeInTheDocument();
    expect(bodies).toEqual([
      { phase: 'production', from: 'staging', dryRun: true },
    ]);

    await userEvent.click(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    );

    const outcome = await dialog.findByText(/Promoted production to 1.5.0/);
    expect(
      within(outcome).getByRole('link', { name: /commit 0123456/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/commit/0123456789abcdef0123456789abcdef01234567',
    );
    expect(bodies[1]).toEqual({ phase: 'production', from: 'staging' });
    // The tab reloads: production now holds 1.5.0 and the edge is up to date.
    // (behind the dialog, hidden from the accessibility tree while it is open)
    const production = within(
      screen.getByRole('region', { name: 'Phase Production', hidden: true }),
    );
    await waitFor(() =>
      expect(production.getByText('up to date')).toBeInTheDocument(),
    );
    expect(dialog.getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });

  it('links the pull request of a promotion by pull request', async () => {
    serveBackend(() =>
      HttpResponse.json(
        promotion({
          strategy: 'pull-request',
          status: 'open',
          commitSha: undefined,
          commitUrl: undefined,
          pullRequest: {
            provider: 'github',
            number: 43,
            url: 'https://github.com/acme/gitops/pull/43',
            branch: 'glu/checkout/production/151515151515',
            state: 'open',
            headSha: 'beef',
          },
        }),
      ),
    );
    const dialog = within(await openPromoteDialog());
    await dialog.findByTestId('promotion-diff');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    );
    expect(
      await dialog.findByRole('link', { name: /pull request #43/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/43');
  });

  it.each([
    [
      'a pin',
      409,
      'ConflictError',
      'The phase production is pinned by user:default/alice: release freeze',
    ],
    [
      'a gate',
      409,
      'ConflictError',
      'The promotion of staging into production is blocked: approvals: 1 of 2 approvals',
    ],
    [
      'the remote',
      502,
      'ServiceUnavailableError',
      'git push to https://github.com/acme/gitops was rejected: protected branch hook declined',
    ],
  ])(
    'shows the reason of a promotion refused by %s in the dialog itself, not folded away',
    async (_by, status, name, message) => {
      serveBackend(() => errorResponse(status, name, message));
      const dialog = within(await openPromoteDialog());
      await dialog.findByTestId('promotion-diff');
      await userEvent.click(
        dialog.getByRole('button', { name: 'Promote to Production' }),
      );
      const alert = await dialog.findByRole('alert');
      expect(alert).toHaveTextContent(`The promotion failed${message}`);
      expect(within(alert).getByText(message)).toBeVisible();
      // Nothing pretends it worked: the button is still there to try again.
      expect(
        dialog.getByRole('button', { name: 'Promote to Production' }),
      ).toBeEnabled();
    },
  );

  it('shows a failed promotion with its error', async () => {
    serveBackend(() =>
      HttpResponse.json(
        promotion({
          status: 'failed',
          error: 'push rejected: the branch is protected',
          commitSha: undefined,
          commitUrl: undefined,
        }),
      ),
    );
    const dialog = within(await openPromoteDialog());
    await dialog.findByTestId('promotion-diff');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    );
    expect(
      await dialog.findByText(
        /The promotion of production failed: push rejected: the branch is protected/,
      ),
    ).toBeInTheDocument();
  });

  it('shows why the dry run failed, and does not offer to promote', async () => {
    servePipeline(server, () => checkoutView());
    server.use(
      http.post(`${CHECKOUT_URL}/promotions`, () =>
        errorResponse(
          409,
          'ConflictError',
          'The phase staging has not been observed yet',
        ),
      ),
    );
    const dialog = within(await openPromoteDialog());
    const alert = await dialog.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Glu could not work out what this promotion would changeThe phase staging has not been observed yet',
    );
    expect(
      within(alert).getByText('The phase staging has not been observed yet'),
    ).toBeVisible();
    expect(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    ).toBeDisabled();
  });

  it('shows what a blocked promotion would change, and why it would not happen', async () => {
    const pinned =
      'production is pinned at 1.4.0 by user:default/alice: release freeze';
    const bodies = serveBackend(() => HttpResponse.json(promotion()), {
      ...dryRun,
      status: 'blocked',
      reasons: [pinned],
    });
    const dialog = within(await openPromoteDialog());

    const blocked = await dialog.findByTestId('dry-run-blocked');
    expect(blocked).toHaveTextContent(pinned);
    // The diff is there all the same: what a promotion would commit.
    expect(dialog.getByTestId('promotion-diff')).toHaveTextContent(
      '+ image: registry.example.com/acme/checkout:1.5.0',
    );
    expect(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    ).toBeDisabled();
    expect(bodies).toEqual([
      { phase: 'production', from: 'staging', dryRun: true },
    ]);
  });

  it('says when the phase cannot hold the version, without a diff', async () => {
    const problem =
      'production cannot hold 1.5.0 of staging: the values file has no key for a digest; set digestKey';
    serveBackend(() => HttpResponse.json(promotion()), {
      ...dryRun,
      status: 'blocked',
      reasons: [problem],
      after: undefined,
      diff: '',
    });
    const dialog = within(await openPromoteDialog());

    expect(await dialog.findByTestId('dry-run-blocked')).toHaveTextContent(
      problem,
    );
    expect(dialog.getByText(/Staging holds/)).toHaveTextContent(
      'Staging holds 1.5.0. Production holds 1.4.0, and cannot hold this version.',
    );
    expect(dialog.queryByTestId('promotion-diff')).not.toBeInTheDocument();
    expect(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    ).toBeDisabled();
  });

  it('says a promotion is under way, links its pull request, and does not offer another', async () => {
    serveBackend(() => HttpResponse.json(promotion()), {
      ...dryRun,
      status: 'in-progress',
      reasons: [],
      promotionId: '11',
      pullRequest: {
        provider: 'github',
        number: 44,
        url: 'https://github.com/acme/gitops/pull/44',
        branch: 'glu/checkout/production/151515151515',
        state: 'open',
        headSha: 'beef',
      },
    });
    const dialog = within(await openPromoteDialog());

    const underWay = await dialog.findByTestId('dry-run-in-progress');
    expect(underWay).toHaveTextContent('A promotion is under way');
    expect(
      within(underWay).getByRole('link', { name: /pull request #44/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/44');
    expect(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    ).toBeDisabled();
  });

  it('says when the phase already holds the version', async () => {
    serveBackend(() => HttpResponse.json(promotion()), {
      ...dryRun,
      status: 'up-to-date',
      after: dryRun.fromVersion,
      before: dryRun.fromVersion,
      diff: '',
    });
    const dialog = within(await openPromoteDialog());

    expect(
      await dialog.findByText(
        'Production already holds this version: nothing to commit.',
      ),
    ).toBeInTheDocument();
    expect(dialog.queryByTestId('promotion-diff')).not.toBeInTheDocument();
    expect(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    ).toBeDisabled();
  });

  it('shows the gates as the dry run decided them', async () => {
    serveBackend(() => HttpResponse.json(promotion()), {
      ...dryRun,
      status: 'blocked',
      reasons: ['approvals: 1 of 2 approvals'],
      gates: [
        { type: 'approvals', passed: false, reason: '1 of 2 approvals' },
        { type: 'soak', passed: true, reason: 'staging held it for 2h' },
      ],
    });
    const dialog = within(await openPromoteDialog());

    expect(
      await dialog.findByText('approvals: 1 of 2 approvals', {
        selector: '.MuiListItemText-primary',
      }),
    ).toBeInTheDocument();
    expect(
      dialog.getByText('soak: staging held it for 2h'),
    ).toBeInTheDocument();
    expect(
      dialog.queryByText('This edge has no gates.'),
    ).not.toBeInTheDocument();
    expect(dialog.getByTestId('dry-run-blocked')).toHaveTextContent(
      'approvals: 1 of 2 approvals',
    );
    expect(
      dialog.getByRole('button', { name: 'Promote to Production' }),
    ).toBeDisabled();
  });
});
