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
  GluSource,
  gluFormatsExtensionPoint,
  gluGatesExtensionPoint,
  gluSourcesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { durationToMilliseconds } from '@backstage/types';
import path from 'node:path';
import { AutoPromoter } from './engine/AutoPromoter';
import { Leases } from './engine/Leases';
import { PhaseRefresher } from './engine/PhaseRefresher';
import { PipelineSync } from './engine/PipelineSync';
import { PipelineViews } from './engine/PipelineViews';
import { PromotionService } from './engine/PromotionService';
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
    env.registerExtensionPoint(gluFormatsExtensionPoint, {
      addFormat: (...added) => formats.add(...added),
    });
    env.registerExtensionPoint(gluSourcesExtensionPoint, {
      addSource: (...added) => sources.add(...added),
    });
    env.registerExtensionPoint(gluGatesExtensionPoint, {
      addGate: (...added) => gates.add(...added),
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
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        formats.freeze();
        sources.freeze();
        gates.freeze();
        deps.permissionsRegistry.addPermissions(gluPermissions);

        const store = await DatabaseGluStore.create({ database });
        const integrations = ScmIntegrations.fromConfig(config);
        const repositories = new GitRepositories({
          workingDirectory: path.resolve(
            config.getOptionalString('glu.workingDirectory') ?? 'glu-work',
          ),
          credentials: new GitCredentials(integrations),
          logger,
          author: {
            name: config.getOptionalString('glu.git.author.name') ?? 'Glu',
            email:
              config.getOptionalString('glu.git.author.email') ??
              'glu@localhost',
          },
        });
        const leases = new Leases(store);
        const refresher = new PhaseRefresher({
          store,
          formats,
          sources,
          repositories,
          integrations,
          leases,
          logger,
        });
        const promotions = new PromotionService({
          store,
          formats,
          gates,
          repositories,
          integrations,
          leases,
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
              await autoPromoter.afterRefresh(await refresher.refresh(touched));
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
            await autoPromoter.afterRefresh(await refresher.refresh());
          },
        });

        const refreshNow = async (refs: string[]) => {
          await autoPromoter.afterRefresh(await refresher.refresh(refs));
        };
        await new EventTriggers({
          events: deps.events,
          store,
          logger,
          refresh: refreshNow,
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
              logger,
            }),
            afterChange: ref => autoPromoter.promoteDue(ref),
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
