import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  gluHotfixPermission,
  PipelineFreeze,
} from '@glu-dev/plugin-glu-common';
import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { CHECKOUT_REF, checkoutView } from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { servePipeline } from '../../__testUtils__/server';
import { absoluteTime } from '../format';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

const blackFriday: PipelineFreeze = {
  id: '7',
  reason: 'Black Friday',
  setBy: 'user:default/rita',
  startsAt: '2026-11-27T06:00:00Z',
  endsAt: '2026-11-30T22:00:00Z',
  origin: 'api',
  rollbacks: false,
  phases: ['production'],
};

function serveFrozen(freezes: PipelineFreeze[]) {
  servePipeline(server, () =>
    checkoutView(view => {
      view.freezes = freezes;
      view.edges[1].status = 'blocked';
      view.edges[1].reasons = [
        'frozen: Black Friday (freeze 7 by user:default/rita until 2026-11-30T22:00:00Z)',
      ];
    }),
  );
}

const denyHotfix = {
  authorize: (request: { permission: Parameters<typeof isPermission>[0] }) =>
    isPermission(request.permission, gluHotfixPermission)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
};

describe('PipelineFreezes', () => {
  it('says which phases a freeze holds, why, who set it, and until when', async () => {
    serveFrozen([blackFriday]);
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );

    const banner = await screen.findByRole('status', { name: 'Freeze' });
    expect(banner).toHaveTextContent(
      'Promotions into production are frozen: Black Friday',
    );
    expect(banner).toHaveTextContent(
      `Set by rita since ${absoluteTime(
        blackFriday.startsAt,
      )}, until ${absoluteTime(blackFriday.endsAt!)}.`,
    );
    expect(banner).toHaveTextContent('Rollbacks are still allowed.');
    expect(within(banner).getByRole('link', { name: 'rita' })).toHaveAttribute(
      'href',
      '/catalog/default/user/rita',
    );
    // The edge says why it is blocked, in the backend's words.
    const production = within(
      screen.getByRole('region', { name: 'Phase Production' }),
    );
    expect(
      production.getByText(/^frozen: Black Friday \(freeze 7/),
    ).toBeInTheDocument();
  });

  it('says when rollbacks are frozen too, and a freeze without an end', async () => {
    serveFrozen([
      {
        ...blackFriday,
        id: 'config:quarter-end',
        reason: 'Quarter-end close',
        setBy: 'app-config',
        origin: 'config',
        endsAt: undefined,
        rollbacks: true,
        phases: ['staging', 'production'],
      },
    ]);
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );

    const banner = await screen.findByRole('status', { name: 'Freeze' });
    expect(banner).toHaveTextContent(
      'Promotions into staging and production are frozen: Quarter-end close',
    );
    expect(banner).toHaveTextContent('Set by app-config since');
    expect(banner).toHaveTextContent('until lifted.');
    expect(banner).toHaveTextContent('Rollbacks are frozen too.');
  });

  it('tells those who may promote through the freeze how, and others who may', async () => {
    serveFrozen([blackFriday]);
    const { unmount } = await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );
    expect(
      await screen.findByText(/You may promote through it as a hotfix/),
    ).toBeInTheDocument();
    unmount();

    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
      denyHotfix,
    );
    expect(
      await screen.findByText(
        /Only those granted glu\.pipeline\.hotfix may promote through it/,
      ),
    ).toBeInTheDocument();
  });

  it('shows no banner when nothing is frozen', async () => {
    servePipeline(server, () => checkoutView());
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );
    await screen.findByRole('region', { name: 'Phase Production' });
    expect(screen.queryByTestId('glu-pipeline-freezes')).toBeNull();
  });
});
