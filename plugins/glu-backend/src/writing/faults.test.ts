import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { gitProcesses, startSilentGitHost } from '../__testUtils__/faults';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });
const alice = mockCredentials.user.header('user:default/alice');
const base = '/api/glu/pipelines/default/ledger';

/** A pipeline named `name`, of the ledger's shape, on another repository. */
function ledgerNamed(name: string, repository: string) {
  const entity = ledgerPipeline({ repository });
  entity.metadata.name = name;
  return entity;
}

describe('faults', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  async function start(databaseId: any, extra: any = {}) {
    const glu = await startGlu({
      knex: await databases.init(databaseId),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          promotion: { from: 'build' },
        }),
        ...(extra.entities ?? []),
      ],
      pipeline: 'ledger',
      waitFor: ['staging'],
      config: extra.config,
    });
    const publish = (version: string, pipeline = 'ledger') =>
      request(glu.server)
        .post(`/api/glu/pipelines/default/${pipeline}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version });
    const promote = (pipeline = 'ledger') =>
      request(glu.server)
        .post(`/api/glu/pipelines/default/${pipeline}/promotions`)
        .set('authorization', alice)
        .send({ phase: 'staging' });
    const promotions = async (pipeline = 'ledger') =>
      (
        await request(glu.server)
          .get(`/api/glu/pipelines/default/${pipeline}/promotions`)
          .set('authorization', alice)
      ).body.items;
    return { glu, publish, promote, promotions };
  }

  it.each(databases.eachSupportedId())(
    'a push that the remote refuses fails at once with what the remote said, tried once, on %p',
    async databaseId => {
      const { glu, publish, promote, promotions } = await start(databaseId);
      try {
        const hook = path.join(repo.bareDir, 'hooks', 'pre-receive');
        await fs.writeFile(
          hook,
          `#!/bin/sh
echo tried >> "$GIT_DIR/hook-runs"
echo "protected branch: main needs a review" >&2
exit 1
`,
          { mode: 0o755 },
        );
        const commits = await repo.log();
        await publish('1.1.0');
        const res = await promote();
        expect(res.status).toBe(409);
        expect(res.body.error.message).toContain(
          'refused the push to main: protected branch: main needs a review',
        );
        // Once, not five times as if the branch had moved.
        expect(
          (await fs.readFile(path.join(repo.bareDir, 'hook-runs'), 'utf8'))
            .trim()
            .split('\n'),
        ).toEqual(['tried']);
        // The answer names the record, which failed: not a block.
        const [failed] = await promotions();
        expect(failed).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('protected branch'),
        });
        expect(res.body.error.promotionId).toBe(failed.id);
        expect(await repo.log()).toEqual(commits);
      } finally {
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'a repository that is gone answers 503 with the reason, and the record ends, on %p',
    async databaseId => {
      const { glu, publish, promote, promotions } = await start(databaseId);
      try {
        await publish('1.1.0');
        await fs.rm(repo.bareDir, { recursive: true, force: true });
        const res = await promote();
        expect(res.status).toBe(503);
        expect(res.body.error).toMatchObject({
          name: 'ServiceUnavailableError',
          message: expect.stringContaining(`Could not fetch ${repo.url}`),
        });
        const [failed] = await promotions();
        expect(failed).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('Could not fetch'),
        });
        expect(res.body.error.promotionId).toBe(failed.id);
      } finally {
        await glu.stop();
      }
    },
  );

  it('a Git host that never answers is given up at the deadline, what git started is killed, and no one else is held up', async () => {
    const host = await startSilentGitHost();
    const { glu, publish, promote, promotions } = await start('SQLITE_3', {
      config: { timeouts: { git: { seconds: 2 } } },
      entities: [ledgerNamed('stalled', host.url('stalled'))],
    });
    try {
      // The healthy pipeline refreshes; the stalled one says why it cannot.
      const stalled = await eventually(async () => {
        const res = await request(glu.server)
          .get('/api/glu/pipelines/default/stalled')
          .set('authorization', alice);
        return res.body.phases?.[1]?.refreshError ? res.body : undefined;
      }, 'the stalled refresh to give up');
      expect(stalled.phases[1].refreshError).toContain(
        'did not finish with http://127.0.0.1:',
      );
      expect(stalled.phases[1].refreshError).toContain('within 2s');
      const commits = await repo.log();
      await repo.commit({ 'VERSION.yaml': 'version: 1.0.1\n' }, 'By hand');
      await eventually(async () => {
        const res = await request(glu.server)
          .get(base)
          .set('authorization', alice);
        return res.body.phases[1].state?.version === '1.0.1' ? true : undefined;
      }, 'the healthy pipeline to see the hand commit');

      // A promotion into the phase that could never be read is refused at
      // once, with why; the deadline of a write that hangs is the
      // reliability suite's.
      await publish('2.0.0', 'stalled');
      const res = await promote('stalled');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(
        'staging has not been observed yet: git did not finish with',
      );
      expect(await promotions('stalled')).toEqual([]);
      // Polls go on, each given up at its deadline: git processes do not
      // pile up (a fetch is git and its HTTP helper; one may be ending as
      // the next starts).
      const hostAddress = host.url('stalled').split('/')[2];
      let most = 0;
      for (let sample = 0; sample < 20; sample++) {
        most = Math.max(most, gitProcesses(hostAddress).length);
        await new Promise(resolve => setTimeout(resolve, 250));
      }
      expect(most).toBeLessThanOrEqual(4);

      // The healthy pipeline promotes all the while.
      await publish('1.2.0');
      expect((await promote()).body.status).toBe('succeeded');
      expect(await repo.log()).toHaveLength(commits.length + 2);

      // Stopped, Glu leaves nothing of what it started behind once the
      // deadline of the last fetch has passed.
      await glu.stop();
      await eventually(
        async () => (gitProcesses(hostAddress).length === 0 ? true : undefined),
        'the git processes to be gone',
        5_000,
      );
    } finally {
      await glu.stop();
      await host.stop();
    }
  });

  it('a promotion that finds the version written already records what the phase holds at once', async () => {
    const { glu, publish, promote } = await start('SQLITE_3', {
      config: { refreshInterval: { hours: 1 } },
    });
    try {
      await publish('1.1.0');
      // Someone writes it by hand; no poll sees it before the promotion.
      await repo.commit({ 'VERSION.yaml': 'version: 1.1.0\n' }, 'By hand');
      const res = await promote();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'up-to-date',
        after: { version: '1.1.0' },
      });
      const view = await request(glu.server)
        .get(base)
        .set('authorization', alice);
      expect(view.body.phases[1].state).toMatchObject({
        version: '1.1.0',
        cause: 'commit',
        actor: 'Dana Developer <dana@example.com>',
      });
      expect(view.body.edges[0].status).toBe('up-to-date');
    } finally {
      await glu.stop();
    }
  });

  it('answers bad ids, cursors and sizes with 400 that says what to fix, never 500', async () => {
    const { glu } = await start('SQLITE_3');
    const post = (url: string, body: object, auth = alice) =>
      request(glu.server).post(url).set('authorization', auth).send(body);
    const get = (url: string) =>
      request(glu.server).get(url).set('authorization', alice);
    try {
      const answers = await Promise.all([
        post(`${base}/phases/staging/rollback`, {
          historyId: '99999999999999999999999',
        }),
        post(`${base}/phases/staging/rollback`, { historyId: 'NaN' }),
        get(`${base}/phases/staging/history?cursor=${'x'.repeat(30)}`),
        get(
          `${base}/phases/staging/history?cursor=${Buffer.from(
            '1e400',
          ).toString('base64url')}`,
        ),
        get(
          `${base}/promotions?cursor=${Buffer.from("'; drop").toString(
            'base64url',
          )}`,
        ),
        get(`${base}/phases/staging/diff?from=1&to=NaN`),
        post(
          `${base}/phases/build/versions`,
          { version: 'v'.repeat(300) },
          ciAuthorization(),
        ),
        post(
          `${base}/phases/build/versions`,
          { fields: { tag: 't'.repeat(300) } },
          ciAuthorization(),
        ),
        post(`${base}/phases/staging/pin`, { reason: 'r'.repeat(5000) }),
      ]);
      expect(answers.map(a => a.status)).toEqual(Array(9).fill(400));
      for (const answer of answers) {
        expect(answer.body.error.name).toBe('InputError');
      }
      expect(answers[2].body.error.message).toBe(
        'The cursor is not one that this list gave; start again from the first page',
      );
    } finally {
      await glu.stop();
    }
  });
});
