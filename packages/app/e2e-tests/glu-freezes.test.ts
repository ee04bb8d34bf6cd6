import { expect, test } from '@playwright/test';
import {
  BACKEND,
  examplePipeline,
  signIn,
  asGuest,
  screenshots,
} from './portal';

test('a release manager freezes production: the pipelines page and the Glu tab say so, until the freeze is lifted', async ({
  page,
  request,
}) => {
  await examplePipeline(request);
  const reason = `Black Friday (${Date.now()})`;
  const response = await request.post(`${BACKEND}/api/glu/freezes`, {
    headers: await asGuest(request),
    data: {
      reason,
      scope: {
        pipelines: ['pipeline:default/checkout'],
        phases: ['production'],
      },
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
  });
  expect(response.ok()).toBe(true);
  const freeze = await response.json();
  expect(freeze).toMatchObject({ reason, origin: 'api', active: true });

  let lifted = false;
  try {
    await signIn(page);

    // The pipelines page: the freeze in plain sight, with Lift for a
    // release manager.
    await page.goto('/glu');
    const active = page.getByTestId('glu-active-freezes');
    const item = active.getByRole('listitem', { name: `Freeze: ${reason}` });
    await expect(item).toBeVisible();
    await expect(item).toContainText(
      'phases production of pipelines pipeline:default/checkout',
    );
    await expect(
      page.getByRole('button', { name: 'Freeze', exact: true }),
    ).toBeVisible();
    await screenshots(page, 'freezes-pipelines-page', () =>
      expect(item).toBeVisible(),
    );

    // The Glu tab of a pipeline the freeze covers.
    await page.goto('/catalog/default/component/checkout/glu');
    const banner = page
      .getByRole('status', { name: 'Freeze' })
      .filter({ hasText: reason });
    await expect(banner).toContainText(
      `Promotions into production are frozen: ${reason}`,
    );
    await expect(banner).toContainText('Rollbacks are still allowed.');
    await expect(banner).toContainText(
      'You may promote through it as a hotfix',
    );
    await screenshots(page, 'freeze-glu-tab', () =>
      expect(banner).toBeVisible(),
    );

    // Lifted from the pipelines page; the tab's banner goes with it.
    await page.goto('/glu');
    await item
      .getByRole('button', { name: `Lift the freeze: ${reason}` })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Lift the freeze' });
    await dialog.getByRole('button', { name: 'Lift', exact: true }).click();
    await expect(dialog.getByText('Lifted the freeze.')).toBeVisible();
    lifted = true;
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(item).toBeHidden();
    await page.goto('/catalog/default/component/checkout/glu');
    await expect(
      page.getByRole('region', { name: 'Phase Production' }),
    ).toBeVisible();
    await expect(banner).toBeHidden();
  } finally {
    // Never leave production frozen for the tests that promote into it.
    if (!lifted) {
      await request.delete(`${BACKEND}/api/glu/freezes/${freeze.id}`, {
        headers: await asGuest(request),
      });
    }
  }
});
