import {
  BackstageCredentials,
  BackstageServicePrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { HiddenPipelineError } from '../errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  gluApprovePermission,
  gluFreezePermission,
  gluHotfixPermission,
  gluQuarantineEverywherePermission,
  gluQuarantinePermission,
  gluRequestPermission,
  gluPinPermission,
  gluPipelineReadPermission,
  gluPromotePermission,
  gluPublishPermission,
  gluRollbackPermission,
} from '@glu-dev/plugin-glu-common';
import {
  CallOptions,
  FleetQuery,
  FreezeInput,
  GluService,
  ListPipelinesQuery,
  PageQuery,
  principalRef,
  PromoteInput,
  PublishInput,
  QuarantineInput,
} from './GluService';
import { quarantinePipelineRef } from '../quarantine/Quarantines';
import { StoredQuarantine } from '../store/QuarantineStore';
import {
  FleetPromotionRequest,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { promoteEach } from './fleetPromotions';
import { DoraPeriod } from '../insight/dora';
import { SyncedPipeline } from '../store/types';
import { readScopeOf } from './readFilter';
import { ServiceGrants } from './ServiceGrants';
import { namedApprover, readableBy } from './whoIs';

type GluPermission = ResourcePermission<'catalog-entity'>;

/**
 * Who may do what, around the service (as the catalog's authorized catalog
 * wraps the catalog): every read needs `glu.pipeline.read` on the Pipeline
 * entity, and a caller who may not read a pipeline is told it does not
 * exist; every write needs its own permission (and implies the caller may
 * know of the pipeline), and a service principal an explicit grant besides. Lists are filtered with the policy's
 * conditional decision, applied in the query.
 */
export class AuthorizedGluService implements GluService {
  constructor(
    private readonly service: GluService,
    private readonly deps: {
      permissions: PermissionsService;
      grants: ServiceGrants;
      /** A pipeline as stored, for the owner that a service's grant may name. */
      pipeline: (ref: string) => Promise<SyncedPipeline | undefined>;
      /** A quarantine in force, for the permission its lifting needs. */
      quarantineOf: (id: string) => Promise<StoredQuarantine>;
      /** A promotion request of a pipeline, for who may withdraw it. */
      requestOf?: (ref: string, id: string) => Promise<PromotionRequest>;
      /**
       * The groups that an edge's approval policy names (full refs, lower
       * case), and the groups a caller belongs to: a policy's groups may
       * approve on its edge.
       */
      approvalGroups?: (
        ref: string,
        phase: string,
        from?: string,
      ) => Promise<string[]>;
      claimsOf?: (credentials: BackstageCredentials) => Promise<string[]>;
    },
  ) {}

  /**
   * Throws NotFoundError unless the caller may read the pipeline, and
   * NotAllowedError unless it may also use the write permissions.
   */
  private async authorize(
    ref: string,
    credentials: BackstageCredentials,
    writes: GluPermission[] = [],
  ): Promise<void> {
    const decisions = await this.deps.permissions.authorize(
      [gluPipelineReadPermission, ...writes].map(permission => ({
        permission,
        resourceRef: ref,
      })),
      { credentials },
    );
    // No hint that a pipeline exists to someone who may not see it; one who
    // may make the write knows of it (CI that may only publish).
    const [read, ...writing] = decisions;
    const mayWrite =
      writing.length > 0 &&
      writing.every(d => d.result === AuthorizeResult.ALLOW);
    if (read.result !== AuthorizeResult.ALLOW && !mayWrite) {
      throw new HiddenPipelineError(
        ref,
        `${principalRef(credentials)} may not read ${ref} (${
          gluPipelineReadPermission.name
        })`,
      );
    }
    const principal = credentials.principal as { type: string };
    for (const [index, permission] of writes.entries()) {
      const refused = (why?: string) =>
        new NotAllowedError(
          `${principalRef(credentials)} may not ${
            permission.attributes.action ?? 'use'
          } ${ref} (${permission.name})${why ? `: ${why}` : ''}`,
        );
      if (writing[index].result !== AuthorizeResult.ALLOW) throw refused();
      if (principal.type === 'service') {
        const refusal = await this.deps.grants.refusal(
          principal as BackstageServicePrincipal,
          permission,
          ref,
          async () => {
            const pipeline = await this.deps.pipeline(ref);
            // An owner that is not in the catalog owns nothing.
            return pipeline?.ownerMissing ? undefined : pipeline?.owner;
          },
        );
        if (refusal) throw refused(refusal);
      }
    }
  }

  async listPipelines(query: ListPipelinesQuery, options: CallOptions) {
    const { filter, readable } = await readScopeOf(
      this.deps.permissions,
      options,
    );
    const page = await this.service.listPipelines(
      filter ? { ...query, filter } : query,
      options,
    );
    if (!readable || page.items.length === 0) return page;
    const may = new Set(await readable(page.items.map(p => p.ref)));
    return { ...page, items: page.items.filter(p => may.has(p.ref)) };
  }

  async getFleet(query: FleetQuery, options: CallOptions) {
    const { filter, readable } = await readScopeOf(
      this.deps.permissions,
      options,
    );
    return this.service.getFleet(filter ? { ...query, filter } : query, {
      ...options,
      ...(readable ? { readable } : {}),
    });
  }

  async diffFleet(
    environments: { from: string; to: string },
    query: FleetQuery,
    options: CallOptions,
  ) {
    const { filter, readable } = await readScopeOf(
      this.deps.permissions,
      options,
    );
    return this.service.diffFleet(
      environments,
      filter ? { ...query, filter } : query,
      { ...options, ...(readable ? { readable } : {}) },
    );
  }

  /** Each one through `promote` here: its permissions, its gates. */
  async promoteFleet(items: FleetPromotionRequest[], options: CallOptions) {
    return promoteEach(items, (ref, request) =>
      this.promote(ref, request, options),
    );
  }

  async getPipeline(ref: string, options: CallOptions) {
    await this.authorize(ref, options.credentials);
    return this.service.getPipeline(ref, options);
  }

  async getPipelineDora(ref: string, period: DoraPeriod, options: CallOptions) {
    await this.authorize(ref, options.credentials);
    return this.service.getPipelineDora(ref, period, options);
  }

  /** Only the pipelines of the owners that the caller may read. */
  async getOwnerDora(
    query: { owner: string[]; period: DoraPeriod },
    options: CallOptions,
  ) {
    const pipelineRefs: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listPipelines(
        { owner: query.owner, limit: 500, cursor },
        options,
      );
      pipelineRefs.push(...page.items.map(p => p.ref));
      cursor = page.nextCursor;
    } while (cursor);
    return this.service.getOwnerDora({ ...query, pipelineRefs }, options);
  }

  async getPipelineDocument(ref: string, options: CallOptions) {
    await this.authorize(ref, options.credentials);
    return this.service.getPipelineDocument(ref, options);
  }

  async getPipelineRefresh(ref: string, options: CallOptions) {
    await this.authorize(ref, options.credentials);
    return this.service.getPipelineRefresh(ref, options);
  }

  async refreshPipeline(ref: string, options: CallOptions) {
    await this.authorize(ref, options.credentials);
    return this.service.refreshPipeline(ref, options);
  }

  async listHistory(
    ref: string,
    phase: string,
    page: PageQuery,
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    return this.service.listHistory(ref, phase, page, options);
  }

  async diffHistory(
    ref: string,
    phase: string,
    entries: { from: string; to: string },
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    return this.service.diffHistory(ref, phase, entries, options);
  }

  async listPromotions(
    ref: string,
    query: PageQuery & { phase?: string },
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    return this.service.listPromotions(ref, query, options);
  }

  async getPromotion(id: string, options: CallOptions) {
    const promotion = await this.service.getPromotion(id, options);
    try {
      await this.authorize(promotion.pipelineRef, options.credentials);
    } catch (error) {
      throw new NotFoundError(`No promotion ${id}`);
    }
    return promotion;
  }

  async dryRunPromotion(
    ref: string,
    request: PromoteInput,
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    return this.service.dryRunPromotion(ref, request, options);
  }

  async promote(ref: string, request: PromoteInput, options: CallOptions) {
    await this.authorize(ref, options.credentials, [
      gluPromotePermission,
      // Through a freeze only with the override.
      ...(request.hotfix ? [gluHotfixPermission] : []),
    ]);
    return this.service.promote(ref, request, options);
  }

  async dryRunRollback(
    ref: string,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    return this.service.dryRunRollback(ref, phase, request, options);
  }

  async rollback(
    ref: string,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials, [
      gluRollbackPermission,
      ...(request.pin ? [gluPinPermission] : []),
    ]);
    return this.service.rollback(ref, phase, request, options);
  }

  async pin(ref: string, phase: string, reason: string, options: CallOptions) {
    await this.authorize(ref, options.credentials, [gluPinPermission]);
    return this.service.pin(ref, phase, reason, options);
  }

  async unpin(ref: string, phase: string, options: CallOptions) {
    await this.authorize(ref, options.credentials, [gluPinPermission]);
    return this.service.unpin(ref, phase, options);
  }

  async approve(
    ref: string,
    phase: string,
    request: { from?: string },
    options: CallOptions,
  ) {
    try {
      await this.authorize(ref, options.credentials, [gluApprovePermission]);
    } catch (error) {
      // Who an edge's approval policy names may approve on it, as its owners
      // said in the pipeline's definition.
      if (
        !NotAllowedError.is(error) ||
        !(await namedApprover(this.deps, ref, phase, request.from, options))
      ) {
        throw error;
      }
    }
    return this.service.approve(ref, phase, request, options);
  }

  async publish(
    ref: string,
    phase: string,
    version: PublishInput,
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials, [gluPublishPermission]);
    return this.service.publish(ref, phase, version, options);
  }

  /**
   * Throws NotAllowedError unless the caller may use a permission that is
   * not on one pipeline (`what` it allows, in words).
   */
  private async authorizeGlobal(
    credentials: BackstageCredentials,
    permission: typeof gluFreezePermission,
    what: string,
  ) {
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials,
    });
    const refused = (why?: string) =>
      new NotAllowedError(
        `${principalRef(credentials)} may not ${what} (${permission.name})${
          why ? `: ${why}` : ''
        }`,
      );
    if (decision.result !== AuthorizeResult.ALLOW) throw refused();
    const principal = credentials.principal as { type: string };
    if (principal.type === 'service') {
      const refusal = this.deps.grants.globalRefusal(
        principal as BackstageServicePrincipal,
        permission,
      );
      if (refusal) throw refused(refusal);
    }
  }

  private authorizeFreezes(credentials: BackstageCredentials) {
    return this.authorizeGlobal(
      credentials,
      gluFreezePermission,
      'set or lift freezes',
    );
  }

  /** The permission a quarantine of a pipeline, or of a digest everywhere, needs. */
  private async authorizeQuarantine(
    pipelineRef: string | undefined,
    credentials: BackstageCredentials,
  ) {
    if (pipelineRef) {
      await this.authorize(pipelineRef, credentials, [gluQuarantinePermission]);
    } else {
      await this.authorizeGlobal(
        credentials,
        gluQuarantineEverywherePermission,
        'quarantine a digest in every pipeline',
      );
    }
  }

  async listQuarantines(query: { pipeline?: string }, options: CallOptions) {
    if (query.pipeline) {
      await this.authorize(
        quarantinePipelineRef(query.pipeline),
        options.credentials,
      );
    }
    return this.service.listQuarantines(query, {
      ...options,
      readable: readableBy(this.deps.permissions, options),
    });
  }

  async quarantine(request: QuarantineInput, options: CallOptions) {
    await this.authorizeQuarantine(
      request.pipeline ? quarantinePipelineRef(request.pipeline) : undefined,
      options.credentials,
    );
    return this.service.quarantine(request, {
      ...options,
      readable: readableBy(this.deps.permissions, options),
    });
  }

  async liftQuarantine(id: string, options: CallOptions) {
    const found = await this.deps.quarantineOf(id);
    await this.authorizeQuarantine(found.pipelineRef, options.credentials);
    return this.service.liftQuarantine(id, options);
  }

  /** Anyone who may call the API sees the freezes; pipelines only if readable. */
  async listFreezes(options: CallOptions) {
    return this.service.listFreezes({
      ...options,
      readable: readableBy(this.deps.permissions, options),
    });
  }

  async setFreeze(request: FreezeInput, options: CallOptions) {
    await this.authorizeFreezes(options.credentials);
    return this.service.setFreeze(request, options);
  }

  async liftFreeze(id: string, options: CallOptions) {
    await this.authorizeFreezes(options.credentials);
    return this.service.liftFreeze(id, options);
  }

  async requestPromotion(
    ref: string,
    request: { phase: string; from?: string; reason?: string },
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials, [gluRequestPermission]);
    return this.service.requestPromotion(ref, request, options);
  }

  async listPromotionRequests(
    ref: string,
    query: { status?: PromotionRequest['status']; limit: number },
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    return this.service.listPromotionRequests(ref, query, options);
  }

  /** Its requester may withdraw a request; so may whoever may promote. */
  async withdrawPromotionRequest(
    ref: string,
    id: string,
    options: CallOptions,
  ) {
    await this.authorize(ref, options.credentials);
    const request = await this.deps.requestOf?.(ref, id);
    if (request?.requestedBy !== principalRef(options.credentials)) {
      await this.authorize(ref, options.credentials, [gluPromotePermission]);
    }
    return this.service.withdrawPromotionRequest(ref, id, options);
  }
}
