/*
 * What the end-to-end tests share: the example portal's addresses, signing
 * in as its guest, the guest's token and headers, screenshots in both
 * themes, and the glu command line as CI runs it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { APIRequestContext, expect, Page, test } from '@playwright/test';

export const BACKEND = 'http://localhost:7007';
export const CI_TOKEN =
  process.env.GLU_CI_TOKEN ?? 'example-ci-token-change-me';
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Signs in as the guest, a member of team-checkout. */
export async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('link', { name: 'Checkout', exact: true }),
  ).toBeVisible();
}

/** A guest's token, to use the Glu API as the portal does. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/**
 * An example pipeline (checkout unless named) as the guest sees it through
 * the Glu API, once Glu has read it from the catalog (within seconds on a
 * fresh portal).
 */
export async function examplePipeline(
  request: APIRequestContext,
  name = 'checkout',
): Promise<any> {
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const url = `${BACKEND}/api/glu/pipelines/default/${name}`;
  await expect
    .poll(async () => (await request.get(url, { headers })).status(), {
      timeout: 90_000,
    })
    .toBe(200);
  return (await request.get(url, { headers })).json();
}

/** Runs the glu command line against the example portal, as CI does. */
export function glu(args: string[], token: string): string {
  return execFileSync(
    process.execPath,
    [path.join(REPOSITORY_ROOT, 'packages', 'glu-cli', 'bin', 'glu'), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, GLU_URL: BACKEND, GLU_TOKEN: token },
    },
  );
}

/** The guest's headers for the Glu API, as the portal sends them. */
export async function asGuest(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

/** Takes a screenshot in the light theme, then in the dark one. */
export async function screenshots(
  page: Page,
  name: string,
  ready: () => Promise<void>,
) {
  await page.screenshot({
    path: test.info().outputPath(`${name}.png`),
    fullPage: true,
  });
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await ready();
  await page.screenshot({
    path: test.info().outputPath(`${name}-dark.png`),
    fullPage: true,
  });
  await page.evaluate(() => window.localStorage.removeItem('theme'));
  await page.reload();
}
