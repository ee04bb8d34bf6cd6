import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { eventually, startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('signals to the portal', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it('tell the portal which pipeline changed, after a refresh that saw a change and after a write', async () => {
    const published: { channel: string; message: unknown }[] = [];
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [ledgerPipeline({ repository: repo.url, promotion: false })],
      pipeline: 'ledger',
      features: [
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async signal => {
              published.push(signal);
            },
          }),
        }),
      ],
    });
    const signal = {
      recipients: { type: 'broadcast' },
      channel: 'glu:pipelines',
      message: { pipelineRefs: ['pipeline:default/ledger'] },
    };
    try {
      // The first observation is a change.
      await eventually(
        async () => (published.length > 0 ? true : undefined),
        'a signal',
      );
      expect(published[0]).toEqual(signal);

      // Unchanged refreshes say nothing (once the start's own signals, of
      // the catalog's pipelines and their first states, are out).
      await new Promise(resolve => setTimeout(resolve, 500));
      const quiet = published.length;
      await new Promise(resolve => setTimeout(resolve, 2500));
      expect(published.length).toBe(quiet);

      // A commit by hand is seen, and signalled.
      await repo.commit({ 'VERSION.yaml': 'version: 1.1.0\n' }, 'Bump');
      await eventually(
        async () => (published.length > quiet ? true : undefined),
        'a signal after the commit',
      );

      // So is a pin.
      const before = published.length;
      const res = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/staging/pin')
        .set('authorization', mockCredentials.user.header('user:default/alice'))
        .send({ reason: 'freeze' });
      expect(res.status).toBe(200);
      await eventually(
        async () => (published.length > before ? true : undefined),
        'a signal after the pin',
      );
      expect(published.length).toBe(before + 1);
      expect(published[published.length - 1]).toEqual(signal);
    } finally {
      await glu.stop();
    }
  });
});
