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

describe('a pinned phase', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 0.9.0\n' });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'is left alone while upstream moves, and takes only the newest version once unpinned, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [ledgerPipeline({ repository: repo.url })],
        pipeline: 'ledger',
        waitFor: ['staging'],
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const ci = ciAuthorization();
      const base = '/api/glu/pipelines/default/ledger';
      const publish = (version: string) =>
        request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ci)
          .send({ version });
      const view = async () =>
        (await request(glu.server).get(base).set('authorization', alice)).body;
      try {
        await publish('1.0.0');
        await eventually(
          async () =>
            (await view()).phases[1].state?.version === '1.0.0'
              ? true
              : undefined,
          'the first automatic promotion',
        );

        const pinned = await request(glu.server)
          .post(`${base}/phases/staging/pin`)
          .set('authorization', alice)
          .send({ reason: 'release freeze' });
        expect(pinned.status).toBe(200);
        expect(pinned.body).toMatchObject({
          phase: 'staging',
          version: '1.0.0',
          pinnedBy: 'user:default/alice',
          reason: 'release freeze',
        });
        const commitsWhenPinned = await repo.log();

        for (const version of ['1.1.0', '1.2.0', '1.3.0']) {
          expect((await publish(version)).body.changed).toBe(true);
        }
        // Refreshes and the auto-promotion that follows them leave it alone.
        await request(glu.server)
          .post(`${base}/refresh`)
          .set('authorization', alice);
        const held = await view();
        expect(held.phases[1].pin).toMatchObject({
          version: '1.0.0',
          reason: 'release freeze',
        });
        expect(held.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [
            'staging is pinned at 1.0.0 by user:default/alice: release freeze',
          ],
        });
        expect(await repo.log()).toEqual(commitsWhenPinned);

        // A dry run still shows what a promotion would change, and why it
        // would not happen.
        const dryRun = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging', dryRun: true });
        expect(dryRun.status).toBe(200);
        expect(dryRun.body).toMatchObject({
          status: 'blocked',
          reasons: [
            'staging is pinned at 1.0.0 by user:default/alice: release freeze',
          ],
          before: { version: '1.0.0' },
          after: { version: '1.3.0' },
        });
        expect(dryRun.body.diff).toContain('-version: 1.0.0\n+version: 1.3.0');

        const refused = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging' });
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toBe(
          'The promotion of build into staging is blocked: staging is pinned at 1.0.0 by user:default/alice: release freeze',
        );

        const unpinned = await request(glu.server)
          .delete(`${base}/phases/staging/pin`)
          .set('authorization', alice);
        expect(unpinned.status).toBe(204);
        await eventually(
          async () =>
            (await repo.show('VERSION.yaml')) === 'version: 1.3.0\n'
              ? true
              : undefined,
          'the newest version after the unpin',
        );
        // The newest version, in one commit: not the three in turn.
        const commits = await repo.log();
        expect(commits).toHaveLength(commitsWhenPinned.length + 1);
        expect((await view()).phases[1].pin).toBeUndefined();
        expect(
          (
            await request(glu.server)
              .delete(`${base}/phases/staging/pin`)
              .set('authorization', alice)
          ).status,
        ).toBe(404);
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'set while a promotion takes the phase, stops it: what moved since the plan is decided again, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const glu = await startGlu({
        knex,
        entities: [
          ledgerPipeline({
            repository: repo.url,
            promotion: { from: 'build' },
          }),
        ],
        pipeline: 'ledger',
        waitFor: ['staging'],
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const base = '/api/glu/pipelines/default/ledger';
      try {
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.0.0' })
          .expect(200);
        const commits = await repo.log();
        // Another replica pins the phase at the moment the promotion, planned
        // already, takes the phase's lease.
        const lease = 'phase:pipeline:default/ledger/staging';
        const pin = `INSERT INTO glu_pins (pipeline_ref, phase, digest, version, pinned_by, reason, pinned_at)
          VALUES ('pipeline:default/ledger', 'staging', 'sha256:frozen', '0.9.0', 'user:default/bob', 'release freeze', ${
            databaseId === 'SQLITE_3' ? Date.now() : 'now()'
          });
          UPDATE glu_pipelines SET revision = revision + 1 WHERE entity_ref = 'pipeline:default/ledger';`;
        if (databaseId === 'SQLITE_3') {
          await knex.raw(`CREATE TRIGGER pin_when_leased AFTER INSERT ON glu_leases
            WHEN NEW.name = '${lease}' BEGIN ${pin} END`);
        } else {
          await knex.raw(`CREATE FUNCTION pin_when_leased() RETURNS trigger AS $$
            BEGIN ${pin} RETURN NEW; END $$ LANGUAGE plpgsql`);
          await knex.raw(`CREATE TRIGGER pin_when_leased AFTER INSERT ON glu_leases
            FOR EACH ROW WHEN (NEW.name = '${lease}') EXECUTE FUNCTION pin_when_leased()`);
        }
        const refused = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging' });
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toContain(
          'staging is pinned at 0.9.0 by user:default/bob: release freeze',
        );
        expect(await repo.log()).toEqual(commits);
        expect(await repo.show('VERSION.yaml')).toBe('version: 0.9.0\n');
        // Planned, then stopped under the lease: its record says why.
        const records = (
          await request(glu.server)
            .get(`${base}/promotions`)
            .set('authorization', alice)
        ).body.items;
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ status: 'failed' });
        expect(records[0].error).toContain('pinned at 0.9.0');
      } finally {
        await glu.stop();
      }
    },
  );
});
