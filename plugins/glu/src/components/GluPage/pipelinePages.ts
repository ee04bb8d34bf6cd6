import { PipelineSummary } from '@glu-dev/plugin-glu-common';
import { GluApi } from '../../api';

/** Where a page of the pipelines list starts: the API's cursor. */
export type ListPosition = { cursor?: string };

export type PipelinesPage = {
  items: PipelineSummary[];
  /** Where the next page starts; absent on the last page. */
  next?: ListPosition;
};

/**
 * One page of pipelines, in one request: every pipeline, or those that any
 * of the owners owns. An empty set of owners owns nothing.
 */
export async function fetchPipelinesPage(
  gluApi: Pick<GluApi, 'listPipelines'>,
  owners: string[] | undefined,
  start: ListPosition,
  limit: number,
): Promise<PipelinesPage> {
  if (owners && owners.length === 0) return { items: [], next: undefined };
  const page = await gluApi.listPipelines({
    ...(owners ? { owner: owners } : {}),
    limit,
    cursor: start.cursor,
  });
  return {
    items: page.items,
    next: page.nextCursor ? { cursor: page.nextCursor } : undefined,
  };
}
