/*
 * The portal's figure: how soon the Glu tab of a component whose pipeline has
 * 50 phases is interactive, against the same component's Overview tab, in
 * the production build of the app that the example backend serves, in
 * headless Chromium (GLU_CHROMIUM).
 */
import { Browser, chromium, Page } from '@playwright/test';
import path from 'node:path';
import { call, eventually } from '../harness/client';
import { resultsDir } from '../harness/paths';
import { median, ms, Row, spread } from './table';

/** How many phases the pipeline of the portal's figure has. */
export const TAB_PHASES = 50;
const DESCRIPTION = 'The component of the portal benchmark.';

/**
 * A component, its owner (the guest of the example portal) and a pipeline
 * that delivers it through 50 phases: an api phase, then 49 files of one
 * repository, each promoted from the one before.
 */
export function tabEntities(repository: string): object[] {
  const phases: object[] = [{ name: 'build', source: { type: 'api' } }];
  for (let i = 1; i < TAB_PHASES; i++) {
    phases.push({
      name: `t${i}`,
      source: {
        type: 'git',
        repository,
        path: `env/t${i}/version.yaml`,
        format: { type: 'yaml-path', key: 'version' },
      },
      promotion: { from: i === 1 ? 'build' : `t${i - 1}` },
    });
  }
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'guest', namespace: 'default' },
      spec: { memberOf: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'tab', namespace: 'default', description: DESCRIPTION },
      spec: { type: 'service', lifecycle: 'production', owner: 'user:guest' },
    },
    {
      apiVersion: 'glu.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'tab', namespace: 'default' },
      spec: {
        owner: 'user:default/guest',
        components: ['component:default/tab'],
        phases,
      },
    },
  ];
}

/**
 * Resolves, in the page, with performance.now() at the first frame in which
 * the Overview tab shows the component (its About card with the
 * description).
 */
function overviewReady(page: Page): Promise<number> {
  return page
    .waitForFunction(
      description =>
        document.body.textContent?.includes(description)
          ? performance.now()
          : false,
      DESCRIPTION,
      { polling: 'raf', timeout: 60_000 },
    )
    .then(handle => handle.jsonValue() as Promise<number>);
}

/**
 * Resolves, in the page, with performance.now() at the first frame in which
 * the Glu tab is interactive: every phase's card drawn, and the Promote
 * control of the edge that has a version waiting enabled (the owner's
 * permission decided).
 */
function gluTabReady(page: Page): Promise<number> {
  return page
    .waitForFunction(
      last => {
        const first = document.querySelector('[aria-label="Phase t1"]');
        if (!first || !document.querySelector(`[aria-label="Phase ${last}"]`)) {
          return false;
        }
        const promote = Array.from(first.querySelectorAll('button')).find(
          button => button.textContent?.trim() === 'Promote',
        );
        return promote && !promote.disabled ? performance.now() : false;
      },
      `t${TAB_PHASES - 1}`,
      { polling: 'raf', timeout: 60_000 },
    )
    .then(handle => handle.jsonValue() as Promise<number>);
}

/**
 * Headless Chromium (GLU_CHROMIUM) on the portal, signed in as its guest
 * (the example portal's sign-in page), its pages shown.
 */
export async function openPortal(
  baseUrl: string,
): Promise<{ browser: Browser; page: Page }> {
  const executablePath = process.env.GLU_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
  });
  try {
    await page.goto(baseUrl);
    const enter = page.getByRole('button', { name: 'Enter' });
    await enter.click();
    // Signed in once the app's pages replace the sign-in page.
    await enter.waitFor({ state: 'detached', timeout: 60_000 });
    await page
      .getByRole('link', { name: 'Pipelines' })
      .first()
      .waitFor({ timeout: 60_000 });
  } catch (error) {
    await browser.close();
    throw error;
  }
  return { browser, page };
}

/** A figure's error, with a screenshot of the page as it was. */
export async function withScreenshot(
  page: Page,
  name: string,
  error: unknown,
): Promise<Error> {
  const screenshot = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  return new Error(`${error} (the page: ${screenshot})`);
}

/** The portal's rows of the benchmark's table. */
export async function portalFigures(options: {
  baseUrl: string;
  api: string;
  token: string;
  rounds: number;
  variant: string;
}): Promise<Row[]> {
  const { baseUrl, api, token } = options;
  // Every phase observed, and a version waiting for the first edge.
  await eventually(
    'the portal pipeline to be observed',
    async () => {
      const answer = await call(undefined, `${api}/tab`, { token });
      return answer.status === 200 &&
        answer.body.phases.every(
          (p: any) => p.state || p.source?.type === 'api',
        )
        ? true
        : undefined;
    },
    300_000,
  );
  await call(undefined, `${api}/tab/phases/build/versions`, {
    token,
    body: { version: '2.0.0' },
  });

  const { browser, page } = await openPortal(baseUrl);
  try {
    const entity = `${baseUrl}/catalog/default/component/tab`;
    const overview: number[] = [];
    const tab: number[] = [];
    const switched: number[] = [];
    // One round to warm the browser's cache, as a returning user's is.
    const toGluTab = async () => {
      await page.goto(`${entity}/glu`, { waitUntil: 'commit' });
      return gluTabReady(page);
    };
    // One round to warm the browser's cache, as a returning user's is; the
    // Glu tab first every other round, so that neither is always second.
    for (let round = 0; round <= options.rounds; round++) {
      const tabFirst = round % 2 === 1;
      const tabBefore = tabFirst ? await toGluTab() : 0;
      await page.goto(entity, { waitUntil: 'commit' });
      const overviewAt = await overviewReady(page);
      // From the Overview tab to the Glu tab, in the page.
      const clickedAt = await page.evaluate(() => {
        const link = Array.from(document.querySelectorAll('a')).find(
          a => a.textContent?.trim() === 'Glu',
        );
        if (!link) throw new Error('The entity page has no Glu tab');
        const at = performance.now();
        link.click();
        return at;
      });
      const switchedAt = await gluTabReady(page);
      const tabAt = tabFirst ? tabBefore : await toGluTab();
      if (round > 0) {
        overview.push(overviewAt);
        switched.push(switchedAt - clickedAt);
        tab.push(tabAt);
      }
    }
    const differences = tab.map((t, i) => t - overview[i]);
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(0)} ms`;
    return [
      {
        figure: `the Glu tab of a ${TAB_PHASES}-phase pipeline, interactive (production app, headless Chromium)`,
        variant: options.variant,
        glu: `${spread(tab)} from navigation; ${ms(
          median(switched),
        )} from a click on the tab`,
        floor: `${spread(overview)} (the entity's Overview tab)`,
        ratio: `${signed(median(differences))} (${signed(
          Math.min(...differences),
        )} to ${signed(Math.max(...differences))})`,
        goal: '≤ +100 ms',
      },
    ];
  } catch (error) {
    throw await withScreenshot(page, 'bench-portal', error);
  } finally {
    await browser.close();
  }
}
