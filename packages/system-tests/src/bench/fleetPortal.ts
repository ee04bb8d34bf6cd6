/*
 * The portal's fleet figure: how soon the fleet view of the pipelines page
 * (the fleet's 1,000 pipelines × 4 environments) is interactive in the
 * production build of the app, in headless Chromium (GLU_CHROMIUM), against
 * the catalog's own entity list of the pipelines, and how soon it answers
 * a click: the next page, and another grouping.
 */
import { Page } from '@playwright/test';
import { CONCURRENT, PIPELINES } from './backend';
import { FLEET_PHASES, FLEET_SYSTEM } from './fixtures';
import { openPortal, withScreenshot } from './portal';
import { median, ms, ratio, Row, spread } from './table';

/** The rows of the fleet table's page. */
const PAGE_ROWS = 50;
/** The rows of the catalog table's first page. */
const CATALOG_ROWS = 20;
/** The pipelines of the bench's catalog: the fleet, 100, one and the tab's. */
const CATALOG_PIPELINES = PIPELINES + CONCURRENT + 2;

/** The fleet view of the pipelines page, of the fleet's system. */
export function fleetViewUrl(baseUrl: string): string {
  return `${baseUrl}/glu?${new URLSearchParams({
    view: 'fleet',
    system: FLEET_SYSTEM,
  })}`;
}

/** The catalog's entity list, every pipeline (not only the guest's own). */
export function catalogListUrl(baseUrl: string): string {
  return `${baseUrl}/catalog?${new URLSearchParams({
    'filters[kind]': 'pipeline',
    'filters[user]': 'all',
  })}`;
}

/**
 * Resolves, in the page, with performance.now() at the first frame in which
 * the fleet table shows a page of rows, each with a cell for every
 * environment; with `not`, once its first group or first row is no longer
 * the one it was (a redraw after a click).
 */
function fleetDrawn(
  page: Page,
  not: { group?: string; first?: string } = {},
): Promise<number> {
  return page
    .waitForFunction(
      ({ rows, cells, group, first }) => {
        const table = document.querySelector('table[aria-label="Fleet"]');
        if (!table) return false;
        const drawn = Array.from(
          table.querySelectorAll('[data-testid="fleet-row"]'),
        );
        if (drawn.length < rows) return false;
        if (
          !drawn.every(
            row =>
              row.querySelectorAll('[data-testid="fleet-cell"]').length >=
              cells,
          )
        ) {
          return false;
        }
        const heading = table.querySelector('[data-testid="fleet-group"]');
        if (group !== undefined && heading?.textContent === group) {
          return false;
        }
        if (
          first !== undefined &&
          drawn[0].getAttribute('data-pipeline') === first
        ) {
          return false;
        }
        return performance.now();
      },
      {
        rows: Math.min(PAGE_ROWS, PIPELINES),
        cells: FLEET_PHASES.length + 1,
        ...not,
      },
      { polling: 'raf', timeout: 60_000 },
    )
    .then(handle => handle.jsonValue() as Promise<number>);
}

/**
 * Resolves, in the page, with performance.now() at the first frame in which
 * the catalog's table shows its first page of pipelines.
 */
function catalogDrawn(page: Page): Promise<number> {
  return page
    .waitForFunction(
      rows => {
        const drawn = Array.from(
          document.querySelectorAll('table tbody tr'),
        ).filter(row => row.querySelector('a[href*="/pipeline/"]'));
        return drawn.length >= rows ? performance.now() : false;
      },
      Math.min(CATALOG_ROWS, CATALOG_PIPELINES),
      { polling: 'raf', timeout: 60_000 },
    )
    .then(handle => handle.jsonValue() as Promise<number>);
}

/** Clicks an element of the page, in the page; resolves with when. */
function clickAt(page: Page, selector: string, text?: string) {
  return page.evaluate(
    ({ selector: s, text: t }) => {
      const target = Array.from(document.querySelectorAll<HTMLElement>(s)).find(
        e => t === undefined || e.textContent?.trim() === t,
      );
      if (!target) throw new Error(`The page has no ${s} ${t ?? ''}`);
      const at = performance.now();
      target.click();
      return at;
    },
    { selector, text },
  );
}

/** The portal's fleet rows of the benchmark's table. */
export async function fleetPortalFigures(options: {
  baseUrl: string;
  rounds: number;
  variant: string;
}): Promise<Row[]> {
  const { baseUrl } = options;
  const { browser, page } = await openPortal(baseUrl);
  try {
    const fleet: number[] = [];
    const catalog: number[] = [];
    const paged: number[] = [];
    const grouped: number[] = [];
    const toFleet = async () => {
      await page.goto(fleetViewUrl(baseUrl), { waitUntil: 'commit' });
      const drawnAt = await fleetDrawn(page);
      // The next page, from a click on its button to its rows drawn.
      const first = await page
        .locator('[data-testid="fleet-row"]')
        .first()
        .getAttribute('data-pipeline');
      const nextAt = await clickAt(page, 'button[aria-label="Next page"]');
      const nextDrawnAt = await fleetDrawn(page, { first: first ?? '' });
      // Grouped by system rather than owner, from a click on the choice
      // (its menu opened first) to the regrouped rows drawn.
      const group =
        (await page
          .locator('[data-testid="fleet-group"]')
          .first()
          .textContent()) ?? '';
      await page.getByRole('button', { name: /Group by/ }).click();
      await page.getByRole('option', { name: 'System' }).waitFor();
      const groupAt = await clickAt(page, '[role="option"]', 'System');
      const groupDrawnAt = await fleetDrawn(page, { group });
      return {
        drawnAt,
        paged: nextDrawnAt - nextAt,
        grouped: groupDrawnAt - groupAt,
      };
    };
    const toCatalog = async () => {
      await page.goto(catalogListUrl(baseUrl), { waitUntil: 'commit' });
      return catalogDrawn(page);
    };
    // One round to warm the browser's cache, as a returning user's is; the
    // fleet view first every other round, so that neither is always second.
    for (let round = 0; round <= options.rounds; round++) {
      const fleetFirst = round % 2 === 1;
      const before = fleetFirst ? await toFleet() : undefined;
      const catalogAt = await toCatalog();
      const view = before ?? (await toFleet());
      if (round > 0) {
        fleet.push(view.drawnAt);
        paged.push(view.paged);
        grouped.push(view.grouped);
        catalog.push(catalogAt);
      }
    }
    return [
      {
        figure: `the fleet view, ${PIPELINES} pipelines × ${
          FLEET_PHASES.length + 1
        } environments, interactive (production app, headless Chromium)`,
        variant: options.variant,
        glu: `${spread(fleet)} from navigation to its first ${Math.min(
          PAGE_ROWS,
          PIPELINES,
        )} rows and their cells drawn; ${ms(
          median(paged),
        )} from a click to the next page drawn, ${ms(
          median(grouped),
        )} to the rows grouped by system`,
        floor: `${spread(
          catalog,
        )} (the catalog's entity list of kind pipeline, ${CATALOG_PIPELINES} entities, to its table's first ${CATALOG_ROWS} rows)`,
        ratio: ratio(fleet, catalog),
        goal: '< 1 s; the ratio reported',
      },
    ];
  } catch (error) {
    throw await withScreenshot(page, 'bench-fleet-portal', error);
  } finally {
    await browser.close();
  }
}
