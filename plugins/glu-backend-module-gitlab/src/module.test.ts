import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  GluPullRequestProvider,
  gluPullRequestProvidersExtensionPoint,
  GluWebhookParser,
  gluWebhookParsersExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { FakeGitLab } from '@internal/glu-gitlab-fake';
import gluModuleGitlab from './index';

jest.setTimeout(60_000);

describe('gluModuleGitlab', () => {
  it('registers the gitlab provider with Glu, configured from integrations.gitlab and glu.timeouts.http, and the parser of GitLab’s webhooks', async () => {
    const gitlab = await FakeGitLab.start({
      files: { 'env/production.yaml': 'image: app:1.0.0\n' },
    });
    const registered: GluPullRequestProvider[] = [];
    const parsers: GluWebhookParser[] = [];
    // The extension points as the Glu backend plugin offers them.
    const glu = createBackendPlugin({
      pluginId: 'glu',
      register(env) {
        env.registerExtensionPoint(gluPullRequestProvidersExtensionPoint, {
          addPullRequestProvider: (...providers) =>
            registered.push(...providers),
        });
        env.registerExtensionPoint(gluWebhookParsersExtensionPoint, {
          addWebhookParser: (...added) => parsers.push(...added),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({
      features: [
        glu,
        gluModuleGitlab,
        mockServices.rootConfig.factory({
          data: {
            integrations: { gitlab: [gitlab.integration] },
            glu: { timeouts: { http: { milliseconds: 300 } } },
          },
        }),
      ],
    });
    try {
      expect(registered.map(p => p.type)).toEqual(['gitlab']);
      // GitLab's webhooks, on the topic of Backstage's GitLab events module.
      expect(parsers).toMatchObject([{ host: 'GitLab', topic: 'gitlab' }]);
      const [provider] = registered;
      expect(provider.supports(gitlab.cloneUrl)).toBe(true);
      expect(provider.supports('https://github.com/acme/gitops')).toBe(false);
      // The token of integrations.gitlab reaches GitLab's API.
      await expect(
        provider.get({ repository: gitlab.cloneUrl, number: 1 }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(gitlab.requests).toEqual([
        'GET /projects/{id}/merge_requests/{merge_request_iid}',
      ]);
      // glu.timeouts.http is its deadline.
      gitlab.hang();
      await expect(
        provider.get({ repository: gitlab.cloneUrl, number: 1 }),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('GitLab did not answer in time'),
      });
      gitlab.hang(false);
      expect(gitlab.violations).toEqual([]);
    } finally {
      await backend.stop();
      await gitlab.stop();
    }
  });
});
