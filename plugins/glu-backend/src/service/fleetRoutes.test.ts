import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { stagedPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const alice = mockCredentials.user.header('user:default/alice');

describe('the fleet endpoints', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging.yaml': 'version: 1.0.0\n',
      'production.yaml': 'version: 0.9.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('show the fleet, compare two environments and promote several pipelines, each audited as its own promotion', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [stagedPipeline(repo.url)],
      config: { refreshInterval: { hours: 1 } },
      waitFor: ['staging', 'production'],
    });
    const get = (url: string, query: object = {}) =>
      request(glu.server).get(url).query(query).set('authorization', alice);
    try {
      const fleet = await get('/api/glu/fleet', {
        owner: 'group:default/team-checkout',
      });
      expect(fleet.status).toBe(200);
      expect(fleet.body.environments).toEqual([
        'build',
        'staging',
        'production',
      ]);
      expect(fleet.body.items).toHaveLength(1);
      const [row] = fleet.body.items;
      expect(row).toMatchObject({
        ref: 'pipeline:default/checkout',
        owner: 'group:default/team-checkout',
      });
      expect(row.cells.map((c: any) => [c.phase, c.status])).toEqual([
        ['build', 'empty'],
        // Nothing waits upstream of staging: build holds nothing.
        ['staging', 'up-to-date'],
        ['production', 'behind'],
      ]);
      expect(row.cells[2].behind).toMatchObject({
        from: 'staging',
        version: '1.0.0',
        versions: 1,
      });
      // Nobody's pipelines: none.
      expect(
        (await get('/api/glu/fleet', { system: 'system:default/none' })).body
          .items,
      ).toEqual([]);

      const diff = await get('/api/glu/fleet/diff', {
        from: 'staging',
        to: 'production',
      });
      expect(diff.status).toBe(200);
      expect(diff.body).toMatchObject({
        from: 'staging',
        to: 'production',
        items: [
          {
            pipeline: { ref: 'pipeline:default/checkout' },
            from: { version: '1.0.0' },
            to: { version: '0.9.0' },
            promotable: true,
            reasons: [],
          },
        ],
      });
      const bad = await get('/api/glu/fleet/diff', {
        from: 'Staging!',
        to: 'production',
      });
      expect(bad.status).toBe(400);

      const promoted = await request(glu.server)
        .post('/api/glu/fleet/promotions')
        .set('authorization', alice)
        .send({
          items: [
            { pipeline: 'pipeline:default/checkout', phase: 'production' },
            { pipeline: 'pipeline:default/nowhere', phase: 'production' },
          ],
        });
      expect(promoted.status).toBe(200);
      expect(promoted.body.items).toEqual([
        {
          pipeline: 'pipeline:default/checkout',
          phase: 'production',
          promotion: expect.objectContaining({ to: 'production' }),
        },
        {
          pipeline: 'pipeline:default/nowhere',
          phase: 'production',
          error: {
            name: 'NotFoundError',
            message: 'No pipeline pipeline:default/nowhere',
            statusCode: 404,
          },
        },
      ]);
      // Side by side, so in the order they end.
      expect(
        glu.auditEvents
          .filter(e => e.eventId === 'promotion')
          .map(e => [e.outcome, (e.meta as any).pipeline])
          .sort(),
      ).toEqual([
        ['fail', 'pipeline:default/nowhere'],
        ['success', 'pipeline:default/checkout'],
      ]);
      // A caller who cannot be identified: each promotion refused, audited.
      const unauthenticated = await request(glu.server)
        .post('/api/glu/fleet/promotions')
        .set('authorization', mockCredentials.user.invalidHeader())
        .send({ items: [{ pipeline: 'checkout', phase: 'production' }] });
      expect(unauthenticated.status).toBe(401);
      expect(glu.auditEvents.at(-1)).toMatchObject({
        eventId: 'promotion',
        outcome: 'fail',
        meta: { pipeline: 'checkout', phase: 'production' },
      });
    } finally {
      await glu.stop();
    }
  });
});
