import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { TestDatabases } from '@backstage/backend-test-utils';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { actionsOf, checkoutPipeline } from '../__testUtils__/actions';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
/** May read, not promote. */
const BOB = 'user:default/bob';

describe("Glu's fleet actions in the actions registry", () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'env/staging.yaml': 'version: 1.1.0\n',
      'env/production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('show the fleet, compare environments and promote, each promotion refused or made as its own', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [checkoutPipeline(repo.url)],
      features: [actionsRegistryServiceFactory],
      memberships: { [ALICE]: ['group:default/team-checkout'] },
      denied: (permission, caller) =>
        caller === BOB && permission === 'glu.pipeline.promote',
    });
    const { invoke, list } = actionsOf(glu.server);
    try {
      const actions = await list(ALICE);
      const described = (id: string) => actions.find(a => a.id === id);
      expect(described('glu:get-fleet').attributes).toEqual({
        destructive: false,
        idempotent: true,
        readOnly: true,
      });
      expect(described('glu:promote-fleet').schema.input.required).toEqual([
        'items',
      ]);
      expect(
        described('glu:diff-fleet').schema.output.properties.items.items
          .properties.promotable.type,
      ).toBe('boolean');

      const fleet = await invoke(ALICE, 'get-fleet', { mine: true });
      expect(fleet.status).toBe(200);
      expect(fleet.body.output.environments).toEqual(['staging', 'production']);
      expect(
        fleet.body.output.items[0].cells.map((c: any) => [c.phase, c.status]),
      ).toEqual([
        ['staging', 'up-to-date'],
        ['production', 'behind'],
      ]);

      const diff = await invoke(BOB, 'diff-fleet', {
        from: 'staging',
        to: 'production',
      });
      expect(diff.body.output.items).toMatchObject([
        { pipeline: { name: 'checkout' }, promotable: true },
      ]);
      const bad = await invoke(BOB, 'diff-fleet', {
        from: 'Staging',
        to: 'production',
      });
      expect(bad.status).toBe(400);

      const asked = { items: [{ pipeline: 'checkout', phase: 'production' }] };
      const refused = await invoke(BOB, 'promote-fleet', asked);
      expect(refused.status).toBe(200);
      expect(refused.body.output.items).toEqual([
        {
          pipeline: 'checkout',
          phase: 'production',
          error: {
            name: 'NotAllowedError',
            message:
              'user:default/bob may not update pipeline:default/checkout (glu.pipeline.promote)',
            statusCode: 403,
          },
        },
      ]);
      const promoted = await invoke(ALICE, 'promote-fleet', asked);
      expect(promoted.body.output.items).toEqual([
        {
          pipeline: 'checkout',
          phase: 'production',
          promotion: expect.objectContaining({
            pipelineRef: 'pipeline:default/checkout',
            to: 'production',
            triggeredBy: ALICE,
          }),
        },
      ]);
      expect(
        glu.auditEvents
          .filter(e => e.eventId === 'promotion')
          .map(e => [e.outcome, (e.meta as any).pipeline]),
      ).toEqual([
        ['fail', 'pipeline:default/checkout'],
        ['success', 'pipeline:default/checkout'],
      ]);
    } finally {
      await glu.stop();
    }
  });
});
