/*
 * The example backend of Glu for Backstage: the catalog, guest sign-in,
 * permissions, signals, notifications, the Glu backend plugin and its
 * actions over MCP, and stand-in traffic for the example's metrics.
 */
import { createBackend } from '@backstage/backend-defaults';
import { eventsModuleGluRegistryWebhook } from '@glu-dev/plugin-glu-backend';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// auth: guest sign-in for the example portal
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// The Pipeline kind
backend.add(import('@glu-dev/plugin-catalog-backend-module-glu'));

// permissions
backend.add(import('@backstage/plugin-permission-backend'));
// Anyone signed in may read; only a pipeline's owners may change it.
backend.add(import('@glu-dev/plugin-permission-backend-module-glu'));

// events: the bus that the catalog and signals subscribe to
backend.add(import('@backstage/plugin-events-backend'));
// Signed GitHub webhooks (events.modules.github.webhookSecret) and registry
// notifications (glu.webhooks.registry.token) refresh phases at once.
backend.add(import('@backstage/plugin-events-backend-module-github'));
// GitLab webhooks likewise (events.modules.gitlab.webhookSecret, which GitLab
// sends as its X-Gitlab-Token): a push refreshes the phases on its branch,
// merge request, pipeline and job events follow Glu's merge requests.
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));
backend.add(eventsModuleGluRegistryWebhook);

// user settings and signals (live updates in the portal)
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// notifications: Glu tells a pipeline's owners what needs them
backend.add(import('@backstage/plugin-notifications-backend'));

// Glu
backend.add(import('@glu-dev/plugin-glu-backend'));
// Promotion by pull request on GitHub (integrations.github credentials), and
// GitHub's webhooks read for Glu: without it, Glu does not listen to them.
backend.add(import('@glu-dev/plugin-glu-backend-module-github'));
// Promotion by merge request on GitLab (integrations.gitlab credentials), and
// GitLab's webhooks read for Glu likewise.
backend.add(import('@glu-dev/plugin-glu-backend-module-gitlab'));
// The argocd gate: a promotion waits until the Argo CD application of the
// upstream phase is Synced and Healthy at Glu's commit (argocd config).
backend.add(import('@glu-dev/plugin-glu-backend-module-argocd'));
// The prometheus and analysis gates: a promotion waits until metrics of the
// upstream phase's version meet their conditions (glu.gates.prometheus).
backend.add(import('@glu-dev/plugin-glu-backend-module-prometheus'));

// Templates, and the action that writes a Pipeline for a component.
backend.add(import('@backstage/plugin-scaffolder-backend'));
// The Template kind in the catalog.
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@glu-dev/plugin-scaffolder-backend-module-glu'));

// Glu's actions for agents, as MCP tools (backend.actions.pluginSources).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// The example services' traffic, as Prometheus scrapes it, for the example's
// prometheus gates (/api/example-traffic/metrics): only in this example.
backend.add(import('./exampleTraffic'));
// What the example fleet shows that files cannot: versions that CI would
// have published, a pin and a quarantine, made once at the first start.
backend.add(import('./exampleFleet'));

backend.start();
