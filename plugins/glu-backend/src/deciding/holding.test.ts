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

const VALUES = `# Values for staging
image:
  repository: registry.example.com/acme/checkout
  tag: "1.0.0"
replicaCount: 2
`;

describe('a version the phase cannot hold', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'values.yaml': VALUES,
      'deployment.yaml': deploymentManifest('staging', '1.0.0'),
    });
  });

  afterEach(() => repo.cleanup());

  async function start(databaseId: any, format: string, path: string) {
    const glu = await startGlu({
      knex: await databases.init(databaseId),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          path,
          format: { type: format },
        }),
      ],
      pipeline: 'ledger',
      waitFor: ['staging'],
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const ci = ciAuthorization();
    const base = '/api/glu/pipelines/default/ledger';
    return {
      glu,
      publish: (body: Record<string, unknown>) =>
        request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ci)
          .send(body),
      view: async () =>
        (await request(glu.server).get(base).set('authorization', alice)).body,
      promote: (dryRun = false) =>
        request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging', dryRun }),
    };
  }

  it.each(databases.eachSupportedId())(
    'is blocked with the reason when a values file has no key for a digest, and a version with a tag still goes through, on %p',
    async databaseId => {
      const { glu, publish, view, promote } = await start(
        databaseId,
        'helm-values',
        'values.yaml',
      );
      try {
        const commits = await repo.log();
        const digest = `sha256:${'a'.repeat(64)}`;
        // A digest alone: the values file holds repository and tag only.
        expect((await publish({ digest })).body.changed).toBe(true);
        const blocked = await eventually(async () => {
          const body = await view();
          return body.phases[0].state?.digest === digest ? body : undefined;
        }, 'the published digest');
        expect(blocked.edges[0].status).toBe('blocked');
        expect(blocked.edges[0].reasons).toEqual([
          expect.stringMatching(
            /^staging cannot hold aaaaaaaaaaaa of build: the values file has no key for a digest; set digestKey/,
          ),
        ]);

        const dryRun = await promote(true);
        expect(dryRun.status).toBe(200);
        expect(dryRun.body).toMatchObject({
          status: 'blocked',
          reasons: blocked.edges[0].reasons,
          diff: '',
        });
        expect(dryRun.body.after).toBeUndefined();

        const refused = await promote();
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toContain('set digestKey');
        // Nothing written, nothing lost: the tag is still there.
        expect(await repo.log()).toEqual(commits);
        expect(await repo.show('values.yaml')).toBe(VALUES);

        // A version with an image and a tag goes through, as the tag.
        await publish({
          fields: {
            repository: 'registry.example.com/acme/checkout',
            tag: '1.1.0',
          },
          digest: `sha256:${'b'.repeat(64)}`,
        });
        await eventually(
          async () =>
            (await repo.show('values.yaml')).includes('tag: "1.1.0"')
              ? true
              : undefined,
          'the automatic promotion of 1.1.0',
        );
        expect(await repo.show('values.yaml')).toBe(
          VALUES.replace('"1.0.0"', '"1.1.0"'),
        );
        const after = await eventually(async () => {
          const body = await view();
          return body.edges[0].status === 'up-to-date' ? body : undefined;
        }, 'staging to be up to date');
        expect(after.phases[1].state).toMatchObject({
          version: '1.1.0',
          fields: {
            repository: 'registry.example.com/acme/checkout',
            tag: '1.1.0',
          },
        });
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'is blocked with the reason when a version without an image meets a kubernetes file, and a manual promotion answers 409, not 500, on %p',
    async databaseId => {
      const { glu, publish, view, promote } = await start(
        databaseId,
        'kubernetes',
        'deployment.yaml',
      );
      try {
        const commits = await repo.log();
        await publish({ version: '1.2.3' });
        const blocked = await eventually(async () => {
          const body = await view();
          return body.phases[0].state?.version === '1.2.3' ? body : undefined;
        }, 'the published version');
        expect(blocked.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [
            expect.stringMatching(
              /^staging cannot hold 1\.2\.3 of build: .*no image repository/,
            ),
          ],
        });
        const dryRun = await promote(true);
        expect(dryRun.body).toMatchObject({
          status: 'blocked',
          reasons: blocked.edges[0].reasons,
        });
        const refused = await promote();
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toBe(
          `The promotion of build into staging is blocked: ${blocked.edges[0].reasons[0]}`,
        );
        // No promotion was recorded as failed, and nothing was written.
        const promotions = await request(glu.server)
          .get('/api/glu/pipelines/default/ledger/promotions')
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          );
        expect(promotions.body.items).toEqual([]);
        expect(await repo.log()).toEqual(commits);
      } finally {
        await glu.stop();
      }
    },
  );
});
