import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { eventually, startGlu } from '../__testUtils__/backend';
import {
  createGitFixture,
  deploymentManifest,
  GitFixture,
} from '../__testUtils__/git';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });
const FILE = 'env/production/deployment.yaml';

function pipeline(repository: string): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      owner: 'group:default/team-checkout',
      phases: [
        {
          name: 'production',
          source: { type: 'git', repository, path: FILE, format: 'kubernetes' },
        },
      ],
    },
  };
}

describe('rollback', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      [FILE]: deploymentManifest('production', '1.0.0'),
    });
  });

  afterEach(() => repo.cleanup());

  it('restores the file content of an entry three states back exactly, by commit, and can pin it there', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(repo.url)],
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const base = '/api/glu/pipelines/default/checkout';
    const history = async () =>
      (
        await request(glu.server)
          .get(`${base}/phases/production/history`)
          .set('authorization', alice)
      ).body.items;
    try {
      // The list filters by any of several owners, e.g. a person's groups.
      const owned = async (query: string) =>
        (
          await request(glu.server)
            .get(`/api/glu/pipelines?${query}`)
            .set('authorization', alice)
        ).body.items.map((p: any) => p.name);
      expect(await owned('owner=group%3Adefault%2Fteam-checkout')).toEqual([
        'checkout',
      ]);
      expect(
        await owned(
          'owner=user%3Adefault%2Falice&owner=group%3Adefault%2Fteam-checkout',
        ),
      ).toEqual(['checkout']);
      expect(await owned('owner=group%3Adefault%2Fteam-platform')).toEqual([]);

      // Three more states, each with other changes beside the version.
      const contents = [deploymentManifest('production', '1.0.0')];
      for (const [i, tag] of ['1.1.0', '1.2.0', '1.3.0'].entries()) {
        const content = deploymentManifest('production', tag).replace(
          'replicas: 2',
          `replicas: ${3 + i}`,
        );
        contents.push(content);
        await repo.commit({ [FILE]: content }, `Release ${tag}`);
        await eventually(
          async () =>
            (await history())[0]?.version === tag ? true : undefined,
          `${tag} in the history`,
        );
      }
      const entries = await history();
      expect(entries.map((e: any) => e.version)).toEqual([
        '1.3.0',
        '1.2.0',
        '1.1.0',
        '1.0.0',
      ]);
      const target = entries[3];

      // The difference between any two entries.
      const diff = await request(glu.server)
        .get(`${base}/phases/production/diff`)
        .query({ from: target.id, to: entries[0].id })
        .set('authorization', alice);
      expect(diff.status).toBe(200);
      expect(diff.body.from.version).toBe('1.0.0');
      expect(diff.body.to.version).toBe('1.3.0');
      expect(diff.body.diff).toContain('-  replicas: 2 # scaled by the HPA');
      expect(diff.body.diff).toContain('+  replicas: 5 # scaled by the HPA');
      expect(diff.body.diff).toContain(
        '+          image: registry.example.com/acme/checkout:1.3.0',
      );

      const res = await request(glu.server)
        .post(`${base}/phases/production/rollback`)
        .set('authorization', alice)
        .send({ historyId: target.id, pin: { reason: 'bad release' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        kind: 'rollback',
        status: 'succeeded',
        before: { version: '1.3.0' },
        after: { version: '1.0.0', digest: target.digest },
        triggeredBy: 'user:default/alice',
      });
      // Exactly the content of that state, not only its version.
      expect(await repo.show(FILE)).toBe(contents[0]);
      expect((await repo.log())[0].subject).toBe(
        'glu: roll back checkout production to 1.0.0',
      );
      const after = await history();
      expect(after[0]).toMatchObject({
        version: '1.0.0',
        cause: 'rollback',
        promotionId: res.body.id,
      });
      const view = await request(glu.server)
        .get(base)
        .set('authorization', alice);
      expect(view.body.phases[0].pin).toMatchObject({
        version: '1.0.0',
        reason: 'bad release',
      });

      // Another phase's entry, or no such entry, is not a state of this phase.
      const unknown = await request(glu.server)
        .post(`${base}/phases/production/rollback`)
        .set('authorization', alice)
        .send({ historyId: '999999' });
      expect(unknown.status).toBe(404);
    } finally {
      await glu.stop();
    }
  });

  it.each(databases.eachSupportedId())(
    'records a commit that kept the version, and shows exactly what a rollback will commit against the file as it is, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [pipeline(repo.url)],
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const base = '/api/glu/pipelines/default/checkout';
      const history = async () =>
        (
          await request(glu.server)
            .get(`${base}/phases/production/history`)
            .set('authorization', alice)
        ).body.items;
      const rollback = (body: Record<string, unknown>) =>
        request(glu.server)
          .post(`${base}/phases/production/rollback`)
          .set('authorization', alice)
          .send(body);
      try {
        const original = deploymentManifest('production', '1.0.0');
        // A release, then someone scales production by hand: same version.
        await repo.commit(
          { [FILE]: deploymentManifest('production', '1.1.0') },
          'Release 1.1.0',
        );
        await eventually(
          async () =>
            (await history())[0]?.version === '1.1.0' ? true : undefined,
          '1.1.0 in the history',
        );
        const scaled = deploymentManifest('production', '1.1.0').replace(
          'replicas: 2',
          'replicas: 7',
        );
        const scale = await repo.commit({ [FILE]: scaled }, 'Scale to 7');
        const entries = await eventually(async () => {
          const items = await history();
          return items[0]?.commitSha === scale ? items : undefined;
        }, 'the scaling commit in the history');
        expect(
          entries.map((e: any) => [e.version, e.cause, e.keptVersion ?? false]),
        ).toEqual([
          ['1.1.0', 'commit', true],
          ['1.1.0', 'commit', false],
          ['1.0.0', 'observed', false],
        ]);
        expect(entries[0]).toMatchObject({
          message: 'Scale to 7',
          actor: 'Dana Developer <dana@example.com>',
        });

        // The preview is the diff against the file as it is now: it shows
        // that going back to 1.0.0 also undoes the scaling.
        const target = entries[2];
        const preview = await rollback({ historyId: target.id, dryRun: true });
        expect(preview.status).toBe(200);
        expect(preview.body).toMatchObject({
          kind: 'rollback',
          from: 'production',
          to: 'production',
          status: 'promotable',
          reasons: [],
          fromVersion: { version: '1.0.0' },
          before: { version: '1.1.0' },
          after: { version: '1.0.0' },
          path: FILE,
        });
        expect(preview.body.diff).toContain(
          '-  replicas: 7 # scaled by the HPA',
        );
        expect(preview.body.diff).toContain(
          '+  replicas: 2 # scaled by the HPA',
        );

        const done = await rollback({ historyId: target.id });
        expect(done.body.status).toBe('succeeded');
        expect(await repo.show(FILE)).toBe(original);
        // What it committed is exactly what it showed.
        const committed = await repo.diff(
          `${done.body.commitSha}~1`,
          done.body.commitSha,
          FILE,
        );
        expect(hunks(committed)).toEqual(hunks(preview.body.diff));

        // Back to the scaled state: same version as 1.1.0, other content.
        const forward = await rollback({
          historyId: entries[0].id,
          dryRun: true,
        });
        expect(forward.body.status).toBe('promotable');
        await rollback({ historyId: entries[0].id });
        expect(await repo.show(FILE)).toBe(scaled);
        // Now it holds that state: nothing to do.
        const again = await rollback({
          historyId: entries[0].id,
          dryRun: true,
        });
        expect(again.body).toMatchObject({ status: 'up-to-date', diff: '' });
      } finally {
        await glu.stop();
      }
    },
  );
});

/** The changed lines of a unified diff, without its headers. */
function hunks(diff: string): string[] {
  return diff
    .split('\n')
    .filter(line => /^[-+ ]/.test(line) && !/^(---|\+\+\+) /.test(line));
}
