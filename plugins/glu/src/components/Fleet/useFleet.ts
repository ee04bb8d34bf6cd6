import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gluApiRef } from '../../api';
import { fetchFleet, Fleet, FleetFilter } from './fleetData';

/** The fleet and when it was read: its durations count up to then. */
export type FleetState = {
  value?: Fleet & { readAt: number };
  loading: boolean;
  error?: Error;
  retry: () => void;
};

/**
 * The whole fleet that the filter selects, every page of it; nothing while
 * `enabled` is false.
 */
export function useFleet(filter: FleetFilter, enabled = true): FleetState {
  const gluApi = useApi(gluApiRef);
  const { owner, mine, system } = filter;
  return useAsyncRetry(async () => {
    if (!enabled) return undefined;
    const fleet = await fetchFleet(gluApi, { owner, mine, system });
    return { ...fleet, readAt: Date.now() };
  }, [gluApi, owner, mine, system, enabled]);
}
