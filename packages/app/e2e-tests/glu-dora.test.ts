import { expect, test } from '@playwright/test';
import {
  BACKEND,
  CI_TOKEN,
  examplePipeline,
  glu,
  guestToken,
  signIn,
} from './portal';

test('the DORA card counts a deployment to production, on the pipeline’s page and on its team’s', async ({
  page,
  request,
}) => {
  // A version of its own, newer than any before it.
  const version = `1.7.${Math.floor(Date.now() / 1000)}`;
  await examplePipeline(request);
  glu(
    [
      'publish',
      'checkout',
      'build',
      '--field',
      'repository=registry.example.com/acme/checkout',
      '--field',
      `tag=${version}`,
      '--message',
      'feat: published by the DORA test',
    ],
    CI_TOKEN,
  );
  // Staging takes it automatically; production once its health gate has
  // been checked for it: promoted as the guest, an owner.
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  await expect
    .poll(
      async () => {
        const response = await request.post(
          `${BACKEND}/api/glu/pipelines/default/checkout/promotions`,
          { headers, data: { phase: 'production' } },
        );
        return response.ok() ? (await response.json()).after?.version : '';
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBe(version);

  await signIn(page);
  await page.goto('/catalog/default/pipeline/checkout');
  const frequency = page.getByRole('group', { name: 'Deployment frequency' });
  await expect(frequency).toBeVisible();
  await expect(frequency).not.toContainText(/^Deployment frequency0\/week/);
  await expect(
    page.getByRole('group', { name: 'Lead time for changes' }),
  ).not.toContainText('–');
  await page.screenshot({
    path: test.info().outputPath('dora-card.png'),
    fullPage: true,
  });
  // The same in the dark theme.
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(frequency).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('dora-card-dark.png'),
    fullPage: true,
  });
  await page.evaluate(() => window.localStorage.removeItem('theme'));

  // The team's page: its pipelines together, and one by one.
  await page.goto('/catalog/default/group/team-checkout');
  const pipelines = page.getByRole('table', { name: 'DORA by pipeline' });
  await expect(pipelines.getByRole('link', { name: 'Checkout' })).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('dora-card-team.png'),
    fullPage: true,
  });
});
