/**
 * The `argocd` gate for Glu for Backstage: a promotion waits until the Argo
 * CD application of the upstream phase is Synced and Healthy at Glu's
 * commit.
 *
 * @packageDocumentation
 */
export { gluModuleArgocd as default } from './module';
export { ArgoCdGate } from './ArgoCdGate';
