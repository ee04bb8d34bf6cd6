import { expect, test } from '@playwright/test';
import { signIn } from './portal';

test('the owning team is notified of a pin that holds for long, in the portal’s notifications', async ({
  page,
}) => {
  // The notice waits for the pin to hold for glu.notifications.pinnedAfter.
  test.setTimeout(150_000);
  await signIn(page);
  await page.goto('/catalog/default/component/checkout/glu');
  const staging = page.getByRole('region', { name: 'Phase Staging' });
  await expect(staging).toBeVisible();
  const reason = `Waiting for the database migration (${Date.now()})`;
  await staging.getByRole('button', { name: 'Pin' }).click();
  const pinDialog = page.getByRole('dialog', { name: 'Pin Staging' });
  await pinDialog.getByLabel('Reason').fill(reason);
  await pinDialog.getByRole('button', { name: 'Pin' }).click();
  await expect(pinDialog.getByText(/^Pinned Staging at /)).toBeVisible();
  await page.keyboard.press('Escape');
  try {
    await page.goto('/notifications');
    // The scan looks every few seconds; the pin must hold 20s first.
    await expect(async () => {
      await page.reload();
      await expect(
        page.getByText(/^staging of Checkout has been pinned at .+ for \d+s$/),
      ).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 90_000, intervals: [3_000] });
    await expect(
      page.getByText(`Pinned by user:default/guest: ${reason}.`, {
        exact: false,
      }),
    ).toBeVisible();
    await page.screenshot({
      path: test.info().outputPath('glu-notification.png'),
      fullPage: true,
    });
  } finally {
    // Unpinned again, for the tests that promote into staging.
    await page.goto('/catalog/default/component/checkout/glu');
    await staging.getByRole('button', { name: 'Unpin' }).click();
    const unpinDialog = page.getByRole('dialog', { name: 'Unpin Staging' });
    await unpinDialog.getByRole('button', { name: 'Unpin' }).click();
    await expect(unpinDialog.getByText('Unpinned Staging.')).toBeVisible();
  }
});
