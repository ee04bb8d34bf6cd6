import {
  FleetCell,
  FleetDiffItem,
  FleetPromotionRequest,
  FleetPromotionResult,
  FleetRow,
} from '@glu-dev/plugin-glu-common';
import { http, HttpResponse } from 'msw';
import { SetupServer } from 'msw/node';
import { digestOf, GLU_BASE_URL } from './fixtures';

const HOUR = 3600_000;

/** An ISO time some hours before now. */
export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * HOUR).toISOString();
}

/** A cell holding a version for a while (3 days and an hour by default). */
export function fleetCell(
  environment: string,
  version: string | undefined,
  overrides: Partial<FleetCell> = {},
): FleetCell {
  return {
    environment,
    phase: environment,
    ...(version
      ? { version, digest: digestOf(version), since: hoursAgo(73) }
      : {}),
    status: version ? 'up-to-date' : 'empty',
    reasons: [],
    ...overrides,
  };
}

/** A pipeline of the fleet, with cells for staging 1.5.0 and production 1.5.0 by default. */
export function fleetRow(
  name: string,
  overrides: Partial<FleetRow> = {},
): FleetRow {
  return {
    ref: `pipeline:default/${name}`,
    name,
    namespace: 'default',
    title: name[0].toUpperCase() + name.slice(1),
    owner: 'group:default/team-checkout',
    components: [`component:default/${name}`],
    cells: [fleetCell('staging', '1.5.0'), fleetCell('production', '1.5.0')],
    ...overrides,
  };
}

export type FleetRequests = Array<Record<string, string | string[]>>;

function query(url: URL): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    params[key] = ['owner', 'system'].includes(key) ? all : all[0];
  }
  return params;
}

/**
 * Pages like the backend, filtered by owner, system and `mine` (the
 * guest's team), at most `pageSize` a page whatever the limit asked, so
 * that a test sees the cursor followed.
 */
function pageOf<T>(
  url: URL,
  all: T[],
  pipelineOf: (item: T) => FleetRow | FleetDiffItem['pipeline'],
  pageSize: number,
) {
  const owners = url.searchParams.getAll('owner');
  const systems = url.searchParams.getAll('system');
  const mine = url.searchParams.get('mine') === 'true';
  const limit = Math.min(
    Number(url.searchParams.get('limit') ?? 200),
    pageSize,
  );
  const start = Number(url.searchParams.get('cursor') ?? 0);
  const matching = all.filter(item => {
    const p = pipelineOf(item);
    if (owners.length && !owners.includes(p.owner)) return false;
    if (systems.length && !systems.includes(p.system ?? '')) return false;
    if (mine && p.owner !== 'group:default/team-checkout') return false;
    return true;
  });
  const items = matching.slice(start, start + limit);
  return {
    items,
    ...(start + limit < matching.length
      ? { nextCursor: String(start + limit) }
      : {}),
  };
}

/** Serves GET /fleet; records each request's query. */
export function serveFleet(
  server: SetupServer,
  rows: () => FleetRow[],
  options: { environments?: string[]; pageSize?: number } = {},
): FleetRequests {
  const requests: FleetRequests = [];
  server.use(
    http.get(`${GLU_BASE_URL}/fleet`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(query(url));
      const page = pageOf(url, rows(), r => r, options.pageSize ?? 1000);
      return HttpResponse.json({
        environments: options.environments ?? ['staging', 'production'],
        ...page,
      });
    }),
  );
  return requests;
}

/** Serves GET /fleet/diff; records each request's query. */
export function serveFleetDiff(
  server: SetupServer,
  items: (from: string, to: string) => FleetDiffItem[],
  options: { pageSize?: number } = {},
): FleetRequests {
  const requests: FleetRequests = [];
  server.use(
    http.get(`${GLU_BASE_URL}/fleet/diff`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(query(url));
      const from = url.searchParams.get('from')!;
      const to = url.searchParams.get('to')!;
      const page = pageOf(
        url,
        items(from, to),
        i => i.pipeline,
        options.pageSize ?? 1000,
      );
      return HttpResponse.json({ from, to, ...page });
    }),
  );
  return requests;
}

/** Serves POST /fleet/promotions with the answer given; records the bodies. */
export function serveFleetPromotions(
  server: SetupServer,
  answer: (request: FleetPromotionRequest) => FleetPromotionResult,
): FleetPromotionRequest[][] {
  const bodies: FleetPromotionRequest[][] = [];
  server.use(
    http.post(`${GLU_BASE_URL}/fleet/promotions`, async ({ request }) => {
      const body = (await request.json()) as {
        items: FleetPromotionRequest[];
      };
      bodies.push(body.items);
      return HttpResponse.json({ items: body.items.map(answer) });
    }),
  );
  return bodies;
}
