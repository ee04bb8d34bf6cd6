import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  gluPullRequestProvidersExtensionPoint,
  gluTimeoutMillis,
  gluWebhookParsersExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { GitlabPullRequestProvider } from './GitlabPullRequestProvider';
import { GitlabWebhookParser } from './GitlabWebhookParser';

/**
 * Promotion by merge request on GitLab: registers the `gitlab` pull-request
 * provider with the Glu backend, and the parser of GitLab's webhooks (the
 * `gitlab` topic of Backstage's GitLab events module). Credentials come from
 * `integrations.gitlab`; every request to GitLab ends by
 * `glu.timeouts.http`.
 *
 * @public
 */
export const gluModuleGitlab = createBackendModule({
  pluginId: 'glu',
  moduleId: 'gitlab',
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
          GitlabPullRequestProvider.fromIntegrations(
            ScmIntegrations.fromConfig(config),
            logger,
            gluTimeoutMillis(config, 'http'),
          ),
        );
        webhooks.addWebhookParser(new GitlabWebhookParser());
      },
    });
  },
});
