import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  gluHotfixPermission,
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
  digestOf,
} from '../../__testUtils__/fixtures';
import { renderGlu, RenderOptions } from '../../__testUtils__/render';
import { CHECKOUT_URL, servePipeline } from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

const FROZEN =
  'frozen: Black Friday (freeze 7 by user:default/rita until 2026-11-30T22:00:00Z)';

const frozenPlan: PromotionDryRun = {
  pipelineRef: CHECKOUT_REF,
  kind: 'promotion',
  from: 'staging',
  to: 'production',
  status: 'blocked',
  reasons: [FROZEN],
  gates: [],
  fromVersion: { digest: digestOf('1.5.0'), version: '1.5.0' },
  before: { digest: digestOf('1.4.0'), version: '1.4.0' },
  after: { digest: digestOf('1.5.0'), version: '1.5.0' },
  path: 'env/production/deployment.yaml',
  diff: '-          image: registry.example.com/acme/checkout:1.4.0\n+          image: registry.example.com/acme/checkout:1.5.0\n',
};

const promotion: Promotion = {
  id: '12',
  pipelineRef: CHECKOUT_REF,
  from: 'staging',
  to: 'production',
  kind: 'promotion',
  strategy: 'commit',
  status: 'succeeded',
  fromVersion: frozenPlan.fromVersion,
  before: frozenPlan.before,
  after: frozenPlan.after,
  triggeredBy: 'user:default/guest',
  trigger: 'manual',
  commitSha: '0123456789abcdef0123456789abcdef01234567',
  createdAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  hotfix: { reason: 'Cards of one bank are refused', freezes: ['7'] },
};

/** Production frozen: the edge into it blocked by the freeze (and more, if given). */
function serveFrozen(reasons: string[] = [FROZEN]) {
  const bodies: Record<string, unknown>[] = [];
  servePipeline(server, () =>
    checkoutView(view => {
      view.edges[1].status = 'blocked';
      view.edges[1].reasons = reasons;
    }),
  );
  server.use(
    http.post(`${CHECKOUT_URL}/promotions`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      if (body.dryRun) return HttpResponse.json({ ...frozenPlan, reasons });
      return HttpResponse.json(promotion);
    }),
  );
  return bodies;
}

async function production(options?: RenderOptions) {
  await renderGlu(
    <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    options,
  );
  return within(
    await screen.findByRole('region', { name: 'Phase Production' }),
  );
}

const withoutHotfix: RenderOptions = {
  authorize: request =>
    isPermission(request.permission, gluHotfixPermission)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
};

describe('a hotfix through a freeze', () => {
  it('promotes through the freeze with the reason given, and says so', async () => {
    const bodies = serveFrozen();
    const phase = await production();
    // Promote itself stays blocked by the freeze.
    expect(phase.getByRole('button', { name: 'Promote' })).toBeDisabled();
    const hotfix = await phase.findByRole('button', {
      name: 'Hotfix through the freeze',
    });
    await waitFor(() => expect(hotfix).toBeEnabled());
    await userEvent.click(hotfix);

    const dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByText('Hotfix Staging → Production through the freeze'),
    ).toBeInTheDocument();
    const notice = await dialog.findByTestId('hotfix-notice');
    expect(notice).toHaveTextContent('Promotions into Production are frozen');
    expect(notice).toHaveTextContent(FROZEN);
    expect(notice).not.toHaveTextContent('Blocked by more than the freeze');
    // The reason is required.
    const confirm = dialog.getByRole('button', {
      name: 'Hotfix to Production',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason for the hotfix/ }),
      'Cards of one bank are refused',
    );
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);

    expect(
      await dialog.findByText(/As a hotfix through a freeze/),
    ).toHaveTextContent(
      'Promoted production to 1.5.0 in commit 0123456. As a hotfix through a freeze: Cards of one bank are refused',
    );
    expect(bodies[bodies.length - 1]).toEqual({
      phase: 'production',
      from: 'staging',
      hotfix: { reason: 'Cards of one bank are refused' },
    });
    // The dry run asked for no hotfix.
    expect(bodies[0]).toEqual({
      phase: 'production',
      from: 'staging',
      dryRun: true,
    });
  });

  it('is not offered to those who may not promote through freezes', async () => {
    serveFrozen();
    const phase = await production(withoutHotfix);
    const promote = phase.getByRole('button', { name: 'Promote' });
    expect(promote).toBeDisabled();
    expect(promote.parentElement).toHaveAttribute(
      'title',
      expect.stringContaining(`Blocked: ${FROZEN}`),
    );
    expect(
      phase.queryByRole('button', { name: 'Hotfix through the freeze' }),
    ).toBeNull();
  });

  it('is not offered on an edge that no freeze blocks', async () => {
    serveFrozen(['soak: staging has held 1.5.0 for 5m of 30m']);
    const phase = await production();
    expect(phase.getByRole('button', { name: 'Promote' })).toBeDisabled();
    expect(
      phase.queryByRole('button', { name: 'Hotfix through the freeze' }),
    ).toBeNull();
  });

  it('says why not when more than the freeze blocks the edge', async () => {
    const soak = 'soak: staging has held 1.5.0 for 5m of 30m';
    serveFrozen([FROZEN, soak]);
    const phase = await production();
    const hotfix = await phase.findByRole('button', {
      name: 'Hotfix through the freeze',
    });
    expect(hotfix).toBeDisabled();
    expect(hotfix.parentElement).toHaveAttribute(
      'title',
      `A hotfix goes through freezes only; also blocked: ${soak}`,
    );
  });
});
