import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');
const base = '/api/glu/pipelines/default/ledger';

describe('a freeze', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 0.9.0\n' });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'holds promotions into what it covers, lets a hotfix through and resumes when lifted, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [ledgerPipeline({ repository: repo.url })],
        pipeline: 'ledger',
        waitFor: ['staging'],
        // Alice is a release manager; Bob only owns pipelines.
        denied: (permission, caller) =>
          caller === 'user:default/bob' &&
          ['glu.freeze.manage', 'glu.pipeline.hotfix'].includes(permission),
      });
      const api = (
        method: 'get' | 'post' | 'delete',
        path: string,
        who = alice,
      ) => request(glu.server)[method](path).set('authorization', who);
      const publish = (version: string) =>
        request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version })
          .expect(200);
      const view = async () => (await api('get', base)).body;
      try {
        await publish('1.0.0');
        await eventually(
          async () =>
            (await repo.show('VERSION.yaml')) === 'version: 1.0.0\n' ||
            undefined,
          'the first automatic promotion',
        );

        // Only those who may manage freezes set them.
        const refused = await api('post', '/api/glu/freezes', bob).send({
          reason: 'release',
        });
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toContain('glu.freeze.manage');
        const set = await api('post', '/api/glu/freezes').send({
          reason: 'quarter-end release',
          scope: { owners: ['team-ledger'], phases: ['staging'] },
        });
        expect(set.status).toBe(200);
        const freeze = set.body;
        expect(freeze).toMatchObject({
          reason: 'quarter-end release',
          scope: {
            owners: ['group:default/team-ledger'],
            phases: ['staging'],
          },
          setBy: 'user:default/alice',
          origin: 'api',
          active: true,
          rollbacks: false,
        });
        const listed = (await api('get', '/api/glu/freezes', bob)).body.items;
        expect(listed.map((f: any) => f.id)).toEqual([freeze.id]);

        // What arrives now waits: the edge says why, nothing is written.
        const commits = await repo.log();
        await publish('1.1.0');
        await api('post', `${base}/refresh`);
        const reason = `frozen: quarter-end release (freeze ${freeze.id} by user:default/alice)`;
        const held = await view();
        expect(held.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [reason],
        });
        expect(held.freezes).toEqual([
          expect.objectContaining({ id: freeze.id, phases: ['staging'] }),
        ]);
        const blocked = await api('post', `${base}/promotions`).send({
          phase: 'staging',
        });
        expect(blocked.status).toBe(409);
        expect(blocked.body.error.message).toBe(
          `The promotion of build into staging is blocked: ${reason}`,
        );
        expect(await repo.log()).toEqual(commits);

        // A hotfix needs the override, and a reason.
        const noOverride = await api('post', `${base}/promotions`, bob).send({
          phase: 'staging',
          hotfix: { reason: 'payments are failing' },
        });
        expect(noOverride.status).toBe(403);
        expect(noOverride.body.error.message).toContain('glu.pipeline.hotfix');
        const noReason = await api('post', `${base}/promotions`).send({
          phase: 'staging',
          hotfix: { reason: '' },
        });
        expect(noReason.status).toBe(400);
        const hotfix = await api('post', `${base}/promotions`).send({
          phase: 'staging',
          hotfix: { reason: 'payments are failing' },
        });
        expect(hotfix.status).toBe(200);
        expect(hotfix.body).toMatchObject({
          status: 'succeeded',
          after: { version: '1.1.0' },
          hotfix: { reason: 'payments are failing', freezes: [freeze.id] },
        });
        expect(await repo.show('VERSION.yaml')).toBe('version: 1.1.0\n');
        expect(glu.auditEvents).toContainEqual(
          expect.objectContaining({
            eventId: 'promotion',
            outcome: 'success',
            meta: expect.objectContaining({
              hotfix: 'payments are failing',
              throughFreezes: [freeze.id],
            }),
          }),
        );
        const history = (await api('get', `${base}/phases/staging/history`))
          .body.items;
        expect(history[0]).toMatchObject({
          version: '1.1.0',
          hotfix: 'payments are failing',
        });
        expect(history[1].hotfix).toBeUndefined();
        // In DORA, a hotfix is a deployment, and counted as a hotfix.
        const dora = (await api('get', `${base}/dora`)).body;
        expect(dora.figures.hotfixes).toBe(1);
        expect(dora.deployments[0]).toMatchObject({
          version: '1.1.0',
          hotfix: 'payments are failing',
        });

        // Rollbacks restore service: not frozen.
        const rollback = await api(
          'post',
          `${base}/phases/staging/rollback`,
        ).send({ historyId: history[1].id });
        expect(rollback.status).toBe(200);
        expect(rollback.body.status).toBe('succeeded');

        // Versions that arrive while frozen wait; lifted, the newest goes.
        await publish('1.2.0');
        await api('post', `${base}/refresh`);
        expect((await view()).edges[0].status).toBe('blocked');
        expect(
          (await api('delete', `/api/glu/freezes/${freeze.id}`, bob)).status,
        ).toBe(403);
        expect(
          (await api('delete', `/api/glu/freezes/${freeze.id}`)).status,
        ).toBe(204);
        await eventually(
          async () =>
            (await repo.show('VERSION.yaml')) === 'version: 1.2.0\n' ||
            undefined,
          'the automatic promotion that waited for the freeze',
        );
        expect((await view()).freezes).toBeUndefined();
        expect((await api('get', '/api/glu/freezes')).body.items).toEqual([]);
        expect(
          (await api('delete', `/api/glu/freezes/${freeze.id}`)).status,
        ).toBe(404);
        expect(glu.auditEvents.map(e => `${e.eventId} ${e.outcome}`)).toEqual(
          expect.arrayContaining([
            'freeze-set fail',
            'freeze-set success',
            'freeze-lift fail',
            'freeze-lift success',
          ]),
        );
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'that says so holds rollbacks too, and one that does not cover a pipeline leaves it alone, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [ledgerPipeline({ repository: repo.url })],
        pipeline: 'ledger',
        waitFor: ['staging'],
      });
      const api = (method: 'get' | 'post' | 'delete', path: string) =>
        request(glu.server)[method](path).set('authorization', alice);
      try {
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.0.0' })
          .expect(200);
        await eventually(
          async () =>
            (await repo.show('VERSION.yaml')) === 'version: 1.0.0\n' ||
            undefined,
          'the first automatic promotion',
        );
        const elsewhere = await api('post', '/api/glu/freezes').send({
          reason: 'payments only',
          scope: { owners: ['team-payments'] },
        });
        expect(elsewhere.status).toBe(200);
        expect((await api('get', base)).body.freezes).toBeUndefined();

        const everything = (
          await api('post', '/api/glu/freezes').send({
            reason: 'incident',
            rollbacks: true,
          })
        ).body;
        const history = (await api('get', `${base}/phases/staging/history`))
          .body.items;
        const refused = await api(
          'post',
          `${base}/phases/staging/rollback`,
        ).send({ historyId: history[1].id });
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toContain(
          `frozen: incident (freeze ${everything.id} by user:default/alice)`,
        );
        // A freeze ends by itself at its end; one in the past is refused.
        const past = await api('post', '/api/glu/freezes').send({
          reason: 'too late',
          endsAt: '2020-01-01T00:00:00Z',
        });
        expect(past.status).toBe(400);
        expect(past.body.error.message).toContain('in the past');
        const config = await api('delete', '/api/glu/freezes/config:weekend');
        expect(config.status).toBe(404);
      } finally {
        await glu.stop();
      }
    },
  );
});
