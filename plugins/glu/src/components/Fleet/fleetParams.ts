import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { FleetFilter } from './fleetData';
import { FleetGroupBy } from './fleetText';

/** The views of the pipelines page. */
export type PipelinesView = 'pipelines' | 'fleet' | 'compare';

export const PIPELINES_VIEWS: PipelinesView[] = [
  'pipelines',
  'fleet',
  'compare',
];

/**
 * The state of the pipelines page's fleet and compare views, kept in the
 * URL's search params so that a link opens them as they were:
 * `view` (`fleet`, `compare`; the list without), `owner`, `mine` (`true`),
 * `system`, `q` (the text filter), `groupBy` (`owner`, `system`), `page`
 * (from 0), and `from` and `to` for the compare view.
 */
export type FleetParams = FleetFilter & {
  view: PipelinesView;
  q: string;
  groupBy: FleetGroupBy;
  page: number;
  from?: string;
  to?: string;
};

export type FleetParamsUpdate = {
  [K in keyof FleetParams]?: FleetParams[K] | undefined;
};

/** The search params of the pipelines page for these fleet params. */
export function fleetSearch(params: FleetParamsUpdate): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || value === false) continue;
    if (key === 'view' && value === 'pipelines') continue;
    if (key === 'groupBy' && value === 'owner') continue;
    if (key === 'page' && value === 0) continue;
    search.set(key, String(value));
  }
  return search;
}

function parse(search: URLSearchParams): FleetParams {
  const view = search.get('view') as PipelinesView | null;
  const page = Number(search.get('page') ?? 0);
  return {
    view: view && PIPELINES_VIEWS.includes(view) ? view : 'pipelines',
    owner: search.get('owner') || undefined,
    mine: search.get('mine') === 'true',
    system: search.get('system') || undefined,
    q: search.get('q') ?? '',
    groupBy: search.get('groupBy') === 'system' ? 'system' : 'owner',
    page: Number.isInteger(page) && page > 0 ? page : 0,
    from: search.get('from') || undefined,
    to: search.get('to') || undefined,
  };
}

/**
 * The fleet params of the page, and a function that changes some of them;
 * a change of filter or grouping goes back to the first page.
 */
export function useFleetParams(): [
  FleetParams,
  (update: FleetParamsUpdate) => void,
] {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => parse(search), [search]);
  const update = useCallback(
    (change: FleetParamsUpdate) =>
      setSearch(
        current => {
          const next = { ...parse(current), ...change };
          if (!('page' in change)) next.page = 0;
          return fleetSearch(next);
        },
        { replace: !('view' in change) },
      ),
    [setSearch],
  );
  return [params, update];
}
