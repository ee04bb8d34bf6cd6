/*
 * Who may write in the example backend: users outside the owning team and
 * services without a grant are refused every write, each refusal audited.
 */
import request from 'supertest';
import {
  as,
  audit,
  backend,
  describeExampleBackend,
  git,
  gitopsDir,
  untilObserved,
} from './__testUtils__/exampleBackend';

describeExampleBackend(() => {
  // Production once promoted, so that rolling back to its first state
  // changes it.
  beforeAll(async () => {
    await untilObserved();
    const promoted = await request(backend.server)
      .post('/api/glu/pipelines/default/checkout/promotions')
      .set('authorization', as('alice'))
      .send({ phase: 'production' });
    if (promoted.status !== 200) {
      throw new Error(`Could not promote production: ${promoted.text}`);
    }
  });

  describe('who may write', () => {
    const base = '/api/glu/pipelines/default/checkout';
    let productionFirst: string;

    beforeAll(async () => {
      const history = await request(backend.server)
        .get(`${base}/phases/production/history`)
        .set('authorization', as('alice'));
      productionFirst = history.body.items[history.body.items.length - 1].id;
    });

    /** Every route that writes, or dry-runs a write, with its audit event. */
    const routes: Record<
      string,
      { eventId: string; send: (auth?: string) => request.Test }
    > = {
      promote: {
        eventId: 'promotion',
        send: auth =>
          call('post', `${base}/promotions`, auth).send({
            phase: 'production',
          }),
      },
      'dry run': {
        eventId: 'promotion-dry-run',
        send: auth =>
          call('post', `${base}/promotions`, auth).send({
            phase: 'production',
            dryRun: true,
          }),
      },
      rollback: {
        eventId: 'rollback',
        send: auth =>
          call('post', `${base}/phases/production/rollback`, auth).send({
            historyId: productionFirst,
          }),
      },
      pin: {
        eventId: 'phase-pin',
        send: auth =>
          call('post', `${base}/phases/staging/pin`, auth).send({
            reason: 'freeze',
          }),
      },
      unpin: {
        eventId: 'phase-unpin',
        send: auth => call('delete', `${base}/phases/staging/pin`, auth),
      },
      approve: {
        eventId: 'approval',
        send: auth =>
          call('post', `${base}/phases/production/approvals`, auth).send({}),
      },
      publish: {
        eventId: 'version-publish',
        send: auth =>
          call('post', `${base}/phases/build/versions`, auth).send({
            version: '6.6.6',
          }),
      },
      refresh: {
        eventId: 'pipeline-refresh',
        send: auth => call('post', `${base}/refresh`, auth),
      },
    };

    function call(method: 'post' | 'delete', url: string, auth?: string) {
      const req = request(backend.server)[method](url);
      return auth ? req.set('authorization', auth) : req;
    }

    const reads = ['dry run', 'refresh'];
    const everyRoute = Object.keys(routes);
    const callers: [string, string | undefined, number, string[]][] = [
      ['anonymous', undefined, 401, []],
      ['a forged token', 'Bearer forged-token', 401, []],
      ['a user outside the owning team', as('bob'), 403, reads],
      ['a service without a grant', 'Bearer deployer-token', 403, reads],
      [
        'CI, granted only to publish',
        'Bearer ci-token',
        // It may not even read: as far as it knows, there is no pipeline.
        404,
        ['publish'],
      ],
    ];

    it.each(callers)(
      'refuses %s every write it may not make, audits each refusal, and changes nothing',
      async (_who, auth, refusal, allowed) => {
        const head = git(['-C', gitopsDir, 'rev-parse', 'main']);
        const viewBefore = (
          await request(backend.server)
            .get(base)
            .set('authorization', as('alice'))
        ).body;
        for (const name of everyRoute.filter(r => !allowed.includes(r))) {
          const { eventId, send } = routes[name];
          const audited = audit.length;
          const res = await send(auth);
          expect([name, res.status]).toEqual([name, refusal]);
          expect(audit.slice(audited)).toContainEqual(
            expect.objectContaining({ eventId, outcome: 'fail' }),
          );
          expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(head);
        }
        for (const name of allowed.filter(r => reads.includes(r))) {
          const res = await routes[name].send(auth);
          expect([name, res.status]).toEqual([name, 200]);
        }
        // Nothing was pinned, approved or published either.
        const viewAfter = (
          await request(backend.server)
            .get(base)
            .set('authorization', as('alice'))
        ).body;
        expect(
          viewAfter.phases.map((p: any) => [p.name, p.pin, p.state?.version]),
        ).toEqual(
          viewBefore.phases.map((p: any) => [p.name, p.pin, p.state?.version]),
        );
        expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(head);
      },
    );

    it('tells a service without a grant how to get one', async () => {
      const res = await routes.publish.send('Bearer deployer-token');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        "external:deployer may not create pipeline:default/checkout (glu.pipeline.publish): the service external:deployer has no grant for glu.pipeline.publish: name the permission in its token's access restrictions (backend.auth.externalAccess), or grant it under glu.serviceGrants",
      );
    });

    it('lets a member of the owning team make every write', async () => {
      expect((await routes['dry run'].send(as('alice'))).status).toBe(200);
      expect((await routes.pin.send(as('alice'))).status).toBe(200);
      expect((await routes.unpin.send(as('alice'))).status).toBe(204);
      // Allowed, and refused as input: checkout's production edge has no
      // approvals gate, so there is nothing to approve.
      const approval = await routes.approve.send(as('alice'));
      expect([approval.status, approval.body.error?.message]).toEqual([
        400,
        expect.stringContaining('has no approvals gate'),
      ]);
      expect((await routes.refresh.send(as('alice'))).status).toBe(200);
      const head = git(['-C', gitopsDir, 'rev-parse', 'main']);
      const rollback = await routes.rollback.send(as('alice'));
      expect(rollback.status).toBe(200);
      expect(rollback.body).toMatchObject({
        kind: 'rollback',
        status: 'succeeded',
      });
      expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).not.toBe(head);
      expect(audit).toContainEqual(
        expect.objectContaining({ eventId: 'rollback', outcome: 'success' }),
      );
    });
  });
});
