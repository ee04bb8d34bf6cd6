import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import request from 'supertest';
import { ciAuthorization, startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { stagedPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });
const alice = mockCredentials.user.header('user:default/alice');
const base = '/api/glu/pipelines/default/checkout';
const BROKEN = 'version: 1.0.0\nversion: 2.0.0\n';
const PARSE_ERROR =
  'Could not read staging.yaml as yaml-path: the file is not valid YAML: map keys must be unique; "version" is given again at line 2, column 1';

describe('a phase whose file is broken', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging.yaml': 'version: 1.0.0\n',
      'production.yaml': 'version: 0.9.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'blocks its edges with the parse error in the view, the dry run, the write and automatic promotion, until a fixing commit makes them promotable again, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [stagedPipeline(repo.url)],
        // Refreshes happen when the test asks for them.
        config: { refreshInterval: { hours: 1 } },
        waitFor: ['staging', 'production'],
      });
      const post = (url: string, body: object = {}, auth = alice) =>
        request(glu.server).post(url).set('authorization', auth).send(body);
      const refresh = async () => {
        const res = await post(`${base}/refresh`);
        expect(res.status).toBe(200);
        return res.body;
      };
      const edge = (view: any, to: string) =>
        view.edges.find((e: any) => e.to === to);
      const promotions = async () =>
        (
          await request(glu.server)
            .get(`${base}/promotions`)
            .set('authorization', alice)
        ).body.items;
      try {
        expect(edge(await refresh(), 'production').status).toBe('promotable');

        // A person's commit breaks staging's file.
        const broken = await repo.commit({ 'staging.yaml': BROKEN }, 'Oops');
        const view = await refresh();
        const staging = view.phases.find((p: any) => p.name === 'staging');
        expect(staging.refreshError).toContain(PARSE_ERROR);
        // It keeps what it held, and says it cannot be read.
        expect(staging.state.version).toBe('1.0.0');
        expect(edge(view, 'production')).toMatchObject({
          status: 'blocked',
          reasons: [
            expect.stringContaining(`staging cannot be read: ${PARSE_ERROR}`),
          ],
        });
        expect(edge(view, 'staging')).toMatchObject({
          status: 'blocked',
          reasons: [
            'build has not been observed yet',
            expect.stringContaining(`staging cannot be read: ${PARSE_ERROR}`),
          ],
        });

        // The dry run says so, without a diff against the last good file.
        const dryRun = await post(`${base}/promotions`, {
          phase: 'production',
          dryRun: true,
        });
        expect(dryRun.status).toBe(200);
        expect(dryRun.body).toMatchObject({ status: 'blocked', diff: '' });
        expect(dryRun.body.reasons).toEqual([
          expect.stringContaining(`staging cannot be read: ${PARSE_ERROR}`),
        ]);
        // The write is refused the same way, before any record or commit.
        const promoted = await post(`${base}/promotions`, {
          phase: 'production',
        });
        expect(promoted.status).toBe(409);
        expect(promoted.body.error.message).toContain(
          `The promotion of staging into production is blocked: staging cannot be read: ${PARSE_ERROR}`,
        );

        // A repository that cannot be reached meanwhile tells nothing new:
        // the broken file it answered last still stands.
        await fs.rename(repo.bareDir, `${repo.bareDir}.away`);
        expect(edge(await refresh(), 'production')).toMatchObject({
          status: 'blocked',
          reasons: [
            expect.stringContaining(`staging cannot be read: ${PARSE_ERROR}`),
          ],
        });
        await fs.rename(`${repo.bareDir}.away`, repo.bareDir);

        // A version published meanwhile is not promoted into the broken file.
        const published = await post(
          `${base}/phases/build/versions`,
          { version: '1.1.0' },
          ciAuthorization(),
        );
        expect(published.status).toBe(200);
        const intoBroken = await post(`${base}/promotions`, {
          phase: 'staging',
          dryRun: true,
        });
        expect(intoBroken.body).toMatchObject({
          status: 'blocked',
          reasons: [
            expect.stringContaining(`staging cannot be read: ${PARSE_ERROR}`),
          ],
          after: { version: '1.1.0' },
          diff: '',
        });

        // The file as it was: the refresh that sees it makes the edges
        // promotable again, and promotes automatically at once.
        const fixed = await repo.commit(
          { 'staging.yaml': 'version: 1.0.0\n' },
          'Fix the staging file',
        );
        const healed = await refresh();
        const stagingNow = healed.phases.find((p: any) => p.name === 'staging');
        expect(stagingNow.refreshError).toBeUndefined();
        expect(stagingNow.state).toMatchObject({
          version: '1.1.0',
          cause: 'promotion',
          actor: 'glu:auto-promotion',
        });
        expect(edge(healed, 'staging').status).toBe('up-to-date');
        expect(edge(healed, 'production')).toMatchObject({
          status: 'promotable',
          reasons: [],
        });
        // Nothing was tried while it was broken: one promotion, after the fix.
        expect(await promotions()).toEqual([
          expect.objectContaining({
            to: 'staging',
            status: 'succeeded',
            trigger: 'auto',
            after: expect.objectContaining({ version: '1.1.0' }),
          }),
        ]);
        const log = await repo.log();
        expect(log.slice(0, 3).map(c => [c.sha, c.subject])).toEqual([
          [expect.any(String), 'glu: promote checkout staging to 1.1.0'],
          [fixed, 'Fix the staging file'],
          [broken, 'Oops'],
        ]);
        expect(await repo.show('staging.yaml')).toBe('version: 1.1.0\n');

        // A repository that cannot be reached blocks nothing: the write
        // finds out for itself.
        await fs.rename(repo.bareDir, `${repo.bareDir}.away`);
        const unreachable = await refresh();
        expect(
          unreachable.phases.find((p: any) => p.name === 'staging')
            .refreshError,
        ).toContain(`Could not fetch ${repo.url}`);
        expect(edge(unreachable, 'production').status).toBe('promotable');
        await fs.rename(`${repo.bareDir}.away`, repo.bareDir);
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'holding a value of the wrong form is a refresh error naming it, not a version to promote, on %p',
    async databaseId => {
      const values = (tag: string) =>
        `image:\n  repository: registry.example.com/acme/checkout\n  tag: ${JSON.stringify(
          tag,
        )}\n`;
      await repo.commit(
        {
          'staging.yaml': values('1.0.0'),
          'production.yaml': values('1.0.0'),
        },
        'Values files',
      );
      const phase = (name: string) => ({
        type: 'git',
        repository: repo.url,
        path: `${name}.yaml`,
        format: { type: 'helm-values' },
      });
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          {
            apiVersion: 'glu.dev/v1alpha1',
            kind: 'Pipeline',
            metadata: { name: 'checkout', namespace: 'default' },
            spec: {
              owner: 'group:default/team-checkout',
              phases: [
                { name: 'staging', source: phase('staging') },
                {
                  name: 'production',
                  source: phase('production'),
                  promotion: { from: 'staging', auto: true },
                },
              ],
            },
          },
        ],
        config: { refreshInterval: { hours: 1 } },
      });
      const refresh = async () =>
        (
          await request(glu.server)
            .post(`${base}/refresh`)
            .set('authorization', alice)
        ).body;
      try {
        const commits = await repo.log();
        // Someone writes a shell command where the tag goes.
        await repo.commit(
          { 'staging.yaml': values('2.0.0 ; rm -rf /') },
          'A tag of the wrong form',
        );
        const view = await refresh();
        const problem =
          'tag "2.0.0 ; rm -rf /" is not an image tag: at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"';
        expect(view.phases[0].refreshError).toBe(
          `The git source read a version that is not valid: ${problem}`,
        );
        expect(view.phases[0].state.version).toBe('1.0.0');
        expect(view.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [expect.stringContaining(problem)],
        });
        const promoted = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'production' });
        expect(promoted.status).toBe(409);
        expect(promoted.body.error.message).toContain(problem);
        // Automatic promotion, which the refresh set off, never wrote it.
        expect(await repo.show('production.yaml')).toBe(values('1.0.0'));
        expect(await repo.log()).toHaveLength(commits.length + 1);
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'can be rolled back to a state it held, which mends the file, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [stagedPipeline(repo.url)],
        config: { refreshInterval: { hours: 1 } },
        waitFor: ['staging', 'production'],
      });
      const post = (url: string, body: object = {}) =>
        request(glu.server).post(url).set('authorization', alice).send(body);
      try {
        await repo.commit({ 'staging.yaml': BROKEN }, 'Oops');
        await post(`${base}/refresh`);
        const history = await request(glu.server)
          .get(`${base}/phases/staging/history`)
          .set('authorization', alice);
        const good = history.body.items[0];
        expect(good.version).toBe('1.0.0');

        const rollback = await post(`${base}/phases/staging/rollback`, {
          historyId: good.id,
        });
        expect(rollback.status).toBe(200);
        expect(rollback.body).toMatchObject({
          kind: 'rollback',
          status: 'succeeded',
        });
        expect(await repo.show('staging.yaml')).toBe('version: 1.0.0\n');
        const view = (
          await request(glu.server).get(base).set('authorization', alice)
        ).body;
        expect(view.phases[1].refreshError).toBeUndefined();
        expect(view.edges[1]).toMatchObject({
          from: 'staging',
          status: 'promotable',
        });
      } finally {
        await glu.stop();
      }
    },
  );
});
