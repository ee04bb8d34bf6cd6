import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DefaultEventsService,
  EventParams,
} from '@backstage/plugin-events-node';
import { PhaseDefinition } from '@glu-dev/plugin-glu-common';
import { GithubWebhookParser } from '@glu-dev/plugin-glu-backend-module-github';
import { GitlabWebhookParser } from '@glu-dev/plugin-glu-backend-module-gitlab';
import { Knex } from 'knex';
import { readSideOf } from '../__testUtils__/engine';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from '../store/GluStore';
import { WebhookDeliveriesTask } from '../tasks/WebhookDeliveriesTask';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { Deliveries } from './Deliveries';
import { EventTriggers } from './EventTriggers';
import { WebhookParsers } from './WebhookParsers';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A logger that keeps what is said, by level. */
function recordingLogger() {
  const said: Array<{ level: string; message: string }> = [];
  const logger: LoggerService = {
    error: message => said.push({ level: 'error', message }),
    warn: message => said.push({ level: 'warn', message }),
    info: message => said.push({ level: 'info', message }),
    debug: message => said.push({ level: 'debug', message }),
    child: () => logger,
  };
  return { logger, said };
}

/** A Git phase in a repository of GitLab's. */
function gitLabPhase(name: string): PhaseDefinition {
  const phase = storedGitPhase(name);
  return {
    ...phase,
    source: { ...phase.source, repository: 'https://gitlab.com/acme/config' },
  };
}

/** A phase on an image of a registry's. */
const imagePhase: PhaseDefinition = {
  name: 'build',
  source: { type: 'oci', repository: 'registry.example.com/acme/checkout' },
  edges: [],
};

/** A push to main of GitHub's gitops repository, as the events backend hands it on. */
function gitHubPush(delivery: string | undefined, after = 'a1'): EventParams {
  return {
    topic: 'github',
    eventPayload: {
      ref: 'refs/heads/main',
      after,
      repository: {
        clone_url: 'https://github.com/acme/gitops.git',
        html_url: 'https://github.com/acme/gitops',
      },
    },
    // The request's headers, names in lower case.
    metadata: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      ...(delivery ? { 'x-github-delivery': delivery } : {}),
    },
  };
}

/** A push to main of GitLab's config repository. */
function gitLabPush(
  headers: Record<string, string>,
  after = 'b1',
): EventParams {
  return {
    topic: 'gitlab',
    eventPayload: {
      object_kind: 'push',
      ref: 'refs/heads/main',
      after,
      project: {
        git_http_url: 'https://gitlab.com/acme/config.git',
        web_url: 'https://gitlab.com/acme/config',
      },
    },
    metadata: {
      'content-type': 'application/json',
      'x-gitlab-event': 'Push Hook',
      ...headers,
    },
  };
}

/** A registry's notification of pushes of the checkout image, by event id. */
function registryPushes(...ids: string[]): EventParams {
  return {
    topic: 'glu-registry',
    eventPayload: {
      events: ids.map(id => ({
        id,
        action: 'push',
        target: { repository: 'acme/checkout', tag: id },
        request: { host: 'registry.example.com' },
      })),
    },
    metadata: { 'content-type': 'application/json' },
  };
}

describe.each(databases.eachSupportedId())(
  'webhook deliveries on %p',
  databaseId => {
    let knex: Knex;
    /** What time it is for every replica. */
    let now: Date;

    /** A replica of Glu's event triggers on the shared database. */
    async function replica() {
      const store = await createGluStore({
        database: mockServices.database({ knex }),
      });
      const { logger, said } = recordingLogger();
      const deliveries = new Deliveries({
        store: store.deliveries,
        logger,
        windowMillis: DAY,
        now: () => now,
      });
      const refreshed: string[] = [];
      // GitHub's and GitLab's webhooks, as their modules read them.
      const parsers = new WebhookParsers();
      parsers.add(new GithubWebhookParser(), new GitlabWebhookParser());
      const triggers = new EventTriggers({
        events: DefaultEventsService.create({ logger }),
        store,
        sources: readSideOf(store).sources,
        logger,
        parsers,
        deliveries,
        refresh: async refs => {
          refreshed.push(...refs);
        },
        telemetry: new GluTelemetry(),
      });
      /** Receives an event, and answers once its work is done. */
      const receive = async (params: EventParams) => {
        await triggers.onEvent(params);
        await triggers.idle();
      };
      return {
        receive,
        refreshed,
        said,
        task: new WebhookDeliveriesTask({ deliveries }),
      };
    }

    /** Two replicas, and the pipelines their events are about. */
    async function twoReplicas() {
      knex = await databases.init(databaseId);
      const a = await replica();
      const b = await replica();
      const store = await createGluStore({
        database: mockServices.database({ knex }),
      });
      await store.pipelines.upsertPipeline(
        storedPipeline('checkout', [imagePhase, storedGitPhase('staging')]),
        'checkout',
      );
      await store.pipelines.upsertPipeline(
        storedPipeline('ledger', [gitLabPhase('staging')]),
        'ledger',
      );
      return [a, b];
    }

    const rows = async () =>
      (
        await knex('glu_webhook_deliveries')
          .select('host', 'delivery_key')
          .orderBy(['host', 'delivery_key'])
      ).map(r => `${r.host} ${r.delivery_key}`);

    beforeEach(() => {
      now = new Date('2026-12-06T10:00:00Z');
    });

    it.each([
      [
        'GitHub',
        gitHubPush('72d3162e-cc78-11e3-81ab-4c9367dc0958'),
        'checkout',
      ],
      [
        'GitLab',
        gitLabPush({
          'idempotency-key': 'f5a1bb4c-0c5d-4e38-8bd1-4b0f3b2f9a10',
          'x-gitlab-event-uuid': '0b1c9e0e-9d2f-4a4e-a4b5-3c6b1c1f2d7e',
        }),
        'ledger',
      ],
    ])(
      'two replicas that receive the same %s delivery act on it once, and ignore it sent again an hour later',
      async (host, push, name) => {
        const [a, b] = await twoReplicas();
        await Promise.all([a.receive(push), b.receive(push)]);
        expect([...a.refreshed, ...b.refreshed]).toEqual([
          `pipeline:default/${name}`,
        ]);

        now = new Date(now.getTime() + HOUR);
        await a.receive(push);
        await b.receive(push);
        expect([...a.refreshed, ...b.refreshed]).toHaveLength(1);
        const id = String(
          push.metadata!['x-github-delivery'] ??
            push.metadata!['idempotency-key'],
        );
        for (const replayed of [a, b]) {
          expect(replayed.said).toContainEqual({
            level: 'warn',
            message: expect.stringContaining(
              `Ignored a replayed ${host} push event, delivery ${id}`,
            ),
          });
        }
      },
    );

    it('acts on a delivery sent again after the replay window, and on every new one', async () => {
      const [a, b] = await twoReplicas();
      const push = gitHubPush('d1');
      await a.receive(push);
      now = new Date(now.getTime() + DAY - 1);
      await b.receive(push);
      expect(b.refreshed).toEqual([]);

      // A day after it was acted on, it is acted on again, once.
      now = new Date(now.getTime() + 1);
      await Promise.all([a.receive(push), b.receive(push)]);
      expect([...a.refreshed, ...b.refreshed]).toEqual([
        'pipeline:default/checkout',
        'pipeline:default/checkout',
      ]);
      // Other deliveries are other events, whenever they come.
      await b.receive(gitHubPush('d2', 'a2'));
      await b.receive(gitLabPush({ 'idempotency-key': 'k1' }));
      await b.receive(gitLabPush({ 'idempotency-key': 'k2' }, 'b2'));
      expect(b.refreshed.slice(-3)).toEqual([
        'pipeline:default/checkout',
        'pipeline:default/ledger',
        'pipeline:default/ledger',
      ]);
    });

    it('ignores a signed GitHub payload sent again under another delivery id', async () => {
      const [a, b] = await twoReplicas();
      await a.receive(gitHubPush('d1'));
      // GitHub signs the payload, not its headers.
      await b.receive(gitHubPush('forged-id'));
      expect([...a.refreshed, ...b.refreshed]).toHaveLength(1);
      expect(b.said).toContainEqual({
        level: 'warn',
        message: expect.stringContaining(
          'Ignored a replayed GitHub push event, delivery forged-id',
        ),
      });
    });

    it('remembers a delivery whose id is too long to keep by the rest of what identifies it', async () => {
      const [a, b] = await twoReplicas();
      const long = 'x'.repeat(300);
      await a.receive(gitHubPush(long));
      await b.receive(gitHubPush(long));
      expect([...a.refreshed, ...b.refreshed]).toEqual([
        'pipeline:default/checkout',
      ]);
      // The payload's digest alone: the id does not fit the column.
      expect(await rows()).toEqual([
        expect.stringMatching(/^GitHub sha256:[0-9a-f]{64}$/),
      ]);
      // GitLab's id is all it has: too long, and it is acted on each time.
      await a.receive(gitLabPush({ 'idempotency-key': long }));
      await b.receive(gitLabPush({ 'idempotency-key': long }));
      expect(a.refreshed.length + b.refreshed.length).toBe(3);
    });

    it('acts on a delivery without an id as before, saying so at debug', async () => {
      const [a] = await twoReplicas();
      await a.receive(gitLabPush({}));
      await a.receive(gitLabPush({}));
      expect(a.refreshed).toEqual([
        'pipeline:default/ledger',
        'pipeline:default/ledger',
      ]);
      expect(a.said).toContainEqual({
        level: 'debug',
        message:
          'A GitLab push event without a delivery id is acted on (GitLab always sends one)',
      });
      expect(a.said.filter(s => s.level === 'warn')).toEqual([]);
    });

    it("acts on each registry notification's events once, by their ids", async () => {
      const [a, b] = await twoReplicas();
      await Promise.all([
        a.receive(registryPushes('e1', 'e2')),
        b.receive(registryPushes('e1', 'e2')),
      ]);
      expect([...a.refreshed, ...b.refreshed]).toEqual([
        'pipeline:default/checkout',
      ]);
      // Sent again: nothing to do. With a new event: that one's work.
      await b.receive(registryPushes('e2'));
      expect(b.said).toContainEqual({
        level: 'warn',
        message: expect.stringContaining(
          'Ignored a replayed registry.example.com push notification, delivery e2',
        ),
      });
      await b.receive(registryPushes('e2', 'e3'));
      expect([...a.refreshed, ...b.refreshed]).toEqual([
        'pipeline:default/checkout',
        'pipeline:default/checkout',
      ]);
    });

    it('forgets the deliveries received before the replay window', async () => {
      const [a, b] = await twoReplicas();
      await a.receive(gitLabPush({ 'idempotency-key': 'old' }));
      now = new Date(now.getTime() + 12 * HOUR);
      await b.receive(gitLabPush({ 'idempotency-key': 'new' }, 'b2'));
      expect(await rows()).toEqual(['GitLab new', 'GitLab old']);

      now = new Date(now.getTime() + 12 * HOUR);
      expect(await a.task.pruneNow()).toBe(1);
      expect(await rows()).toEqual(['GitLab new']);
      now = new Date(now.getTime() + 12 * HOUR);
      expect(await b.task.pruneNow()).toBe(1);
      expect(await rows()).toEqual([]);
    });
  },
);
