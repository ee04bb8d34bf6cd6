/**
 * For tests: an Argo CD whose API answers as Argo CD's published
 * description says, with Applications whose sync, health and revision
 * tests set.
 *
 * @packageDocumentation
 */
export { FakeArgoCd } from './FakeArgoCd';
export type {
  FakeApplicationSource,
  FakeApplicationState,
  FakeArgoCdRequest,
  FakeHealthStatus,
  FakeOperationPhase,
  FakeSyncStatus,
} from './FakeArgoCd';
export { checkRequest, checkResponse, findOperation } from './swagger';
export { ARGOCD_VERSION } from './swagger.generated';
