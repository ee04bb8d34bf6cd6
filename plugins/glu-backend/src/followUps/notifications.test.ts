import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline, teamEntities } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const notificationsDatabases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** team-ledger, which alice belongs to; bob belongs to no team. */
const people = teamEntities('team-ledger', ['alice'], ['bob']);

describe('notifications to owners', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it('tell the owning team, once per event, through Backstage’s notifications', async () => {
    const ledger = ledgerPipeline({
      repository: repo.url,
      promotion: { from: 'build' },
    });
    // The same, for a team that wants no notifications.
    const quiet: Entity = {
      ...ledger,
      metadata: { name: 'quiet', namespace: 'default' },
      spec: { ...ledger.spec, notifications: { enabled: false } },
    };
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [ledger, quiet, ...people],
      pipeline: 'ledger',
      waitFor: ['staging'],
      features: [notificationsBackend],
      rootConfig: { app: { baseUrl: 'http://portal.example.com' } },
      pluginDatabases: {
        notifications: await notificationsDatabases.init('SQLITE_3'),
      },
      config: {
        notifications: {
          interval: { seconds: 1 },
          pinnedAfter: '2s',
          blockedAfter: '3s',
          refreshFailingAfter: '1s',
        },
      },
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const bob = mockCredentials.user.header('user:default/bob');
    const base = '/api/glu/pipelines/default/ledger';
    const inbox = async (who: string) =>
      (
        await request(glu.server)
          .get('/api/notifications/notifications')
          .set('authorization', who)
      ).body.notifications as any[];
    try {
      // A push that the remote refuses: the promotion fails.
      await fs.writeFile(
        path.join(repo.bareDir, 'hooks', 'pre-receive'),
        '#!/bin/sh\necho "protected branch: main needs a review" >&2\nexit 1\n',
        { mode: 0o755 },
      );
      for (const pipeline of ['ledger', 'quiet']) {
        await request(glu.server)
          .post(`/api/glu/pipelines/default/${pipeline}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.1.0' });
        const refused = await request(glu.server)
          .post(`/api/glu/pipelines/default/${pipeline}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging' });
        expect(refused.status).toBe(409);
      }
      const [failed] = await eventually(async () => {
        const found = (await inbox(alice)).filter(n =>
          n.payload.title.includes('failed'),
        );
        return found.length ? found : undefined;
      }, 'the notification of the failed promotion');
      expect(failed.payload).toMatchObject({
        title:
          'The promotion of 1.1.0 from build into staging failed in ledger',
        description: expect.stringContaining(
          'protected branch: main needs a review',
        ),
        severity: 'high',
        link: '/catalog/default/pipeline/ledger/glu#phase-staging',
        topic: 'pipeline:default/ledger',
      });

      // A pin that holds longer than the pipeline's threshold, told once.
      await request(glu.server)
        .post(`${base}/phases/staging/pin`)
        .set('authorization', alice)
        .send({ reason: 'waiting for the database migration' });
      await eventually(
        async () =>
          (await inbox(alice)).some(n => n.payload.title.includes('pinned')) ||
          undefined,
        'the notification of the long pin',
      );
      // 1.1.0 cannot go into the pinned staging: blocked for long.
      await eventually(
        async () =>
          (await inbox(alice)).some(n => n.payload.title.includes('waited')) ||
          undefined,
        'the notification of the blocked edge',
      );
      // The repository goes away: staging fails to refresh, for long.
      await fs.rename(repo.bareDir, `${repo.bareDir}.gone`);
      await eventually(
        async () =>
          (
            await inbox(alice)
          ).some(n => n.payload.title.includes('has not refreshed')) ||
          undefined,
        'the notification of the failing refresh',
      );
      await fs.rename(`${repo.bareDir}.gone`, repo.bareDir);
      // The scan runs every second; each event is still told once, and
      // nothing of the quiet pipeline.
      await new Promise(resolve => setTimeout(resolve, 3000));
      const notices = await inbox(alice);
      expect(notices.map(n => n.payload.title).sort()).toEqual([
        expect.stringMatching(
          /^1\.1\.0 has waited \d+s to go from build into staging of ledger$/,
        ),
        'The promotion of 1.1.0 from build into staging failed in ledger',
        expect.stringMatching(
          /^staging of ledger has been pinned at 1\.0\.0 for \d+s$/,
        ),
        expect.stringMatching(/^staging of ledger has not refreshed for \d+s$/),
      ]);
      expect(
        notices.find(n => n.payload.title.includes('waited')).payload
          .description,
      ).toMatch(/^The promotion is blocked: .*pinned/);
      expect(
        notices.find(n => n.payload.title.includes('pinned')).payload,
      ).toMatchObject({
        description:
          'Pinned by user:default/alice: waiting for the database migration. Automatic promotion leaves it alone until it is unpinned.',
        severity: 'low',
      });
      // Nobody outside the owning team hears of it.
      expect(await inbox(bob)).toEqual([]);
    } finally {
      await glu.stop();
    }
  });

  it('tell the owners and the freeze’s author of a hotfix through it', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        ledgerPipeline({ repository: repo.url, promotion: { from: 'build' } }),
        ...people,
      ],
      pipeline: 'ledger',
      waitFor: ['staging'],
      features: [notificationsBackend],
      rootConfig: { app: { baseUrl: 'http://portal.example.com' } },
      pluginDatabases: {
        notifications: await notificationsDatabases.init('SQLITE_3'),
      },
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const bob = mockCredentials.user.header('user:default/bob');
    const base = '/api/glu/pipelines/default/ledger';
    const inbox = async (who: string) =>
      (
        await request(glu.server)
          .get('/api/notifications/notifications')
          .set('authorization', who)
      ).body.notifications as any[];
    try {
      // Bob, outside the team, stops the line; alice goes through it.
      const freeze = await request(glu.server)
        .post('/api/glu/freezes')
        .set('authorization', bob)
        .send({ reason: 'quarter close' });
      expect(freeze.status).toBe(200);
      await request(glu.server)
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version: '1.1.0' })
        .expect(200);
      const hotfix = await request(glu.server)
        .post(`${base}/promotions`)
        .set('authorization', alice)
        .send({ phase: 'staging', hotfix: { reason: 'the ledger is down' } });
      expect(hotfix.body.status).toBe('succeeded');
      for (const who of [alice, bob]) {
        const [notice] = await eventually(async () => {
          const found = (await inbox(who)).filter(n =>
            n.payload.title.includes('hotfix'),
          );
          return found.length ? found : undefined;
        }, 'the notification of the hotfix');
        expect(notice.payload).toMatchObject({
          title:
            'A hotfix of 1.1.0 went through the freeze into staging of ledger',
          description: `user:default/alice promoted 1.1.0 from build into staging through freeze ${freeze.body.id} (quarter close, set by user:default/bob): the ledger is down`,
          severity: 'high',
          link: '/catalog/default/pipeline/ledger/glu#phase-staging',
        });
      }
    } finally {
      await glu.stop();
    }
  });
});
