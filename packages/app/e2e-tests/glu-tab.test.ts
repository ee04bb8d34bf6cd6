import { expect, test } from '@playwright/test';

test('a component of the example portal has a Glu tab', async ({ page }) => {
  await page.goto('/');

  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  // Signed in: the catalog lists the example component.
  const component = page.getByRole('link', { name: 'Checkout', exact: true });
  await expect(component).toBeVisible();
  await component.click();
  await expect(
    page.getByRole('heading', { name: 'Checkout', exact: true }),
  ).toBeVisible();

  const tab = page.getByRole('link', { name: 'Glu', exact: true });
  await expect(tab).toBeVisible();
  await tab.click();

  await expect(page).toHaveURL(/\/catalog\/default\/component\/checkout\/glu$/);
  // The example pipeline delivers this component.
  await expect(
    page.getByText(
      'Delivers the checkout service to staging, then production.',
    ),
  ).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('glu-tab.png'),
    fullPage: true,
  });
});

test('the Glu backend answers its health check', async ({ request }) => {
  const response = await request.get('http://localhost:7007/api/glu/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({
    status: 'ok',
    database: 'ok',
  });
});

test('the example pipeline is in the catalog, with its own Glu tab', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('link', { name: 'Checkout', exact: true }),
  ).toBeVisible();

  await page.goto('/catalog/default/pipeline/checkout');
  await expect(
    page.getByText('Pipeline', { exact: true }).first(),
  ).toBeVisible();
  await page.getByRole('link', { name: 'Glu', exact: true }).click();
  await expect(
    page.getByText(
      'Delivers the checkout service to staging, then production.',
    ),
  ).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('pipeline-entity.png'),
    fullPage: true,
  });
});
