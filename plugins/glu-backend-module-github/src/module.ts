import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  gluLimits,
  gluPullRequestProvidersExtensionPoint,
  gluTimeoutMillis,
  gluWebhookParsersExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { GithubPullRequestProvider } from './GithubPullRequestProvider';
import { GithubWebhookParser } from './GithubWebhookParser';

/**
 * Promotion by pull request on GitHub: registers the `github` pull-request
 * provider with the Glu backend, and the parser of GitHub's webhooks (the
 * `github` topic of Backstage's GitHub events module). Credentials come from
 * `integrations.github` (a token or a GitHub App).
 *
 * @public
 */
export const gluModuleGithub = createBackendModule({
  pluginId: 'glu',
  moduleId: 'github',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: gluPullRequestProvidersExtensionPoint,
        webhooks: gluWebhookParsersExtensionPoint,
      },
      async init({ config, logger, providers, webhooks }) {
        providers.addPullRequestProvider(
          GithubPullRequestProvider.fromIntegrations(
            ScmIntegrations.fromConfig(config),
            logger,
            gluTimeoutMillis(config, 'http'),
            gluLimits(config).answerBytes,
          ),
        );
        webhooks.addWebhookParser(new GithubWebhookParser());
      },
    });
  },
});
