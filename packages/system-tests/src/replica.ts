/*
 * One replica of the backend that the reliability suite runs, twice, on one
 * PostgreSQL: the catalog with the Pipeline kind, the auth backend with a
 * sign-in provider of the suite's own (real user tokens for the catalog's
 * users), the permission framework with the shipped owner policy, the
 * events backend with GitHub's and GitLab's webhooks and registry
 * notifications, and Glu with its GitHub and GitLab modules. Its config
 * comes from the suite (`--config`).
 */
import { createBackend } from '@backstage/backend-defaults';
import { eventsModuleGluRegistryWebhook } from '@glu-dev/plugin-glu-backend';
import { authModuleSuiteProvider } from './signIn';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(authModuleSuiteProvider);
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@glu-dev/plugin-catalog-backend-module-glu'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@glu-dev/plugin-permission-backend-module-glu'));
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));
backend.add(eventsModuleGluRegistryWebhook);
backend.add(import('@glu-dev/plugin-glu-backend'));
// GitHub's and GitLab's webhooks, as Glu's modules for them read them.
backend.add(import('@glu-dev/plugin-glu-backend-module-github'));
backend.add(import('@glu-dev/plugin-glu-backend-module-gitlab'));
backend.start();
