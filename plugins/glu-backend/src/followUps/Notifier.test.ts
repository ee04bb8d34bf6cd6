import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from '../store/GluStore';
import { GluNotice, Notifier } from './Notifier';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('Notifier', () => {
  it('gives up on a notifications service that does not answer within its deadline, and sends the notice at the next look', async () => {
    const store = await createGluStore({
      database: mockServices.database({
        knex: await databases.init('SQLITE_3'),
      }),
    });
    const pipeline = storedPipeline('ledger', [storedGitPhase('staging')]);
    await store.pipelines.upsertPipeline(pipeline, 'ledger');
    const sent: unknown[] = [];
    let answers = false;
    const notifications: NotificationService = {
      async send(options) {
        if (!answers) await new Promise(() => {});
        sent.push(options);
      },
    };
    const notifier = new Notifier({
      store,
      notifications,
      logger: mockServices.logger.mock(),
      defaults: {
        enabled: true,
        blockedAfter: '1d',
        refreshFailingAfter: '1h',
        pinnedAfter: '7d',
      },
      timeoutMillis: 1_000,
    });
    const notice: GluNotice = {
      kind: 'pin-held',
      about: 'staging@2026-12-01T00:00:00.000Z',
      title: 'staging of ledger has been pinned for long',
      description: 'Pinned by user:default/alice: a test.',
      severity: 'low',
      phase: 'staging',
    };
    await expect(notifier.notify(pipeline, notice)).resolves.toBe(false);
    answers = true;
    // Not lost: the claim was given up, so the next look sends it, once.
    await expect(notifier.notify(pipeline, notice)).resolves.toBe(true);
    await expect(notifier.notify(pipeline, notice)).resolves.toBe(false);
    expect(sent).toHaveLength(1);
  });
});
