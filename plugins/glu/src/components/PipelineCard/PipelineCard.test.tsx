import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  GLU_SIGNAL_CHANNEL,
  gluPinPermission,
  gluPromotePermission,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import {
  CHECKOUT_REF,
  checkoutView,
  historyEntry,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu, TestSignals } from '../../__testUtils__/render';
import {
  CHECKOUT_URL,
  errorResponse,
  servePipeline as serveView,
} from '../../__testUtils__/server';
import { PipelineCard } from './PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

const servePipeline = (view: () => PipelineView) => serveView(server, view);

function card() {
  return (
    <PipelineCard
      pipelineRef={CHECKOUT_REF}
      title="Checkout"
      description="Delivers the checkout service to staging, then production."
    />
  );
}

const phaseCard = (title: string) =>
  screen.findByRole('region', { name: `Phase ${title}` });

describe('PipelineCard', () => {
  it('shows the phases left to right with their versions, sources and last change', async () => {
    servePipeline(() => checkoutView());
    await renderGlu(card());

    const regions = await screen.findAllByRole('region', { name: /^Phase / });
    expect(regions.map(r => r.getAttribute('aria-label'))).toEqual([
      'Phase Build',
      'Phase Staging',
      'Phase Production',
    ]);

    const production = within(await phaseCard('Production'));
    expect(production.getByText('1.4.0')).toHaveAttribute(
      'data-digest',
      `sha256:${'14'.repeat(32)}`,
    );
    expect(
      production.getByRole('link', {
        name: /^env\/production\/deployment.yaml @ main/,
      }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/blob/main/env/production/deployment.yaml',
    );
    expect(
      production.getByText(/committed by Jane Operator/),
    ).toBeInTheDocument();
    expect(production.getByText('promotable')).toBeInTheDocument();

    const staging = within(await phaseCard('Staging'));
    expect(staging.getByText(/promoted by/)).toBeInTheDocument();
    expect(staging.getByRole('link', { name: /^a1b2c3d/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    );
    expect(staging.getByText('up to date')).toBeInTheDocument();

    const build = within(await phaseCard('Build'));
    expect(build.getByText(/published through the API/)).toBeInTheDocument();
  });

  it('says why a phase is failing to refresh', async () => {
    servePipeline(() =>
      checkoutView(view => {
        phaseOf(view, 'production').refreshError =
          'git fetch failed: repository not found';
      }),
    );
    await renderGlu(card());

    const production = within(await phaseCard('Production'));
    expect(
      production.getByText(
        /Failing to refresh: git fetch failed: repository not found/,
      ),
    ).toBeInTheDocument();
  });

  it("shows a blocked edge with each gate's reason, and Promote disabled saying why", async () => {
    servePipeline(() =>
      checkoutView(view => {
        view.edges[1] = {
          ...view.edges[1],
          status: 'blocked',
          reasons: ['soak: staging has held 1.5.0 for 5m of 30m'],
          gates: [
            {
              type: 'soak',
              passed: false,
              reason: 'staging has held 1.5.0 for 5m of 30m',
            },
            {
              type: 'window',
              passed: true,
              reason: 'inside Mon-Fri 09:00-17:00',
            },
          ],
        };
      }),
    );
    await renderGlu(card());

    const production = within(await phaseCard('Production'));
    expect(production.getByText('blocked')).toBeInTheDocument();
    expect(
      production.getByText('soak: staging has held 1.5.0 for 5m of 30m'),
    ).toBeInTheDocument();
    expect(
      production.getByText('window: inside Mon-Fri 09:00-17:00'),
    ).toBeInTheDocument();
    const promote = production.getByRole('button', { name: 'Promote' });
    expect(promote).toBeDisabled();
    expect(promote.parentElement).toHaveAttribute(
      'title',
      'Blocked: soak: staging has held 1.5.0 for 5m of 30m',
    );
  });

  it('says why automatic promotion leaves an older version waiting, and still offers to promote it', async () => {
    const declined =
      "build's 1.4.0 is older than the 1.5.0 that staging holds; promote by hand to downgrade";
    servePipeline(() =>
      checkoutView(view => {
        phaseOf(view, 'build').state = historyEntry('build', '4', '1.4.0', {
          cause: 'published',
          actor: 'ci',
        });
        view.edges[0] = {
          ...view.edges[0],
          status: 'promotable',
          autoDeclined: declined,
        };
      }),
    );
    await renderGlu(card());

    const edge = within(
      within(await phaseCard('Staging')).getByRole('group', {
        name: 'Promotion from Build',
      }),
    );
    expect(edge.getByText('promotable')).toBeInTheDocument();
    expect(edge.getByTestId('auto-declined')).toHaveTextContent(
      `Not promoted automatically: ${declined}`,
    );
    const promote = edge.getByRole('button', { name: 'Promote' });
    await waitFor(() => expect(promote).toBeEnabled());
  });

  it('shows who pinned a phase and why', async () => {
    servePipeline(() =>
      checkoutView(view => {
        phaseOf(view, 'production').pin = {
          phase: 'production',
          digest: `sha256:${'14'.repeat(32)}`,
          version: '1.4.0',
          pinnedBy: 'user:default/alice',
          reason: 'release freeze until Monday',
          pinnedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
        };
        view.edges[1] = {
          ...view.edges[1],
          status: 'blocked',
          reasons: [
            'production is pinned by user:default/alice: release freeze until Monday',
          ],
        };
      }),
    );
    await renderGlu(card());

    const production = within(await phaseCard('Production'));
    const pin = production.getByText(/release freeze until Monday/, {
      selector: '.MuiAlert-message',
    });
    expect(pin).toHaveTextContent(
      'Pinned at 1.4.0 by alice 2 hours ago: release freeze until Monday',
    );
    expect(
      within(pin).getByRole('link', { name: /alice/ }),
    ).toBeInTheDocument();
    expect(production.getByRole('button', { name: 'Unpin' })).toBeEnabled();
    expect(production.getByRole('button', { name: 'Promote' })).toBeDisabled();
  });

  it('links the pull request of a promotion in progress', async () => {
    servePipeline(() =>
      checkoutView(view => {
        view.edges[1] = {
          ...view.edges[1],
          strategy: 'pull-request',
          status: 'in-progress',
          promotionId: '7',
          pullRequest: {
            provider: 'github',
            number: 42,
            url: 'https://github.com/acme/gitops/pull/42',
            branch: 'glu/checkout/production/151515',
            state: 'open',
            headSha: 'f00d',
            checks: [{ name: 'kubeconform', state: 'pending' }],
          },
        };
      }),
    );
    await renderGlu(card());

    const production = within(await phaseCard('Production'));
    expect(production.getByText('in progress')).toBeInTheDocument();
    expect(
      production.getByRole('link', { name: /^Pull request #42/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/42');
    expect(production.getByText(/kubeconform pending/)).toBeInTheDocument();
    expect(production.getByRole('button', { name: 'Promote' })).toBeDisabled();
  });

  it('disables the controls of a user who may not act, saying why', async () => {
    servePipeline(() => checkoutView());
    await renderGlu(card(), {
      authorize: request =>
        isPermission(request.permission, gluPromotePermission) ||
        isPermission(request.permission, gluPinPermission)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });

    expect(
      await screen.findByTestId('glu-permission-notice'),
    ).toHaveTextContent(
      'the permission policy does not let you promote or pin in it (it is owned by group:default/team-checkout)',
    );
    const production = within(await phaseCard('Production'));
    const promote = production.getByRole('button', { name: 'Promote' });
    expect(promote).toBeDisabled();
    expect(promote.parentElement).toHaveAttribute(
      'title',
      'You are signed in as user:default/guest, an owner of pipeline:default/checkout (owned by group:default/team-checkout). The permission policy does not grant you glu.pipeline.promote, so you may not promote in it.',
    );
    const pin = production.getByRole('button', { name: 'Pin' });
    expect(pin).toBeDisabled();
    expect(pin.parentElement).toHaveAttribute(
      'title',
      expect.stringContaining('glu.pipeline.pin'),
    );
    // History stays open to readers.
    expect(production.getByRole('button', { name: 'History' })).toBeEnabled();
  });

  it("says whom a fresh app's guest is signed in as, and that the guest owns nothing here", async () => {
    servePipeline(() => checkoutView());
    await renderGlu(card(), {
      userEntityRef: 'user:development/guest',
      ownershipEntityRefs: ['user:development/guest'],
      // The owner policy: owners may write, others may only read.
      authorize: request =>
        request.permission.attributes.action === 'read'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    });

    expect(
      await screen.findByTestId('glu-permission-notice'),
    ).toHaveTextContent(
      'You are signed in as user:development/guest, who is not an owner of pipeline:default/checkout (owned by group:default/team-checkout):',
    );
    const production = within(await phaseCard('Production'));
    const promote = production.getByRole('button', { name: 'Promote' });
    expect(promote).toBeDisabled();
    expect(promote.parentElement).toHaveAttribute(
      'title',
      'You are signed in as user:development/guest, who is not an owner of pipeline:default/checkout (owned by group:default/team-checkout). The permission policy does not grant you glu.pipeline.promote, so you may not promote in it.',
    );
  });

  it('enables Promote for a user who may promote a promotable edge', async () => {
    servePipeline(() => checkoutView());
    await renderGlu(card());

    const production = within(await phaseCard('Production'));
    await waitFor(() =>
      expect(production.getByRole('button', { name: 'Promote' })).toBeEnabled(),
    );
    expect(screen.queryByTestId('glu-permission-notice')).toBeNull();
  });

  it('loads the pipeline again when the backend signals a change to it', async () => {
    let production = '1.4.0';
    const calls = servePipeline(() =>
      checkoutView(view => {
        phaseOf(view, 'production').state = historyEntry(
          'production',
          '9',
          production,
        );
      }),
    );
    const signals = new TestSignals();
    await renderGlu(card(), { signals });
    const card0 = within(await phaseCard('Production'));
    expect(card0.getByText('1.4.0')).toBeInTheDocument();
    const before = calls.count;

    // A signal for another pipeline changes nothing.
    act(() =>
      signals.publish(GLU_SIGNAL_CHANNEL, {
        pipelineRefs: ['pipeline:default/other'],
      }),
    );
    production = '1.5.0';
    act(() =>
      signals.publish(GLU_SIGNAL_CHANNEL, {
        pipelineRefs: [
          'pipeline:default/payments',
          'pipeline:default/checkout',
        ],
      }),
    );
    expect(await card0.findByText('1.5.0')).toBeInTheDocument();
    expect(calls.count).toBe(before + 1);
  });

  it('polls every 30 seconds when the app has no signals', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    try {
      let production = '1.4.0';
      servePipeline(() =>
        checkoutView(view => {
          phaseOf(view, 'production').state = historyEntry(
            'production',
            '9',
            production,
          );
        }),
      );
      await renderGlu(card());
      const card0 = within(await phaseCard('Production'));
      expect(card0.getByText('1.4.0')).toBeInTheDocument();

      production = '1.5.0';
      await act(async () => {
        jest.advanceTimersByTime(30_000);
      });
      expect(await card0.findByText('1.5.0')).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('looks again every few seconds while a promotion by commit is under way', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    try {
      let done = false;
      servePipeline(() =>
        checkoutView(view => {
          if (done) {
            phaseOf(view, 'production').state = historyEntry(
              'production',
              '9',
              '1.5.0',
            );
            view.edges[1].status = 'up-to-date';
          } else {
            view.edges[1].status = 'in-progress';
          }
        }),
      );
      const signals = new TestSignals();
      await renderGlu(card(), { signals });
      const production = within(await phaseCard('Production'));
      expect(production.getByText('in progress')).toBeInTheDocument();

      // Done, but no signal said so (or it was lost): polling finds out.
      done = true;
      await act(async () => {
        jest.advanceTimersByTime(3_000);
      });
      expect(await production.findByText('up to date')).toBeInTheDocument();
      expect(production.getByText('1.5.0')).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('says when Glu has not read the pipeline yet', async () => {
    server.use(
      http.get(CHECKOUT_URL, () =>
        errorResponse(404, 'NotFoundError', `No pipeline ${CHECKOUT_REF}`),
      ),
    );
    await renderGlu(card());
    expect(
      await screen.findByText(
        /Glu has not read this pipeline from the catalog yet/,
      ),
    ).toBeInTheDocument();
  });
});
