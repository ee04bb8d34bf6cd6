import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ciAuthorization, LogRecord, startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('refused writes', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 0.9.0\n' });
  });

  afterEach(() => repo.cleanup());

  it('are in the log at the default level with the caller and the reason, and dry runs that go through are not', async () => {
    const logs: LogRecord[] = [];
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          promotion: { from: 'build' },
        }),
      ],
      pipeline: 'ledger',
      waitFor: ['staging'],
      logs,
      // Mallory may not see the pipeline; Bob may see it, not promote.
      denied: (permission, caller) =>
        caller === 'user:default/mallory' ||
        (caller === 'user:default/bob' &&
          permission === 'glu.pipeline.promote'),
    });
    const promote = (body: object, authorization?: string) => {
      const req = request(glu.server)
        .post('/api/glu/pipelines/default/ledger/promotions')
        .send(body);
      return authorization ? req.set('authorization', authorization) : req;
    };
    /** What the log says of an audited write. */
    const about = (eventId: string) => logs.filter(r => r.eventId === eventId);
    try {
      const published = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/build/versions')
        .set('authorization', ciAuthorization())
        .send({ version: '1.0.0' });
      expect(published.status).toBe(200);
      const dryRun = { phase: 'staging', dryRun: true };
      const allowed = await promote(
        dryRun,
        mockCredentials.user.header('user:default/alice'),
      );
      expect(allowed.status).toBe(200);
      // A dry run that went through stays out of the log.
      expect(about('promotion-dry-run')).toEqual([]);

      const hidden = await promote(
        dryRun,
        mockCredentials.user.header('user:default/mallory'),
      );
      // Mallory is not told that the pipeline exists; the log says why.
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(
        'No pipeline pipeline:default/ledger',
      );
      const unidentified = await promote(
        dryRun,
        mockCredentials.user.invalidHeader(),
      );
      expect(unidentified.status).toBe(401);
      const notAllowed = await promote(
        { phase: 'staging' },
        mockCredentials.user.header('user:default/bob'),
      );
      expect(notAllowed.status).toBe(403);

      const warnings = (eventId: string) =>
        about(eventId).filter(r => r.level === 'warn');
      expect(warnings('promotion-dry-run')).toEqual([
        expect.objectContaining({
          message:
            'Refused promotion-dry-run to user:default/mallory: user:default/mallory may not read pipeline:default/ledger (glu.pipeline.read)',
          plugin: 'glu',
          caller: 'user:default/mallory',
          pipeline: 'pipeline:default/ledger',
          phase: 'staging',
        }),
        expect.objectContaining({
          message:
            'Refused promotion-dry-run to a caller with invalid credentials: User token is invalid',
          caller: 'a caller with invalid credentials',
          request: 'POST /api/glu/pipelines/default/ledger/promotions',
        }),
      ]);
      expect(warnings('promotion')).toEqual([
        expect.objectContaining({
          message:
            'Refused promotion to user:default/bob: user:default/bob may not update pipeline:default/ledger (glu.pipeline.promote)',
          caller: 'user:default/bob',
        }),
      ]);
    } finally {
      await glu.stop();
    }
  });
});
