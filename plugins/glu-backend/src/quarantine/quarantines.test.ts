import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');
const NAMES = ['ledger-a', 'ledger-b', 'ledger-c'];

/** A ledger pipeline of its own name and file in the shared repository. */
function ledger(name: string, repository: string): Entity {
  const entity = ledgerPipeline({ repository, path: `${name}.yaml` });
  return { ...entity, metadata: { ...entity.metadata, name } };
}

describe('a quarantine', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture(
      Object.fromEntries(NAMES.map(n => [`${n}.yaml`, 'version: 0.9.0\n'])),
    );
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'of a digest everywhere rolls back the phases that hold it, and nothing promotes it again, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: NAMES.map(n => ledger(n, repo.url)),
        pipeline: 'ledger-a',
        waitFor: ['staging'],
        // Bob owns pipelines; only alice quarantines a digest everywhere.
        denied: (permission, caller) =>
          caller === 'user:default/bob' &&
          permission === 'glu.quarantine.manage',
      });
      const api = (
        method: 'get' | 'post' | 'delete',
        path: string,
        who = alice,
      ) => request(glu.server)[method](path).set('authorization', who);
      const base = (name: string) => `/api/glu/pipelines/default/${name}`;
      const publish = (name: string, version: string) =>
        request(glu.server)
          .post(`${base(name)}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version })
          .expect(200);
      const file = (name: string) => repo.show(`${name}.yaml`);
      const holds = (name: string, version: string) =>
        eventually(
          async () =>
            (await file(name)) === `version: ${version}\n` || undefined,
          `${name} at ${version}`,
        );
      const view = async (name: string) => (await api('get', base(name))).body;
      try {
        for (const name of NAMES) {
          await eventually(async () => (await view(name)).phases, name);
          await publish(name, '1.0.0');
          await holds(name, '1.0.0');
        }
        // A bad version reaches two of them.
        for (const name of ['ledger-a', 'ledger-b']) {
          await publish(name, '2.0.0');
          await holds(name, '2.0.0');
        }
        const digest = (await view('ledger-a')).phases[1].state.digest;

        const refused = await api('post', '/api/glu/quarantines', bob).send({
          reason: 'CVE-2026-1234',
          digest,
        });
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toContain('glu.quarantine.manage');
        const set = await api('post', '/api/glu/quarantines').send({
          reason: 'CVE-2026-1234',
          digest,
          rollback: true,
        });
        expect(set.status).toBe(200);
        const quarantine = set.body;
        expect(quarantine).toMatchObject({
          digest,
          reason: 'CVE-2026-1234',
          quarantinedBy: 'user:default/alice',
          rollback: true,
        });
        expect(quarantine.pipelineRef).toBeUndefined();
        const where = (items: any[]) =>
          items.map(h => `${h.pipelineRef} ${h.phase}`).sort();
        expect(where(quarantine.holding)).toEqual([
          'pipeline:default/ledger-a staging',
          'pipeline:default/ledger-b staging',
        ]);
        // The two that hold it go back, pinned.
        expect(where(quarantine.rollbacks)).toEqual([
          'pipeline:default/ledger-a staging',
          'pipeline:default/ledger-b staging',
        ]);
        expect(quarantine.rollbacks.map((r: any) => r.status)).toEqual([
          'succeeded',
          'succeeded',
        ]);
        for (const name of ['ledger-a', 'ledger-b']) {
          expect(await file(name)).toBe('version: 1.0.0\n');
          const after = await view(name);
          expect(after.phases[1].pin).toMatchObject({
            version: '1.0.0',
            reason: `quarantined: 2.0.0 — CVE-2026-1234 (quarantine ${quarantine.id})`,
          });
        }
        expect(await file('ledger-c')).toBe('version: 1.0.0\n');

        // Published again elsewhere, it is recorded, not promoted.
        await publish('ledger-c', '2.0.0');
        await api('post', `${base('ledger-c')}/refresh`);
        const held = await view('ledger-c');
        expect(held.phases[0].state.version).toBe('2.0.0');
        expect(held.phases[1].quarantine).toBeUndefined();
        const reason = `quarantined: 2.0.0 — CVE-2026-1234 (quarantine ${quarantine.id} by user:default/alice)`;
        expect(held.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [reason],
        });
        const blocked = await api(
          'post',
          `${base('ledger-c')}/promotions`,
        ).send({ phase: 'staging', hotfix: { reason: 'no' } });
        expect(blocked.status).toBe(409);
        expect(blocked.body.error.message).toContain(reason);
        expect(await file('ledger-c')).toBe('version: 1.0.0\n');
        // Every history row of it says so, and a rollback to it is refused.
        const history = (
          await api('get', `${base('ledger-a')}/phases/staging/history`)
        ).body.items;
        const bad = history.find((e: any) => e.version === '2.0.0');
        expect(bad.quarantine).toEqual({
          id: quarantine.id,
          reason: 'CVE-2026-1234',
          quarantinedBy: 'user:default/alice',
        });
        expect(
          history.find((e: any) => e.version === '1.0.0').quarantine,
        ).toBeUndefined();
        const back = await api(
          'post',
          `${base('ledger-a')}/phases/staging/rollback`,
        ).send({ historyId: bad.id });
        expect(back.status).toBe(409);
        expect(back.body.error.message).toContain('quarantined: 2.0.0');
        // In DORA, the deployment of a quarantined version failed.
        const dora = (await api('get', `${base('ledger-a')}/dora`)).body;
        expect(
          dora.deployments.find((d: any) => d.version === '2.0.0'),
        ).toMatchObject({ failed: true, restoredAt: expect.any(String) });

        const listed = (await api('get', '/api/glu/quarantines', bob)).body
          .items;
        expect(listed.map((q: any) => q.id)).toEqual([quarantine.id]);
        expect(
          (await api('delete', `/api/glu/quarantines/${quarantine.id}`, bob))
            .status,
        ).toBe(403);
        expect(
          (await api('delete', `/api/glu/quarantines/${quarantine.id}`)).status,
        ).toBe(204);
        // Lifted, what it held back goes on; the pins stay.
        await holds('ledger-c', '2.0.0');
        expect((await view('ledger-a')).phases[1].pin).toBeDefined();
        expect(glu.auditEvents.map(e => `${e.eventId} ${e.outcome}`)).toEqual(
          expect.arrayContaining([
            'quarantine-set fail',
            'quarantine-set success',
            'quarantine-lift fail',
            'quarantine-lift success',
          ]),
        );
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'of a version of one pipeline is its owners’ to set, and says what to fix, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [ledger('ledger-a', repo.url)],
        pipeline: 'ledger-a',
        waitFor: ['staging'],
        denied: (permission, caller) =>
          caller === 'user:default/bob' &&
          permission === 'glu.pipeline.quarantine',
      });
      const api = (
        method: 'get' | 'post' | 'delete',
        path: string,
        who = alice,
      ) => request(glu.server)[method](path).set('authorization', who);
      const base = '/api/glu/pipelines/default/ledger-a';
      try {
        const ask = (body: object, who = alice) =>
          api('post', '/api/glu/quarantines', who).send({
            reason: 'broken',
            ...body,
          });
        expect(
          (await ask({ pipeline: 'ledger-a', version: '3.0.0' }, bob)).status,
        ).toBe(403);
        const noVersion = await ask({ pipeline: 'ledger-a' });
        expect(noVersion.status).toBe(400);
        expect(noVersion.body.error.message).toBe(
          'Name the version or the digest of pipeline:default/ledger-a to quarantine',
        );
        const noPipeline = await ask({ version: '3.0.0' });
        expect(noPipeline.status).toBe(400);
        expect((await ask({ pipeline: 'nope', version: '3.0.0' })).status).toBe(
          404,
        );
        const set = await ask({ pipeline: 'ledger-a', version: '3.0.0' });
        expect(set.status).toBe(200);
        expect(set.body).toMatchObject({
          pipelineRef: 'pipeline:default/ledger-a',
          version: '3.0.0',
          holding: [],
        });
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '3.0.0' })
          .expect(200);
        await api('post', `${base}/refresh`);
        expect((await api('get', base)).body.edges[0].reasons).toEqual([
          `quarantined: 3.0.0 — broken (quarantine ${set.body.id} by user:default/alice)`,
        ]);
        expect(await repo.show('ledger-a.yaml')).toBe('version: 0.9.0\n');
        expect(
          (await api('get', '/api/glu/quarantines?pipeline=ledger-a')).body
            .items,
        ).toHaveLength(1);
      } finally {
        await glu.stop();
      }
    },
  );
});
