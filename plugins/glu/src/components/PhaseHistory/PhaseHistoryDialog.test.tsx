import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  gluRollbackPermission,
  HistoryEntry,
  Promotion,
  PromotionDryRun,
} from '@glu-dev/plugin-glu-common';
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
import { renderGlu, RenderOptions } from '../../__testUtils__/render';
import {
  CHECKOUT_URL,
  servePipeline,
  serveHistory,
} from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

/** Production's history: 1.4.0 now, 1.3.0 before it (a rollback target). */
const productionHistory: HistoryEntry[] = [
  historyEntry('production', '1', '1.4.0', {
    cause: 'commit',
    actor: 'Jane Operator',
  }),
  historyEntry('production', '0', '1.3.0', {
    cause: 'promotion',
    actor: 'user:default/alice',
    commitSha: 'cafe0000cafe0000cafe0000cafe0000cafe0000',
    commitUrl:
      'https://github.com/acme/gitops/commit/cafe0000cafe0000cafe0000cafe0000cafe0000',
    message: 'Promote checkout 1.3.0 to production',
    observedAt: new Date(Date.now() - 3 * 24 * 3600_000).toISOString(),
  }),
];

async function openHistory(options?: RenderOptions) {
  await renderGlu(
    <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    options,
  );
  const production = within(
    await screen.findByRole('region', { name: 'Phase Production' }),
  );
  await userEvent.click(production.getByRole('button', { name: 'History' }));
  return screen.findByRole('dialog');
}

describe('PhaseHistoryDialog', () => {
  it('shows who changed the phase, what, when, with a link to the commit', async () => {
    servePipeline(server, () => checkoutView());
    serveHistory(server, 'production', () => productionHistory);
    const dialog = within(await openHistory());

    const timeline = within(await dialog.findByTestId('phase-history'));
    const items = timeline.getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('1.4.0');
    expect(items[0]).toHaveTextContent('current');
    expect(items[0]).toHaveTextContent('committed by Jane Operator');
    expect(items[1]).toHaveTextContent('3 days ago');
    expect(items[1]).toHaveTextContent('promoted by alice in commit cafe000');
    expect(items[1]).toHaveTextContent('Promote checkout 1.3.0 to production');
    expect(
      within(items[1]).getByRole('link', { name: /commit cafe000/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/commit/cafe0000cafe0000cafe0000cafe0000cafe0000',
    );
    // The current state is not a rollback target.
    expect(
      within(items[0]).getByRole('button', { name: 'Roll back to this' }),
    ).toBeDisabled();
  });

  it('marks a state that a hotfix wrote through a freeze, with its reason on hover', async () => {
    servePipeline(server, () => checkoutView());
    serveHistory(server, 'production', () => [
      historyEntry('production', '2', '1.4.1', {
        cause: 'promotion',
        actor: 'user:default/alice',
        hotfix: 'Checkout fails for cards from one bank',
      }),
      ...productionHistory,
    ]);
    const dialog = within(await openHistory());

    const timeline = within(await dialog.findByTestId('phase-history'));
    const items = timeline.getAllByRole('listitem');
    expect(within(items[0]).getByText('hotfix')).toBeInTheDocument();
    expect(within(items[0]).getByTestId('hotfix-chip')).toHaveAttribute(
      'title',
      'Hotfix through a freeze: Checkout fails for cards from one bank',
    );
    // Only the hotfix is marked.
    expect(within(items[1]).queryByText('hotfix')).toBeNull();
    expect(within(items[2]).queryByText('hotfix')).toBeNull();
  });

  it('says why Glu rolled back on its own', async () => {
    servePipeline(server, () => checkoutView());
    serveHistory(server, 'production', () => [
      historyEntry('production', '2', '1.3.0', {
        cause: 'rollback',
        actor: 'glu:auto-rollback',
        reason: 'prometheus: error ratio 0.081, not < 0.02',
      }),
      ...productionHistory,
    ]);
    const dialog = within(await openHistory());

    const items = within(
      await dialog.findByTestId('phase-history'),
    ).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(
      'Rolled back because prometheus: error ratio 0.081, not < 0.02',
    );
    expect(items[1]).not.toHaveTextContent('Rolled back because');
  });

  it('rolls back to an entry, showing the change first, and pins it there', async () => {
    let rolledBack = false;
    servePipeline(server, () =>
      checkoutView(view => {
        if (rolledBack) {
          phaseOf(view, 'production').state = historyEntry(
            'production',
            '5',
            '1.3.0',
            { cause: 'rollback', actor: 'user:default/guest' },
          );
        }
      }),
    );
    serveHistory(server, 'production', () => productionHistory);
    const dryRuns: unknown[] = [];
    const rollbacks: unknown[] = [];
    server.use(
      http.post(
        `${CHECKOUT_URL}/phases/production/rollback`,
        async ({ request }) => {
          const body = (await request.json()) as { dryRun?: boolean };
          if (body.dryRun) {
            dryRuns.push(body);
            const plan: PromotionDryRun = {
              pipelineRef: CHECKOUT_REF,
              kind: 'rollback',
              from: 'production',
              to: 'production',
              status: 'promotable',
              reasons: [],
              gates: [],
              fromVersion: {
                digest: productionHistory[1].digest,
                version: '1.3.0',
              },
              before: { digest: productionHistory[0].digest, version: '1.4.0' },
              after: { digest: productionHistory[1].digest, version: '1.3.0' },
              path: 'env/production/deployment.yaml',
              // Against the file as it is now: the replicas go back too.
              diff: '-  replicas: 7\n+  replicas: 2\n-          image: registry.example.com/acme/checkout:1.4.0\n+          image: registry.example.com/acme/checkout:1.3.0\n',
            };
            return HttpResponse.json(plan);
          }
          rollbacks.push(body);
          rolledBack = true;
          const promotion: Promotion = {
            id: '20',
            pipelineRef: CHECKOUT_REF,
            from: 'production',
            to: 'production',
            kind: 'rollback',
            strategy: 'commit',
            status: 'succeeded',
            after: { digest: productionHistory[1].digest, version: '1.3.0' },
            triggeredBy: 'user:default/guest',
            trigger: 'manual',
            commitSha: 'beef0000beef0000beef0000beef0000beef0000',
            commitUrl:
              'https://github.com/acme/gitops/commit/beef0000beef0000beef0000beef0000beef0000',
            createdAt: new Date().toISOString(),
          };
          return HttpResponse.json(promotion);
        },
      ),
    );
    const dialog = within(await openHistory());
    const timeline = within(await dialog.findByTestId('phase-history'));
    await userEvent.click(
      within(timeline.getAllByRole('listitem')[1]).getByRole('button', {
        name: 'Roll back to this',
      }),
    );

    const rollback = within(
      await screen.findByRole('dialog', {
        name: 'Roll Production back to 1.3.0',
      }),
    );
    const diff = await rollback.findByTestId('rollback-diff');
    await waitFor(() =>
      expect(diff).toHaveTextContent(
        '+ image: registry.example.com/acme/checkout:1.3.0',
      ),
    );
    expect(diff).toHaveTextContent('- replicas: 7');
    expect(dryRuns).toEqual([{ historyId: '0', dryRun: true }]);

    await userEvent.click(rollback.getByRole('checkbox'));
    // Pinning there is part of what the dry run decides on.
    await waitFor(() =>
      expect(dryRuns).toEqual([
        { historyId: '0', dryRun: true },
        { historyId: '0', pin: { reason: 'rollback' }, dryRun: true },
      ]),
    );
    const confirm = rollback.getByRole('button', { name: 'Roll back' });
    // Pinning needs a reason.
    expect(confirm).toBeDisabled();
    await userEvent.type(
      rollback.getByRole('textbox', { name: /Why pin it/ }),
      '1.4.0 breaks refunds',
    );
    await userEvent.click(confirm);

    const outcome = await rollback.findByText(
      /Rolled back production to 1.3.0/,
    );
    expect(
      within(outcome).getByRole('link', { name: /commit beef000/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/commit/beef0000beef0000beef0000beef0000beef0000',
    );
    expect(rollbacks).toEqual([
      { historyId: '0', pin: { reason: '1.4.0 breaks refunds' } },
    ]);
  });

  it('shows a change that kept the version as such', async () => {
    const scaled = historyEntry('production', '2', '1.4.0', {
      cause: 'commit',
      keptVersion: true,
      actor: 'Jane Operator',
      message: 'Scale to 7',
    });
    servePipeline(server, () =>
      checkoutView(view => {
        phaseOf(view, 'production').state = scaled;
      }),
    );
    serveHistory(server, 'production', () => [scaled, ...productionHistory]);
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );
    const production = within(
      await screen.findByRole('region', { name: 'Phase Production' }),
    );
    // The phase says so too: its current state did not change the version.
    expect(
      production.getByText(/changed the file and kept 1.4.0 by Jane Operator/),
    ).toBeInTheDocument();
    await userEvent.click(production.getByRole('button', { name: 'History' }));

    const dialog = within(await screen.findByRole('dialog'));
    const items = within(
      await dialog.findByTestId('phase-history'),
    ).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('version kept');
    expect(items[0]).toHaveTextContent(
      'changed the file and kept 1.4.0 by Jane Operator',
    );
    expect(items[0]).toHaveTextContent('Scale to 7');
    // A change of version reads as one.
    expect(items[1]).not.toHaveTextContent('version kept');
    expect(items[1]).toHaveTextContent('committed by Jane Operator');
  });

  it('says why a rollback of a pinned phase would not happen unless it is pinned again', async () => {
    const pinnedAt = new Date(Date.now() - 3600_000).toISOString();
    servePipeline(server, () =>
      checkoutView(view => {
        phaseOf(view, 'production').pin = {
          phase: 'production',
          digest: productionHistory[0].digest,
          version: '1.4.0',
          pinnedBy: 'user:default/alice',
          reason: 'release freeze',
          pinnedAt,
        };
      }),
    );
    serveHistory(server, 'production', () => productionHistory);
    const pinned =
      'production is pinned at 1.4.0 by user:default/alice: release freeze';
    const dryRuns: unknown[] = [];
    const rollbacks: unknown[] = [];
    server.use(
      http.post(
        `${CHECKOUT_URL}/phases/production/rollback`,
        async ({ request }) => {
          const body = (await request.json()) as {
            dryRun?: boolean;
            pin?: { reason: string };
          };
          if (!body.dryRun) {
            rollbacks.push(body);
            return HttpResponse.json({}, { status: 500 });
          }
          dryRuns.push(body);
          // Pinning it again lifts the pin that stands in the way; the diff
          // is there either way.
          const plan: PromotionDryRun = {
            pipelineRef: CHECKOUT_REF,
            kind: 'rollback',
            from: 'production',
            to: 'production',
            status: body.pin ? 'promotable' : 'blocked',
            reasons: body.pin ? [] : [pinned],
            gates: [],
            fromVersion: {
              digest: productionHistory[1].digest,
              version: '1.3.0',
            },
            before: { digest: productionHistory[0].digest, version: '1.4.0' },
            after: { digest: productionHistory[1].digest, version: '1.3.0' },
            path: 'env/production/deployment.yaml',
            diff: '-          image: registry.example.com/acme/checkout:1.4.0\n+          image: registry.example.com/acme/checkout:1.3.0\n',
          };
          return HttpResponse.json(plan);
        },
      ),
    );
    const dialog = within(await openHistory());
    const timeline = within(await dialog.findByTestId('phase-history'));
    await userEvent.click(
      within(timeline.getAllByRole('listitem')[1]).getByRole('button', {
        name: 'Roll back to this',
      }),
    );
    const rollback = within(
      await screen.findByRole('dialog', {
        name: 'Roll Production back to 1.3.0',
      }),
    );
    const confirm = rollback.getByRole('button', { name: 'Roll back' });

    // A pinned phase is pinned again by default, with the pin's reason.
    expect(rollback.getByRole('checkbox')).toBeChecked();
    expect(rollback.getByRole('textbox', { name: /Why pin it/ })).toHaveValue(
      'release freeze',
    );
    await waitFor(() => expect(confirm).toBeEnabled());
    expect(rollback.queryByTestId('dry-run-blocked')).not.toBeInTheDocument();

    // Without the pin, the pin stands in the way: it says so, shows what
    // would change all the same, and does not offer to roll back.
    await userEvent.click(rollback.getByRole('checkbox'));
    expect(await rollback.findByTestId('dry-run-blocked')).toHaveTextContent(
      pinned,
    );
    expect(rollback.getByTestId('rollback-diff')).toHaveTextContent(
      '+ image: registry.example.com/acme/checkout:1.3.0',
    );
    expect(confirm).toBeDisabled();
    expect(dryRuns).toEqual([
      { historyId: '0', pin: { reason: 'rollback' }, dryRun: true },
      { historyId: '0', dryRun: true },
    ]);
    expect(rollbacks).toEqual([]);
  });

  it('disables rollback for a user who may not roll back, saying why', async () => {
    servePipeline(server, () => checkoutView());
    serveHistory(server, 'production', () => productionHistory);
    const dialog = within(
      await openHistory({
        authorize: request =>
          isPermission(request.permission, gluRollbackPermission)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }),
    );
    const timeline = within(await dialog.findByTestId('phase-history'));
    const button = within(timeline.getAllByRole('listitem')[1]).getByRole(
      'button',
      { name: 'Roll back to this' },
    );
    expect(button).toBeDisabled();
    expect(button.parentElement).toHaveAttribute(
      'title',
      expect.stringContaining(
        'You are signed in as user:default/guest, an owner of pipeline:default/checkout (owned by group:default/team-checkout). The permission policy does not grant you glu.pipeline.rollback, so you may not roll back in it.',
      ),
    );
  });
});
