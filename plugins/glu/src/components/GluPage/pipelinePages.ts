import { PipelineSummary } from '@glu-dev/plugin-glu-common';
import { GluApi } from '../../api';

/**
 * Where a page of the pipelines list starts: the owner (an index into the
 * owners filtered on) and the API's cursor within that owner's pipelines.
 */
export type ListPosition = { owner: number; cursor?: string };

export type PipelinesPage = {
  items: PipelineSummary[];
  /** Where the next page starts; absent on the last page. */
  next?: ListPosition;
};

/**
 * One page of pipelines, filtered on any of several owners (the API filters
 * on one): the owners are listed one after the other, each paginated with the
 * API's cursor, and a page is filled from the next owner when one runs out.
 * Without owners, every pipeline is listed.
 */
export async function fetchPipelinesPage(
  gluApi: Pick<GluApi, 'listPipelines'>,
  owners: string[] | undefined,
  start: ListPosition,
  limit: number,
): Promise<PipelinesPage> {
  const filter: (string | undefined)[] = owners ?? [undefined];
  const items: PipelineSummary[] = [];
  let at: ListPosition | undefined =
    start.owner < filter.length ? start : undefined;
  while (at && items.length < limit) {
    const page = await gluApi.listPipelines({
      owner: filter[at.owner],
      limit: limit - items.length,
      cursor: at.cursor,
    });
    items.push(...page.items);
    if (page.nextCursor) {
      at = { owner: at.owner, cursor: page.nextCursor };
    } else if (at.owner + 1 < filter.length) {
      at = { owner: at.owner + 1 };
    } else {
      at = undefined;
    }
  }
  return { items, next: at };
}
