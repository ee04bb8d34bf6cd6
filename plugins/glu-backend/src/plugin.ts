import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { gluPermissions } from '@glu-dev/plugin-glu-common';
import {
  GluFormat,
  GluGate,
  GluPullRequestProvider,
  GluSource,
  gluFormatsExtensionPoint,
  gluGatesExtensionPoint,
  gluPullRequestProvidersExtensionPoint,
  gluSourcesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { durationToMilliseconds } from '@backstage/types';
import path from 'node:path';
import { AutoPromoter } from './engine/AutoPromoter';
import { Leases } from './engine/Leases';
import { PhaseRefresher } from './engine/PhaseRefresher';
import { PipelineSync } from './engine/PipelineSync';
import { PipelineViews } from './engine/PipelineViews';
import { PromotionService } from './engine/PromotionService';
import { PullRequests } from './engine/PullRequests';
import { VersionPublisher } from './engine/VersionPublisher';
import { Pins } from './engine/Pins';
import { RollbackService } from './engine/RollbackService';
import { ExtensionRegistry } from './ExtensionRegistry';
import { createRouter } from './service/router';
import { GitCredentials } from './sources/git/GitCredentials';
import { GitRepositories } from './sources/git/GitRepositories';
import { DatabaseGluStore } from './store/DatabaseGluStore';
import { EventTriggers } from './triggers/EventTriggers';

function durationMillis(
  config: import('@backstage/config').Config,
  key: string,
  fallback: number,
): number {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;
}

/**
 * The Glu backend plugin: runs the pipelines and serves `/api/glu`.
 *
 * @public
 */
export const gluPlugin = createBackendPlugin({
  pluginId: 'glu',
  register(env) {
    const formats = new ExtensionRegistry<GluFormat>('format');
    const sources = new ExtensionRegistry<GluSource>('source');
    const gates = new ExtensionRegistry<GluGate>('gate');
    const pullRequestProviders = new ExtensionRegistry<GluPullRequestProvider>(
      'pull-request provider',
    );
    env.registerExtensionPoint(gluFormatsExtensionPoint, {
      addFormat: (...added) => formats.add(...added),
    });
    env.registerExtensionPoint(gluSourcesExtensionPoint, {
      addSource: (...added) => sources.add(...added),
    });
    env.registerExtensionPoint(gluGatesExtensionPoint, {
      addGate: (...added) => gates.add(...added),
    });
    env.registerExtensionPoint(gluPullRequestProvidersExtensionPoint, {
      addPullRequestProvider: (...added) => pullRequestProviders.add(...added),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        formats.freeze();
        sources.freeze();
        gates.freeze();
        pullRequestProviders.freeze();
        deps.permissionsRegistry.addPermissions(gluPermissions);

        const store = await DatabaseGluStore.create({ database });
        const integrations = ScmIntegrations.fromConfig(config);
        const author = {
          name: config.getOptionalString('glu.git.author.name') ?? 'Glu',
          email:
            config.getOptionalString('glu.git.author.email') ?? 'glu@localhost',
        };
        const repositories = new GitRepositories({
          workingDirectory: path.resolve(
            config.getOptionalString('glu.workingDirectory') ?? 'glu-work',
          ),
          credentials: new GitCredentials(integrations),
          logger,
          author,
        });
        const leases = new Leases(store);
        const pullRequests = new PullRequests({
          store,
          providers: pullRequestProviders,
          gates,
          repositories,
          integrations,
          portalUrl: config.getOptionalString('app.baseUrl'),
          author,
          logger,
        });
        // The portal refreshes a pipeline's view when told it changed.
        const notify = async (pipelineRefs: string[]) => {
          for (const pipelineRef of new Set(pipelineRefs)) {
            await deps.signals
              .publish({
                recipients: { type: 'broadcast' },
                channel: 'glu:pipelines',
                message: { pipelineRef },
              })
              .catch(error =>
                logger.debug(`Could not signal a change: ${error}`),
              );
          }
        };
        const refresher = new PhaseRefresher({
          store,
          formats,
          sources,
          repositories,
          integrations,
          leases,
          pullRequests,
          logger,
        });
        const promotions = new PromotionService({
          store,
          formats,
          gates,
          repositories,
          integrations,
          leases,
          pullRequests,
          logger,
        });
        const views = new PipelineViews({ store, formats, gates });
        const autoPromoter = new AutoPromoter({
          store,
          views,
          promotions,
          logger,
        });
        const sync = new PipelineSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store,
          logger,
          extensionTypes: () => ({
            sourceTypes: sources.types(),
            formatTypes: formats.types(),
            gateTypes: gates.types(),
          }),
        });

        /** Promotes what is automatic, and tells the portal what changed. */
        const afterRefresh = async (
          changes: Awaited<ReturnType<PhaseRefresher['refresh']>>,
          alsoChanged: string[] = [],
        ) => {
          await autoPromoter.afterRefresh(changes);
          await notify([...alsoChanged, ...changes.map(c => c.pipelineRef)]);
        };
        const refreshNow = async (refs: string[]) => {
          await afterRefresh(await refresher.refresh(refs));
        };
        // Merges land in the repository: a refresh records them at once.
        const trackPullRequests = async (refs?: string[]) => {
          const changed = await pullRequests.track(refs);
          if (changed.length === 0) return;
          await afterRefresh(await refresher.refresh(changed), changed);
        };

        await scheduler.scheduleTask({
          id: 'glu-catalog-sync',
          frequency: {
            milliseconds: durationMillis(
              config,
              'glu.catalogSyncInterval',
              15_000,
            ),
          },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 1 },
          scope: 'global',
          fn: async () => {
            const changes = await sync.sync();
            const touched = [...changes.added, ...changes.changed];
            if (touched.length > 0) {
              await refreshNow(touched);
            } else if (changes.removed.length > 0) {
              await notify(changes.removed);
            }
          },
        });
        await scheduler.scheduleTask({
          id: 'glu-refresh',
          frequency: {
            milliseconds: durationMillis(config, 'glu.refreshInterval', 60_000),
          },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: async () => {
            await afterRefresh(await refresher.refresh());
            await trackPullRequests();
          },
        });

        await new EventTriggers({
          events: deps.events,
          store,
          logger,
          refresh: refreshNow,
          trackPullRequests,
        }).subscribe();

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            store,
            views,
            promotions,
            publisher: new VersionPublisher({ store }),
            pins: new Pins({ store }),
            rollbacks: new RollbackService({
              store,
              formats,
              repositories,
              integrations,
              leases,
              pullRequests,
              logger,
            }),
            notify,
            // What an automatic promotion changed reaches the portal too.
            afterChange: ref =>
              autoPromoter.promoteDue(ref).finally(() => notify([ref])),
            refresh: refreshNow,
            sources: () => sources.types(),
            formats: () => formats.types(),
            gates: () => gates.types(),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
