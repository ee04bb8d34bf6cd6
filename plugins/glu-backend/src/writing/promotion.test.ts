import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import path from 'node:path';
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

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const STAGING = 'env/staging/deployment.yaml';
const PRODUCTION = 'env/production/deployment.yaml';
const alice = mockCredentials.user('user:default/alice');

function pipelineEntity(repository: string): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default', title: 'Checkout' },
    spec: {
      owner: 'group:default/team-checkout',
      components: ['component:default/checkout'],
      phases: [
        {
          name: 'staging',
          source: {
            type: 'git',
            repository,
            path: STAGING,
            format: 'kubernetes',
          },
        },
        {
          name: 'production',
          source: {
            type: 'git',
            repository,
            path: PRODUCTION,
            format: { type: 'kubernetes', container: 'checkout' },
          },
          promotion: { from: 'staging' },
        },
      ],
    },
  };
}

function promote(
  server: any,
  body: Record<string, unknown>,
  user = 'user:default/alice',
) {
  return request(server)
    .post('/api/glu/pipelines/default/checkout/promotions')
    .set('authorization', mockCredentials.user.header(user))
    .send(body);
}

function get(server: any, url: string) {
  return request(server)
    .get(url)
    .set(
      'authorization',
      mockCredentials.user.header(alice.principal.userEntityRef),
    );
}

describe('promotion by commit', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      [STAGING]: deploymentManifest('staging', '1.5.0'),
      [PRODUCTION]: deploymentManifest('production', '1.4.0'),
    });
  });

  afterEach(async () => {
    await repo.cleanup();
  });

  it.each(databases.eachSupportedId())(
    'promotes staging to production with one commit of one line, then has nothing to do, and sees a hand commit, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [pipelineEntity(repo.url)],
      });
      try {
        const pipeline = await get(
          glu.server,
          '/api/glu/pipelines/default/checkout',
        );
        expect(
          pipeline.body.phases.map((p: any) => [p.name, p.state.version]),
        ).toEqual([
          ['staging', '1.5.0'],
          ['production', '1.4.0'],
        ]);
        expect(pipeline.body.edges).toEqual([
          {
            from: 'staging',
            to: 'production',
            strategy: 'commit',
            auto: false,
            status: 'promotable',
            reasons: [],
            gates: [],
          },
        ]);

        // A dry run shows the diff and writes nothing.
        const dryRun = await promote(glu.server, {
          phase: 'production',
          dryRun: true,
        });
        expect(dryRun.status).toBe(200);
        expect(dryRun.body).toMatchObject({
          status: 'promotable',
          before: { version: '1.4.0' },
          after: { version: '1.5.0' },
        });
        expect(dryRun.body.diff).toContain(
          '-          image: registry.example.com/acme/checkout:1.4.0\n+          image: registry.example.com/acme/checkout:1.5.0',
        );
        const commitsBefore = await repo.log();

        const first = await promote(glu.server, { phase: 'production' });
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({
          from: 'staging',
          to: 'production',
          status: 'succeeded',
          before: { version: '1.4.0' },
          after: { version: '1.5.0' },
          triggeredBy: 'user:default/alice',
          trigger: 'manual',
        });
        const commits = await repo.log();
        expect(commits).toHaveLength(commitsBefore.length + 1);
        expect(commits[0]).toMatchObject({
          sha: first.body.commitSha,
          subject: 'glu: promote Checkout production to 1.5.0',
          author: 'Glu',
        });
        // Exactly one line changed, in the production file only.
        expect(await repo.numstat(first.body.commitSha)).toEqual([
          { added: 1, removed: 1, file: PRODUCTION },
        ]);
        expect(await repo.show(PRODUCTION)).toBe(
          deploymentManifest('production', '1.5.0'),
        );
        expect(glu.auditEvents).toContainEqual(
          expect.objectContaining({ eventId: 'promotion', outcome: 'success' }),
        );

        // Equal digests: nothing to do, answered as such.
        const again = await promote(glu.server, { phase: 'production' });
        expect(again.status).toBe(200);
        expect(again.body.status).toBe('up-to-date');
        expect(await repo.log()).toHaveLength(commits.length);

        // Someone commits to production by hand; the next poll records it.
        const hotfix = await repo.commit(
          { [PRODUCTION]: deploymentManifest('production', '1.5.1-hotfix') },
          'Hotfix production',
        );
        const history = await eventually(async () => {
          const res = await get(
            glu.server,
            '/api/glu/pipelines/default/checkout/phases/production/history',
          );
          return res.body.items[0]?.commitSha === hotfix ? res.body : undefined;
        }, 'the hand commit in the history');
        expect(
          history.items.map((e: any) => [e.version, e.cause, e.actor]),
        ).toEqual([
          ['1.5.1-hotfix', 'commit', 'Dana Developer <dana@example.com>'],
          ['1.5.0', 'promotion', 'user:default/alice'],
          ['1.4.0', 'observed', 'Dana Developer <dana@example.com>'],
        ]);
        expect(history.items[1].promotionId).toBe(first.body.id);

        const promotions = await get(
          glu.server,
          '/api/glu/pipelines/default/checkout/promotions',
        );
        expect(promotions.body.items.map((p: any) => p.status)).toEqual([
          'up-to-date',
          'succeeded',
        ]);
        const one = await get(
          glu.server,
          `/api/glu/promotions/${first.body.id}`,
        );
        expect(one.body).toEqual(first.body);
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'serializes twenty concurrent promotions into one commit, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [pipelineEntity(repo.url)],
      });
      try {
        const before = await repo.log();
        const responses = await Promise.all(
          Array.from({ length: 20 }, () =>
            promote(glu.server, { phase: 'production' }),
          ),
        );
        expect(responses.map(r => r.status)).toEqual(Array(20).fill(200));
        const statuses = responses.map(r => r.body.status).sort();
        expect(statuses).toEqual([
          'succeeded',
          ...Array(19).fill('up-to-date'),
        ]);
        expect(await repo.log()).toHaveLength(before.length + 1);
      } finally {
        await glu.stop();
      }
    },
  );

  it('fetches and applies again when the remote moved before the push', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipelineEntity(repo.url)],
    });
    try {
      // The first push finds the branch moved by someone else, as in a race.
      const hook = path.join(repo.bareDir, 'hooks', 'pre-receive');
      await fs.writeFile(
        hook,
        `#!/bin/sh
marker="$GIT_DIR/raced"
[ -f "$marker" ] && exit 0
touch "$marker"
(
  unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
  old=$(git rev-parse refs/heads/main)
  export GIT_INDEX_FILE="$GIT_DIR/race-index"
  git read-tree "$old"
  blob=$(echo "someone else" | git hash-object -w --stdin)
  git update-index --add --cacheinfo 100644,$blob,OTHER.md
  tree=$(git write-tree)
  new=$(GIT_AUTHOR_NAME=Other GIT_AUTHOR_EMAIL=o@example.com GIT_COMMITTER_NAME=Other GIT_COMMITTER_EMAIL=o@example.com git commit-tree "$tree" -p "$old" -m "Someone else pushed first")
  git update-ref refs/heads/main "$new" "$old"
) >&2
exit 0
`,
        { mode: 0o755 },
      );
      const res = await promote(glu.server, { phase: 'production' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('succeeded');
      const commits = await repo.log();
      // Never forced: the other commit stays, under Glu's.
      expect(commits.slice(0, 2).map(c => c.subject)).toEqual([
        'glu: promote Checkout production to 1.5.0',
        'Someone else pushed first',
      ]);
      expect(await repo.show('OTHER.md')).toBe('someone else\n');
      expect(await repo.show(PRODUCTION)).toBe(
        deploymentManifest('production', '1.5.0'),
      );
    } finally {
      await glu.stop();
    }
  });

  it('refuses a promotion the caller may not make, audits it and changes nothing', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipelineEntity(repo.url)],
      denied: ['glu.pipeline.promote'],
    });
    try {
      const before = await repo.log();
      const res = await promote(
        glu.server,
        { phase: 'production' },
        'user:default/bob',
      );
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          'user:default/bob may not update pipeline:default/checkout (glu.pipeline.promote)',
      });
      expect(await repo.log()).toEqual(before);
      expect(glu.auditEvents).toContainEqual(
        expect.objectContaining({ eventId: 'promotion', outcome: 'fail' }),
      );
    } finally {
      await glu.stop();
    }
  });

  it('answers bad input with 400 and unknown things with 404', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipelineEntity(repo.url)],
    });
    try {
      expect((await promote(glu.server, {})).status).toBe(400);
      expect(
        (await promote(glu.server, { phase: 'staging' })).body.error.message,
      ).toBe('The phase staging has no promotion: nothing promotes into it');
      expect((await promote(glu.server, { phase: 'qa' })).status).toBe(404);
      expect(
        (await get(glu.server, '/api/glu/pipelines/default/nope')).status,
      ).toBe(404);
      expect((await get(glu.server, '/api/glu/promotions/nope')).status).toBe(
        404,
      );
      expect((await get(glu.server, '/api/glu/pipelines?limit=0')).status).toBe(
        400,
      );
    } finally {
      await glu.stop();
    }
  });

  it("lists a user's own pipelines with mine: theirs and their groups'", async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipelineEntity(repo.url)],
      memberships: { 'user:default/alice': ['group:default/team-checkout'] },
    });
    try {
      const mine = (user: string) =>
        request(glu.server)
          .get('/api/glu/pipelines?mine=true')
          .set('authorization', mockCredentials.user.header(user));
      expect(
        (await mine('user:default/alice')).body.items.map((p: any) => p.ref),
      ).toEqual(['pipeline:default/checkout']);
      expect((await mine('user:default/bob')).body.items).toEqual([]);
      const service = await request(glu.server)
        .get('/api/glu/pipelines?mine=true')
        .set('authorization', ciAuthorization());
      expect(service.status).toBe(400);
      expect(service.body.error.message).toMatch(/needs a user's token/);
      const both = await get(
        glu.server,
        '/api/glu/pipelines?mine=true&owner=group:default/team-checkout',
      );
      expect(both.status).toBe(400);
    } finally {
      await glu.stop();
    }
  });
});
