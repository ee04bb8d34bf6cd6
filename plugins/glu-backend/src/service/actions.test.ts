import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { actionsOf, checkoutPipeline } from '../__testUtils__/actions';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
/** May promote, not set freezes or go through them. */
const CAROL = 'user:default/carol';

const checkout = (repository: string) => checkoutPipeline(repository);

describe("Glu's actions in the actions registry", () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'env/staging.yaml': 'version: 1.1.0\n',
      'env/production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it("act with the caller's credentials: the owner promotes, pins and rolls back; someone else is refused and audited", async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkout(repo.url)],
      // The real registry, with its HTTP API and its schema checks.
      features: [actionsRegistryServiceFactory],
      memberships: { [ALICE]: ['group:default/team-checkout'] },
      denied: (permission, caller) =>
        caller === BOB && permission !== 'glu.pipeline.read',
    });
    const { invoke } = actionsOf(glu.server);
    try {
      const listed = await request(glu.server)
        .get('/api/glu/.backstage/actions/v1/actions')
        .set('authorization', mockCredentials.user.header(ALICE));
      expect(listed.body.actions.map((a: any) => a.id).sort()).toEqual([
        'glu:approve-version',
        'glu:diff-fleet',
        'glu:dry-run-promotion',
        'glu:get-dora',
        'glu:get-fleet',
        'glu:get-pipeline',
        'glu:lift-freeze',
        'glu:lift-quarantine',
        'glu:list-freezes',
        'glu:list-history',
        'glu:list-pipelines',
        'glu:list-promotion-requests',
        'glu:list-quarantines',
        'glu:pin-phase',
        'glu:promote',
        'glu:promote-fleet',
        'glu:quarantine-version',
        'glu:request-promotion',
        'glu:rollback',
        'glu:set-freeze',
        'glu:unpin-phase',
        'glu:withdraw-promotion-request',
      ]);
      const promote = listed.body.actions.find(
        (a: any) => a.id === 'glu:promote',
      );
      // Typed input and output, as JSON schemas for the clients.
      expect(promote.schema.input.required).toEqual(['pipeline', 'phase']);
      expect(promote.schema.output.properties.status.enum).toContain(
        'succeeded',
      );
      expect(
        listed.body.actions.find((a: any) => a.id === 'glu:get-pipeline')
          .attributes,
      ).toEqual({ destructive: false, idempotent: true, readOnly: true });

      const mine = await invoke(ALICE, 'list-pipelines', { mine: true });
      expect(mine.status).toBe(200);
      expect(mine.body.output.items.map((p: any) => p.ref)).toEqual([
        'pipeline:default/checkout',
      ]);
      const view = await invoke(BOB, 'get-pipeline', { pipeline: 'checkout' });
      expect(view.body.output.edges[0]).toMatchObject({
        from: 'staging',
        to: 'production',
        status: 'promotable',
      });

      const plan = await invoke(ALICE, 'dry-run-promotion', {
        pipeline: 'pipeline:default/checkout',
        phase: 'production',
      });
      expect(plan.body.output).toMatchObject({
        status: 'promotable',
        after: { version: '1.1.0' },
      });
      expect(plan.body.output.diff).toContain(
        '-version: 1.0.0\n+version: 1.1.0',
      );

      const refused = await invoke(BOB, 'promote', {
        pipeline: 'checkout',
        phase: 'production',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('user:default/bob may not');
      expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'promotion',
          outcome: 'fail',
          meta: expect.objectContaining({
            pipeline: 'pipeline:default/checkout',
          }),
        }),
      );

      const promoted = await invoke(ALICE, 'promote', {
        pipeline: 'checkout',
        phase: 'production',
      });
      expect(promoted.status).toBe(200);
      expect(promoted.body.output).toMatchObject({
        status: 'succeeded',
        triggeredBy: ALICE,
        after: { version: '1.1.0' },
      });
      expect(await repo.show('env/production.yaml')).toBe('version: 1.1.0\n');
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'promotion',
          outcome: 'success',
          meta: expect.objectContaining({
            promotionId: promoted.body.output.id,
            status: 'succeeded',
          }),
        }),
      );

      const history = await invoke(ALICE, 'list-history', {
        pipeline: 'checkout',
        phase: 'production',
      });
      const before = history.body.output.items.find(
        (e: any) => e.version === '1.0.0',
      );
      expect(
        (
          await invoke(BOB, 'pin-phase', {
            pipeline: 'checkout',
            phase: 'production',
            reason: 'mine now',
          })
        ).status,
      ).toBe(403);
      const back = await invoke(ALICE, 'rollback', {
        pipeline: 'checkout',
        phase: 'production',
        historyId: before.id,
        pinReason: 'bad release',
      });
      expect(back.body.output).toMatchObject({
        kind: 'rollback',
        status: 'succeeded',
      });
      expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');
      // The rollback makes 1.1.0 a failed change, in the DORA figures.
      const dora = await invoke(ALICE, 'get-dora', { pipeline: 'checkout' });
      expect(dora.body.output.pipeline).toMatchObject({
        production: ['production'],
        figures: {
          deployments: 1,
          failedDeployments: 1,
          changeFailureRate: 1,
        },
        deployments: [{ version: '1.1.0', failed: true }],
      });
      const team = await invoke(BOB, 'get-dora', {
        owner: 'group:default/team-checkout',
      });
      expect(team.body.output.owner.figures.deployments).toBe(1);
      expect(
        (await invoke(ALICE, 'get-dora', { pipeline: 'checkout', owner: 'x' }))
          .status,
      ).toBe(400);
      expect(
        (await invoke(ALICE, 'get-pipeline', { pipeline: 'checkout' })).body
          .output.phases[1].pin,
      ).toMatchObject({ reason: 'bad release', pinnedBy: ALICE });
      expect(
        (
          await invoke(ALICE, 'unpin-phase', {
            pipeline: 'checkout',
            phase: 'production',
          })
        ).body.output,
      ).toEqual({
        pipelineRef: 'pipeline:default/checkout',
        phase: 'production',
        pinned: false,
      });
      const pinned = await invoke(ALICE, 'pin-phase', {
        pipeline: 'checkout',
        phase: 'production',
        reason: 'release freeze',
      });
      expect(pinned.body.output).toMatchObject({
        version: '1.0.0',
        reason: 'release freeze',
      });

      // Bad input is the caller's to fix.
      const bad = await invoke(ALICE, 'get-pipeline', {
        pipeline: 'component:default/checkout',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        "Not a pipeline's entity ref: component:default/checkout (e.g. pipeline:default/checkout)",
      );
      expect(
        (await invoke(ALICE, 'promote', { pipeline: 'checkout' })).status,
      ).toBe(400);
    } finally {
      await glu.stop();
    }
  });
  it('set, list and lift freezes; a freeze holds promote back, and hotfixReason goes through it with the hotfix permission', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkout(repo.url)],
      features: [actionsRegistryServiceFactory],
      memberships: { [ALICE]: ['group:default/team-checkout'] },
      denied: (permission, caller) =>
        (caller === BOB && permission !== 'glu.pipeline.read') ||
        (caller === CAROL &&
          ['glu.freeze.manage', 'glu.pipeline.hotfix'].includes(permission)),
    });
    const { invoke } = actionsOf(glu.server);
    try {
      const listed = await request(glu.server)
        .get('/api/glu/.backstage/actions/v1/actions')
        .set('authorization', mockCredentials.user.header(ALICE));
      const actions = (id: string) =>
        listed.body.actions.find((a: any) => a.id === id);
      expect(actions('glu:list-freezes').attributes).toEqual({
        destructive: false,
        idempotent: true,
        readOnly: true,
      });
      expect(actions('glu:set-freeze').schema.input.required).toEqual([
        'reason',
      ]);
      expect(
        Object.keys(
          actions('glu:set-freeze').schema.input.properties.scope.properties,
        ),
      ).toEqual(['namespaces', 'owners', 'pipelines', 'phases']);
      expect(actions('glu:set-freeze').schema.output.required).toContain(
        'active',
      );
      expect(
        actions('glu:promote').schema.input.properties.hotfixReason.type,
      ).toBe('string');

      expect(await invoke(BOB, 'list-freezes', {})).toEqual({
        status: 200,
        body: { output: { items: [] } },
      });
      const refused = await invoke(CAROL, 'set-freeze', { reason: 'mine' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(
        'user:default/carol may not set or lift freezes (glu.freeze.manage)',
      );
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({ eventId: 'freeze-set', outcome: 'fail' }),
      );

      const set = await invoke(ALICE, 'set-freeze', {
        reason: 'release week',
        scope: { pipelines: ['checkout'], phases: ['production'] },
      });
      expect(set.status).toBe(200);
      const freeze = set.body.output;
      expect(freeze).toMatchObject({
        reason: 'release week',
        scope: {
          pipelines: ['pipeline:default/checkout'],
          phases: ['production'],
        },
        rollbacks: false,
        setBy: ALICE,
        origin: 'api',
        active: true,
      });
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'freeze-set',
          outcome: 'success',
          meta: expect.objectContaining({ freezeId: freeze.id }),
        }),
      );
      expect((await invoke(BOB, 'list-freezes', {})).body.output.items).toEqual(
        [freeze],
      );

      const held = await invoke(ALICE, 'promote', {
        pipeline: 'checkout',
        phase: 'production',
      });
      expect(held.status).toBe(409);
      expect(held.body.error.message).toContain(
        `frozen: release week (freeze ${freeze.id} by ${ALICE}`,
      );
      const plans = await Promise.all(
        [{}, { hotfixReason: 'fix the checkout outage' }].map(hotfix =>
          invoke(ALICE, 'dry-run-promotion', {
            pipeline: 'checkout',
            phase: 'production',
            ...hotfix,
          }),
        ),
      );
      expect(plans.map(p => p.body.output.status)).toEqual([
        'blocked',
        'promotable',
      ]);
      const notHers = await invoke(CAROL, 'promote', {
        pipeline: 'checkout',
        phase: 'production',
        hotfixReason: 'urgent',
      });
      expect(notHers.status).toBe(403);
      expect(notHers.body.error.message).toContain('glu.pipeline.hotfix');
      expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');

      const hotfix = await invoke(ALICE, 'promote', {
        pipeline: 'checkout',
        phase: 'production',
        hotfixReason: 'fix the checkout outage',
      });
      expect(hotfix.status).toBe(200);
      expect(hotfix.body.output).toMatchObject({
        status: 'succeeded',
        after: { version: '1.1.0' },
        hotfix: { reason: 'fix the checkout outage', freezes: [freeze.id] },
      });
      expect(await repo.show('env/production.yaml')).toBe('version: 1.1.0\n');
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'promotion',
          outcome: 'success',
          meta: expect.objectContaining({
            hotfix: 'fix the checkout outage',
          }),
        }),
      );

      expect(
        (await invoke(CAROL, 'lift-freeze', { id: freeze.id })).status,
      ).toBe(403);
      expect(await invoke(ALICE, 'lift-freeze', { id: freeze.id })).toEqual({
        status: 200,
        body: { output: { id: freeze.id, lifted: true } },
      });
      const again = await invoke(ALICE, 'lift-freeze', { id: freeze.id });
      expect(again.status).toBe(404);
      expect(again.body.error.message).toBe(
        `There is no freeze ${freeze.id} to lift`,
      );
      // No freeze of that name in app-config either.
      expect(
        (await invoke(ALICE, 'lift-freeze', { id: 'config:weekend' })).status,
      ).toBe(404);
      expect((await invoke(BOB, 'list-freezes', {})).body.output.items).toEqual(
        [],
      );

      // Bad input is the caller's to fix.
      for (const input of [
        { reason: '' },
        { reason: 'x', endsAt: 'tomorrow' },
        { reason: 'x', scope: { teams: ['a'] } },
      ]) {
        expect((await invoke(ALICE, 'set-freeze', input)).status).toBe(400);
      }
      expect((await invoke(ALICE, 'lift-freeze', { id: 'nope' })).status).toBe(
        400,
      );
    } finally {
      await glu.stop();
    }
  });
});
