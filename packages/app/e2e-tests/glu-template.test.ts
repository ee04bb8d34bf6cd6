import { expect, test } from '@playwright/test';

const BACKEND = 'http://localhost:7007';

test('the template adds a pipeline to a component: the form, the action, the definition', async ({
  page,
  request,
}) => {
  // The example's GitOps repository, where team-checkout may write.
  const token = (
    await (
      await request.get(`${BACKEND}/api/auth/guest/refresh?env=development`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      })
    ).json()
  ).backstageIdentity.token;
  const view = await (
    await request.get(`${BACKEND}/api/glu/pipelines/default/checkout`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json();
  const repository = view.phases.find((p: any) => p.name === 'production')
    .source.repository;

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('link', { name: 'Checkout', exact: true }),
  ).toBeVisible();
  await page.goto('/create');
  const card = page
    .getByText('Add a Glu pipeline to a component')
    .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]');
  await expect(card).toBeVisible({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Choose' }).click();

  // The component and its owner, from the catalog.
  const component = page.getByRole('textbox', { name: 'Component' });
  await component.click();
  await component.fill('checkout');
  await page
    .getByRole('option', { name: /^checkout$/i })
    .first()
    .click();
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  // The owner picker takes an entity ref as typed.
  await owner.fill('group:default/team-checkout');
  await owner.press('Tab');
  await page.getByRole('button', { name: 'Next' }).click();

  // Where it deploys: the example repository, the default files.
  const repo = page.getByLabel('GitOps repository');
  await repo.fill(repository);
  await page.getByRole('button', { name: 'Next' }).click();
  // No repository of definitions: the template shows the definition.
  await page.getByRole('button', { name: 'Review' }).click();
  await page.screenshot({
    path: test.info().outputPath('template-review.png'),
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Create' }).click();

  // The action wrote a definition that the catalog accepts, and says so.
  await expect(page.getByText('apiVersion: glu.dev/v1alpha1')).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText('kind: Pipeline')).toBeVisible();
  await expect(
    page.getByText('owner: group:default/team-checkout'),
  ).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('template-pipeline.png'),
    fullPage: true,
  });
});
