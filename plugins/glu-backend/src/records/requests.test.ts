import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { ciAuthorization, startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const user = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const base = '/api/glu/pipelines/default/ledger';
const SRE = 'group:default/team-sre';

describe('a promotion request under an approval policy', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'waits for an approver who is neither its requester nor the version’s author, then goes through in the requester’s name, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          ledgerPipeline({
            repository: repo.url,
            promotion: {
              from: 'build',
              gates: [
                { approvals: { from: [{ group: 'team-sre', count: 1 }] } },
              ],
            },
          }),
        ],
        pipeline: 'ledger',
        waitFor: ['staging'],
        memberships: {
          'user:default/bob': [SRE],
          'user:default/carol': [SRE],
          'user:default/erin': [SRE],
        },
        // Bob and dave may not promote: they ask. Erin and frank hold no
        // approve permission; erin is in the group the policy names.
        denied: (permission, caller) =>
          (['user:default/bob', 'user:default/dave'].includes(caller) &&
            permission === 'glu.pipeline.promote') ||
          (['user:default/erin', 'user:default/frank'].includes(caller) &&
            permission === 'glu.pipeline.approve'),
      });
      const api = (
        method: 'get' | 'post' | 'delete',
        path: string,
        who: string,
      ) => request(glu.server)[method](path).set('authorization', user(who));
      const approve = (who: string) =>
        api('post', `${base}/phases/staging/approvals`, who).send({});
      try {
        // CI says carol made 1.1.0.
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.1.0', author: 'carol' })
          .expect(200);
        expect(
          (
            await api('post', `${base}/promotions`, 'bob').send({
              phase: 'staging',
            })
          ).status,
        ).toBe(403);

        const asked = await api('post', `${base}/requests`, 'bob').send({
          phase: 'staging',
          reason: 'the ledger fix',
        });
        expect(asked.status).toBe(200);
        expect(asked.body).toMatchObject({
          from: 'build',
          to: 'staging',
          version: '1.1.0',
          requestedBy: 'user:default/bob',
          reason: 'the ledger fix',
          status: 'open',
        });
        const edge = (await api('get', base, 'alice')).body.edges[0];
        expect(edge).toMatchObject({
          status: 'blocked',
          request: { id: asked.body.id },
          approval: {
            policy: {
              count: 1,
              from: [{ group: SRE, count: 1 }],
              notBy: ['requester', 'author'],
            },
            approvals: [],
            needed: [{ group: SRE, count: 1 }],
            requester: 'user:default/bob',
            author: 'user:default/carol',
            passed: false,
          },
        });

        // The requester, the author and someone outside the group are refused.
        const byRequester = await approve('bob');
        expect(byRequester.status).toBe(403);
        expect(byRequester.body.error.message).toBe(
          'user:default/bob may not approve 1.1.0 for staging: user:default/bob asked for this promotion, and the approval policy of build → staging keeps the requester and the author out',
        );
        const byAuthor = await approve('carol');
        expect(byAuthor.status).toBe(403);
        expect(byAuthor.body.error.message).toContain(
          'user:default/carol made this version',
        );
        const outsider = await approve('dave');
        expect(outsider.status).toBe(403);
        expect(outsider.body.error.message).toContain(
          `asks for approvals from ${SRE}, and user:default/dave is in none of them`,
        );
        const unnamed = await approve('frank');
        expect(unnamed.status).toBe(403);
        expect(unnamed.body.error.message).toContain('glu.pipeline.approve');
        expect(await repo.show('VERSION.yaml')).toBe('version: 1.0.0\n');

        // Erin, of the group the policy names (which is her permission to
        // approve here): the policy is met, and Glu carries it out.
        const approved = await approve('erin');
        expect(approved.status).toBe(200);
        expect(approved.body).toMatchObject({
          version: '1.1.0',
          approvers: ['user:default/erin'],
          approval: { passed: true, needed: [] },
          promotion: {
            status: 'succeeded',
            triggeredBy: 'user:default/bob',
            approvedBy: ['user:default/erin'],
            requestId: asked.body.id,
          },
        });
        expect(await repo.show('VERSION.yaml')).toBe('version: 1.1.0\n');
        const body = execFileSync(
          'git',
          ['-C', repo.bareDir, 'log', '-1', '--format=%B', 'main'],
          { encoding: 'utf8' },
        );
        expect(body).toContain('Triggered-by: user:default/bob');
        expect(body).toContain('Approved-by: user:default/erin');
        expect(body).toContain(`Glu-Request: ${asked.body.id}`);
        const [entry] = (
          await api('get', `${base}/phases/staging/history`, 'alice')
        ).body.items;
        expect(entry).toMatchObject({
          version: '1.1.0',
          actor: 'user:default/bob',
          author: 'user:default/carol',
          approvedBy: ['user:default/erin'],
        });
        const requests = (await api('get', `${base}/requests`, 'dave')).body
          .items;
        expect(requests).toEqual([
          expect.objectContaining({
            id: asked.body.id,
            status: 'carried-out',
            promotionId: approved.body.promotion.id,
          }),
        ]);
        expect(glu.auditEvents).toContainEqual(
          expect.objectContaining({
            eventId: 'approval',
            outcome: 'success',
            meta: expect.objectContaining({
              promotionId: approved.body.promotion.id,
              approvedBy: ['user:default/erin'],
            }),
          }),
        );

        // A request is withdrawn by its requester, not by someone else.
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.2.0' })
          .expect(200);
        const second = (
          await api('post', `${base}/requests`, 'bob').send({
            phase: 'staging',
          })
        ).body;
        expect(
          (await api('delete', `${base}/requests/${second.id}`, 'dave')).status,
        ).toBe(403);
        expect(
          (await api('delete', `${base}/requests/${second.id}`, 'bob')).status,
        ).toBe(204);
        expect(
          (await api('delete', `${base}/requests/${second.id}`, 'bob')).status,
        ).toBe(409);
        expect((await api('get', base, 'alice')).body.edges[0].request).toBe(
          undefined,
        );
        // The owner who promotes may not count their own approval either.
        await approve('alice');
        const own = await api('post', `${base}/promotions`, 'alice').send({
          phase: 'staging',
        });
        expect(own.status).toBe(409);
        expect(own.body.error.message).toContain(
          'needs 1 more from group:default/team-sre',
        );
        // An edge without an approvals gate has nothing to request.
      } finally {
        await glu.stop();
      }
    },
  );
});
