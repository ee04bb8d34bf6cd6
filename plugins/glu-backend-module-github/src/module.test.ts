import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  GluPullRequestProvider,
  gluPullRequestProvidersExtensionPoint,
  GluWebhookParser,
  gluWebhookParsersExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import gluModuleGithub from './index';

describe('gluModuleGithub', () => {
  it('registers the github provider and the parser of GitHub’s webhooks with Glu', async () => {
    const providers: GluPullRequestProvider[] = [];
    const parsers: GluWebhookParser[] = [];
    // The extension points as the Glu backend plugin offers them.
    const glu = createBackendPlugin({
      pluginId: 'glu',
      register(env) {
        env.registerExtensionPoint(gluPullRequestProvidersExtensionPoint, {
          addPullRequestProvider: (...added) => providers.push(...added),
        });
        env.registerExtensionPoint(gluWebhookParsersExtensionPoint, {
          addWebhookParser: (...added) => parsers.push(...added),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({
      features: [glu, gluModuleGithub, mockServices.rootConfig.factory()],
    });
    try {
      expect(providers.map(p => p.type)).toEqual(['github']);
      // GitHub's webhooks, on the topic of Backstage's GitHub events module.
      expect(parsers).toMatchObject([{ host: 'GitHub', topic: 'github' }]);
    } finally {
      await backend.stop();
    }
  });
});
