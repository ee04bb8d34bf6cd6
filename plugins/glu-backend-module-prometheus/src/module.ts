import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  fetchWithDeadline,
  fetchWithinLimit,
  GluGate,
  gluGatesExtensionPoint,
  gluLimits,
  gluLimitSetting,
  gluTimeoutMillis,
  readHttpGateAllow,
} from '@glu-dev/plugin-glu-node';
import { AnalysisGate } from './AnalysisGate';
import { PrometheusClient, readPrometheusServers } from './client';
import { PrometheusGate } from './PrometheusGate';
import { ProviderEnvironment } from './providers';

/**
 * The `prometheus` and `analysis` gates for a backend's config: the
 * servers of `glu.gates.prometheus.servers` (the only ones asked), the
 * addresses of `glu.gates.http.allow` for web metrics, every request ended
 * by `glu.timeouts.http` and its answer read up to
 * `glu.limits.answerBytes`. `fetch` replaces the global fetch, for tests.
 *
 * @public
 */
export function createPrometheusGates(
  config: Config,
  options: { fetch?: typeof fetch } = {},
): { prometheus: GluGate; analysis: GluGate } {
  const timeoutMillis = gluTimeoutMillis(config, 'http');
  const limit = {
    bytes: gluLimits(config).answerBytes,
    setting: gluLimitSetting('answerBytes'),
  };
  const send = (millis: number) =>
    fetchWithinLimit(limit, fetchWithDeadline(millis, options.fetch));
  const clients = new Map<string, PrometheusClient>();
  for (const server of readPrometheusServers(config)) {
    clients.set(server.name, new PrometheusClient(server, send, timeoutMillis));
  }
  const env: ProviderEnvironment = {
    clients,
    allow: readHttpGateAllow(config),
    timeoutMillis,
    send,
  };
  return {
    prometheus: new PrometheusGate(clients),
    analysis: new AnalysisGate(env),
  };
}

/**
 * The `prometheus` and `analysis` gates for the Glu backend: metrics of
 * the version the upstream phase holds, from Prometheus-compatible servers
 * (`glu.gates.prometheus.servers`), and Argo Rollouts AnalysisTemplates
 * evaluated without Kubernetes.
 *
 * @public
 */
export const gluModulePrometheus = createBackendModule({
  pluginId: 'glu',
  moduleId: 'prometheus',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        gates: gluGatesExtensionPoint,
      },
      async init({ config, logger, gates }) {
        const { prometheus, analysis } = createPrometheusGates(config);
        if (!config.has('glu.gates.prometheus.servers')) {
          logger.info(
            'No Prometheus server is configured (glu.gates.prometheus.servers): prometheus gates cannot be used, and analysis gates only with web metrics',
          );
        }
        gates.addGate(prometheus, analysis);
      },
    });
  },
});
