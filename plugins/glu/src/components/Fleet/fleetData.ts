import {
  FleetDiffItem,
  FleetOptions,
  FleetRow,
} from '@glu-dev/plugin-glu-common';
import { GluApi } from '../../api';
import { mergeEnvironments } from './fleetText';

/** How many pipelines one request of the fleet asks for (the API's most). */
export const FLEET_REQUEST_SIZE = 1000;

/** Which part of the fleet: of some owners, or the caller's own, of some systems. */
export type FleetFilter = {
  owner?: string;
  mine?: boolean;
  system?: string;
};

/** The filter as the API takes it: `mine` is not given with an owner. */
export function fleetOptions(filter: FleetFilter): FleetOptions {
  return {
    ...(filter.owner ? { owner: filter.owner } : {}),
    ...(filter.mine && !filter.owner ? { mine: true } : {}),
    ...(filter.system ? { system: filter.system } : {}),
  };
}

/** The whole fleet that the filter selects: its columns and its rows. */
export type Fleet = { environments: string[]; items: FleetRow[] };

/** Every page of the fleet, following the cursor. */
export async function fetchFleet(
  gluApi: Pick<GluApi, 'getFleet'>,
  filter: FleetFilter,
  limit: number = FLEET_REQUEST_SIZE,
): Promise<Fleet> {
  const options = fleetOptions(filter);
  const columns: string[][] = [];
  const items: FleetRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await gluApi.getFleet({ ...options, limit, cursor });
    columns.push(page.environments);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return { environments: mergeEnvironments(columns), items };
}

/** Every page of the diff between two environments, following the cursor. */
export async function fetchFleetDiff(
  gluApi: Pick<GluApi, 'diffFleet'>,
  environments: { from: string; to: string },
  filter: FleetFilter,
  limit: number = FLEET_REQUEST_SIZE,
): Promise<FleetDiffItem[]> {
  const options = fleetOptions(filter);
  const items: FleetDiffItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await gluApi.diffFleet(environments, {
      ...options,
      limit,
      cursor,
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** How many promotions one request of a fleet promotion carries (the API's most). */
export const FLEET_PROMOTIONS_PER_REQUEST = 100;
