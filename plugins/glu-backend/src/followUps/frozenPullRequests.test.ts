import gluModuleGithub from '@glu-dev/plugin-glu-backend-module-github';
import { FakeGitHub } from '@internal/glu-github-fake';
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

describe.each(databases.eachSupportedId())(
  'a pull request into a frozen phase, on %p',
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
      if (violations.length > 0) {
        throw new Error(`Not as GitHub describes:\n${violations.join('\n')}`);
      }
    });

    it('is not merged while the freeze holds, and merges once it is lifted', async () => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          pipeline(github.cloneUrl, {
            gates: [{ checks: ['build'] }],
            pullRequest: { autoMerge: 'squash' },
          }),
        ],
        features: [gluModuleGithub],
        rootConfig: {
          app: { baseUrl: 'http://portal.example.com' },
          integrations: { github: [github.integration] },
        },
      });
      try {
        await github.commit(
          { [STAGING]: deploymentManifest('staging', '1.1.0') },
          'Release 1.1.0 to staging',
        );
        await eventually(async () => {
          const view = await request(glu.server)
            .get(base)
            .set('authorization', alice);
          return view.body.phases[0].state?.version === '1.1.0' || undefined;
        }, 'staging at 1.1.0');
        const opened = await promote(glu.server);
        expect(opened.body.status).toBe('open');
        const freeze = await request(glu.server)
          .post('/api/glu/freezes')
          .set('authorization', alice)
          .send({ reason: 'incident', scope: { phases: ['production'] } });
        expect(freeze.status).toBe(200);
        const frozen = `frozen: incident (freeze ${freeze.body.id} by user:default/alice)`;

        // The checks pass; the freeze holds the merge, and says so.
        const sha = opened.body.pullRequest.headSha;
        github.setCheckRun(sha, 'build', {
          status: 'completed',
          conclusion: 'success',
        });
        await eventually(
          async () =>
            github.status(sha, 'glu/gates')?.description === frozen ||
            undefined,
          'the glu/gates status to say it is frozen',
        );
        expect(github.status(sha, 'glu/gates')?.state).toBe('pending');
        expect(github.pulls.get(1)!.state).toBe('open');
        const waiting = await promotion(glu.server, opened.body.id);
        expect(waiting).toMatchObject({
          status: 'open',
          error: `Waiting to merge: ${frozen}`,
        });

        await request(glu.server)
          .delete(`/api/glu/freezes/${freeze.body.id}`)
          .set('authorization', alice)
          .expect(204);
        await eventually(
          async () =>
            (await promotion(glu.server, opened.body.id)).status ===
              'succeeded' || undefined,
          'the promotion to merge once the freeze is lifted',
        );
        expect(github.pulls.get(1)).toMatchObject({ merged: true });
        expect(await github.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.1.0'),
        );
      } finally {
        await glu.stop();
      }
    });
  },
);
