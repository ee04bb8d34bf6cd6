import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { eventually, startGlu } from '../__testUtils__/backend';
import {
  createGitFixture,
  deploymentManifest,
  GitFixture,
} from '../__testUtils__/git';
import { startTestRegistry, TestRegistry } from '../__testUtils__/registry';
import { eventsModuleGluRegistryWebhook } from './eventsModule';
import { normalizeRepositoryUrl } from '@glu-dev/plugin-glu-node';
import { FakeGitLab } from '@internal/glu-gitlab-fake';
import gluModuleGithub from '@glu-dev/plugin-glu-backend-module-github';
import gluModuleGitlab from '@glu-dev/plugin-glu-backend-module-gitlab';
import { installTelemetry } from '../__testUtils__/telemetry';

jest.setTimeout(120_000);

/**
 * Waits for the scheduler's first refresh (a few seconds after start) to
 * end: a commit made before it ends may be seen by it rather than by the
 * webhook under test. Polls are an hour apart after it.
 */
async function firstScheduledRefresh(
  telemetry: ReturnType<typeof installTelemetry>,
) {
  await eventually(
    async () =>
      telemetry.spansNamed('glu.refresh', { 'glu.refresh.scheduled': true })
        .length > 0
        ? true
        : undefined,
    "the scheduler's first refresh",
  );
}

// Backstage's GitHub webhook module (signature verification) as it is, loaded
// without the dynamic import() of its feature loader, which Jest cannot run.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const githubWebhookModule = require(path.join(
  path.dirname(
    require.resolve('@backstage/plugin-events-backend-module-github'),
  ),
  'service/eventsModuleGithubWebhook.cjs.js',
)).default;

// Backstage's GitLab webhook module (the secret token), loaded the same way.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gitlabWebhookModule = require(path.join(
  path.dirname(
    require.resolve('@backstage/plugin-events-backend-module-gitlab'),
  ),
  'service/eventsModuleGitlabWebhook.cjs.js',
)).default;

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const SECRET = 'webhook-secret';
const REGISTRY_TOKEN = 'registry-token';

function sign(body: string, secret = SECRET) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('normalizeRepositoryUrl', () => {
  it('matches the URLs GitHub sends with the ones pipelines use', () => {
    expect(normalizeRepositoryUrl('https://github.com/acme/gitops.git')).toBe(
      'github.com/acme/gitops',
    );
    expect(normalizeRepositoryUrl('git@github.com:acme/gitops.git')).toBe(
      'github.com/acme/gitops',
    );
    expect(normalizeRepositoryUrl('https://GitHub.com/acme/gitops/')).toBe(
      'github.com/acme/gitops',
    );
  });
});

describe('webhooks', () => {
  let repo: GitFixture;
  let registry: TestRegistry;

  beforeEach(async () => {
    repo = await createGitFixture({
      'env/staging/deployment.yaml': deploymentManifest('staging', '1.0.0'),
    });
    registry = await startTestRegistry();
  });

  afterEach(async () => {
    await repo.cleanup();
    await registry.stop();
  });

  function pipeline(): Entity {
    return {
      apiVersion: 'glu.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: {
        owner: 'group:default/team-checkout',
        phases: [
          {
            name: 'build',
            source: {
              type: 'oci',
              repository: `${registry.host}/acme/checkout`,
              semver: '^1',
            },
          },
          {
            name: 'staging',
            source: {
              type: 'git',
              repository: repo.url,
              path: 'env/staging/deployment.yaml',
              format: 'kubernetes',
            },
            promotion: { from: 'build', auto: true },
          },
        ],
      },
    };
  }

  it('refresh and promote at once on a signed GitHub push or a registry notification, and refuse forged ones', async () => {
    await registry.push('acme/checkout', '1.0.0');
    const telemetry = installTelemetry();
    const knex = await databases.init('SQLITE_3');
    const glu = await startGlu({
      knex,
      entities: [pipeline()],
      features: [
        // The real events service: one bus for every plugin, as in a backend.
        eventsServiceFactory,
        eventsPlugin,
        githubWebhookModule,
        eventsModuleGluRegistryWebhook,
        // GitHub's webhooks, as Glu's GitHub module reads them.
        gluModuleGithub,
      ],
      // Polls an hour apart: whatever moves here, a webhook moved.
      config: {
        refreshInterval: { hours: 1 },
        registries: [{ host: registry.host, insecure: true }],
        webhooks: { registry: { token: REGISTRY_TOKEN } },
      },
      rootConfig: {
        events: { modules: { github: { webhookSecret: SECRET } } },
      },
    });
    const history = async (phase: string) =>
      (
        await request(glu.server)
          .get(`/api/glu/pipelines/default/checkout/phases/${phase}/history`)
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          )
      ).body.items;
    try {
      // At start, staging gets the registry's image by itself.
      await eventually(async () => {
        const res = await request(glu.server)
          .get('/api/glu/pipelines/default/checkout')
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          );
        return res.body.edges[0].status === 'up-to-date' ? true : undefined;
      }, 'the first automatic promotion');
      await firstScheduledRefresh(telemetry);

      // Someone commits a hotfix to staging by hand, and GitHub says so.
      const sha = await repo.commit(
        {
          'env/staging/deployment.yaml': deploymentManifest(
            'staging',
            '1.0.1-hotfix',
          ),
        },
        'Hotfix staging',
      );
      const push = JSON.stringify({
        ref: 'refs/heads/main',
        after: sha,
        repository: { clone_url: repo.url, html_url: repo.url },
      });
      const forged = await request(glu.server)
        .post('/api/events/http/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .set('x-hub-signature-256', sign(push, 'not-the-secret'))
        .send(push);
      expect(forged.status).toBe(403);
      const unsigned = await request(glu.server)
        .post('/api/events/http/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .send(push);
      expect(unsigned.status).toBe(403);
      expect((await history('staging'))[0].commitSha).not.toBe(sha);

      const signed = await request(glu.server)
        .post('/api/events/http/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .set('x-github-delivery', 'f0e1d2c3-0000-4000-8000-000000000001')
        .set('x-hub-signature-256', sign(push))
        .send(push);
      expect(signed.status).toBe(202);
      const started = Date.now();
      await eventually(
        async () =>
          (await history('staging'))[0].commitSha === sha ? true : undefined,
        'the pushed commit in the history',
      );
      // Remembered by the delivery id the events backend handed on, and by
      // the signed payload's digest.
      expect(
        await knex('glu_webhook_deliveries').select('host', 'delivery_key'),
      ).toEqual(
        expect.arrayContaining([
          {
            host: 'GitHub',
            delivery_key: 'f0e1d2c3-0000-4000-8000-000000000001',
          },
          { host: 'GitHub', delivery_key: expect.stringMatching(/^sha256:/) },
        ]),
      );
      // How fast a webhook lands, for the record (measured, not asserted).
      process.stdout.write(
        `GitHub push to history: ${Date.now() - started} ms\n`,
      );

      // A new image; the registry notifies Glu, which promotes it by itself.
      const digest = await registry.push('acme/checkout', '1.1.0');
      const notification = {
        events: [
          {
            id: 'a3b4c5d6-0000-4000-8000-000000000002',
            action: 'push',
            target: { repository: 'acme/checkout', tag: '1.1.0', digest },
            request: { host: registry.host },
          },
        ],
      };
      const refused = await request(glu.server)
        .post('/api/events/http/glu-registry')
        .set('content-type', 'application/json')
        .send(notification);
      expect(refused.status).toBe(403);
      const accepted = await request(glu.server)
        .post('/api/events/http/glu-registry')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${REGISTRY_TOKEN}`)
        .send(notification);
      expect(accepted.status).toBe(202);
      const notified = Date.now();
      await eventually(async () => {
        const file = await repo.show('env/staging/deployment.yaml');
        return file.includes(`checkout:1.1.0@${digest}`) ? true : undefined;
      }, 'the automatic promotion after the notification');
      process.stdout.write(
        `Registry notification to commit: ${Date.now() - notified} ms\n`,
      );
      expect(
        await knex('glu_webhook_deliveries')
          .where({ host: registry.host })
          .select('delivery_key'),
      ).toEqual([{ delivery_key: 'a3b4c5d6-0000-4000-8000-000000000002' }]);
    } finally {
      await glu.stop();
      await telemetry.uninstall();
    }
  });
});

describe('GitLab webhooks', () => {
  it('refresh at once on a GitLab push that carries the secret token, and refuse one without it', async () => {
    const STAGING = 'env/staging/deployment.yaml';
    const gitlab = await FakeGitLab.start({
      files: { [STAGING]: deploymentManifest('staging', '1.0.0') },
    });
    const telemetry = installTelemetry();
    const knex = await databases.init('SQLITE_3');
    const glu = await startGlu({
      knex,
      entities: [
        {
          apiVersion: 'glu.dev/v1alpha1',
          kind: 'Pipeline',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: {
            owner: 'group:default/team-checkout',
            phases: [
              {
                name: 'staging',
                source: {
                  type: 'git',
                  repository: gitlab.cloneUrl,
                  path: STAGING,
                  format: 'kubernetes',
                },
              },
            ],
          },
        },
      ],
      features: [
        eventsServiceFactory,
        eventsPlugin,
        gitlabWebhookModule,
        // GitLab's webhooks, as Glu's GitLab module reads them.
        gluModuleGitlab,
      ],
      // Polls an hour apart: whatever moves here, a webhook moved.
      config: { refreshInterval: { hours: 1 } },
      rootConfig: {
        integrations: { gitlab: [gitlab.integration] },
        events: { modules: { gitlab: { webhookSecret: SECRET } } },
      },
    });
    let deliveries = 0;
    const hook = (body: string, token?: string) => {
      deliveries++;
      const req = request(glu.server)
        .post('/api/events/http/gitlab')
        .set('content-type', 'application/json')
        .set('x-gitlab-event', 'Push Hook')
        .set(
          'idempotency-key',
          `00000000-0000-4000-8000-00000000000${deliveries}`,
        );
      return (
        token === undefined ? req : req.set('x-gitlab-token', token)
      ).send(body);
    };
    const top = async () =>
      (
        await request(glu.server)
          .get('/api/glu/pipelines/default/checkout/phases/staging/history')
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          )
      ).body.items[0];
    try {
      await firstScheduledRefresh(telemetry);
      const before = (await gitlab.head('main'))!;
      const sha = await gitlab.commit(
        { [STAGING]: deploymentManifest('staging', '1.0.1-hotfix') },
        'Hotfix staging',
      );
      // GitLab's push hook names the project's URLs, not GitHub's fields.
      const push = JSON.stringify(gitlab.pushEvent('main', before, sha));
      expect((await hook(push, 'not-the-token')).status).toBe(403);
      expect((await hook(push)).status).toBe(403);
      // A push to another branch of the repository leaves staging alone.
      const elsewhere = JSON.stringify(
        gitlab.pushEvent('release', before, sha),
      );
      expect((await hook(elsewhere, SECRET)).status).toBe(202);
      const [handled] = await eventually(async () => {
        const spans = telemetry.spansNamed('glu.webhook', {
          'glu.event.source': 'gitlab',
        });
        return spans.length > 0 ? spans : undefined;
      }, 'the push to another branch handled');
      expect(handled.attributes['glu.webhook.work']).toBeUndefined();
      expect((await top()).commitSha).toBe(before);

      expect((await hook(push, SECRET)).status).toBe(202);
      await eventually(
        async () => ((await top()).commitSha === sha ? true : undefined),
        'the pushed commit in the history',
      );
      expect(await top()).toMatchObject({ version: '1.0.1-hotfix' });
      // Remembered by its Idempotency-Key, as the events backend handed it on.
      expect(
        await knex('glu_webhook_deliveries').select('host', 'delivery_key'),
      ).toEqual([
        {
          host: 'GitLab',
          delivery_key: `00000000-0000-4000-8000-00000000000${deliveries}`,
        },
      ]);
      // The event's span, and the state it brought in its trace.
      const [webhook] = telemetry.spansNamed('glu.webhook', {
        'glu.webhook.work': 'refresh',
      });
      expect(webhook.attributes).toMatchObject({
        'glu.event.source': 'gitlab',
        'cicd.pipeline.name': ['pipeline:default/checkout'],
      });
      expect((await top()).traceparent).toContain(
        webhook.spanContext().traceId,
      );
    } finally {
      await glu.stop();
      await telemetry.uninstall();
      const violations = [...gitlab.violations];
      await gitlab.stop();
      expect(violations).toEqual([]);
    }
  });
});
