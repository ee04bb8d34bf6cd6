import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

function checkout(repository: string): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      owner: 'group:default/team-checkout',
      phases: ['staging', 'production'].map((name, i) => ({
        name,
        source: {
          type: 'git',
          repository,
          path: `env/${name}.yaml`,
          format: { type: 'yaml-path', key: 'version' },
        },
        ...(i === 1 ? { promotion: { from: 'staging' } } : {}),
      })),
    },
  };
}

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
    const invoke = async (user: string, action: string, input: object) => {
      const res = await request(glu.server)
        .post(`/api/glu/.backstage/actions/v1/actions/glu:${action}/invoke`)
        .set('authorization', mockCredentials.user.header(user))
        .send(input);
      return { status: res.status, body: res.body };
    };
    try {
      const listed = await request(glu.server)
        .get('/api/glu/.backstage/actions/v1/actions')
        .set('authorization', mockCredentials.user.header(ALICE));
      expect(listed.body.actions.map((a: any) => a.id).sort()).toEqual([
        'glu:dry-run-promotion',
        'glu:get-dora',
        'glu:get-pipeline',
        'glu:list-history',
        'glu:list-pipelines',
        'glu:pin-phase',
        'glu:promote',
        'glu:rollback',
        'glu:unpin-phase',
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
});
