import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { Config, readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  GLU_PLUGIN_ID,
  gluPermissions,
  observedGateOptions,
} from '@glu-dev/plugin-glu-common';
import {
  GluFormat,
  GluGate,
  GluPullRequestProvider,
  GluSource,
  gluFormatsExtensionPoint,
  gluGatesExtensionPoint,
  gluPullRequestProvidersExtensionPoint,
  gluSourcesExtensionPoint,
  gluWebhookParsersExtensionPoint,
  GluPipelineOwners,
  GluWriteScopes,
  gluLimits,
  gluTimeoutMillis,
} from '@glu-dev/plugin-glu-node';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { DocumentThreads } from './documents/DocumentThreads';
import { Approvals } from './records/Approvals';
import { AutoPromoter } from './followUps/AutoPromoter';
import { DoraReports } from './insight/DoraReports';
import { EdgeDecisions } from './deciding/EdgeDecisions';
import { GateChecker } from './followUps/GateChecker';
import { Leases } from './records/Leases';
import { PhaseHistory } from './records/PhaseHistory';
import { PhaseRefresher } from './records/PhaseRefresher';
import { PhaseSources } from './pipelines/PhaseSources';
import { PhaseWriter } from './writing/PhaseWriter';
import { Pins } from './records/Pins';
import { Freezes } from './freezing/Freezes';
import { FreezeFollowUp } from './freezing/FreezeFollowUp';
import { readConfiguredFreezes } from './freezing/recurrence';
import { FreezesTask } from './tasks/FreezesTask';
import { Quarantines } from './quarantine/Quarantines';
import { QuarantineRollbacks } from './quarantine/QuarantineRollbacks';
import { Requests } from './records/Requests';
import { approvalGroupsOf, whoIsOf } from './service/whoIs';
import { Notifier, readNotificationDefaults } from './followUps/Notifier';
import { PipelineChanges } from './followUps/PipelineChanges';
import { PipelineSync } from './pipelines/PipelineSync';
import { PipelineViews } from './views/PipelineViews';
import { FleetViews } from './views/FleetViews';
import { PromotionRecords } from './records/PromotionRecords';
import { PullRequestFollower } from './followUps/PullRequestFollower';
import { VersionPublisher } from './records/VersionPublisher';
import { ExtensionRegistry } from './ExtensionRegistry';
import { AuthorizedGluService } from './service/AuthorizedGluService';
import { DefaultGluService } from './service/DefaultGluService';
import { registerGluActions } from './service/actions';
import { AuditedWrites } from './service/AuditedWrites';
import { createRouter } from './service/router';
import { CatalogRefusalService } from './service/catalogRefusals';
import { ServiceGrants } from './service/ServiceGrants';
import { createGluStore } from './store/GluStore';
import { warnOfDatabaseInMemory } from './store/inMemory';
import { gluOptimizations } from './optimizations';
import { CatalogSyncTask } from './tasks/CatalogSyncTask';
import { GateChecksTask } from './tasks/GateChecksTask';
import { NotificationsTask } from './tasks/NotificationsTask';
import { PullRequestsTask } from './tasks/PullRequestsTask';
import { RefreshTask } from './tasks/RefreshTask';
import { WebhookDeliveriesTask } from './tasks/WebhookDeliveriesTask';
import { Deliveries } from './triggers/Deliveries';
import { EventTriggers } from './triggers/EventTriggers';
import { WebhookParsers } from './triggers/WebhookParsers';
import { GluTelemetry } from './telemetry/GluTelemetry';

/**
 * How long a stopping backend waits for its writes under way: within the
 * 30 s that Kubernetes gives a pod between SIGTERM and SIGKILL by default.
 */
const STOP_WAIT_MILLIS = 20_000;

function durationOf(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

/** `glu.database.sqliteSynchronous`, refused when it is not a level Glu sets. */
function sqliteSynchronousOf(config: Config): 'normal' | 'full' | undefined {
  const key = 'glu.database.sqliteSynchronous';
  const level = config.getOptionalString(key);
  if (level === undefined || level === 'normal' || level === 'full') {
    return level;
  }
  throw new Error(`${key} must be normal or full, not ${level}`);
}

/**
 * What is wrong with a gate's configuration: for a gate that observes,
 * Glu's own options (`soak`, `rollback`) and then the gate's.
 */
function gateProblemsOf(
  gates: ExtensionRegistry<GluGate>,
  type: string,
  config: unknown,
): string[] | undefined {
  const gate = gates.get(type);
  if (!gate?.observes) return gate?.validate?.(config);
  const options = observedGateOptions(config);
  return [...options.problems, ...(gate.validate?.(options.config) ?? [])];
}

/**
 * The Glu backend plugin: runs the pipelines and serves `/api/glu`. This is
 * wiring: the extensions that modules registered, the services built on
 * them, the scheduled work and the router.
 *
 * @public
 */
export const gluPlugin = createBackendPlugin({
  pluginId: GLU_PLUGIN_ID,
  register(env) {
    const formats = new ExtensionRegistry<GluFormat>('format');
    const sourceTypes = new ExtensionRegistry<GluSource>('source');
    const gates = new ExtensionRegistry<GluGate>('gate');
    const providers = new ExtensionRegistry<GluPullRequestProvider>(
      'pull-request provider',
    );
    env.registerExtensionPoint(gluFormatsExtensionPoint, {
      addFormat: (...added) => formats.add(...added),
    });
    env.registerExtensionPoint(gluSourcesExtensionPoint, {
      addSource: (...added) => sourceTypes.add(...added),
    });
    env.registerExtensionPoint(gluGatesExtensionPoint, {
      addGate: (...added) => gates.add(...added),
    });
    env.registerExtensionPoint(gluPullRequestProvidersExtensionPoint, {
      addPullRequestProvider: (...added) => providers.add(...added),
    });
    const webhookParsers = new WebhookParsers();
    env.registerExtensionPoint(gluWebhookParsersExtensionPoint, {
      addWebhookParser: (...added) => webhookParsers.add(...added),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        actionsRegistry: actionsRegistryServiceRef,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        signals: signalsServiceRef,
        metrics: metricsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        for (const registry of [formats, sourceTypes, gates, providers]) {
          registry.freeze();
        }
        webhookParsers.freeze();
        deps.permissionsRegistry.addPermissions(gluPermissions);
        const writableSourceTypes = () =>
          sourceTypes
            .all()
            .filter(source => source.writable)
            .map(source => source.type)
            .sort();

        const optimizations = gluOptimizations(config);
        const store = await createGluStore({
          database: deps.database,
          batching: optimizations.batching,
          sqliteSynchronous: sqliteSynchronousOf(config),
        });
        await warnOfDatabaseInMemory(deps.database, logger);
        const portalUrl = config.getOptionalString('app.baseUrl');
        const scopes = GluWriteScopes.fromConfig(config);
        if (!scopes.configured) {
          logger.warn(
            'No write scopes are configured (glu.writeScopes): Glu refuses every promotion and rollback until the platform says where pipelines may write',
          );
        }
        const sources = new PhaseSources({
          sources: sourceTypes,
          formats,
          scopes,
        });
        const leases = new Leases(store, {
          ttlMillis: durationToMilliseconds(
            durationOf(config, 'glu.leaseDuration', { minutes: 1 }),
          ),
        });
        const notifier = new Notifier({
          store,
          notifications: deps.notifications,
          logger,
          defaults: readNotificationDefaults(config),
          timeoutMillis: gluTimeoutMillis(config, 'http'),
        });
        const telemetry = new GluTelemetry({ metrics: deps.metrics });
        // Diffs of large files are made off the main thread.
        const documents = new DocumentThreads(gluLimits(config));
        const records = new PromotionRecords({
          store,
          logger,
          leases,
          onFailed: record => notifier.promotionFailed(record),
          telemetry,
        });
        const history = new PhaseHistory({ store, records });
        const freezes = new Freezes({
          store,
          configured: readConfiguredFreezes(config),
        });
        const quarantines = new Quarantines({ store });
        const decisions = new EdgeDecisions({
          store,
          sources,
          gates,
          freezes,
          quarantines,
        });
        const writer = new PhaseWriter({
          store,
          sources,
          decisions,
          records,
          history,
          leases,
          providers,
          portalUrl,
          logger,
          telemetry,
          documents,
          onHotfix: async record => {
            const { active } = await freezes.current();
            await notifier.hotfixed(
              record,
              active.filter(f => record.hotfix?.freezes.includes(f.id)),
            );
          },
        });
        // The backend stops once the writes under way ended (or after
        // STOP_WAIT_MILLIS), and only then closes the threads they use.
        deps.lifecycle.addShutdownHook(async () => {
          const left = await writer.stop(STOP_WAIT_MILLIS);
          if (left > 0) {
            logger.warn(
              `Stopped with ${left} write(s) under way after waiting ${
                STOP_WAIT_MILLIS / 1000
              }s; their promotions end as failed when their leases run out`,
            );
          }
          await documents.close();
        });
        const refresher = new PhaseRefresher({
          store,
          sources,
          history,
          leases,
          logger,
          telemetry,
        });
        const changes = new PipelineChanges({
          autoPromoter: new AutoPromoter({ store, decisions, writer, logger }),
          signals: deps.signals,
          logger,
        });

        const freezeFollowUp = new FreezeFollowUp({
          freezes,
          store,
          decisions,
          changes,
          logger,
        });
        await new FreezesTask({ followUp: freezeFollowUp }).schedule(scheduler);

        const refreshInterval = durationOf(config, 'glu.refreshInterval', {
          minutes: 1,
        });
        const refresh = new RefreshTask({
          refresher,
          records,
          changes,
          logger,
          telemetry,
        });
        await refresh.schedule(scheduler, refreshInterval, leases.ttlMillis);
        const pullRequests = new PullRequestsTask({
          follower: new PullRequestFollower({
            store,
            records,
            decisions,
            sources,
            providers,
            portalUrl,
            logger,
            telemetry,
          }),
          refresher,
          changes,
        });
        await pullRequests.schedule(scheduler, refreshInterval);
        await new GateChecksTask({
          checker: new GateChecker({
            store,
            decisions,
            sources,
            gates,
            writer,
            changes,
            notifier,
            logger,
            timeoutMillis: gluTimeoutMillis(config, 'http'),
          }),
        }).schedule(
          scheduler,
          durationOf(config, 'glu.gates.checkInterval', { seconds: 30 }),
        );
        await new NotificationsTask({ notifier, decisions }).schedule(
          scheduler,
          durationOf(config, 'glu.notifications.interval', { minutes: 1 }),
        );
        await new CatalogSyncTask({
          sync: new PipelineSync({
            catalog: deps.catalog,
            auth: deps.auth,
            store,
            logger,
            extensionTypes: () => ({
              sourceTypes: sourceTypes.types(),
              formatTypes: formats.types(),
              gateTypes: gates.types(),
              writableSourceTypes: writableSourceTypes(),
              gateProblems: (type, gateConfig) =>
                gateProblemsOf(gates, type, gateConfig),
            }),
            owners: new GluPipelineOwners({
              catalog: deps.catalog,
              auth: deps.auth,
              timeoutMillis: gluTimeoutMillis(config, 'http'),
            }),
          }),
          refresh,
          changes,
        }).schedule(
          scheduler,
          durationOf(config, 'glu.catalogSyncInterval', { seconds: 15 }),
        );

        const deliveries = new Deliveries({
          store: store.deliveries,
          logger,
          windowMillis: durationToMilliseconds(
            durationOf(config, 'glu.webhooks.replayWindow', { days: 1 }),
          ),
        });
        await new WebhookDeliveriesTask({ deliveries }).schedule(scheduler);
        await new EventTriggers({
          events: deps.events,
          store,
          sources,
          logger,
          parsers: webhookParsers,
          deliveries,
          refresh: refs => refresh.refreshNow(refs),
          trackPullRequests: refs => pullRequests.followNow(refs),
          telemetry,
        }).subscribe();

        const views = new PipelineViews({ store, decisions });
        telemetry.observe({
          openPullRequests: async () =>
            (await store.promotions.listOpenPullRequests())
              .filter(r => r.status === 'open' && r.pullRequest)
              .map(r => ({
                pipelineRef: r.pipelineRef,
                phase: r.to,
                provider: r.pullRequest!.provider,
              })),
          behind: async () => {
            const all: Array<{ pipelineRef: string; behind: number }> = [];
            let cursor: string | undefined;
            do {
              const page = await views.listPipelines({ limit: 500, cursor });
              for (const p of page.items) {
                all.push({ pipelineRef: p.ref, behind: p.behind });
              }
              cursor = page.nextCursor;
            } while (cursor);
            return all;
          },
        });
        const requests = new Requests({ store, notices: notifier });
        const grants = ServiceGrants.fromConfig(config);
        for (const warning of ServiceGrants.unnarrowed(config, grants)) {
          logger.warn(warning);
        }
        const service = new AuthorizedGluService(
          new DefaultGluService({
            store,
            views,
            fleet: new FleetViews({ store, decisions }),
            writer,
            publisher: new VersionPublisher({ store, history, telemetry }),
            pins: new Pins({ store }),
            freezes,
            freezeFollowUp,
            quarantines,
            quarantineRollbacks: new QuarantineRollbacks({
              store,
              sources,
              writer,
              notifier,
              logger,
            }),
            approvals: new Approvals({ store }),
            requests,
            whoIs: whoIsOf(deps),
            dora: new DoraReports({ store, quarantines }),
            changes,
            refresh: refs => refresh.refreshNow(refs),
            refresher,
            documents,
          }),
          {
            permissions: deps.permissions,
            grants,
            pipeline: ref => store.pipelines.getPipeline(ref),
            quarantineOf: id => quarantines.get(id),
            requestOf: (ref, id) => requests.get(ref, id),
            approvalGroups: (ref, phase, from) =>
              approvalGroupsOf(store, ref, phase, from),
            claimsOf: async credentials =>
              (await deps.userInfo.getUserInfo(credentials))
                .ownershipEntityRefs,
          },
        );
        // The same operations for agents and automation (the MCP actions
        // backend), with the caller's credentials and the same audit.
        registerGluActions({
          actionsRegistry: deps.actionsRegistry,
          service,
          writes: new AuditedWrites(service, deps.auditor, logger),
          auth: deps.auth,
          userInfo: deps.userInfo,
        });
        deps.httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            userInfo: deps.userInfo,
            auditor: deps.auditor,
            store,
            service,
            extensionTypes: () => ({
              sources: sourceTypes.types(),
              writableSources: writableSourceTypes(),
              formats: formats.types(),
              gates: gates.types(),
            }),
            writeScopesConfigured: scopes.configured,
            refusals: new CatalogRefusalService({
              refusals: store.refusals,
              auth: deps.auth,
              userInfo: deps.userInfo,
            }),
          }),
        );
        // The router finds out who asks itself, so that a refused write
        // without valid credentials is audited like any other.
        deps.httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});
