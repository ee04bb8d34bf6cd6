/**
 * The `prometheus` and `analysis` gates for Glu for Backstage: a promotion
 * waits until metrics of the version the upstream phase holds meet their
 * conditions; Argo Rollouts AnalysisTemplates evaluated without
 * Kubernetes.
 *
 * @packageDocumentation
 */
export { gluModulePrometheus as default } from './module';
export { createPrometheusGates } from './module';
