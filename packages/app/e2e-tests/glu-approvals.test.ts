import { APIRequestContext, expect, test } from '@playwright/test';
import {
  BACKEND,
  examplePipeline,
  signIn,
  asGuest,
  screenshots,
} from './portal';

const PAYMENTS = `${BACKEND}/api/glu/pipelines/default/payments`;

/** Withdraws the guest's open requests on payments that carry this reason. */
async function withdrawOpenRequests(
  request: APIRequestContext,
  reason: string,
) {
  const headers = await asGuest(request);
  const response = await request.get(`${PAYMENTS}/requests?status=open`, {
    headers,
  });
  if (!response.ok()) return;
  const { items } = await response.json();
  for (const open of items.filter((r: any) => r.reason === reason)) {
    await request.delete(`${PAYMENTS}/requests/${open.id}`, { headers });
  }
}

test('the guest asks for the promotion of payments into production: it waits for team-platform, whom the guest is not in, until withdrawn', async ({
  page,
  request,
}) => {
  await examplePipeline(request);
  // Payments, read from the catalog, with its approval policy on production.
  const headers = await asGuest(request);
  await expect
    .poll(
      async () => {
        const response = await request.get(PAYMENTS, { headers });
        if (!response.ok()) return undefined;
        const view = await response.json();
        return view.edges.find((e: any) => e.to === 'production')?.approval
          ?.policy?.from;
      },
      { timeout: 90_000 },
    )
    .toEqual([{ group: 'group:default/team-platform', count: 1 }]);

  const reason = `Release the refunds fix (${Date.now()})`;
  let withdrawn = false;
  try {
    await signIn(page);
    await page.goto('/catalog/default/component/payments/glu');
    const production = page.getByRole('region', { name: 'Phase Production' });
    await expect(
      production.getByText('blocked', { exact: true }),
    ).toBeVisible();

    // The guest may not promote: they ask, with a reason.
    await expect(
      production.getByRole('button', { name: 'Promote' }),
    ).toBeDisabled();
    await production.getByRole('button', { name: 'Request promotion' }).click();
    const dialog = page.getByRole('dialog', {
      name: 'Request promotion: Staging → Production',
    });
    await expect(dialog).toContainText(
      'Approval policy: 1 from group:default/team-platform',
    );
    await dialog.getByRole('textbox', { name: /Reason/ }).fill(reason);
    await dialog.getByRole('button', { name: 'Request promotion' }).click();
    await expect(dialog.getByRole('alert')).toContainText(
      /Asked for the promotion of \S+ into production \(request \d+\)\. It waits for 1 more from group:default\/team-platform/,
    );
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The edge: the policy, who it waits for, the request, and why the
    // guest may not approve it.
    const approval = production.getByRole('group', { name: 'Approvals' });
    await expect(approval).toContainText(
      "Approval policy: 1 from group:default/team-platform; not by the requester or the version's author",
    );
    await expect(approval.getByTestId('approval-needed')).toHaveText(
      'Waiting for 1 more from group:default/team-platform.',
    );
    const asked = approval.getByTestId('promotion-request');
    await expect(asked).toContainText(reason);
    await expect(asked).toContainText(/Requested by .*guest/i);
    const standing = approval.getByTestId('approval-standing');
    await expect(standing).toContainText('you asked for this promotion');
    await expect(standing).toContainText(
      'you are not in group:default/team-platform',
    );
    const approve = production.getByRole('button', { name: 'Approve' });
    await expect(approve).toBeDisabled();
    await expect(approve.locator('xpath=..')).toHaveAttribute(
      'title',
      /You may not approve [^:]+: you asked for this promotion; you are not in group:default\/team-platform/,
    );
    await screenshots(page, 'approvals-glu-tab', () =>
      expect(asked).toContainText(reason),
    );

    // The requester withdraws it; the edge offers to ask again.
    await production.getByRole('button', { name: 'Withdraw request' }).click();
    const withdraw = page.getByRole('dialog', {
      name: 'Withdraw the promotion request',
    });
    await expect(withdraw).toContainText(reason);
    await withdraw
      .getByRole('button', { name: 'Withdraw', exact: true })
      .click();
    await expect(withdraw.getByText(/^Withdrew the request for/)).toBeVisible();
    withdrawn = true;
    await withdraw.getByRole('button', { name: 'Close' }).click();
    await expect(asked).toBeHidden();
    await expect(
      production.getByRole('button', { name: 'Request promotion' }),
    ).toBeEnabled();
  } finally {
    // Never leave a request open for the tests that look at payments.
    if (!withdrawn) await withdrawOpenRequests(request, reason);
  }
});
