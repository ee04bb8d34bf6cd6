import { CompoundEntityRef } from '@backstage/catalog-model';
import { OperationBody } from './api';
import { parsePipelineRef } from './pipelineRef';

/*
 * What the client's methods take: the options of the client, and the
 * bodies and queries of its requests.
 */

/**
 * How the client finds the backend and authenticates its requests.
 *
 * @public
 */
export type GluClientOptions = {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** A fetch that adds credentials, e.g. Backstage's fetchApi. */
  fetchApi?: { fetch: typeof fetch };
};

/**
 * Paging options of the lists that can grow.
 *
 * @public
 */
export type PageOptions = { limit?: number; cursor?: string };

/**
 * What a promotion asks for: the phase, and the upstream phase if several.
 *
 * @public
 */
export type PromoteRequest = Omit<OperationBody<'CreatePromotion'>, 'dryRun'>;

/**
 * What a rollback asks for: the history entry, and a pin if wanted.
 *
 * @public
 */
export type RollbackRequest = Omit<OperationBody<'RollbackPhase'>, 'dryRun'>;

/**
 * What a freeze is set with: a reason, and what it covers and when.
 *
 * @public
 */
export type FreezeRequest = OperationBody<'SetFreeze'>;

/**
 * What a quarantine is set with: a reason, and which version where.
 *
 * @public
 */
export type QuarantineRequest = OperationBody<'QuarantineVersion'>;

/**
 * What CI publishes to an `api` phase.
 *
 * @public
 */
export type PublishRequest = OperationBody<'PublishVersion'>;

/**
 * Which pipelines of the fleet: those of some owners (or the caller's own,
 * with a user's token), of some systems.
 *
 * @public
 */
export type FleetOptions = {
  owner?: string | string[];
  mine?: boolean;
  system?: string | string[];
} & PageOptions;

/**
 * One promotion of a fleet promotion: the pipeline, the phase, and the
 * upstream phase if several.
 *
 * @public
 */
export type FleetPromotionRequest =
  OperationBody<'PromoteFleet'>['items'][number];

export function fleetQuery(options: FleetOptions) {
  const { owner, system, ...rest } = options;
  return {
    ...rest,
    ...(owner !== undefined ? { owner: [owner].flat() } : {}),
    ...(system !== undefined ? { system: [system].flat() } : {}),
  };
}

export function pipelineParams(ref: string | CompoundEntityRef) {
  const { namespace, name } = parsePipelineRef(ref);
  return { namespace, name };
}

/**
 * The period of DORA figures: by default the 30 days up to now.
 *
 * @public
 */
export interface DoraPeriodOptions {
  from?: Date | string;
  to?: Date | string;
}

export function periodQuery(period: DoraPeriodOptions) {
  const at = (time: Date | string) =>
    typeof time === 'string' ? time : time.toISOString();
  return {
    ...(period.from !== undefined ? { from: at(period.from) } : {}),
    ...(period.to !== undefined ? { to: at(period.to) } : {}),
  };
}
