import {
  APIRequestContext,
  expect,
  Locator,
  Page,
  test,
} from '@playwright/test';
import {
  BACKEND,
  CI_TOKEN,
  asGuest,
  examplePipeline,
  glu,
  screenshots,
  signIn,
} from './portal';

const SEARCH = `${BACKEND}/api/glu/pipelines/default/search`;

/**
 * Publishes a version of the search service to the search pipeline's build
 * phase, as CI does; staging takes it by an automatic promotion.
 */
function publish(version: string) {
  const published = glu(
    [
      'publish',
      'search',
      'build',
      '--field',
      'repository=registry.example.com/acme/search',
      '--field',
      `tag=${version}`,
      '--message',
      'Built by the end-to-end test',
    ],
    CI_TOKEN,
  );
  expect(published).toMatch(new RegExp(`^Published ${version} to build`));
}

/** The search pipeline, once Glu has read it and observed staging. */
async function searchPipeline(request: APIRequestContext): Promise<any> {
  await examplePipeline(request, 'search');
  const headers = await asGuest(request);
  let view: any;
  await expect
    .poll(
      async () => {
        view = await (await request.get(SEARCH, { headers })).json();
        return view.phases?.find((p: any) => p.name === 'staging')?.state
          ?.version;
      },
      { timeout: 90_000 },
    )
    .toBeTruthy();
  return view;
}

/** The Glu tab of the search component, and its phases. */
async function searchTab(page: Page) {
  await signIn(page);
  await page.goto('/catalog/default/component/search/glu');
  const staging = page.getByRole('region', { name: 'Phase Staging' });
  const production = page.getByRole('region', { name: 'Phase Production' });
  await expect(production).toBeVisible();
  const edge = production.getByRole('group', {
    name: 'Promotion from Staging',
  });
  return { staging, production, edge };
}

/** The chart of a gate's metric on an edge. */
function chart(edge: Locator, gate: string): Locator {
  return edge
    .getByRole('group', { name: `Metrics of the ${gate} gate` })
    .getByRole('img');
}

test('production waits on the error ratio of staging’s version, and shows its measurements as they come', async ({
  page,
  request,
}) => {
  // The gates measure every 15 s, over a soak of 2 minutes.
  test.setTimeout(300_000);
  await searchPipeline(request);
  // A version of its own, newer than any before it (automatic promotion
  // never goes backwards), so that the test can run again on the same portal.
  const version = `1.3.${Math.floor(Date.now() / 1000)}`;
  publish(version);

  const { staging, production, edge } = await searchTab(page);
  await expect(staging.getByText(version, { exact: true })).toBeVisible({
    timeout: 60_000,
  });

  // The prometheus gate: its measurements of staging's error ratio for the
  // version, live on the edge, a point each (three, for the screenshot),
  // under the condition's line.
  const errorRatio = chart(edge, 'prometheus');
  const ready = async () => {
    await expect(
      errorRatio.getByTestId('gate-metric-point').nth(2),
    ).toBeVisible({ timeout: 120_000 });
    await expect(errorRatio).toHaveAttribute(
      'aria-label',
      /^error ratio \(condition < 0\.02\): \d+ measurements from .*; latest [\d.]+, successful/,
    );
    await expect(
      chart(edge, 'analysis').getByTestId('gate-metric-point').nth(1),
    ).toBeVisible({ timeout: 60_000 });
  };
  await ready();
  await expect(errorRatio.getByTestId('gate-metric-threshold')).toHaveCount(1);
  await expect(
    edge.getByText(/^prometheus: error ratio [\d.]+ \(< 0\.02\) for /),
  ).toBeVisible();
  await expect(edge.getByText(/^analysis: /)).toBeVisible();
  // Still soaking: production does not hold the version yet.
  await expect(production.getByText(version, { exact: true })).toBeHidden();
  await screenshots(page, 'glu-metrics', ready);

  // Once the ratio has held for the soak, and the analysis has measured
  // its 8 times, production takes the version by itself.
  await expect(production.getByText(version, { exact: true })).toBeVisible({
    timeout: 180_000,
  });
  await expect(edge.getByText('up to date')).toBeVisible();
});

test('a version whose error ratio breaks the condition fails the gate, and staging is rolled back and pinned', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const before = (await searchPipeline(request)).phases.find(
    (p: any) => p.name === 'staging',
  ).state.version;
  // Its prerelease names `bad`: the example's traffic fails 8% of its
  // requests.
  const stamp = Math.floor(Date.now() / 1000);
  const bad = `1.3.${stamp}-bad`;
  publish(bad);
  try {
    const { staging, edge } = await searchTab(page);
    const pin = staging.getByRole('alert').filter({ hasText: 'Pinned at' });
    await expect(pin).toContainText(
      new RegExp(
        `Rolled back automatically from ${bad.replace(
          /\./g,
          '\\.',
        )}: prometheus: error ratio 0\\.0\\d+, not < 0\\.02`,
      ),
      { timeout: 150_000 },
    );
    await expect(staging.getByText(bad, { exact: true })).toBeHidden();
    await expect(staging.getByText(before, { exact: true })).toBeVisible();
    await page.screenshot({
      path: test.info().outputPath('glu-metrics-rollback.png'),
      fullPage: true,
    });
    // The phase's history says why it was rolled back.
    await staging.getByRole('button', { name: 'History' }).click();
    await expect(page.getByTestId('phase-history')).toContainText(
      `prometheus: error ratio`,
    );
    await page.keyboard.press('Escape');
    await expect(edge).toBeVisible();
  } finally {
    // A good version after it, and staging unpinned: it takes that one, and
    // the first test can run again on the same portal.
    publish(`1.3.${stamp + 1}`);
    const headers = await asGuest(request);
    await request.delete(`${SEARCH}/phases/staging/pin`, { headers });
  }
});
