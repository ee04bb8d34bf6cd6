import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { APIRequestContext, expect, test } from '@playwright/test';
import { CI_TOKEN, examplePipeline, glu, signIn } from './portal';

/**
 * The example GitOps repository, as a path: where the example pipeline's
 * git phases live (`$GLU_EXAMPLE_DIR/git/gitops.git`, or `.glu/git/gitops.git`).
 */
async function gitopsRepository(request: APIRequestContext): Promise<string> {
  const view = await examplePipeline(request);
  const production = view.phases.find((p: any) => p.name === 'production');
  return fileURLToPath(production.source.repository);
}

function git(repository: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', repository, ...args], {
    encoding: 'utf8',
  });
}

test('the owner promotes staging to production from the Glu tab, and the repository gets the commit', async ({
  page,
  request,
}) => {
  const repository = await gitopsRepository(request);
  // A version of its own, newer than any before it (automatic promotion
  // never goes backwards), so that the test can run again on the same portal.
  const version = `1.7.${Math.floor(Date.now() / 1000)}`;

  await signIn(page);
  await page.goto('/catalog/default/component/checkout/glu');
  const staging = page.getByRole('region', { name: 'Phase Staging' });
  const production = page.getByRole('region', { name: 'Phase Production' });
  await expect(production).toBeVisible();

  // CI publishes a version with the glu command line; staging takes it by
  // an automatic promotion, and the tab shows it without a reload.
  const published = glu(
    [
      'publish',
      'checkout',
      'build',
      '--field',
      'repository=registry.example.com/acme/checkout',
      '--field',
      `tag=${version}`,
      '--message',
      'Built by the end-to-end test',
    ],
    CI_TOKEN,
  );
  expect(published).toMatch(new RegExp(`^Published ${version} to build`));
  await expect(
    page.getByRole('region', { name: 'Phase Build' }).getByText(version),
  ).toBeVisible();
  await expect(staging.getByText(version, { exact: true })).toBeVisible();
  await expect(production.getByText('promotable')).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('glu-tab-promotable.png'),
    fullPage: true,
  });

  await production.getByRole('button', { name: 'Promote' }).click();
  const dialog = page.getByRole('dialog', {
    name: 'Promote Staging → Production',
  });
  await expect(dialog).toBeVisible();
  // The dry run: the line of the file that will change.
  await expect(dialog.getByTestId('promotion-diff')).toContainText(
    `+          image: registry.example.com/acme/checkout:${version}`,
  );
  // The health gate of the edge, checked in the background for the version
  // staging holds.
  await expect(
    dialog.getByText(
      'http: localhost:7007/.backstage/health/v1/readiness answers status "ok"',
    ),
  ).toBeVisible();
  await expect(dialog.getByText(/^checked /)).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('promote-dialog.png'),
    fullPage: true,
  });

  const before = git(repository, 'rev-parse', 'main').trim();
  await dialog.getByRole('button', { name: 'Promote to Production' }).click();
  await expect(
    dialog.getByText(`Promoted production to ${version}`),
  ).toBeVisible();

  // The example repository has the commit, and it changes production only.
  const head = git(repository, 'rev-parse', 'main').trim();
  expect(head).not.toBe(before);
  await expect(dialog.getByText(`commit ${head.slice(0, 7)}`)).toBeVisible();
  expect(
    git(repository, 'show', '--name-only', '--format=', 'main').trim(),
  ).toBe('env/production/deployment.yaml');
  expect(
    git(repository, 'show', 'main:env/production/deployment.yaml'),
  ).toContain(`image: registry.example.com/acme/checkout:${version}`);

  await dialog.getByRole('button', { name: 'Close' }).click();
  // The tab shows the new state without a reload.
  await expect(production.getByText(version, { exact: true })).toBeVisible();
  await expect(production.getByText('up to date')).toBeVisible();
  await expect(production.getByText(/promoted by/)).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('glu-tab-promoted.png'),
    fullPage: true,
  });

  // The history has the promotion, with its commit.
  await production.getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('dialog', { name: 'History of Production' });
  await expect(history.getByTestId('phase-history')).toContainText(
    `commit ${head.slice(0, 7)}`,
  );
  await page.screenshot({
    path: test.info().outputPath('phase-history.png'),
    fullPage: true,
  });
});

test('a user outside the owning team sees the controls disabled, with the reason', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/payments/glu');
  const production = page.getByRole('region', { name: 'Phase Production' });
  await expect(production).toBeVisible();
  // Production waits for an approval from team-platform (its approval
  // policy): blocked until someone there approves.
  await expect(production.getByText('blocked', { exact: true })).toBeVisible();
  await expect(production.getByTestId('approval-needed')).toHaveText(
    'Waiting for 1 more from group:default/team-platform.',
  );

  const promote = production.getByRole('button', { name: 'Promote' });
  await expect(promote).toBeDisabled();
  // The reason, on the disabled control and above the graph.
  await expect(promote.locator('xpath=..')).toHaveAttribute(
    'title',
    /You are signed in as user:default\/guest, who is not an owner of pipeline:default\/payments \(owned by group:default\/team-platform\)\. The permission policy does not grant you glu\.pipeline\.promote, so you may not promote in it\./,
  );
  await expect(page.getByTestId('glu-permission-notice')).toContainText(
    'does not let you promote, roll back, pin, or approve in it',
  );
  await expect(production.getByRole('button', { name: 'Pin' })).toBeDisabled();
  // The guest may not approve either, and the edge says why.
  const approve = production.getByRole('button', { name: 'Approve' });
  await expect(approve).toBeDisabled();
  await expect(approve.locator('xpath=..')).toHaveAttribute(
    'title',
    /You may not approve [^:]+: (you asked for this promotion; )?you are not in group:default\/team-platform; the permission policy does not grant you glu\.pipeline\.approve\./,
  );
  // Reading stays open to everyone.
  await expect(
    production.getByRole('button', { name: 'History' }),
  ).toBeEnabled();

  // Hovering shows the reason.
  await promote.locator('xpath=..').hover();
  await expect(page.getByRole('tooltip')).toContainText('glu.pipeline.promote');
  await page.screenshot({
    path: test.info().outputPath('glu-tab-not-owner.png'),
    fullPage: true,
  });

  // The same tab in the dark theme (the theme that user settings store).
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(production.getByText('blocked', { exact: true })).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('glu-tab-dark.png'),
    fullPage: true,
  });
  await page.evaluate(() => window.localStorage.removeItem('theme'));
});

test('the pipelines page lists every pipeline, and those the user owns', async ({
  page,
}) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Pipelines' }).click();
  await expect(page).toHaveURL(/\/glu$/);

  // The list's rows (the DORA card lists pipelines too, in a table of its
  // own), by the pipeline's title: Search is team-checkout's too.
  const list = page.getByRole('table').filter({ hasText: 'BEHIND' }).first();
  const checkout = list.getByRole('row', { name: /^Checkout/ });
  const payments = list.getByRole('row', { name: /^Payments/ });
  await expect(checkout).toBeVisible();
  await expect(payments).toBeVisible();
  await expect(payments).toContainText('staging 2.1.0');
  await expect(payments).toContainText('production 2.0.0');
  // Payments' production waits for team-platform's approval: a blocked
  // edge is not counted as behind (the column counts promotable edges).
  await expect(payments).toContainText('up to date');
  await page.screenshot({
    path: test.info().outputPath('pipelines-page.png'),
    fullPage: true,
  });

  await page.getByRole('checkbox', { name: 'Owned by me' }).check();
  await expect(payments).toBeHidden();
  // Above the list, the DORA figures of what the user owns.
  const dora = page.getByRole('table', { name: 'DORA by pipeline' });
  await expect(dora.getByRole('row', { name: /^Checkout/ })).toBeVisible();
  await expect(
    page.getByRole('group', { name: 'Deployment frequency' }),
  ).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('pipelines-page-mine.png'),
    fullPage: true,
  });
  await expect(checkout.first()).toBeVisible();

  await checkout
    .first()
    .locator('a[href="/catalog/default/pipeline/checkout"]')
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/pipeline\/checkout/);
});
