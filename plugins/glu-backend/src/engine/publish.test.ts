import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('versions published to an api phase', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'values.yaml':
        '# Ledger settings\nledger:\n  version: 3.0.0 # set by Glu\n  replicas: 2\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('become the phase state and move automatic edges, without any polling', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          path: 'values.yaml',
          key: 'ledger.version',
        }),
      ],
      pipeline: 'ledger',
      // Polls far apart: what moves here is the publish itself.
      config: { refreshInterval: { hours: 1 } },
      waitFor: ['staging'],
    });
    const ci = ciAuthorization();
    const publish = (phase: string, body: object) =>
      request(glu.server)
        .post(`/api/glu/pipelines/default/ledger/phases/${phase}/versions`)
        .set('authorization', ci)
        .send(body);
    try {
      const res = await publish('build', {
        version: '3.1.0',
        url: 'https://ci.example.com/build/42',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        changed: true,
        state: {
          version: '3.1.0',
          cause: 'published',
          actor: 'external:ci',
          commitUrl: 'https://ci.example.com/build/42',
        },
      });
      await eventually(async () => {
        const values = await repo.show('values.yaml');
        return values.includes('version: 3.1.0 # set by Glu')
          ? values
          : undefined;
      }, 'the automatic promotion into staging');

      expect((await publish('build', { version: '3.1.0' })).body.changed).toBe(
        false,
      );
      const wrong = await publish('staging', { version: '3.2.0' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toBe(
        'The phase staging reads from a git source; versions are published only to api phases',
      );
      expect((await publish('build', {})).status).toBe(400);
      expect((await publish('qa', { version: '1' })).status).toBe(404);
    } finally {
      await glu.stop();
    }
  });
});
