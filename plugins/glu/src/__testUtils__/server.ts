import {
  CatalogRefusal,
  Freeze,
  HistoryEntry,
  PipelineView,
  Quarantine,
} from '@glu-dev/plugin-glu-common';
import { http, HttpResponse } from 'msw';
import { SetupServer } from 'msw/node';
import { GLU_BASE_URL } from './fixtures';

export const CHECKOUT_URL = `${GLU_BASE_URL}/pipelines/default/checkout`;

/**
 * Serves a pipeline view, and counts how often it is asked for; no
 * quarantine applies to it (see {@link serveQuarantines}).
 */
export function servePipeline(server: SetupServer, view: () => PipelineView) {
  const calls = { count: 0 };
  server.use(
    http.get(CHECKOUT_URL, () => {
      calls.count++;
      return HttpResponse.json(view());
    }),
    http.get(`${GLU_BASE_URL}/quarantines`, () =>
      HttpResponse.json({ items: [] }),
    ),
  );
  return calls;
}

/**
 * Serves the quarantines in force (after {@link servePipeline}, which
 * serves none), and records the pipeline each request asked about.
 */
export function serveQuarantines(
  server: SetupServer,
  quarantines: () => Quarantine[],
) {
  const requests: { pipeline?: string }[] = [];
  server.use(
    http.get(`${GLU_BASE_URL}/quarantines`, ({ request }) => {
      const pipeline = new URL(request.url).searchParams.get('pipeline');
      requests.push(pipeline ? { pipeline } : {});
      return HttpResponse.json({ items: quarantines() });
    }),
  );
  return requests;
}

/** An error as the Backstage backend sends it. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'POST', url: '/' },
      response: { statusCode: status },
    },
    { status },
  );
}

/**
 * Serves a phase's history like the backend: newest first, `limit` entries
 * a page, the cursor naming where the next page starts. Records the pages
 * asked for.
 */
export function serveHistory(
  server: SetupServer,
  phase: string,
  entries: () => HistoryEntry[],
) {
  const requests: { limit?: string; cursor?: string }[] = [];
  server.use(
    http.get(`${CHECKOUT_URL}/phases/${phase}/history`, ({ request }) => {
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const cursor = url.searchParams.get('cursor') ?? undefined;
      requests.push({
        limit: url.searchParams.get('limit') ?? undefined,
        cursor,
      });
      const all = entries();
      const start = cursor ? Number(cursor) : 0;
      const items = all.slice(start, start + limit);
      return HttpResponse.json({
        items,
        ...(start + limit < all.length
          ? { nextCursor: String(start + limit) }
          : {}),
      });
    }),
  );
  return requests;
}

/**
 * Serves what the pages ask of the backend's setup: its health check, with
 * whether write scopes are configured, the user's refused definitions, and
 * the freezes (none by default).
 */
export function serveSetup(
  server: SetupServer,
  setup: {
    writeScopesConfigured?: boolean;
    refusals?: CatalogRefusal[];
    freezes?: Freeze[];
  } = {},
) {
  server.use(
    http.get(`${GLU_BASE_URL}/health`, () =>
      HttpResponse.json({
        status: 'ok',
        database: 'ok',
        sources: ['git', 'oci'],
        writableSources: ['git'],
        formats: ['kubernetes'],
        gates: ['soak'],
        writeScopesConfigured: setup.writeScopesConfigured ?? true,
      }),
    ),
    http.get(`${GLU_BASE_URL}/catalog-refusals`, () =>
      HttpResponse.json({ items: setup.refusals ?? [] }),
    ),
    http.get(`${GLU_BASE_URL}/freezes`, () =>
      HttpResponse.json({ items: setup.freezes ?? [] }),
    ),
  );
}
