export * from './types';
export * from './validation';
export * from './durations';
export * from './gates';
export * from './approvals';
export * from './owners';
export {
  BUILT_IN_FORMAT_TYPES,
  BUILT_IN_GATE_TYPES,
  BUILT_IN_SOURCE_TYPES,
  BUILT_IN_WRITABLE_SOURCE_TYPES,
} from './validationOptions';
export type { PipelineValidationOptions } from './validationOptions';
export { PIPELINE_LIMITS } from './limits';
export {
  branchProblem,
  normalizeRepositoryPath,
  repositoryPathProblem,
} from './repositories';
