import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { BACKEND, asGuest, screenshots, signIn } from './portal';

/** Where a pipeline of the example fleet stands in an environment. */
type Seen = Record<string, Record<string, string>>;

/**
 * The example fleet as the guest reads it through the API, once every state
 * that the example seeds shows: 21 pipelines, every status the page draws.
 */
async function seededFleet(request: APIRequestContext): Promise<void> {
  const headers = await asGuest(request);
  const statusOf = async (): Promise<Seen> => {
    const response = await request.get(`${BACKEND}/api/glu/fleet?limit=1000`, {
      headers,
    });
    if (!response.ok()) return {};
    const { items } = await response.json();
    return Object.fromEntries(
      items.map((row: any) => [
        row.name,
        Object.fromEntries(
          row.cells.map((c: any) => [c.environment, c.status]),
        ),
      ]),
    );
  };
  await expect
    .poll(
      async () => {
        const seen = await statusOf();
        return {
          pipelines: Object.keys(seen).length,
          inventory: seen.inventory?.staging,
          gateway: seen.gateway?.production,
          ledger: seen.ledger?.production,
          notifications: seen.notifications?.production,
          wishlist: seen.wishlist?.production,
        };
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toEqual({
      pipelines: 21,
      inventory: 'behind',
      gateway: 'pinned',
      ledger: 'frozen',
      notifications: 'quarantined',
      wishlist: 'refresh-failing',
    });
}

/** A pipeline's cell in an environment, in a fleet table. */
function cell(page: Page, pipeline: string, environment: string) {
  return page
    .locator(`[data-testid="fleet-row"][data-pipeline="${pipeline}"]`)
    .locator(`[data-testid="fleet-cell"][data-environment="${environment}"]`);
}

test('the fleet shows what every environment holds, pipeline by pipeline, and opens a pipeline at its phase', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await seededFleet(request);
  await signIn(page);
  await page.goto('/glu?view=fleet');
  const fleet = page.getByRole('table', { name: 'Fleet' });
  const ready = async () => {
    await expect(
      page.getByRole('status').filter({ hasText: /21 pipelines in 4/ }),
    ).toBeVisible({ timeout: 30_000 });
    await expect(fleet.getByTestId('fleet-row')).toHaveCount(21);
  };
  await ready();
  for (const environment of ['build', 'staging', 'canary', 'production']) {
    await expect(
      fleet.getByRole('columnheader', { name: environment, exact: true }),
    ).toBeVisible();
  }
  // Phases named otherwise line up under the environment they stand for.
  await expect(
    cell(page, 'pipeline:default/pricing', 'production'),
  ).toHaveAttribute('data-status', 'behind');
  const statuses: Array<[string, string, string]> = [
    ['inventory', 'staging', 'behind'],
    ['gateway', 'production', 'pinned'],
    ['ledger', 'production', 'frozen'],
    ['notifications', 'production', 'quarantined'],
    ['wishlist', 'production', 'refresh-failing'],
    ['cart', 'production', 'up-to-date'],
  ];
  for (const [pipeline, environment, status] of statuses) {
    await expect(
      cell(page, `pipeline:default/${pipeline}`, environment),
    ).toHaveAttribute('data-status', status);
  }
  await expect(
    cell(page, 'pipeline:default/inventory', 'staging'),
  ).toHaveAccessibleName(/^Inventory in staging: .* behind 3 versions for /);
  // The reasons on hover.
  await cell(page, 'pipeline:default/ledger', 'production').hover();
  await expect(page.getByRole('tooltip')).toContainText(
    'The ledger moves to its new database',
  );
  await page.mouse.move(0, 0);
  await screenshots(page, 'glu-fleet', ready);

  // Grouped by system, a system's pipelines together.
  await page.getByRole('button', { name: 'Group by' }).click();
  await page.getByRole('option', { name: 'System' }).click();
  await expect(page).toHaveURL(/groupBy=system/);
  await expect(
    fleet.getByTestId('fleet-group').filter({ hasText: /finance/i }),
  ).toContainText('6 pipelines');

  // A cell opens the pipeline's Glu tab at that phase.
  await cell(page, 'pipeline:default/billing', 'canary').click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/pipeline\/billing\/glu\?phase=canary/,
  );
  await expect(
    page.getByRole('region', { name: /^Phase canary$/i }),
  ).toHaveAttribute('aria-current', 'location');
});

test('comparing staging with production lists what lags, and promotes the selected pipelines each through its own permissions', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await seededFleet(request);
  await signIn(page);
  await page.goto('/glu?view=compare&from=staging&to=production');
  const compare = page.getByRole('table', {
    name: 'Compare staging to production',
  });
  const row = (pipeline: string) =>
    compare.locator(
      `[data-testid="fleet-compare-row"][data-pipeline="pipeline:default/${pipeline}"]`,
    );
  // Fraud lags either way; pricing leaves the comparison once promoted.
  const ready = async () => {
    await expect(row('fraud')).toBeVisible({ timeout: 30_000 });
  };
  await ready();
  await expect(row('pricing')).toBeVisible();
  // Fraud's production is two versions behind staging.
  await expect(row('fraud')).toContainText('2 versions');
  // Frozen and pinned pipelines say why they have not moved.
  await expect(row('ledger')).toContainText(
    'The ledger moves to its new database',
  );

  await page.getByRole('checkbox', { name: 'Select Pricing' }).check();
  await page.getByRole('checkbox', { name: 'Select Fraud' }).check();
  await page.getByRole('button', { name: 'Promote 2 selected' }).click();
  const dialog = page.getByRole('dialog', {
    name: 'Promote 2 pipelines from staging to production',
  });
  await dialog.getByRole('button', { name: 'Promote 2 pipelines' }).click();
  // The guest may promote team-checkout's pricing, not team-data's fraud.
  await expect(dialog.getByTestId('fleet-promotion-summary')).toHaveText(
    '1 promoted, 1 refused.',
    { timeout: 90_000 },
  );
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(
    row('pricing').getByTestId('fleet-promotion-result'),
  ).toHaveAttribute('data-outcome', 'promoted');
  await expect(
    row('fraud').getByTestId('fleet-promotion-result'),
  ).toHaveAttribute('data-outcome', 'refused');
  await expect(
    row('fraud').getByTestId('fleet-promotion-result'),
  ).toContainText('may not');
  await screenshots(page, 'glu-fleet-compare', ready);

  // Pricing's production holds what staging held.
  const headers = await asGuest(request);
  await expect
    .poll(async () => {
      const view = await (
        await request.get(`${BACKEND}/api/glu/pipelines/default/pricing`, {
          headers,
        })
      ).json();
      const [qa, prod] = view.phases;
      return prod.state?.digest === qa.state?.digest;
    })
    .toBe(true);
});

test("a group's page shows its fleet and the time between its environments", async ({
  page,
  request,
}) => {
  await seededFleet(request);
  await signIn(page);
  await page.goto('/catalog/default/group/team-checkout');
  const card = page.getByTestId('glu-fleet-card');
  await expect(card.getByTestId('fleet-row')).toHaveCount(8, {
    timeout: 30_000,
  });
  await expect(
    page.getByRole('link', { name: 'Open in the fleet view' }),
  ).toHaveAttribute('href', /view=fleet&owner=group%3Adefault%2Fteam-checkout/);
  await expect(
    page.getByRole('region', { name: 'Time between environments' }),
  ).toBeVisible();
});
