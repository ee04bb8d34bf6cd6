import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DefaultEventsService,
  EventParams,
} from '@backstage/plugin-events-node';
import { GithubWebhookParser } from '@glu-dev/plugin-glu-backend-module-github';
import { GitlabWebhookParser } from '@glu-dev/plugin-glu-backend-module-gitlab';
import { GluWebhookParser } from '@glu-dev/plugin-glu-node';
import { readSideOf } from '../__testUtils__/engine';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from '../store/GluStore';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { Deliveries } from './Deliveries';
import { EventTriggers } from './EventTriggers';
import { WebhookParsers } from './WebhookParsers';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A push to main of GitHub's gitops repository (storedGitPhase's). */
const gitHubPush: EventParams = {
  topic: 'github',
  eventPayload: {
    ref: 'refs/heads/main',
    repository: { clone_url: 'https://github.com/acme/gitops.git' },
  },
  metadata: { 'x-github-event': 'push', 'x-github-delivery': 'd1' },
};

/** A push to main of GitLab's config repository. */
const gitLabPush: EventParams = {
  topic: 'gitlab',
  eventPayload: {
    object_kind: 'push',
    ref: 'refs/heads/main',
    project: { git_http_url: 'https://gitlab.com/acme/config.git' },
  },
  metadata: { 'x-gitlab-event': 'Push Hook', 'idempotency-key': 'k1' },
};

/**
 * Glu's event triggers on the real events bus of one backend, with the
 * parsers of these hosts' modules, over a store with a pipeline on GitHub
 * (checkout) and one on GitLab (ledger).
 */
async function triggersWith(...parsers: GluWebhookParser[]) {
  const knex = await databases.init('SQLITE_3');
  const store = await createGluStore({
    database: mockServices.database({ knex }),
  });
  const gitLab = storedGitPhase('staging');
  await store.pipelines.upsertPipeline(
    storedPipeline('checkout', [storedGitPhase('staging')]),
    'checkout',
  );
  await store.pipelines.upsertPipeline(
    storedPipeline('ledger', [
      {
        ...gitLab,
        source: {
          ...gitLab.source,
          repository: 'https://gitlab.com/acme/config',
        },
      },
    ]),
    'ledger',
  );
  const logger = mockServices.logger.mock();
  const events = DefaultEventsService.create({ logger });
  const registered = new WebhookParsers();
  registered.add(...parsers);
  registered.freeze();
  const refreshed: string[] = [];
  const triggers = new EventTriggers({
    events,
    store,
    sources: readSideOf(store).sources,
    logger,
    parsers: registered,
    deliveries: new Deliveries({
      store: store.deliveries,
      logger,
      windowMillis: 60_000,
    }),
    refresh: async refs => {
      refreshed.push(...refs);
    },
    telemetry: new GluTelemetry(),
  });
  await triggers.subscribe();
  /** Publishes an event on the bus, and answers once its work is done. */
  const publish = async (params: EventParams) => {
    await events.publish(params);
    await triggers.idle();
  };
  return { publish, refreshed, logger };
}

describe('EventTriggers', () => {
  it('answers the webhooks of the hosts whose modules registered a parser, and no others', async () => {
    const onlyGitHub = await triggersWith(new GithubWebhookParser());
    expect(onlyGitHub.logger.info).toHaveBeenCalledWith(
      'Webhooks of GitHub (topic github) are answered',
    );
    await onlyGitHub.publish(gitLabPush);
    expect(onlyGitHub.refreshed).toEqual([]);
    await onlyGitHub.publish(gitHubPush);
    expect(onlyGitHub.refreshed).toEqual(['pipeline:default/checkout']);

    // With GitLab's module too, the same GitLab push is answered.
    const both = await triggersWith(
      new GithubWebhookParser(),
      new GitlabWebhookParser(),
    );
    await both.publish(gitLabPush);
    expect(both.refreshed).toEqual(['pipeline:default/ledger']);
  });

  it('says that no Git host’s webhooks are answered when no module registered a parser', async () => {
    const none = await triggersWith();
    expect(none.logger.info).toHaveBeenCalledWith(
      expect.stringContaining("No Git host's webhooks are answered"),
    );
    await none.publish(gitHubPush);
    expect(none.refreshed).toEqual([]);
  });

  it('ignores an event that its parser fails on, with a warning that names the host', async () => {
    const broken: GluWebhookParser = {
      host: 'Gitea',
      topic: 'gitea',
      deliveryOf: () => ({ keys: [] }),
      parse: () => {
        throw new Error('unexpected payload');
      },
    };
    const { publish, refreshed, logger } = await triggersWith(broken);
    await publish({ topic: 'gitea', eventPayload: {}, metadata: {} });
    expect(refreshed).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      'The Gitea webhook parser failed on an event of gitea, which is ignored: Error: unexpected payload',
    );
  });
});

describe('WebhookParsers', () => {
  it('refuses two parsers of one topic or of one host, and parsers added after the backend started', () => {
    const parsers = new WebhookParsers();
    parsers.add(new GithubWebhookParser());
    expect(() => parsers.add(new GithubWebhookParser())).toThrow(
      "The Glu webhook parsers of GitHub and GitHub both listen on the topic 'github'",
    );
    const enterprise: GluWebhookParser = {
      host: 'GitHub',
      topic: 'github-enterprise',
      deliveryOf: () => ({ keys: [] }),
      parse: () => undefined,
    };
    expect(() => parsers.add(enterprise)).toThrow(
      'The Glu webhook parser of GitHub is registered twice',
    );
    parsers.freeze();
    expect(() => parsers.add(new GitlabWebhookParser())).toThrow(
      'Cannot add a Glu webhook parser after the backend has started',
    );
  });

  it('finds the parser of an event by its topic or a subtopic of it', () => {
    const parsers = new WebhookParsers();
    parsers.add(new GithubWebhookParser(), new GitlabWebhookParser());
    expect(parsers.of('github')?.host).toBe('GitHub');
    expect(parsers.of('github.check_run')?.host).toBe('GitHub');
    expect(parsers.of('gitlab.pipeline')?.host).toBe('GitLab');
    expect(parsers.of('githubx')).toBeUndefined();
    expect(parsers.of('glu-registry')).toBeUndefined();
  });
});
