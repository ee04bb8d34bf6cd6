/*
 * The read figures, as a portal reads: with a user's token (the portal's
 * guest), so that the permission policy decides every read on both sides;
 * across the fleet, each request another pipeline and the same names on
 * both sides (Glu's GET of a pipeline against the catalog's by-name, Glu's
 * list against the catalog's by-query, every page); cold, right after a
 * refresh of the fleet moved every pipeline's revision (as every refresh
 * interval does), and warm, once they were read. Glu and the catalog
 * alternate, sample by sample.
 */
import { BenchBackend } from './backend';
import { load, LoadResult } from './load';
import { FigureContext } from './promotion';
import { alternate, median, ms, ratio, rotate, spread } from './table';

/** How long a warm sample reads. */
const WARM_MILLIS = 3_000;
const CONCURRENCY = 10;

interface Side {
  glu: string[];
  catalog: string[];
}

/** Each pipeline of the fleet, on both sides. */
function onePipeline(b: BenchBackend): Side {
  return {
    glu: b.fleet().map(n => `${b.api}/${n}`),
    catalog: b
      .fleet()
      .map(n => `${b.catalogApi}/entities/by-name/pipeline/default/${n}`),
  };
}

/** The first page of the list, on both sides; a load walks every page. */
function list(b: BenchBackend): Side {
  return {
    glu: [`${b.url}/api/glu/pipelines?limit=50`],
    catalog: [
      `${b.catalogApi}/entities/by-query?limit=50&filter=kind=pipeline`,
    ],
  };
}

export type Samples = Map<
  BenchBackend,
  { glu: LoadResult[]; catalog: LoadResult[] }
>;

function checked(result: LoadResult, what: string): LoadResult {
  if (result.errors > 0) {
    throw new Error(`${result.errors} reads of ${what} were refused or failed`);
  }
  return result;
}

/** One sample of each side, in the round's order. */
export async function pair(
  samples: Samples,
  b: BenchBackend,
  round: number,
  measure: (side: 'glu' | 'catalog') => Promise<LoadResult>,
) {
  const of = samples.get(b)!;
  for (const gluFirst of alternate(round)) {
    const side = gluFirst ? 'glu' : 'catalog';
    of[side].push(checked(await measure(side), side));
  }
}

export async function readFigures(context: FigureContext) {
  const { backends, rounds } = context;
  const fresh = (): Samples =>
    new Map(backends.map(b => [b, { glu: [], catalog: [] }]));
  const cold = { one: fresh(), list: fresh() };
  const warm = { one: fresh(), list: fresh() };
  for (let round = 0; round < rounds; round++) {
    for (const b of rotate(backends, round)) {
      const token = await b.userToken();
      const one = onePipeline(b);
      const pages = list(b);
      // Every view cold: a refresh of the fleet with nothing new, as each
      // refresh interval brings, driven by the webhooks rather than waited
      // for. The list first: a pass of single reads would not warm its
      // summaries, but a walk of it might warm some views.
      await b.refreshFleet();
      await pair(cold.list, b, round, side =>
        load({
          urls: pages[side],
          token,
          concurrency: 1,
          millis: 120_000,
          once: true,
          walk: true,
        }),
      );
      await pair(cold.one, b, round, side =>
        load({
          urls: one[side],
          token,
          concurrency: CONCURRENCY,
          millis: 120_000,
          once: true,
        }),
      );
      await pair(warm.one, b, round, side =>
        load({
          urls: one[side],
          token,
          concurrency: CONCURRENCY,
          millis: WARM_MILLIS,
        }),
      );
      await pair(warm.list, b, round, side =>
        load({
          urls: pages[side],
          token,
          concurrency: CONCURRENCY,
          millis: WARM_MILLIS,
          walk: true,
        }),
      );
    }
  }
  const pipelines = backends[0].fleet().length;
  const rows: Array<[string, Samples, string]> = [
    [
      `GET one pipeline across ${pipelines}, cold (each once, right after a refresh)`,
      cold.one,
      'by-name',
    ],
    [`GET one pipeline across ${pipelines}, warm`, warm.one, 'by-name'],
    [
      'GET /pipelines?limit=50, every page, cold (one reader, right after a refresh)',
      cold.list,
      'by-query',
    ],
    ['GET /pipelines?limit=50, every page, warm', warm.list, 'by-query'],
  ];
  for (const [figure, samples, endpoint] of rows) {
    for (const b of backends) {
      const { glu, catalog } = samples.get(b)!;
      const rate = (results: LoadResult[]) =>
        `${spread(
          results.map(r => r.perSecond),
          v => `${v.toFixed(0)} req/s`,
        )}, p99 ${ms(median(results.map(r => r.p99)))}`;
      context.table.add({
        figure,
        variant: b.variant.name,
        glu: rate(glu),
        floor: `${rate(catalog)} (the catalog's ${endpoint})`,
        ratio: ratio(
          glu.map(r => r.perSecond),
          catalog.map(r => r.perSecond),
        ),
        goal: '≥ 1×',
      });
    }
  }
}
