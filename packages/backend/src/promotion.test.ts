/*
 * Promotion in the example backend: only the owning team promotes, by one
 * commit of one line, and CI publishes with its service token.
 */
import request from 'supertest';
import {
  as,
  audit,
  backend,
  describeExampleBackend,
  eventually,
  git,
  gitopsDir,
  PRODUCTION,
  untilObserved,
} from './__testUtils__/exampleBackend';

describeExampleBackend(() => {
  beforeAll(untilObserved);

  it('refuses the promotion to someone outside the owning team, and changes nothing', async () => {
    const before = git(['-C', gitopsDir, 'rev-parse', 'main']);
    const res = await request(backend.server)
      .post('/api/glu/pipelines/default/checkout/promotions')
      .set('authorization', as('bob'))
      .send({ phase: 'production' });
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(audit).toContainEqual(
      expect.objectContaining({ eventId: 'promotion', outcome: 'fail' }),
    );
    expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(before);
  });

  it('lets a member of the owning team promote, by one commit of one line', async () => {
    const res = await request(backend.server)
      .post('/api/glu/pipelines/default/checkout/promotions')
      .set('authorization', as('alice'))
      .send({ phase: 'production' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      triggeredBy: 'user:default/alice',
      after: { version: '1.5.0' },
    });
    expect(
      git(['-C', gitopsDir, 'show', '--numstat', '--format=', 'main']).trim(),
    ).toBe(`1\t1\t${PRODUCTION}`);
    expect(audit).toContainEqual(
      expect.objectContaining({ eventId: 'promotion', outcome: 'success' }),
    );
  });

  it('lets CI publish a version with a service token, which staging then gets by itself', async () => {
    const refused = await request(backend.server)
      .post('/api/glu/pipelines/default/checkout/phases/build/versions')
      .set('authorization', as('bob'))
      .send({ version: '9.9.9' });
    expect(refused.status).toBe(403);

    // The static token of CI, granted to read and publish.
    const ci = 'Bearer ci-token';
    const published = await request(backend.server)
      .post('/api/glu/pipelines/default/checkout/phases/build/versions')
      .set('authorization', ci)
      .send({
        fields: {
          repository: 'registry.example.com/acme/checkout',
          tag: '1.6.0',
        },
        message: 'Built by CI',
      });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      changed: true,
      state: { version: '1.6.0', cause: 'published', actor: 'external:ci' },
    });
    await eventually(async () => {
      const staging = git([
        '-C',
        gitopsDir,
        'show',
        'main:env/staging/deployment.yaml',
      ]);
      return staging.includes('registry.example.com/acme/checkout:1.6.0')
        ? true
        : undefined;
    }, 'staging to get the published version');

    // The same version again changes nothing.
    const again = await request(backend.server)
      .post('/api/glu/pipelines/default/checkout/phases/build/versions')
      .set('authorization', ci)
      .send({
        fields: {
          repository: 'registry.example.com/acme/checkout',
          tag: '1.6.0',
        },
      });
    expect(again.body.changed).toBe(false);
  });
});
