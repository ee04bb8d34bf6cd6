import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { actionsOf, checkoutPipeline } from '../__testUtils__/actions';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
/** May read, not change. */
const BOB = 'user:default/bob';
/** May quarantine a version of a pipeline, not a digest everywhere. */
const CAROL = 'user:default/carol';

const checkout = (repository: string) => checkoutPipeline(repository);

describe("Glu's quarantine actions in the actions registry", () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'env/staging.yaml': 'version: 1.1.0\n',
      'env/production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('quarantine a version (promote is then refused), list and lift quarantines; a digest everywhere rolls back the phases that hold it', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkout(repo.url)],
      // The real registry, with its HTTP API and its schema checks.
      features: [actionsRegistryServiceFactory],
      memberships: { [ALICE]: ['group:default/team-checkout'] },
      denied: (permission, caller) =>
        (caller === BOB && permission !== 'glu.pipeline.read') ||
        (caller === CAROL && permission === 'glu.quarantine.manage'),
    });
    const { invoke } = actionsOf(glu.server);
    try {
      const listed = await request(glu.server)
        .get('/api/glu/.backstage/actions/v1/actions')
        .set('authorization', mockCredentials.user.header(ALICE));
      const actions = (id: string) =>
        listed.body.actions.find((a: any) => a.id === id);
      expect(actions('glu:list-quarantines').attributes).toEqual({
        destructive: false,
        idempotent: true,
        readOnly: true,
      });
      // With rollback it writes into the phases that hold the version.
      expect(actions('glu:quarantine-version').attributes).toMatchObject({
        destructive: true,
        readOnly: false,
      });
      expect(actions('glu:quarantine-version').schema.input.required).toEqual([
        'reason',
      ]);
      expect(
        Object.keys(actions('glu:quarantine-version').schema.input.properties),
      ).toEqual(['reason', 'pipeline', 'version', 'digest', 'rollback']);
      expect(
        actions('glu:quarantine-version').schema.output.required,
      ).toContain('holding');

      expect(await invoke(BOB, 'list-quarantines', {})).toEqual({
        status: 200,
        body: { output: { items: [] } },
      });
      const notHis = await invoke(BOB, 'quarantine-version', {
        reason: 'mine',
        pipeline: 'checkout',
        version: '1.1.0',
      });
      expect(notHis.status).toBe(403);
      expect(notHis.body.error.message).toContain('glu.pipeline.quarantine');
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'quarantine-set',
          outcome: 'fail',
        }),
      );

      const set = await invoke(CAROL, 'quarantine-version', {
        reason: 'leaks memory',
        pipeline: 'checkout',
        version: '1.1.0',
      });
      expect(set.status).toBe(200);
      const quarantine = set.body.output;
      expect(quarantine).toMatchObject({
        pipelineRef: 'pipeline:default/checkout',
        version: '1.1.0',
        reason: 'leaks memory',
        quarantinedBy: CAROL,
        rollback: false,
        holding: [
          {
            pipelineRef: 'pipeline:default/checkout',
            phase: 'staging',
            version: '1.1.0',
          },
        ],
      });
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'quarantine-set',
          outcome: 'success',
          meta: expect.objectContaining({ quarantineId: quarantine.id }),
        }),
      );
      expect(
        (await invoke(BOB, 'list-quarantines', { pipeline: 'checkout' })).body
          .output.items,
      ).toEqual([quarantine]);

      const view = (await invoke(BOB, 'get-pipeline', { pipeline: 'checkout' }))
        .body.output;
      expect(view.phases[0].quarantine).toEqual({
        id: quarantine.id,
        reason: 'leaks memory',
        quarantinedBy: CAROL,
      });
      expect(view.edges[0].status).toBe('blocked');
      expect(
        view.edges[0].reasons.some((r: string) =>
          r.startsWith('quarantined: '),
        ),
      ).toBe(true);
      const held = await invoke(ALICE, 'promote', {
        pipeline: 'checkout',
        phase: 'production',
      });
      expect(held.status).toBe(409);
      expect(held.body.error.message).toContain('quarantined: ');
      expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');
      const history = await invoke(BOB, 'list-history', {
        pipeline: 'checkout',
        phase: 'staging',
      });
      expect(history.body.output.items[0]).toMatchObject({
        version: '1.1.0',
        quarantine: { id: quarantine.id },
      });

      expect(
        (await invoke(BOB, 'lift-quarantine', { id: quarantine.id })).status,
      ).toBe(403);
      expect(
        await invoke(CAROL, 'lift-quarantine', { id: quarantine.id }),
      ).toEqual({
        status: 200,
        body: { output: { id: quarantine.id, lifted: true } },
      });
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'quarantine-lift',
          outcome: 'success',
          meta: expect.objectContaining({ quarantineId: quarantine.id }),
        }),
      );
      expect(
        (await invoke(ALICE, 'lift-quarantine', { id: quarantine.id })).status,
      ).toBe(404);

      // Production takes 1.1.0; then its digest turns out vulnerable.
      expect(
        (
          await invoke(ALICE, 'promote', {
            pipeline: 'checkout',
            phase: 'production',
          })
        ).body.output,
      ).toMatchObject({ status: 'succeeded', after: { version: '1.1.0' } });
      const { digest } = view.phases[0].state;
      const everywhere = { reason: 'CVE-2026-1234', digest, rollback: true };
      const refused = await invoke(CAROL, 'quarantine-version', everywhere);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('glu.quarantine.manage');
      expect(await repo.show('env/production.yaml')).toBe('version: 1.1.0\n');

      const cve = await invoke(ALICE, 'quarantine-version', everywhere);
      expect(cve.status).toBe(200);
      expect(cve.body.output).toMatchObject({
        digest,
        rollback: true,
        quarantinedBy: ALICE,
      });
      expect(cve.body.output.pipelineRef).toBeUndefined();
      expect(cve.body.output.rollbacks).toContainEqual(
        expect.objectContaining({
          pipelineRef: 'pipeline:default/checkout',
          phase: 'production',
          promotionId: expect.any(String),
          status: 'succeeded',
        }),
      );
      expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');
      const after = (
        await invoke(BOB, 'get-pipeline', { pipeline: 'checkout' })
      ).body.output;
      expect(after.phases[1].pin).toMatchObject({ version: '1.0.0' });
      expect(
        (await invoke(BOB, 'list-quarantines', {})).body.output.items.map(
          (q: any) => q.id,
        ),
      ).toEqual([cve.body.output.id]);
      expect(
        (await invoke(CAROL, 'lift-quarantine', { id: cve.body.output.id }))
          .status,
      ).toBe(403);
      expect(
        (await invoke(ALICE, 'lift-quarantine', { id: cve.body.output.id }))
          .body.output,
      ).toEqual({ id: cve.body.output.id, lifted: true });

      // Bad input is the caller's to fix.
      for (const input of [
        { reason: '', digest },
        { reason: 'x', digest, rollback: 'yes' },
        { reason: 'x', pipeline: 'component:default/checkout', version: '1' },
        { reason: 'x', pipeline: 'checkout' },
      ]) {
        expect((await invoke(ALICE, 'quarantine-version', input)).status).toBe(
          400,
        );
      }
      expect(
        (await invoke(ALICE, 'lift-quarantine', { id: 'nope' })).status,
      ).toBe(400);
    } finally {
      await glu.stop();
    }
  });
});
