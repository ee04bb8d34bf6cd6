import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  GluExtensionTypes,
  GluHealth,
  PIPELINE_KIND,
  gluApprovePermission,
  gluPinPermission,
  gluPipelineReadPermission,
  gluPromotePermission,
  gluPublishPermission,
  gluRollbackPermission,
} from '@glu-dev/plugin-glu-common';
import { createTwoFilesPatch } from 'diff';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import { Approvals } from '../engine/Approvals';
import { PhaseWriter } from '../engine/PhaseWriter';
import { Pins } from '../engine/Pins';
import { PipelineChanges } from '../engine/PipelineChanges';
import { PipelineViews } from '../engine/PipelineViews';
import { VersionPublisher } from '../engine/VersionPublisher';
import { spec } from '../schema/openapi.generated';
import { DatabaseGluStore } from '../store/DatabaseGluStore';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  store: DatabaseGluStore;
  views: PipelineViews;
  writer: PhaseWriter;
  publisher: VersionPublisher;
  pins: Pins;
  approvals: Approvals;
  /** What follows every write: automatic promotions, signals. */
  changes: PipelineChanges;
  /** Looks at pipelines' sources now, and follows up what changed. */
  refresh: (pipelineRefs: string[]) => Promise<void>;
  /** The source, format and gate types that are registered. */
  extensionTypes: () => GluExtensionTypes;
}

function pipelineRefOf(namespace: string, name: string): string {
  return stringifyEntityRef({ kind: PIPELINE_KIND, namespace, name });
}

/** Who did it, as recorded in promotions and history. */
function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  if (principal.type === 'user') return principal.userEntityRef;
  if (principal.type === 'service') return principal.subject;
  return 'unknown';
}

/**
 * The HTTP API, implemented from the OpenAPI document (requests are validated
 * against it). The router parses, authorizes and delegates; the services
 * throw @backstage/errors, which the framework turns into status codes.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { logger, httpAuth, permissions, auditor, store, views } = options;
  const router = createValidatedOpenApiRouter<typeof spec>(spec);
  router.use(express.json());

  /** Throws NotFoundError for a pipeline the backend does not know. */
  async function requirePipeline(ref: string) {
    const pipeline = await store.getPipeline(ref);
    if (!pipeline) throw new NotFoundError(`No pipeline ${ref}`);
    return pipeline;
  }

  /** Throws NotAllowedError unless the caller may act on the pipeline. */
  async function authorize(
    req: Request<any, any, any, any, any>,
    permission: ResourcePermission<'catalog-entity'> | BasicPermission,
    pipelineRef: string,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: pipelineRef } as any],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${principalRef(credentials)} may not ${
          permission.attributes.action ?? 'use'
        } ${pipelineRef} (${permission.name})`,
      );
    }
    return credentials;
  }

  router.get('/health', async (_req, res) => {
    try {
      await store.ping();
    } catch (error) {
      logger.warn(`Health check failed: the database did not answer`);
      throw new ServiceUnavailableError('The Glu database did not answer');
    }
    const health: GluHealth = {
      status: 'ok',
      database: 'ok',
      ...options.extensionTypes(),
    };
    res.json(health);
  });

  router.get('/extensions', async (req, res) => {
    await httpAuth.credentials(req);
    res.json(options.extensionTypes());
  });

  router.get('/pipelines', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const page = await views.listPipelines({
      component: req.query.component,
      owner: [req.query.owner ?? []].flat().map(String),
      limit: req.query.limit ?? 50,
      cursor: req.query.cursor,
    });
    // Leave out what the caller may not read.
    const decisions = page.items.length
      ? await permissions.authorize(
          page.items.map(p => ({
            permission: gluPipelineReadPermission,
            resourceRef: p.ref,
          })),
          { credentials },
        )
      : [];
    res.json({
      ...page,
      items: page.items.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      ),
    });
  });

  router.get('/pipelines/:namespace/:name', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    await requirePipeline(ref);
    await authorize(req, gluPipelineReadPermission, ref);
    res.json(await views.getPipeline(ref));
  });

  router.post('/pipelines/:namespace/:name/refresh', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    await requirePipeline(ref);
    await authorize(req, gluPipelineReadPermission, ref);
    await options.refresh([ref]);
    res.json(await views.getPipeline(ref));
  });

  router.get(
    '/pipelines/:namespace/:name/phases/:phase/history',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const pipeline = await requirePipeline(ref);
      await authorize(req, gluPipelineReadPermission, ref);
      if (!pipeline.phases.some(p => p.name === req.params.phase)) {
        throw new NotFoundError(
          `The pipeline ${ref} has no phase "${req.params.phase}"`,
        );
      }
      res.json(
        await store.listHistory(ref, req.params.phase, {
          limit: req.query.limit ?? 50,
          cursor: req.query.cursor,
        }),
      );
    },
  );

  router.get(
    '/pipelines/:namespace/:name/phases/:phase/diff',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const pipeline = await requirePipeline(ref);
      await authorize(req, gluPipelineReadPermission, ref);
      const phase = pipeline.phases.find(p => p.name === req.params.phase);
      const entries = await Promise.all(
        [req.query.from, req.query.to].map(id => store.getHistoryEntry(id)),
      );
      if (!phase) {
        throw new NotFoundError(
          `The pipeline ${ref} has no phase "${req.params.phase}"`,
        );
      }
      const [from, to] = entries.map((entry, i) => {
        if (!entry || entry.pipelineRef !== ref || entry.phase !== phase.name) {
          throw new NotFoundError(
            `The phase ${phase.name} has no history entry ${
              i === 0 ? req.query.from : req.query.to
            }`,
          );
        }
        return entry;
      });
      const [before, after] = await Promise.all(
        [from, to].map(e =>
          e.blobHash ? store.getBlob(e.blobHash) : undefined,
        ),
      );
      const path = (phase.source as { path?: string }).path ?? phase.name;
      const diff =
        before !== undefined && after !== undefined && before !== after
          ? createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after)
          : '';
      res.json({ from, to, diff });
    },
  );

  router.get('/pipelines/:namespace/:name/promotions', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    await requirePipeline(ref);
    await authorize(req, gluPipelineReadPermission, ref);
    res.json(
      await store.listPromotions({
        pipelineRef: ref,
        phase: req.query.phase,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
    );
  });

  router.post('/pipelines/:namespace/:name/promotions', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const { phase, from, dryRun } = req.body;
    await requirePipeline(ref);
    if (dryRun) {
      await authorize(req, gluPipelineReadPermission, ref);
      res.json(
        await options.writer.dryRunPromotion({ pipelineRef: ref, phase, from }),
      );
      return;
    }
    const promotion = await audited(
      req,
      'promotion',
      { pipeline: ref, phase, ...(from ? { from } : {}) },
      async () => {
        const credentials = await authorize(req, gluPromotePermission, ref);
        return options.writer.promote({
          pipelineRef: ref,
          phase,
          from,
          triggeredBy: principalRef(credentials),
          trigger: 'manual',
        });
      },
      result => ({
        promotionId: result.id,
        status: result.status,
        ...(result.commitSha ? { commitSha: result.commitSha } : {}),
      }),
    );
    res.json(promotion);
  });

  /**
   * Runs a write with an auditor event around it; what follows a change
   * (automatic promotions, signals) follows it, whatever its outcome.
   */
  async function audited<T>(
    req: Request<any, any, any, any, any>,
    eventId: string,
    meta: Record<string, string>,
    work: () => Promise<T>,
    outcome?: (result: T) => JsonObject,
  ): Promise<T> {
    const auditorEvent = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await work();
      await auditorEvent.success(outcome ? { meta: outcome(result) } : {});
      return result;
    } catch (error) {
      await auditorEvent.fail({
        error: error instanceof Error ? error : new Error(String(error)),
      });
      throw error;
    } finally {
      if (meta.pipeline) options.changes.changedInBackground([meta.pipeline]);
    }
  }

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/pin',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      await requirePipeline(ref);
      const pin = await audited(
        req,
        'phase-pin',
        { pipeline: ref, phase: req.params.phase },
        async () => {
          const credentials = await authorize(req, gluPinPermission, ref);
          return options.pins.pin({
            pipelineRef: ref,
            phase: req.params.phase,
            reason: req.body.reason,
            pinnedBy: principalRef(credentials),
          });
        },
      );
      res.json(pin);
    },
  );

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/approvals',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      await requirePipeline(ref);
      const result = await audited(
        req,
        'approval',
        { pipeline: ref, phase: req.params.phase },
        async () => {
          const credentials = await authorize(req, gluApprovePermission, ref);
          return options.approvals.approve({
            pipelineRef: ref,
            phase: req.params.phase,
            from: req.body?.from,
            approver: principalRef(credentials),
          });
        },
      );
      res.json(result);
    },
  );

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/rollback',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      await requirePipeline(ref);
      if (req.body.dryRun) {
        await authorize(req, gluPipelineReadPermission, ref);
        res.json(
          await options.writer.dryRunRollback({
            pipelineRef: ref,
            phase: req.params.phase,
            historyId: req.body.historyId,
            pinReason: req.body.pin?.reason,
          }),
        );
        return;
      }
      const rollback = await audited(
        req,
        'rollback',
        {
          pipeline: ref,
          phase: req.params.phase,
          historyId: req.body.historyId,
        },
        async () => {
          const credentials = await authorize(req, gluRollbackPermission, ref);
          if (req.body.pin) await authorize(req, gluPinPermission, ref);
          return options.writer.rollback({
            pipelineRef: ref,
            phase: req.params.phase,
            historyId: req.body.historyId,
            pinReason: req.body.pin?.reason,
            triggeredBy: principalRef(credentials),
          });
        },
      );
      res.json(rollback);
    },
  );

  router.delete(
    '/pipelines/:namespace/:name/phases/:phase/pin',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      await requirePipeline(ref);
      await audited(
        req,
        'phase-unpin',
        { pipeline: ref, phase: req.params.phase },
        async () => {
          await authorize(req, gluPinPermission, ref);
          await options.pins.unpin(ref, req.params.phase);
        },
      );
      // What follows (automatic promotions) takes the newest upstream
      // version through, not every one it missed.
      res.status(204).end();
    },
  );

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/versions',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      await requirePipeline(ref);
      const result = await audited(
        req,
        'version-publish',
        { pipeline: ref, phase: req.params.phase },
        async () => {
          const credentials = await authorize(req, gluPublishPermission, ref);
          return options.publisher.publish({
            pipelineRef: ref,
            phase: req.params.phase,
            ...req.body,
            publishedBy: principalRef(credentials),
          });
        },
        published => ({
          changed: published.changed,
          version: published.state.version,
        }),
      );
      // Promotions follow in the background: CI need not wait for them.
      res.json(result);
    },
  );

  router.get('/promotions/:id', async (req, res) => {
    const promotion = await store.getPromotion(req.params.id);
    if (!promotion) {
      throw new NotFoundError(`No promotion ${req.params.id}`);
    }
    await authorize(req, gluPipelineReadPermission, promotion.pipelineRef);
    res.json(promotion);
  });

  router.use((error: unknown, _req: any, _res: any, next: any) => {
    // The OpenAPI validator reports bad input with a status of its own.
    const status = (error as { status?: number })?.status;
    if (status === 400 && !(error instanceof InputError)) {
      next(new InputError((error as Error).message));
      return;
    }
    next(error);
  });

  return router;
}
