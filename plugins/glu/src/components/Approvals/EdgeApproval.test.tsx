import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  ApprovalStatus,
  gluApprovePermission,
  gluPromotePermission,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
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
import { renderGlu, RenderOptions } from '../../__testUtils__/render';
import {
  CHECKOUT_URL,
  serveHistory,
  servePipeline,
} from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

const PLATFORM = 'group:default/team-platform';
const GUEST = 'user:default/guest';
const BOB = 'user:default/bob';

/** The guest, of team-checkout: neither promotes nor approves here. */
const asGuest: RenderOptions = {
  userEntityRef: GUEST,
  ownershipEntityRefs: [GUEST, 'group:default/team-checkout'],
  authorize: request =>
    isPermission(request.permission, gluPromotePermission) ||
    isPermission(request.permission, gluApprovePermission)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
};

/** Bob, of team-platform: may promote and approve. */
const asBob: RenderOptions = {
  userEntityRef: BOB,
  ownershipEntityRefs: [BOB, PLATFORM],
};

type Approval = ApprovalStatus['approvals'][number];

/**
 * The backend's promotion requests and approvals on staging → production,
 * whose policy asks for `count` approvals from team-platform, neither by
 * the requester nor by the version's author. Records what was asked.
 */
function serveApprovals(
  initial: {
    request?: PromotionRequest;
    approvals?: Approval[];
    count?: number;
    author?: string;
  } = {},
) {
  let request = initial.request;
  const approvals = initial.approvals ?? [];
  const count = initial.count ?? 1;
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const statusNow = (): ApprovalStatus => {
    const have = approvals.filter(a => a.counted).length;
    return {
      policy: {
        count,
        from: [{ group: PLATFORM, count }],
        notBy: ['requester', 'author'],
      },
      approvals,
      needed: have < count ? [{ group: PLATFORM, count: count - have }] : [],
      ...(request ? { requester: request.requestedBy } : {}),
      ...(initial.author ? { author: initial.author } : {}),
      passed: have >= count,
    };
  };
  servePipeline(server, () =>
    checkoutView(view => {
      const approval = statusNow();
      view.edges[1] = {
        ...view.edges[1],
        status: approval.passed ? 'promotable' : 'blocked',
        reasons: approval.passed ? [] : ['approvals: not yet'],
        gates: [
          { type: 'approvals', passed: approval.passed, reason: 'not yet' },
        ],
        approval,
        ...(request ? { request } : {}),
      };
    }),
  );
  server.use(
    http.post(`${CHECKOUT_URL}/requests`, async ({ request: req }) => {
      const body = (await req.json()) as { reason?: string };
      calls.push({ method: 'POST', path: 'requests', body });
      request = requestOf(GUEST, body.reason);
      return HttpResponse.json(request);
    }),
    http.delete(`${CHECKOUT_URL}/requests/:id`, ({ params }) => {
      calls.push({ method: 'DELETE', path: `requests/${params.id}` });
      request = undefined;
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return calls;
}

function requestOf(requestedBy: string, reason?: string): PromotionRequest {
  const now = Date.now();
  return {
    id: '7',
    pipelineRef: CHECKOUT_REF,
    from: 'staging',
    to: 'production',
    digest: digestOf('1.5.0'),
    version: '1.5.0',
    requestedBy,
    ...(reason ? { reason } : {}),
    status: 'open',
    createdAt: new Date(now - 5 * 60_000).toISOString(),
    expiresAt: new Date(now + 3 * 86_400_000).toISOString(),
  };
}

async function renderProduction(options: RenderOptions) {
  await renderGlu(
    <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    options,
  );
  return within(
    await screen.findByRole('region', { name: 'Phase Production' }),
  );
}

/** The reason a disabled control gives, once permissions have answered. */
async function disabledReason(button: HTMLElement, contains: string) {
  await waitFor(() =>
    expect(button.parentElement).toHaveAttribute(
      'title',
      expect.stringContaining(contains),
    ),
  );
  expect(button).toBeDisabled();
  return button.parentElement!.getAttribute('title');
}

describe('approvals and promotion requests on an edge', () => {
  it('lets someone who may not promote ask for the promotion, with a reason, and withdraw it', async () => {
    const calls = serveApprovals();
    const production = await renderProduction(asGuest);
    const approval = within(
      production.getByRole('group', { name: 'Approvals' }),
    );
    expect(
      approval.getByText(
        "Approval policy: 1 from group:default/team-platform; not by the requester or the version's author",
      ),
    ).toBeInTheDocument();
    expect(approval.getByTestId('approval-needed')).toHaveTextContent(
      'Waiting for 1 more from group:default/team-platform.',
    );
    await waitFor(() =>
      expect(approval.getByTestId('approval-standing')).toHaveTextContent(
        'You may not approve 1.5.0: you are not in group:default/team-platform; the permission policy does not grant you glu.pipeline.approve.',
      ),
    );
    expect(
      await disabledReason(
        production.getByRole('button', { name: 'Approve' }),
        'You may not approve 1.5.0',
      ),
    ).toContain('you are not in group:default/team-platform');
    expect(screen.getByTestId('glu-permission-notice')).toHaveTextContent(
      'you may request a promotion',
    );

    await userEvent.click(
      production.getByRole('button', { name: 'Request promotion' }),
    );
    const dialog = within(
      await screen.findByRole('dialog', {
        name: 'Request promotion: Staging → Production',
      }),
    );
    expect(
      dialog.getByText(
        /Ask for the promotion of 1.5.0, which staging holds now/,
      ),
    ).toBeInTheDocument();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'the refunds fix',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Request promotion' }),
    );
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'Asked for the promotion of 1.5.0 into production (request 7). It waits for 1 more from group:default/team-platform; it expires in 3 days.',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));

    const asked = await production.findByTestId('promotion-request');
    expect(asked).toHaveTextContent(
      /Requested by .*guest.* for 1\.5\.0 5 minutes ago: the refunds fix; expires in 3 days\./,
    );
    await waitFor(() =>
      expect(approval.getByTestId('approval-standing')).toHaveTextContent(
        'You may not approve 1.5.0: you asked for this promotion; you are not in group:default/team-platform',
      ),
    );
    expect(
      production.queryByRole('button', { name: 'Request promotion' }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      production.getByRole('button', { name: 'Withdraw request' }),
    );
    const withdraw = within(
      await screen.findByRole('dialog', {
        name: 'Withdraw the promotion request',
      }),
    );
    await userEvent.click(withdraw.getByRole('button', { name: 'Withdraw' }));
    expect(
      await withdraw.findByText(
        'Withdrew the request for 1.5.0 into production.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(withdraw.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(
        production.queryByTestId('promotion-request'),
      ).not.toBeInTheDocument(),
    );
    expect(
      production.getByRole('button', { name: 'Request promotion' }),
    ).toBeEnabled();
    expect(calls).toEqual([
      {
        method: 'POST',
        path: 'requests',
        body: {
          phase: 'production',
          from: 'staging',
          reason: 'the refunds fix',
        },
      },
      { method: 'DELETE', path: 'requests/7' },
    ]);
  });

  it('lets a member of the group approve, and shows the promotion Glu carried out for the request', async () => {
    serveApprovals({ request: requestOf(GUEST, 'the refunds fix') });
    const bodies: unknown[] = [];
    server.use(
      http.post(
        `${CHECKOUT_URL}/phases/production/approvals`,
        async ({ request }) => {
          bodies.push(await request.json());
          return HttpResponse.json({
            digest: digestOf('1.5.0'),
            version: '1.5.0',
            approvers: [BOB],
            approval: {
              policy: {
                count: 1,
                from: [{ group: PLATFORM, count: 1 }],
                notBy: ['requester', 'author'],
              },
              approvals: [
                {
                  approver: BOB,
                  approvedAt: new Date().toISOString(),
                  groups: [PLATFORM],
                  counted: true,
                },
              ],
              needed: [],
              requester: GUEST,
              passed: true,
            },
            promotion: {
              id: 'p-9',
              pipelineRef: CHECKOUT_REF,
              from: 'staging',
              to: 'production',
              kind: 'promotion',
              strategy: 'commit',
              status: 'succeeded',
              triggeredBy: GUEST,
              trigger: 'manual',
              after: { digest: digestOf('1.5.0'), version: '1.5.0' },
              commitSha: 'b1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
              approvedBy: [BOB],
              requestId: '7',
              createdAt: new Date().toISOString(),
            },
          });
        },
      ),
    );
    const production = await renderProduction(asBob);
    const approval = within(
      production.getByRole('group', { name: 'Approvals' }),
    );
    expect(approval.getByTestId('promotion-request')).toHaveTextContent(
      'for 1.5.0',
    );
    await waitFor(() =>
      expect(approval.getByTestId('approval-standing')).toHaveTextContent(
        'You may approve 1.5.0.',
      ),
    );
    // Who may promote may withdraw someone's request; they need not ask.
    expect(
      production.getByRole('button', { name: 'Withdraw request' }),
    ).toBeEnabled();
    expect(
      production.queryByRole('button', { name: 'Request promotion' }),
    ).not.toBeInTheDocument();

    await userEvent.click(production.getByRole('button', { name: 'Approve' }));
    const dialog = within(
      await screen.findByRole('dialog', { name: 'Approve for production' }),
    );
    expect(dialog.getByTestId('promotion-request')).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    expect(
      await dialog.findByText(
        'Approved 1.5.0 for production. Approved by user:default/bob.',
      ),
    ).toBeInTheDocument();
    expect(
      dialog.getByText(
        'That met the approval policy of the request by user:default/guest: Glu carried out the promotion in their name.',
      ),
    ).toBeInTheDocument();
    expect(dialog.getByText(/Promoted production to 1.5.0/)).toHaveTextContent(
      'Promoted production to 1.5.0 in commit b1b2c3d.',
    );
    expect(bodies).toEqual([{ from: 'staging' }]);
  });

  it('shows approvals that count and those that do not, and keeps out the author who approved already', async () => {
    serveApprovals({
      count: 2,
      author: GUEST,
      approvals: [
        {
          approver: 'user:default/carol',
          approvedAt: new Date(Date.now() - 60 * 60_000).toISOString(),
          groups: [PLATFORM],
          counted: true,
        },
        {
          approver: GUEST,
          approvedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
          groups: [],
          counted: false,
          why: 'made this version',
        },
      ],
    });
    const production = await renderProduction({
      ...asGuest,
      authorize: AuthorizeResult.ALLOW,
    });
    const items = within(
      production.getByRole('group', { name: 'Approvals' }),
    ).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(
      /Approved by .*carol.* 1 hour ago \(group:default\/team-platform\)$/,
    );
    expect(items[1]).toHaveTextContent(
      /Approved by .*guest.* 2 minutes ago: not counted, made this version$/,
    );
    expect(production.getByTestId('approval-needed')).toHaveTextContent(
      'Waiting for 1 more from group:default/team-platform.',
    );
    expect(
      await disabledReason(
        production.getByRole('button', { name: 'Approve' }),
        'You may not approve',
      ),
    ).toBe(
      'You may not approve 1.5.0: you made this version; you are not in group:default/team-platform; you approved already.',
    );
  });

  it('does not offer to replace someone else’s open request', async () => {
    serveApprovals({ request: requestOf(BOB) });
    const production = await renderProduction(asGuest);
    await disabledReason(
      production.getByRole('button', { name: 'Request promotion' }),
      'user:default/bob has asked for 1.5.0 already: it waits for approval',
    );
    expect(
      production.queryByRole('button', { name: 'Withdraw request' }),
    ).not.toBeInTheDocument();
  });

  it('shows only the policy on an edge that is up to date, and offers nothing', async () => {
    servePipeline(server, () =>
      checkoutView(view => {
        view.edges[1] = {
          ...view.edges[1],
          status: 'up-to-date',
          gates: [{ type: 'approvals', passed: false, reason: 'not yet' }],
          approval: {
            policy: { count: 1, from: [], notBy: [] },
            approvals: [],
            needed: [{ count: 1 }],
            passed: false,
          },
        };
      }),
    );
    const production = await renderProduction(asGuest);
    expect(
      production.getByText(
        'Approval policy: 1 approval from anyone who may approve',
      ),
    ).toBeInTheDocument();
    expect(production.queryByTestId('approval-needed')).not.toBeInTheDocument();
    expect(
      production.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    await disabledReason(
      production.getByRole('button', { name: 'Request promotion' }),
      'production already holds what staging holds',
    );
  });

  it('says who made a version and who approved its promotion, on the card and in the history', async () => {
    const approved = {
      cause: 'promotion' as const,
      actor: GUEST,
      author: 'Carol <carol@example.com>',
      approvedBy: [BOB, 'user:default/erin'],
    };
    servePipeline(server, () =>
      checkoutView(view => {
        phaseOf(view, 'production').state = historyEntry(
          'production',
          '9',
          '1.5.0',
          approved,
        );
      }),
    );
    serveHistory(server, 'production', () => [
      historyEntry('production', '9', '1.5.0', approved),
      historyEntry('production', '1', '1.4.0', { cause: 'commit' }),
    ]);
    const production = await renderProduction(asBob);
    expect(production.getByTestId('version-provenance')).toHaveTextContent(
      /^Made by Carol <carol@example.com>; approved by .*bob.*, .*erin.*\.$/,
    );
    await userEvent.click(production.getByRole('button', { name: 'History' }));
    const history = within(
      await screen.findByRole('dialog', { name: 'History of Production' }),
    );
    const rows = await history.findAllByTestId('version-provenance');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent(/approved by .*bob.*, .*erin/);
  });
});
