import gluModuleGithub from '@glu-dev/plugin-glu-backend-module-github';
import { FakeGitHub } from '@internal/glu-github-fake';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { eventually, startGlu } from '../__testUtils__/backend';
import { deploymentManifest } from '../__testUtils__/git';
import {
  alice,
  base,
  databases,
  pipeline,
  PRODUCTION,
  promote,
  promotion,
  STAGING,
} from '../__testUtils__/pullRequests';

jest.setTimeout(180_000);

// Backstage's GitHub webhook module (signature verification) as it is, loaded
// without the dynamic import() of its feature loader, which Jest cannot run.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const githubWebhookModule = require(path.join(
  path.dirname(
    require.resolve('@backstage/plugin-events-backend-module-github'),
  ),
  'service/eventsModuleGithubWebhook.cjs.js',
)).default;
const SECRET = 'webhook-secret';

describe.each(databases.eachSupportedId())(
  'promotion by pull request, on %p',
  databaseId => {
    let github: FakeGitHub;

    beforeEach(async () => {
      github = await FakeGitHub.start({
        files: {
          [STAGING]: deploymentManifest('staging', '1.0.0'),
          [PRODUCTION]: deploymentManifest('production', '1.0.0'),
        },
      });
    });

    afterEach(async () => {
      const violations = [...github.violations];
      await github.stop();
      // Every request Glu made and every answer matched GitHub's description.
      if (violations.length > 0) {
        throw new Error(`Not as GitHub describes:\n${violations.join('\n')}`);
      }
    });

    async function start(edge?: Record<string, unknown>) {
      return startGlu({
        knex: await databases.init(databaseId),
        entities: [pipeline(github.cloneUrl, edge)],
        features: [gluModuleGithub],
        rootConfig: {
          app: { baseUrl: 'http://portal.example.com' },
          integrations: { github: [github.integration] },
        },
      });
    }

    /** A release lands in staging by hand, and Glu sees it. */
    async function release(server: any, tag: string) {
      await github.commit(
        { [STAGING]: deploymentManifest('staging', tag) },
        `Release ${tag} to staging`,
      );
      await eventually(async () => {
        const view = await request(server)
          .get(base)
          .set('authorization', alice);
        return view.body.phases[0].state?.version === tag ? true : undefined;
      }, `staging at ${tag}`);
    }

    it('opens one pull request, supersedes it with a newer version, and moves the phase when it merges', async () => {
      const glu = await start();
      try {
        await release(glu.server, '1.1.0');
        const first = await promote(glu.server);
        expect(first.status).toBe(200);
        const stagingDigest = (
          await request(glu.server).get(base).set('authorization', alice)
        ).body.phases[0].state.digest;
        expect(first.body).toMatchObject({
          status: 'open',
          strategy: 'pull-request',
          after: { version: '1.1.0' },
          pullRequest: {
            provider: 'github',
            number: 1,
            state: 'open',
            branch: expect.stringMatching(
              /^glu\/checkout\/production\/sha256-[0-9a-f]{64}$/,
            ),
          },
        });
        expect(first.body.pullRequest.branch).toBe(
          `glu/checkout/production/${first.body.after.digest.replace(
            ':',
            '-',
          )}`,
        );
        expect(github.openPulls()).toHaveLength(1);
        const pull = github.pulls.get(1)!;
        expect(pull).toMatchObject({
          head: first.body.pullRequest.branch,
          base: 'main',
          title: 'glu: promote checkout production to 1.1.0',
          labels: ['glu', 'production'],
        });
        // What moves, from where to where: versions, digests, links.
        expect(pull.body).toContain(
          'Glu promotes `1.1.0` of [checkout](http://portal.example.com/catalog/default/pipeline/checkout/glu)',
        );
        expect(pull.body).toContain(
          '[staging](http://portal.example.com/catalog/default/pipeline/checkout/glu#phase-staging)',
        );
        expect(pull.body).toContain(
          '[production](http://portal.example.com/catalog/default/pipeline/checkout/glu#phase-production)',
        );
        expect(pull.body).toContain(
          `| staging (from) | \`1.1.0\` | \`${stagingDigest}\``,
        );
        expect(pull.body).toContain('| production now | `1.0.0` |');
        expect(pull.body).toContain(
          `| production after merge | \`1.1.0\` | \`${first.body.after.digest}\``,
        );
        expect(pull.body).toContain(`/commit/${first.body.commitSha}`);
        // The branch holds the change, and main does not yet.
        expect(await github.show(PRODUCTION, pull.head)).toBe(
          deploymentManifest('production', '1.1.0'),
        );
        expect(await github.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.0.0'),
        );
        const view = await request(glu.server)
          .get(base)
          .set('authorization', alice);
        expect(view.body.edges[0]).toMatchObject({
          status: 'in-progress',
          promotionId: first.body.id,
          pullRequest: { number: 1, url: first.body.pullRequest.url },
        });

        // The same version again: nothing new.
        const again = await promote(glu.server);
        expect(again.body.id).toBe(first.body.id);
        expect(github.pulls.size).toBe(1);

        // A newer version replaces the proposal.
        await release(glu.server, '1.2.0');
        const second = await promote(glu.server);
        expect(second.body).toMatchObject({
          status: 'open',
          pullRequest: { number: 2 },
          after: { version: '1.2.0' },
        });
        expect(github.pulls.get(1)).toMatchObject({
          state: 'closed',
          merged: false,
          comments: [
            expect.stringContaining(
              `Superseded by #2 (${second.body.pullRequest.url})`,
            ),
          ],
        });
        expect(await promotion(glu.server, first.body.id)).toMatchObject({
          status: 'superseded',
        });
        expect(await github.branches()).not.toContain(
          first.body.pullRequest.branch,
        );

        // Merged on GitHub: the next poll moves the phase.
        const mergeSha = await github.merge(2);
        const entry = await eventually(async () => {
          const history = await request(glu.server)
            .get(`${base}/phases/production/history`)
            .set('authorization', alice);
          const top = history.body.items[0];
          return top.version === '1.2.0' ? top : undefined;
        }, 'production at 1.2.0');
        expect(entry).toMatchObject({
          cause: 'promotion',
          actor: 'user:default/alice',
          promotionId: second.body.id,
        });
        expect(await promotion(glu.server, second.body.id)).toMatchObject({
          status: 'succeeded',
          pullRequest: { state: 'merged' },
        });
        expect((await github.log())[0].sha).toBe(mergeSha);

        // Closed without merging: the promotion ends there.
        await release(glu.server, '1.3.0');
        const third = await promote(glu.server);
        github.close(third.body.pullRequest.number);
        await eventually(
          async () =>
            (await promotion(glu.server, third.body.id)).status === 'closed'
              ? true
              : undefined,
          'the promotion to be closed',
        );
        expect(
          (await request(glu.server).get(base).set('authorization', alice)).body
            .edges[0].status,
        ).toBe('promotable');
      } finally {
        await glu.stop();
      }
    });

    it('merges by itself once the required checks pass, and not before', async () => {
      const glu = await start({
        gates: [{ checks: ['build'] }],
        pullRequest: { autoMerge: 'squash' },
      });
      try {
        await release(glu.server, '1.1.0');
        const opened = await promote(glu.server);
        expect(opened.body.status).toBe('open');
        const sha = opened.body.pullRequest.headSha;
        const edge = async () =>
          (await request(glu.server).get(base).set('authorization', alice)).body
            .edges[0];
        const waitForReason = (reason: string) =>
          eventually(async () => {
            const e = await edge();
            const gate = e.gates.find((g: any) => g.type === 'checks');
            return gate?.reason === reason ? e : undefined;
          }, `the checks gate to say "${reason}"`);

        const pending = await waitForReason(
          'waiting for build (not reported yet) on #1',
        );
        expect(pending).toMatchObject({
          status: 'in-progress',
          gates: [{ type: 'checks', passed: false }],
        });
        github.setCheckRun(sha, 'build', { status: 'in_progress' });
        await waitForReason('waiting for build on #1');
        github.setCheckRun(sha, 'build', {
          status: 'completed',
          conclusion: 'failure',
        });
        await waitForReason('build failed on #1');
        expect(github.pulls.get(1)!.state).toBe('open');
        // The gates as a commit status that branch protection can require.
        await eventually(
          async () =>
            github.status(sha, 'glu/gates')?.description ===
            'checks: build failed on #1'
              ? true
              : undefined,
          'the glu/gates status to say why',
        );
        expect(github.status(sha, 'glu/gates')).toEqual({
          state: 'pending',
          description: 'checks: build failed on #1',
        });
        expect(await github.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.0.0'),
        );

        // Re-run, green: Glu merges, and the phase moves.
        github.setCheckRun(sha, 'build', {
          status: 'completed',
          conclusion: 'success',
        });
        await eventually(
          async () =>
            (await promotion(glu.server, opened.body.id)).status === 'succeeded'
              ? true
              : undefined,
          'the promotion to succeed',
        );
        expect(github.pulls.get(1)).toMatchObject({ merged: true });
        expect(github.status(sha, 'glu/gates')).toEqual({
          state: 'success',
          description: 'checks: passed',
        });
        expect((await github.log())[0].subject).toBe(
          'glu: promote checkout production to 1.1.0 (#1)',
        );
        expect(await github.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.1.0'),
        );
      } finally {
        await glu.stop();
      }
    });

    it('rolls back to an entry three states back by pull request, restoring the file exactly', async () => {
      const glu = await start();
      try {
        const history = async () =>
          (
            await request(glu.server)
              .get(`${base}/phases/production/history`)
              .set('authorization', alice)
          ).body.items;
        const original = deploymentManifest('production', '1.0.0');
        for (const [i, tag] of ['1.1.0', '1.2.0', '1.3.0'].entries()) {
          await github.commit(
            {
              [PRODUCTION]: deploymentManifest('production', tag).replace(
                'replicas: 2',
                `replicas: ${3 + i}`,
              ),
            },
            `Release ${tag}`,
          );
          await eventually(
            async () =>
              (await history())[0]?.version === tag ? true : undefined,
            `${tag} in the history`,
          );
        }
        const target = (await history())[3];
        expect(target.version).toBe('1.0.0');
        const res = await request(glu.server)
          .post(`${base}/phases/production/rollback`)
          .set('authorization', alice)
          .send({ historyId: target.id });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          kind: 'rollback',
          strategy: 'pull-request',
          status: 'open',
          after: { version: '1.0.0', digest: target.digest },
        });
        const pull = github.pulls.get(res.body.pullRequest.number)!;
        expect(pull.title).toBe('glu: roll back checkout production to 1.0.0');
        expect(pull.body).toContain(
          `back to \`1.0.0\`, as of its history entry ${target.id}`,
        );
        await github.merge(pull.number);
        const entry = await eventually(async () => {
          const top = (await history())[0];
          return top.version === '1.0.0' ? top : undefined;
        }, 'production back at 1.0.0');
        expect(entry).toMatchObject({
          cause: 'rollback',
          promotionId: res.body.id,
        });
        // Exactly the content of that state: comments, replicas and all.
        expect(await github.show(PRODUCTION)).toBe(original);
      } finally {
        await glu.stop();
      }
    });
  },
);

describe('pull requests and GitHub webhooks', () => {
  it('follow a pull request at once when GitHub says it changed, between polls', async () => {
    const github = await FakeGitHub.start({
      files: {
        [STAGING]: deploymentManifest('staging', '1.1.0'),
        [PRODUCTION]: deploymentManifest('production', '1.0.0'),
      },
    });
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(github.cloneUrl)],
      features: [
        gluModuleGithub,
        eventsServiceFactory,
        eventsPlugin,
        githubWebhookModule,
      ],
      // Polls an hour apart: whatever moves here, a webhook moved.
      config: { refreshInterval: { hours: 1 } },
      rootConfig: {
        integrations: { github: [github.integration] },
        events: { modules: { github: { webhookSecret: SECRET } } },
      },
    });
    try {
      const opened = await request(glu.server)
        .post(`${base}/promotions`)
        .set('authorization', alice)
        .send({ phase: 'production' });
      expect(opened.body.status).toBe('open');
      github.close(opened.body.pullRequest.number);
      const body = JSON.stringify({
        action: 'closed',
        number: opened.body.pullRequest.number,
        repository: {
          full_name: 'acme/gitops',
          clone_url: github.cloneUrl,
        },
      });
      const hook = await request(glu.server)
        .post('/api/events/http/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'pull_request')
        .set(
          'x-hub-signature-256',
          `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        )
        .send(body);
      expect(hook.status).toBe(202);
      await eventually(
        async () => {
          const record = await request(glu.server)
            .get(`/api/glu/promotions/${opened.body.id}`)
            .set('authorization', alice);
          return record.body.status === 'closed' ? true : undefined;
        },
        'the webhook to close the promotion',
        10_000,
      );
    } finally {
      await glu.stop();
      const violations = [...github.violations];
      await github.stop();
      expect(violations).toEqual([]);
    }
  });
});
