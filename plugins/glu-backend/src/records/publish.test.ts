import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import {
  createGitFixture,
  deploymentManifest,
  GitFixture,
} from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

describe('versions published to an api phase', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'values.yaml':
        '# Ledger settings\nledger:\n  version: 3.0.0 # set by Glu\n  replicas: 2\n',
    });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'are refused with a 400 naming the field when a digest, tag, version or repository is malformed, and nothing is written, on %p',
    async databaseId => {
      await repo.commit(
        { 'deployment.yaml': deploymentManifest('staging', '1.0.0') },
        'The staging manifest',
      );
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          ledgerPipeline({
            repository: repo.url,
            path: 'deployment.yaml',
            format: { type: 'kubernetes' },
          }),
        ],
        pipeline: 'ledger',
        config: { refreshInterval: { hours: 1 } },
        waitFor: ['staging'],
      });
      const publish = (body: object) =>
        request(glu.server)
          .post('/api/glu/pipelines/default/ledger/phases/build/versions')
          .set('authorization', ciAuthorization())
          .send(body);
      const image = 'registry.example.com/acme/checkout';
      const good = `sha256:${'a'.repeat(64)}`;
      try {
        const commits = await repo.log();
        const refused: Array<[object, string]> = [
          [
            {
              fields: { repository: image, tag: '2.2.0' },
              digest: 'sha256:xyz',
            },
            'digest "sha256:xyz" is not a sha256 digest: after "sha256:" come 64 lowercase hex characters',
          ],
          [
            { fields: { repository: image, digest: 'not-a-digest' } },
            'digest "not-a-digest" is not a digest: write it as sha256: and 64 lowercase hex characters, or sha512: and 128',
          ],
          [
            { fields: { repository: image, digest: 'md5:abc' } },
            'digest "md5:abc" uses the algorithm md5, which is not a registered one',
          ],
          [
            { fields: { repository: image, tag: '2.2.0 ; rm -rf /' } },
            'tag "2.2.0 ; rm -rf /" is not an image tag: at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"',
          ],
          [
            { fields: { repository: image, tag: '2.2.0\nimage: evil' } },
            'tag holds a control character (U+000A); remove it',
          ],
          [
            {
              fields: { repository: 'Registry.example.com/Acme', tag: '2.2.0' },
            },
            'repository "Registry.example.com/Acme" is not an image repository: "Acme" is not a path component',
          ],
          [
            { version: '2.2.0\u0007', digest: good },
            'version holds a control character (U+0007); remove it',
          ],
          [
            { version: 'not a version!!' },
            'version "not a version!!" is not a version: at most 128 letters, digits, "_", ".", "-" and "+"',
          ],
          [
            { fields: { version: '../2.2.0' } },
            'version "../2.2.0" is not a version',
          ],
        ];
        for (const [body, message] of refused) {
          const res = await publish(body);
          expect({ body, status: res.status }).toEqual({ body, status: 400 });
          expect(res.body.error.name).toBe('InputError');
          expect(res.body.error.message).toContain(message);
        }
        // Nothing became build's state, so nothing was promoted.
        const history = await request(glu.server)
          .get('/api/glu/pipelines/default/ledger/phases/build/history')
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          );
        expect(history.body.items).toEqual([]);

        // A version of good form goes through, and is the only commit.
        const res = await publish({
          fields: { repository: image, tag: '2.2.0', digest: good },
        });
        expect(res.status).toBe(200);
        const manifest = await eventually(async () => {
          const content = await repo.show('deployment.yaml');
          return content.includes(`image: ${image}:2.2.0@${good}`)
            ? content
            : undefined;
        }, 'the automatic promotion of the good version');
        expect(manifest).toBe(deploymentManifest('staging', `2.2.0@${good}`));
        expect(await repo.log()).toHaveLength(commits.length + 1);
      } finally {
        await glu.stop();
      }
    },
  );

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
