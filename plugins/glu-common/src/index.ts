/**
 * Common types, permissions, constants and the API client of Glu for Backstage.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './permissions';
export * from './client';
export type {
  DoraPeriodOptions,
  FleetOptions,
  FleetPromotionRequest,
  FreezeRequest,
  GluClientOptions,
  PageOptions,
  PromoteRequest,
  PublishRequest,
  QuarantineRequest,
  RollbackRequest,
} from './clientOptions';
export * from './pipelineRef';
export * from './pipeline';
export * from './api';
export type {
  paths as GluApiPaths,
  operations as GluApiOperations,
  components as GluApiComponents,
} from './schema/openapi.generated';
