import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  GluExtensionTypes,
  GluHealth,
  PIPELINE_KIND,
} from '@glu-dev/plugin-glu-common';
import express, { Request } from 'express';
import { spec } from '../schema/openapi.generated';
import { doraPeriodOf } from '../insight/dora';
import { PipelineDocument } from '../views/PipelineViews';
import { GluStore } from '../store/GluStore';
import { AuditedWrite, AuditedWrites } from './AuditedWrites';
import { GluService } from './GluService';
import { ownersOf } from './owners';
import { addFleetRoutes } from './fleetRouter';
import { answerable } from '../errors';
import { CatalogRefusalService } from './catalogRefusals';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  /** Whether a caller is a user, and who they are (`mine`). */
  auth: AuthService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  /** For the health check: whether the database answers. */
  store: GluStore;
  /** The service, authorized: it decides who may do what. */
  service: GluService;
  /** The source, format and gate types that are registered. */
  extensionTypes: () => GluExtensionTypes;
  /** Whether app-config configures any write scope (`glu.writeScopes`). */
  writeScopesConfigured: boolean;
  /** The pipeline definitions that the catalog refused. */
  refusals: CatalogRefusalService;
}

function pipelineRefOf(namespace: string, name: string): string {
  return stringifyEntityRef({ kind: PIPELINE_KIND, namespace, name });
}

type AnyRequest = Request<any, any, any, any, any>;

/** Answers a serialized view; the compression middleware compresses it. */
function sendDocument(res: express.Response, document: PipelineDocument) {
  res.type('json');
  res.end(document.json);
}

/**
 * The HTTP API, implemented from the OpenAPI document (requests are
 * validated against it). The router parses, finds out who asks and
 * delegates to the service, which authorizes; every write is an auditor
 * event, refused ones included. Errors are Backstage's (its errors
 * package), which the framework turns into status codes.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { logger, httpAuth, auth, userInfo, auditor, store, service } = options;
  const { refusals } = options;
  // Bodies are parsed (JSON) and validated against the document before any
  // route sees them.
  const router = createValidatedOpenApiRouter<typeof spec>(spec);

  /** Who asks: a user or a service, with a valid token. */
  function credentialsOf(req: AnyRequest): Promise<BackstageCredentials> {
    return httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  const writes = new AuditedWrites(service, auditor, logger);

  /**
   * Runs a write (or a dry run of one) with its auditor event. A caller
   * without valid credentials is recorded too, by what the request says of
   * itself, since the auditor cannot name it.
   */
  async function audited<T>(
    req: AnyRequest,
    write: AuditedWrite<T>,
  ): Promise<T> {
    let credentials: BackstageCredentials;
    try {
      credentials = await credentialsOf(req);
    } catch (error) {
      await writes.refused(write, req, error);
      throw error;
    }
    return writes.run(write, credentials, req);
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
      writeScopesConfigured: options.writeScopesConfigured,
    };
    res.json(health);
  });

  router.get('/extensions', async (req, res) => {
    await credentialsOf(req);
    res.json(options.extensionTypes());
  });

  router.get('/catalog-refusals', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json({ items: await refusals.listOwn(credentials) });
  });

  router.put('/catalog-refusals/:namespace/:name', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    await refusals.record(ref, req.body, credentials);
    res.status(204).end();
  });

  router.delete('/catalog-refusals/:namespace/:name', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    await refusals.forget(ref, credentials);
    res.status(204).end();
  });

  router.get('/pipelines', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await service.listPipelines(
        {
          component: req.query.component,
          owner: await ownersOf(
            {
              owner: [req.query.owner ?? []].flat().map(String),
              mine: req.query.mine,
            },
            credentials,
            { auth, userInfo },
          ),
          limit: req.query.limit ?? 50,
          cursor: req.query.cursor,
        },
        { credentials },
      ),
    );
  });

  router.get('/pipelines/:namespace/:name', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    sendDocument(res, await service.getPipelineDocument(ref, { credentials }));
  });

  router.get('/pipelines/:namespace/:name/dora', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    res.json(
      await service.getPipelineDora(ref, doraPeriodOf(req.query), {
        credentials,
      }),
    );
  });

  router.get('/dora', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await service.getOwnerDora(
        {
          owner: req.query.owner.map(o => o.toLocaleLowerCase('en-US')),
          period: doraPeriodOf(req.query),
        },
        { credentials },
      ),
    );
  });

  addFleetRoutes(router, { service, writes, credentialsOf, auth, userInfo });

  router.get('/pipelines/:namespace/:name/refresh', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    res.json(await service.getPipelineRefresh(ref, { credentials }));
  });

  router.post('/pipelines/:namespace/:name/refresh', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const view = await audited(req, writes.refresh(ref));
    res.json(view);
  });

  router.get(
    '/pipelines/:namespace/:name/phases/:phase/history',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const credentials = await credentialsOf(req);
      res.json(
        await service.listHistory(
          ref,
          req.params.phase,
          { limit: req.query.limit ?? 50, cursor: req.query.cursor },
          { credentials },
        ),
      );
    },
  );

  router.get(
    '/pipelines/:namespace/:name/phases/:phase/diff',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const credentials = await credentialsOf(req);
      res.json(
        await service.diffHistory(
          ref,
          req.params.phase,
          { from: req.query.from, to: req.query.to },
          { credentials },
        ),
      );
    },
  );

  router.get('/pipelines/:namespace/:name/promotions', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    res.json(
      await service.listPromotions(
        ref,
        {
          phase: req.query.phase,
          limit: req.query.limit ?? 50,
          cursor: req.query.cursor,
        },
        { credentials },
      ),
    );
  });

  router.post('/pipelines/:namespace/:name/promotions', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const { phase, from, dryRun, hotfix } = req.body;
    const request = {
      phase,
      ...(from ? { from } : {}),
      ...(hotfix ? { hotfix } : {}),
    };
    if (dryRun) {
      res.json(await audited(req, writes.dryRunPromotion(ref, request)));
      return;
    }
    const promotion = await audited(req, writes.promote(ref, request));
    res.json(promotion);
  });

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/pin',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const { phase } = req.params;
      const pin = await audited(req, writes.pin(ref, phase, req.body.reason));
      res.json(pin);
    },
  );

  router.delete(
    '/pipelines/:namespace/:name/phases/:phase/pin',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const { phase } = req.params;
      await audited(req, writes.unpin(ref, phase));
      res.status(204).end();
    },
  );

  router.get('/pipelines/:namespace/:name/requests', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    const credentials = await credentialsOf(req);
    res.json({
      items: await service.listPromotionRequests(
        ref,
        { status: req.query.status, limit: req.query.limit ?? 50 },
        { credentials },
      ),
    });
  });

  router.post('/pipelines/:namespace/:name/requests', async (req, res) => {
    const ref = pipelineRefOf(req.params.namespace, req.params.name);
    res.json(await audited(req, writes.requestPromotion(ref, req.body)));
  });

  router.delete(
    '/pipelines/:namespace/:name/requests/:id',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      await audited(req, writes.withdrawPromotionRequest(ref, req.params.id));
      res.status(204).end();
    },
  );

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/approvals',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const { phase } = req.params;
      const approval = await audited(
        req,
        writes.approve(ref, phase, { from: req.body?.from }),
      );
      res.json(approval);
    },
  );

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/rollback',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const { phase } = req.params;
      const { historyId, pin, dryRun } = req.body;
      const request = { historyId, ...(pin ? { pin } : {}) };
      if (dryRun) {
        res.json(
          await audited(req, writes.dryRunRollback(ref, phase, request)),
        );
        return;
      }
      const rollback = await audited(req, writes.rollback(ref, phase, request));
      res.json(rollback);
    },
  );

  router.post(
    '/pipelines/:namespace/:name/phases/:phase/versions',
    async (req, res) => {
      const ref = pipelineRefOf(req.params.namespace, req.params.name);
      const { phase } = req.params;
      const traceparent = req.get('traceparent');
      const result = await audited(
        req,
        writes.publish(ref, phase, {
          ...req.body,
          ...(traceparent ? { traceparent } : {}),
        }),
      );
      res.json(result);
    },
  );

  router.get('/freezes', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json({ items: await service.listFreezes({ credentials }) });
  });

  router.post('/freezes', async (req, res) => {
    res.json(await audited(req, writes.setFreeze(req.body)));
  });

  router.delete('/freezes/:id', async (req, res) => {
    await audited(req, writes.liftFreeze(req.params.id));
    res.status(204).end();
  });

  router.get('/quarantines', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json({
      items: await service.listQuarantines(
        { ...(req.query.pipeline ? { pipeline: req.query.pipeline } : {}) },
        { credentials },
      ),
    });
  });

  router.post('/quarantines', async (req, res) => {
    res.json(await audited(req, writes.quarantine(req.body)));
  });

  router.delete('/quarantines/:id', async (req, res) => {
    await audited(req, writes.liftQuarantine(req.params.id));
    res.status(204).end();
  });

  router.get('/promotions/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await service.getPromotion(req.params.id, { credentials }));
  });

  router.use(async (error: unknown, _req: any, _res: any, next: any) => {
    // The OpenAPI validator reports bad input with a status of its own.
    const status = (error as { status?: number })?.status;
    if (status === 400 && !(error instanceof InputError)) {
      next(new InputError((error as Error).message));
      return;
    }
    try {
      next(answerable(await refusals.explain(error)));
    } catch {
      // Without the catalog's refusal, if the database cannot say.
      next(answerable(error));
    }
  });

  return router;
}
