import { APIRequestContext, expect, test } from '@playwright/test';
import {
  BACKEND,
  examplePipeline,
  signIn,
  asGuest,
  screenshots,
} from './portal';

/** Checkout's staging phase once Glu has observed what it holds. */
async function stagingPhase(request: APIRequestContext): Promise<any> {
  await examplePipeline(request);
  let staging: any;
  await expect
    .poll(
      async () => {
        const view = await examplePipeline(request);
        staging = view.phases.find((p: any) => p.name === 'staging');
        return Boolean(staging?.state?.digest);
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return staging;
}

test('an owner quarantines the version that staging holds: the Glu tab marks it on the phase and in its history, until it is lifted', async ({
  page,
  request,
}) => {
  const staging = await stagingPhase(request);
  const { digest } = staging.state;
  const reason = `Corrupts carts ${Date.now()}`;
  // A version of checkout, by digest, without rollback: staging keeps it.
  const response = await request.post(`${BACKEND}/api/glu/quarantines`, {
    headers: await asGuest(request),
    data: { pipeline: 'pipeline:default/checkout', digest, reason },
  });
  expect(response.ok()).toBe(true);
  const quarantine = await response.json();
  expect(quarantine).toMatchObject({
    pipelineRef: 'pipeline:default/checkout',
    digest,
    reason,
    rollback: false,
  });
  expect(quarantine.holding).toContainEqual(
    expect.objectContaining({ phase: 'staging', digest }),
  );
  const label =
    quarantine.version ?? digest.replace(/^[a-z0-9]+:/, '').slice(0, 12);

  let lifted = false;
  try {
    await signIn(page);

    // The Glu tab: the quarantine in its banner, the mark on the phase.
    await page.goto('/catalog/default/component/checkout/glu');
    const banner = page.getByTestId('glu-pipeline-quarantines');
    const item = banner.getByRole('listitem', { name: `Quarantine: ${label}` });
    await expect(item).toContainText(reason);
    await expect(item).toContainText('in this pipeline');
    const phase = page.getByRole('region', {
      name: `Phase ${staging.title ?? staging.name}`,
    });
    const chip = phase.getByTestId('quarantine-chip');
    await expect(chip).toBeVisible();
    await expect(chip).toHaveAttribute(
      'title',
      `Quarantined, never promoted again: ${reason} (quarantine ${quarantine.id} by ${quarantine.quarantinedBy})`,
    );
    await screenshots(page, 'quarantine-glu-tab', () =>
      expect(chip).toBeVisible(),
    );

    // Its history marks each entry of the version.
    const openHistory = async () => {
      await phase.getByRole('button', { name: 'History' }).click();
      const entry = page
        .getByTestId('phase-history')
        .getByRole('listitem')
        .filter({ has: page.getByTestId('quarantine-chip') })
        .first();
      await expect(entry).toBeVisible();
      return entry;
    };
    const entry = await openHistory();
    await expect(
      entry.getByRole('button', { name: 'Quarantine this version' }),
    ).toBeDisabled();
    await screenshots(page, 'quarantine-history', async () => {
      await openHistory();
    });

    // Lifted from the tab; the marks go with it.
    await page.goto('/catalog/default/component/checkout/glu');
    await item
      .getByRole('button', { name: `Lift the quarantine of ${label}` })
      .click();
    const dialog = page.getByRole('dialog', {
      name: `Lift the quarantine of ${label}`,
    });
    await dialog.getByRole('button', { name: 'Lift', exact: true }).click();
    await expect(dialog.getByText('Lifted the quarantine.')).toBeVisible();
    lifted = true;
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(item).toBeHidden();
    await expect(chip).toBeHidden();
  } finally {
    // Never leave a version of the example quarantined for the other tests.
    if (!lifted) {
      await request.delete(`${BACKEND}/api/glu/quarantines/${quarantine.id}`, {
        headers: await asGuest(request),
      });
    }
  }
});
