import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { actionsOf, checkoutPipeline } from '../__testUtils__/actions';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
/** In the SRE team; may not promote, so asks. */
const BOB = 'user:default/bob';
/** Neither in the SRE team nor allowed to promote. */
const DAVE = 'user:default/dave';
/** In the SRE team. */
const ERIN = 'user:default/erin';
const SRE = 'group:default/team-sre';

/** Staging into production, with 1 approval from the SRE team. */
const checkout = (repository: string) =>
  checkoutPipeline(repository, {
    from: 'staging',
    gates: [{ approvals: { from: [{ group: 'team-sre', count: 1 }] } }],
  });

describe("Glu's promotion request actions in the actions registry", () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'env/staging.yaml': 'version: 1.1.0\n',
      'env/production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('request, list and withdraw requests; the requester is refused as approver, and another approval carries the request out', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkout(repo.url)],
      // The real registry, with its HTTP API and its schema checks.
      features: [actionsRegistryServiceFactory],
      memberships: {
        [ALICE]: ['group:default/team-checkout'],
        [BOB]: [SRE],
        [ERIN]: [SRE],
      },
      denied: (permission, caller) =>
        [BOB, DAVE].includes(caller) && permission === 'glu.pipeline.promote',
    });
    const { invoke } = actionsOf(glu.server);
    const production = { pipeline: 'checkout', phase: 'production' };
    try {
      const listed = await request(glu.server)
        .get('/api/glu/.backstage/actions/v1/actions')
        .set('authorization', mockCredentials.user.header(ALICE));
      const actions = (id: string) =>
        listed.body.actions.find((a: any) => a.id === id);
      expect(actions('glu:list-promotion-requests').attributes).toEqual({
        destructive: false,
        idempotent: true,
        readOnly: true,
      });
      for (const id of [
        'glu:request-promotion',
        'glu:withdraw-promotion-request',
        'glu:approve-version',
      ]) {
        expect(actions(id).attributes).toMatchObject({
          destructive: false,
          readOnly: false,
        });
      }
      expect(actions('glu:request-promotion').schema.input.required).toEqual([
        'pipeline',
        'phase',
      ]);
      expect(
        Object.keys(actions('glu:request-promotion').schema.input.properties),
      ).toEqual(['pipeline', 'phase', 'from', 'reason']);
      expect(
        Object.keys(actions('glu:approve-version').schema.output.properties),
      ).toEqual(['digest', 'version', 'approvers', 'approval', 'promotion']);

      // Bob may not promote: he asks, and withdraws.
      expect((await invoke(BOB, 'promote', production)).status).toBe(403);
      const first = await invoke(BOB, 'request-promotion', production);
      expect(first.status).toBe(200);
      expect(first.body.output).toMatchObject({
        pipelineRef: 'pipeline:default/checkout',
        from: 'staging',
        to: 'production',
        version: '1.1.0',
        requestedBy: BOB,
        status: 'open',
      });
      const withdraw = { pipeline: 'checkout', id: first.body.output.id };
      expect(
        (await invoke(DAVE, 'withdraw-promotion-request', withdraw)).status,
      ).toBe(403);
      expect(await invoke(BOB, 'withdraw-promotion-request', withdraw)).toEqual(
        {
          status: 200,
          body: { output: { id: withdraw.id, withdrawn: true } },
        },
      );
      const again = await invoke(BOB, 'withdraw-promotion-request', withdraw);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('is withdrawn, not open');
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'promotion-request-withdraw',
          outcome: 'success',
          meta: expect.objectContaining({ requestId: withdraw.id }),
        }),
      );

      const asked = await invoke(BOB, 'request-promotion', {
        ...production,
        from: 'staging',
        reason: 'the cart fix',
      });
      expect(asked.status).toBe(200);
      const open = asked.body.output;
      expect(open).toMatchObject({ reason: 'the cart fix', status: 'open' });
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({
          eventId: 'promotion-request',
          outcome: 'success',
          meta: expect.objectContaining({ requestId: open.id }),
        }),
      );
      expect(
        (
          await invoke(DAVE, 'list-promotion-requests', {
            pipeline: 'default/checkout',
            status: 'open',
          })
        ).body.output,
      ).toEqual({ items: [open] });
      const view = (
        await invoke(DAVE, 'get-pipeline', { pipeline: 'checkout' })
      ).body.output;
      expect(view.edges[0]).toMatchObject({
        status: 'blocked',
        request: { id: open.id },
        approval: {
          needed: [{ group: SRE, count: 1 }],
          requester: BOB,
          passed: false,
        },
      });

      // The requester, and someone outside the group, are refused, saying why.
      const byRequester = await invoke(BOB, 'approve-version', production);
      expect(byRequester.status).toBe(403);
      expect(byRequester.body.error.message).toBe(
        `${BOB} may not approve 1.1.0 for production: ${BOB} asked for this promotion, and the approval policy of staging → production keeps the requester and the author out`,
      );
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({ eventId: 'approval', outcome: 'fail' }),
      );
      const outsider = await invoke(DAVE, 'approve-version', production);
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.message).toContain(
        `asks for approvals from ${SRE}, and ${DAVE} is in none of them`,
      );
      expect(await repo.show('env/production.yaml')).toBe('version: 1.0.0\n');

      // Erin, of the group: the policy is met, and Glu carries it out.
      const approved = await invoke(ERIN, 'approve-version', production);
      expect(approved.status).toBe(200);
      expect(approved.body.output).toMatchObject({
        version: '1.1.0',
        approvers: [ERIN],
        approval: { passed: true, needed: [] },
        promotion: {
          status: 'succeeded',
          triggeredBy: BOB,
          approvedBy: [ERIN],
          requestId: open.id,
        },
      });
      expect(await repo.show('env/production.yaml')).toBe('version: 1.1.0\n');
      expect(
        (
          await invoke(ALICE, 'list-promotion-requests', {
            pipeline: 'checkout',
            limit: 1,
          })
        ).body.output.items,
      ).toEqual([
        expect.objectContaining({
          id: open.id,
          status: 'carried-out',
          promotionId: approved.body.output.promotion.id,
        }),
      ]);
      expect(
        (
          await invoke(ALICE, 'list-history', {
            pipeline: 'checkout',
            phase: 'production',
            limit: 1,
          })
        ).body.output.items[0],
      ).toMatchObject({ version: '1.1.0', actor: BOB, approvedBy: [ERIN] });

      // Nothing to request or approve without an approvals gate; bad input.
      const ungated = await invoke(BOB, 'request-promotion', {
        pipeline: 'checkout',
        phase: 'staging',
      });
      expect(ungated.status).toBe(400);
      for (const [action, input] of [
        ['request-promotion', { pipeline: 'checkout' }],
        ['request-promotion', { ...production, reason: 'x'.repeat(1001) }],
        ['request-promotion', { ...production, from: '../staging' }],
        ['list-promotion-requests', { pipeline: 'checkout', status: 'done' }],
        ['list-promotion-requests', { pipeline: 'checkout', limit: 0 }],
        ['withdraw-promotion-request', { pipeline: 'checkout', id: 'nope' }],
        [
          'approve-version',
          { pipeline: 'component:default/checkout', phase: 'production' },
        ],
      ] as const) {
        expect((await invoke(ALICE, action, input)).status).toBe(400);
      }
      expect(
        (
          await invoke(BOB, 'withdraw-promotion-request', {
            pipeline: 'checkout',
            id: '999',
          })
        ).status,
      ).toBe(404);
    } finally {
      await glu.stop();
    }
  });
});
