/*
 * The fleet's figure: the whole fleet in one request, as the portal's fleet
 * view asks for it (GET /fleet, 1,000 pipelines a page, the API's most),
 * against the catalog's by-query for the same pipeline entities in one
 * request, with the same user's token; right after a refresh of the fleet
 * that found nothing new (what every interval brings: it moves no
 * revision, so what was read before is still kept), and warm, once read
 * again. Both
 * sides ask for the fleet's system only, so that they answer the same 1,000
 * pipelines and nothing else of the catalog. Glu and the catalog alternate,
 * sample by sample.
 */
import { call } from '../harness/client';
import { BenchBackend, PIPELINES } from './backend';
import { FLEET_PHASES, FLEET_SYSTEM } from './fixtures';
import { load, LoadResult } from './load';
import { FigureContext } from './promotion';
import { pair, Samples } from './reads';
import { ratio, rotate, spread } from './table';

/** A page of the fleet: the API's most, the portal's request. */
const LIMIT = 1000;
/** How long a warm sample reads, one reader. */
const WARM_MILLIS = 3_000;

/** The first page of the fleet, on both sides; a load walks every page. */
export function fleetUrls(b: BenchBackend): { glu: string; catalog: string } {
  return {
    glu: `${b.url}/api/glu/fleet?system=${encodeURIComponent(
      FLEET_SYSTEM,
    )}&limit=${LIMIT}`,
    // The limit first: a walk drops the filter from the next page's URL.
    catalog: `${
      b.catalogApi
    }/entities/by-query?limit=${LIMIT}&filter=${encodeURIComponent(
      `kind=pipeline,spec.system=${FLEET_SYSTEM}`,
    )}`,
  };
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** What one whole read of a side took: its pages and their bytes. */
interface Walked {
  pages: number;
  bytes: number;
  items: any[];
  bodies: any[];
}

/** Every page of a side, as a load walks them (its next URL alike). */
async function walk(url: string, token: string, what: string) {
  const walked: Walked = { pages: 0, bytes: 0, items: [], bodies: [] };
  let next: string | undefined = url;
  while (next) {
    const answer = await call(undefined, next, { token });
    if (answer.status !== 200) {
      throw new Error(
        `${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(
          0,
          500,
        )}`,
      );
    }
    walked.pages++;
    walked.bytes += JSON.stringify(answer.body).length;
    walked.items.push(...(answer.body.items ?? []));
    walked.bodies.push(answer.body);
    const cursor = answer.body.nextCursor ?? answer.body.pageInfo?.nextCursor;
    next = cursor
      ? `${url.replace(/[?&]filter=[^&]*/, '')}&cursor=${encodeURIComponent(
          cursor,
        )}`
      : undefined;
  }
  return walked;
}

/**
 * Reads the fleet once on both sides, unmeasured, and makes sure they
 * answer what the figure says: every pipeline of the fleet, each with its
 * four environments. Resolves with each side's pages and bytes.
 */
async function checkFleet(b: BenchBackend, token: string) {
  const urls = fleetUrls(b);
  const glu = await walk(urls.glu, token, 'GET /fleet');
  const catalog = await walk(urls.catalog, token, "The catalog's by-query");
  const environments = FLEET_PHASES.length + 1;
  if (
    glu.items.length !== PIPELINES ||
    !glu.bodies.every(page => page.environments?.length === environments) ||
    !glu.items.every(row => row.cells?.length === environments)
  ) {
    throw new Error(
      `GET /fleet did not answer ${PIPELINES} pipelines of ${environments} environments: ${JSON.stringify(
        glu.bodies[0],
      ).slice(0, 500)}`,
    );
  }
  if (catalog.items.length !== PIPELINES) {
    throw new Error(
      `The catalog's by-query did not answer ${PIPELINES} pipelines but ${catalog.items.length}`,
    );
  }
  return { glu, catalog };
}

/** The time of one read of the whole fleet (`pages` requests), in ms. */
const perFleet = (r: LoadResult, pages: number) => (1000 * pages) / r.perSecond;

export async function fleetFigures(context: FigureContext) {
  const { backends, rounds } = context;
  const fresh = (): Samples =>
    new Map(backends.map(b => [b, { glu: [], catalog: [] }]));
  const cold = fresh();
  const warm = fresh();
  const checked = new Map<
    BenchBackend,
    Awaited<ReturnType<typeof checkFleet>>
  >();
  for (const b of backends) {
    checked.set(b, await checkFleet(b, await b.userToken()));
  }
  for (let round = 0; round < rounds; round++) {
    for (const b of rotate(backends, round)) {
      const token = await b.userToken();
      const urls = fleetUrls(b);
      // A refresh of the fleet with nothing new, as each refresh interval
      // brings.
      await b.refreshFleet();
      await pair(cold, b, round, side =>
        load({
          urls: [urls[side]],
          token,
          concurrency: 1,
          millis: 120_000,
          once: true,
          walk: true,
        }),
      );
      await pair(warm, b, round, side =>
        load({
          urls: [urls[side]],
          token,
          concurrency: 1,
          millis: WARM_MILLIS,
          walk: true,
        }),
      );
    }
  }
  const pages = (w: Walked) =>
    w.pages === 1 ? 'one request' : `${w.pages} requests`;
  const what = `the whole fleet, ${PIPELINES} pipelines × ${
    FLEET_PHASES.length + 1
  } environments`;
  const rows: Array<[string, Samples]> = [
    [
      `GET /fleet?limit=${LIMIT}: ${what}, right after a refresh that found nothing new`,
      cold,
    ],
    [`GET /fleet?limit=${LIMIT}: ${what}, warm (one reader for 3 s)`, warm],
  ];
  for (const [figure, samples] of rows) {
    for (const b of backends) {
      const { glu, catalog } = samples.get(b)!;
      const of = checked.get(b)!;
      const times = (results: LoadResult[], w: Walked) =>
        results.map(r => perFleet(r, w.pages));
      const rates = (results: LoadResult[], w: Walked) =>
        times(results, w).map(t => 1000 / t);
      context.table.add({
        figure,
        variant: b.variant.name,
        glu: `${spread(times(glu, of.glu))} (${pages(of.glu)}, ${megabytes(
          of.glu.bytes,
        )})`,
        floor: `${spread(
          times(catalog, of.catalog),
        )} (the catalog's by-query of the same ${PIPELINES} entities, ${pages(
          of.catalog,
        )}, ${megabytes(of.catalog.bytes)})`,
        // As the other reads: Glu's rate over the floor's (the floor's time
        // over Glu's).
        ratio: ratio(rates(glu, of.glu), rates(catalog, of.catalog)),
        goal: '≥ 1× (as the other reads)',
      });
    }
  }
}
