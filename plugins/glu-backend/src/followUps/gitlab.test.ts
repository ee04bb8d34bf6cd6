import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import gluModuleGitlab from '@glu-dev/plugin-glu-backend-module-gitlab';
import { FakeGitLab } from '@internal/glu-gitlab-fake';
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

// Backstage's GitLab webhook module (the secret token) as it is, loaded
// without the dynamic import() of its feature loader, which Jest cannot run.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gitlabWebhookModule = require(path.join(
  path.dirname(
    require.resolve('@backstage/plugin-events-backend-module-gitlab'),
  ),
  'service/eventsModuleGitlabWebhook.cjs.js',
)).default;
const SECRET = 'gitlab-webhook-token';

async function startGitLab() {
  return FakeGitLab.start({
    files: {
      [STAGING]: deploymentManifest('staging', '1.0.0'),
      [PRODUCTION]: deploymentManifest('production', '1.0.0'),
    },
  });
}

async function stopGitLab(gitlab: FakeGitLab) {
  const violations = [...gitlab.violations];
  await gitlab.stop();
  // Every request Glu made and every answer matched GitLab's description.
  if (violations.length > 0) {
    throw new Error(`Not as GitLab describes:\n${violations.join('\n')}`);
  }
}

const view = async (server: any) =>
  (await request(server).get(base).set('authorization', alice)).body;

const history = async (server: any) =>
  (
    await request(server)
      .get(`${base}/phases/production/history`)
      .set('authorization', alice)
  ).body.items;

describe.each(databases.eachSupportedId())(
  'promotion by GitLab merge request, on %p',
  databaseId => {
    let gitlab: FakeGitLab;

    beforeEach(async () => {
      gitlab = await startGitLab();
    });

    afterEach(async () => {
      await stopGitLab(gitlab);
    });

    async function start(edge?: Record<string, unknown>) {
      return startGlu({
        knex: await databases.init(databaseId),
        entities: [pipeline(gitlab.cloneUrl, edge)],
        features: [gluModuleGitlab],
        rootConfig: {
          app: { baseUrl: 'http://portal.example.com' },
          integrations: { gitlab: [gitlab.integration] },
        },
      });
    }

    /** A release lands in staging by hand, and Glu sees it. */
    async function release(server: any, tag: string) {
      await gitlab.commit(
        { [STAGING]: deploymentManifest('staging', tag) },
        `Release ${tag} to staging`,
      );
      await eventually(
        async () =>
          (await view(server)).phases[0].state?.version === tag
            ? true
            : undefined,
        `staging at ${tag}`,
      );
    }

    it('opens a merge request, supersedes it with a newer version, and moves the phase when it merges', async () => {
      const glu = await start();
      try {
        await release(glu.server, '1.1.0');
        const first = await promote(glu.server);
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({
          status: 'open',
          strategy: 'pull-request',
          after: { version: '1.1.0' },
          pullRequest: {
            provider: 'gitlab',
            number: 1,
            state: 'open',
            url: `${gitlab.webUrl}/-/merge_requests/1`,
            branch: expect.stringMatching(
              /^glu\/checkout\/production\/sha256-[0-9a-f]{64}$/,
            ),
          },
        });
        const mr = gitlab.mergeRequests.get(1)!;
        expect(mr).toMatchObject({
          sourceBranch: first.body.pullRequest.branch,
          targetBranch: 'main',
          title: 'glu: promote checkout production to 1.1.0',
          labels: ['glu', 'production'],
          state: 'opened',
        });
        expect(mr.description).toContain(
          'Glu promotes `1.1.0` of [checkout](http://portal.example.com/catalog/default/pipeline/checkout/glu)',
        );
        // A link to the branch's commit in GitLab's web UI.
        expect(mr.description).toContain(
          `${gitlab.webUrl}/-/commit/${first.body.commitSha}`,
        );
        expect(await gitlab.show(PRODUCTION, mr.sourceBranch)).toBe(
          deploymentManifest('production', '1.1.0'),
        );
        expect(await gitlab.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.0.0'),
        );
        expect((await view(glu.server)).edges[0]).toMatchObject({
          status: 'in-progress',
          promotionId: first.body.id,
          pullRequest: { number: 1, url: first.body.pullRequest.url },
        });

        // The same version again: nothing new.
        const again = await promote(glu.server);
        expect(again.body.id).toBe(first.body.id);
        expect(gitlab.mergeRequests.size).toBe(1);

        // A newer version replaces the proposal: comment, then close.
        await release(glu.server, '1.2.0');
        const second = await promote(glu.server);
        expect(second.body).toMatchObject({
          status: 'open',
          pullRequest: { provider: 'gitlab', number: 2 },
          after: { version: '1.2.0' },
        });
        expect(gitlab.mergeRequests.get(1)).toMatchObject({
          state: 'closed',
          notes: [expect.stringContaining(`(${second.body.pullRequest.url})`)],
        });
        expect(await promotion(glu.server, first.body.id)).toMatchObject({
          status: 'superseded',
        });
        expect(await gitlab.branches()).not.toContain(
          first.body.pullRequest.branch,
        );

        // Merged on GitLab by a person: the next poll moves the phase.
        const landed = await gitlab.merge(2);
        expect((await gitlab.log())[0].sha).toBe(landed);
        const entry = await eventually(async () => {
          const top = (await history(glu.server))[0];
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
        expect((await view(glu.server)).phases[1].state.version).toBe('1.2.0');

        // Closed without merging: the promotion ends there.
        await release(glu.server, '1.3.0');
        const third = await promote(glu.server);
        await gitlab.close(third.body.pullRequest.number);
        await eventually(
          async () =>
            (await promotion(glu.server, third.body.id)).status === 'closed'
              ? true
              : undefined,
          'the promotion to be closed',
        );
        expect((await view(glu.server)).edges[0].status).toBe('promotable');
      } finally {
        await glu.stop();
      }
    });

    it('merges by itself once the required jobs pass, and not before', async () => {
      const glu = await start({
        gates: [{ checks: ['build'] }],
        pullRequest: { autoMerge: 'squash' },
      });
      try {
        await release(glu.server, '1.1.0');
        const opened = await promote(glu.server);
        expect(opened.body.status).toBe('open');
        const sha = opened.body.pullRequest.headSha;
        const waitForReason = (reason: string) =>
          eventually(async () => {
            const edge = (await view(glu.server)).edges[0];
            const gate = edge.gates.find((g: any) => g.type === 'checks');
            return gate?.reason === reason ? edge : undefined;
          }, `the checks gate to say "${reason}"`);

        const pending = await waitForReason(
          'waiting for build (not reported yet) on #1',
        );
        expect(pending).toMatchObject({
          status: 'in-progress',
          gates: [{ type: 'checks', passed: false }],
        });
        // The gates as Glu's commit status on the head, pending.
        await eventually(
          async () =>
            gitlab.status(sha, 'glu/gates')?.status === 'pending'
              ? true
              : undefined,
          'the glu/gates status',
        );
        const pipelineId = gitlab.startPipeline(
          sha,
          opened.body.pullRequest.branch,
        );
        gitlab.setJob(sha, 'build', 'running', { pipeline: pipelineId });
        await waitForReason('waiting for build on #1');
        gitlab.setJob(sha, 'build', 'failed', { pipeline: pipelineId });
        await waitForReason('build failed on #1');
        expect(gitlab.mergeRequests.get(1)!.state).toBe('opened');
        expect(gitlab.status(sha, 'glu/gates')!.status).toBe('pending');
        expect(await gitlab.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.0.0'),
        );

        // Run again, green: Glu merges, squashed, and the phase moves.
        gitlab.setJob(sha, 'build', 'success', {
          pipeline: pipelineId,
          retry: true,
        });
        await eventually(
          async () =>
            (await promotion(glu.server, opened.body.id)).status === 'succeeded'
              ? true
              : undefined,
          'the promotion to succeed',
        );
        const mr = gitlab.mergeRequests.get(1)!;
        expect(mr.state).toBe('merged');
        expect(mr.squashCommitSha).toEqual(expect.any(String));
        expect(gitlab.status(sha, 'glu/gates')).toEqual({
          status: 'success',
          description: 'checks: passed',
        });
        const [merge, squash] = await gitlab.log();
        expect(merge).toMatchObject({
          sha: mr.mergeCommitSha,
          subject: 'glu: promote checkout production to 1.1.0 (#1)',
          parents: [expect.any(String), squash.sha],
        });
        expect(await gitlab.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.1.0'),
        );
        expect((await history(glu.server))[0]).toMatchObject({
          version: '1.1.0',
          promotionId: opened.body.id,
        });
      } finally {
        await glu.stop();
      }
    });
  },
);

describe('merge requests and GitLab webhooks', () => {
  it('follow merge requests and pipelines at once when GitLab says they changed, between polls', async () => {
    const gitlab = await startGitLab();
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        pipeline(gitlab.cloneUrl, {
          gates: [{ checks: ['build'] }],
          pullRequest: { autoMerge: 'merge' },
        }),
      ],
      features: [
        gluModuleGitlab,
        eventsServiceFactory,
        eventsPlugin,
        gitlabWebhookModule,
      ],
      // Polls an hour apart: whatever moves here, a webhook moved.
      config: { refreshInterval: { hours: 1 } },
      rootConfig: {
        integrations: { gitlab: [gitlab.integration] },
        events: { modules: { gitlab: { webhookSecret: SECRET } } },
      },
    });
    const hook = (event: string, payload: unknown, token = SECRET) =>
      request(glu.server)
        .post('/api/events/http/gitlab')
        .set('content-type', 'application/json')
        .set('x-gitlab-event', event)
        .set('x-gitlab-token', token)
        .send(JSON.stringify(payload));
    try {
      // Staging moves by hand; GitLab's push hook tells Glu.
      const before = (await gitlab.head('main'))!;
      const released = await gitlab.commit(
        { [STAGING]: deploymentManifest('staging', '1.1.0') },
        'Release 1.1.0 to staging',
      );
      const push = gitlab.pushEvent('main', before, released);
      expect((await hook('Push Hook', push, 'not-the-token')).status).toBe(403);
      expect((await hook('Push Hook', push)).status).toBe(202);
      await eventually(
        async () =>
          (await view(glu.server)).phases[0].state?.version === '1.1.0'
            ? true
            : undefined,
        'staging at 1.1.0 after the push hook',
        10_000,
      );

      const opened = await promote(glu.server);
      expect(opened.body.status).toBe('open');
      const sha = opened.body.pullRequest.headSha;
      const pipelineId = gitlab.startPipeline(
        sha,
        opened.body.pullRequest.branch,
      );
      gitlab.setJob(sha, 'build', 'success', { pipeline: pipelineId });
      // The pipeline hook: Glu reads the jobs, the gate passes, it merges.
      expect(
        (await hook('Pipeline Hook', gitlab.pipelineEvent(pipelineId))).status,
      ).toBe(202);
      await eventually(
        async () =>
          gitlab.mergeRequests.get(1)!.state === 'merged' ? true : undefined,
        'the merge after the pipeline hook',
        10_000,
      );
      // The merge is a push to main: its hook moves production.
      const merged = gitlab.mergeRequests.get(1)!.mergeCommitSha!;
      expect(
        (await hook('Push Hook', gitlab.pushEvent('main', released, merged)))
          .status,
      ).toBe(202);
      await eventually(
        async () =>
          (await promotion(glu.server, opened.body.id)).status === 'succeeded'
            ? true
            : undefined,
        'the promotion to succeed after the push hook',
        10_000,
      );
      expect((await view(glu.server)).phases[1].state.version).toBe('1.1.0');

      // A merge request closed by a person: the merge request hook ends it.
      const next = (await gitlab.head('main'))!;
      const again = await gitlab.commit(
        { [STAGING]: deploymentManifest('staging', '1.2.0') },
        'Release 1.2.0 to staging',
      );
      await hook('Push Hook', gitlab.pushEvent('main', next, again));
      await eventually(
        async () =>
          (await view(glu.server)).phases[0].state?.version === '1.2.0'
            ? true
            : undefined,
        'staging at 1.2.0',
        10_000,
      );
      const second = await promote(glu.server);
      await gitlab.close(second.body.pullRequest.number);
      expect(
        (
          await hook(
            'Merge Request Hook',
            await gitlab.mergeRequestEvent(
              second.body.pullRequest.number,
              'close',
            ),
          )
        ).status,
      ).toBe(202);
      await eventually(
        async () =>
          (await promotion(glu.server, second.body.id)).status === 'closed'
            ? true
            : undefined,
        'the merge request hook to close the promotion',
        10_000,
      );
    } finally {
      await glu.stop();
      await stopGitLab(gitlab);
    }
  });
});
