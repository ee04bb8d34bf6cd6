import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  Approval,
  Freeze,
  FreezeScope,
  HistoryDiff,
  HistoryEntry,
  OwnerDora,
  Page,
  Pin,
  PipelineDefinition,
  PipelineDora,
  PipelineSummary,
  PipelineView,
  Promotion,
  PromotionDryRun,
} from '@glu-dev/plugin-glu-common';
import { DocumentThreads } from '../documents/DocumentThreads';
import { Approvals } from '../records/Approvals';
import { DoraPeriod } from '../insight/dora';
import { DoraReports } from '../insight/DoraReports';
import { PhaseWriter } from '../writing/PhaseWriter';
import { Pins } from '../records/Pins';
import { Freezes } from '../freezing/Freezes';
import { FreezeFollowUp } from '../freezing/FreezeFollowUp';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { PipelineDocument, PipelineViews } from '../views/PipelineViews';
import { VersionPublisher } from '../records/VersionPublisher';
import { requirePhase, requirePipeline } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';
import { PipelineFilter } from '../store/PipelineStore';

/** Who asks. */
export interface CallOptions {
  credentials: BackstageCredentials;
}

/** A page of a list: its size, and where the previous page ended. */
export interface PageQuery {
  limit: number;
  cursor?: string;
}

export interface ListPipelinesQuery extends PageQuery {
  /** Only pipelines that deliver this component. */
  component?: string;
  /** Only pipelines that one of these owners owns. */
  owner?: string[];
  /** Only pipelines that match this (what the caller may read). */
  filter?: PipelineFilter;
}

/** A version published to an `api` phase. */
export interface PublishInput {
  version?: string;
  fields?: Record<string, string>;
  digest?: string;
  url?: string;
  message?: string;
  /** The caller's W3C trace context (CI's), which the version's trace continues. */
  traceparent?: string;
}

/** What a promotion asks for: into which phase, from where, and whether as a hotfix. */
export interface PromoteInput {
  phase: string;
  from?: string;
  /** Go through the freezes that hold the phase, with this reason. */
  hotfix?: { reason: string };
}

/** What a freeze is set with. */
export interface FreezeInput {
  reason: string;
  scope?: FreezeScope;
  /** By default now. */
  startsAt?: string;
  endsAt?: string;
  rollbacks?: boolean;
}

/**
 * What Glu does, as the HTTP API (and any other caller) sees it: reads from
 * the store and writes through the engine. It knows nothing of permissions:
 * `AuthorizedGluService` wraps it and decides who may.
 */
export interface GluService {
  listPipelines(
    query: ListPipelinesQuery,
    options: CallOptions,
  ): Promise<Page<PipelineSummary>>;
  getPipeline(ref: string, options: CallOptions): Promise<PipelineView>;
  /** The pipeline's DORA figures over a period. */
  getPipelineDora(
    ref: string,
    period: DoraPeriod,
    options: CallOptions,
  ): Promise<PipelineDora>;
  /**
   * The DORA figures of the pipelines that some owners own: those given in
   * `pipelineRefs` (what the caller may read), or every one of theirs.
   */
  getOwnerDora(
    query: { owner: string[]; period: DoraPeriod; pipelineRefs?: string[] },
    options: CallOptions,
  ): Promise<OwnerDora>;
  /** The pipeline's view serialized, as the API answers it. */
  getPipelineDocument(
    ref: string,
    options: CallOptions,
  ): Promise<PipelineDocument>;
  refreshPipeline(ref: string, options: CallOptions): Promise<PipelineView>;
  listHistory(
    ref: string,
    phase: string,
    page: PageQuery,
    options: CallOptions,
  ): Promise<Page<HistoryEntry>>;
  diffHistory(
    ref: string,
    phase: string,
    entries: { from: string; to: string },
    options: CallOptions,
  ): Promise<HistoryDiff>;
  listPromotions(
    ref: string,
    query: PageQuery & { phase?: string },
    options: CallOptions,
  ): Promise<Page<Promotion>>;
  getPromotion(id: string, options: CallOptions): Promise<Promotion>;
  dryRunPromotion(
    ref: string,
    request: PromoteInput,
    options: CallOptions,
  ): Promise<PromotionDryRun>;
  promote(
    ref: string,
    request: PromoteInput,
    options: CallOptions,
  ): Promise<Promotion>;
  dryRunRollback(
    ref: string,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
    options: CallOptions,
  ): Promise<PromotionDryRun>;
  rollback(
    ref: string,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
    options: CallOptions,
  ): Promise<Promotion>;
  pin(
    ref: string,
    phase: string,
    reason: string,
    options: CallOptions,
  ): Promise<Pin>;
  unpin(ref: string, phase: string, options: CallOptions): Promise<void>;
  approve(
    ref: string,
    phase: string,
    request: { from?: string },
    options: CallOptions,
  ): Promise<Approval>;
  publish(
    ref: string,
    phase: string,
    version: PublishInput,
    options: CallOptions,
  ): Promise<{ changed: boolean; state: HistoryEntry }>;
  /**
   * The freezes that hold promotions now or will; `readable` leaves out of
   * their scopes the pipelines that the caller may not read.
   */
  listFreezes(
    options: CallOptions & { readable?: (refs: string[]) => Promise<string[]> },
  ): Promise<Freeze[]>;
  setFreeze(request: FreezeInput, options: CallOptions): Promise<Freeze>;
  liftFreeze(id: string, options: CallOptions): Promise<void>;
}

/** Who did it, as promotions and history record it: a user or a service. */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  if (principal.type === 'user') return principal.userEntityRef;
  if (principal.type === 'service') return principal.subject;
  return 'unknown';
}

/**
 * The service itself: every write is followed by what follows a change
 * (automatic promotions, signals), whatever its outcome.
 */
export class DefaultGluService implements GluService {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pipelines' | 'promotions'>;
      views: PipelineViews;
      writer: PhaseWriter;
      publisher: VersionPublisher;
      pins: Pins;
      freezes: Freezes;
      freezeFollowUp: FreezeFollowUp;
      approvals: Approvals;
      dora: DoraReports;
      changes: PipelineChanges;
      /** Looks at pipelines' sources now, and follows up what changed. */
      refresh: (pipelineRefs: string[]) => Promise<void>;
      /** Where the diffs of history are made (large ones off the main thread). */
      documents: DocumentThreads;
    },
  ) {}

  /** A write, and then what follows a change of the pipeline. */
  private async changing<T>(ref: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.deps.changes.changedInBackground([ref]);
    }
  }

  async listPipelines(query: ListPipelinesQuery) {
    return this.deps.views.listPipelines(query);
  }

  async getPipeline(ref: string) {
    return this.deps.views.getPipeline(ref);
  }

  async getPipelineDocument(ref: string) {
    return this.deps.views.getPipelineDocument(ref);
  }

  async getPipelineDora(ref: string, period: DoraPeriod) {
    return this.deps.dora.ofPipeline(
      await requirePipeline(this.deps.store, ref),
      period,
    );
  }

  async getOwnerDora(query: {
    owner: string[];
    period: DoraPeriod;
    pipelineRefs?: string[];
  }) {
    const { store, dora } = this.deps;
    let pipelines: PipelineDefinition[] = [];
    if (query.pipelineRefs) {
      pipelines = await store.pipelines.listPipelineDefinitions(
        query.pipelineRefs,
      );
    } else {
      let cursor: string | undefined;
      do {
        const page = await store.pipelines.listPipelines({
          owner: query.owner,
          limit: 500,
          cursor,
        });
        pipelines.push(...page.items.map(i => i.definition));
        cursor = page.nextCursor;
      } while (cursor);
    }
    return dora.ofPipelines(query.owner, pipelines, query.period);
  }

  async refreshPipeline(ref: string) {
    await requirePipeline(this.deps.store, ref);
    await this.deps.refresh([ref]);
    return this.deps.views.getPipeline(ref);
  }

  async listHistory(ref: string, phase: string, page: PageQuery) {
    await requirePhase(this.deps.store, ref, phase);
    return this.deps.store.phases.listHistory(ref, phase, page);
  }

  async diffHistory(
    ref: string,
    phaseName: string,
    ids: { from: string; to: string },
  ): Promise<HistoryDiff> {
    const { store } = this.deps;
    const { phase } = await requirePhase(this.deps.store, ref, phaseName);
    const [from, to] = await Promise.all(
      [ids.from, ids.to].map(async id => {
        const entry = await store.phases.getHistoryEntry(id);
        if (!entry || entry.pipelineRef !== ref || entry.phase !== phase.name) {
          throw new NotFoundError(
            `The phase ${phase.name} has no history entry ${id}`,
          );
        }
        return entry;
      }),
    );
    const [before, after] = await Promise.all(
      [from, to].map(e =>
        e.blobHash ? store.phases.getBlob(e.blobHash) : undefined,
      ),
    );
    const path = (phase.source as { path?: string }).path ?? phase.name;
    const diff =
      before !== undefined && after !== undefined && before !== after
        ? await this.deps.documents.run({ kind: 'diff', path, before, after })
        : '';
    return { from, to, diff };
  }

  async listPromotions(ref: string, query: PageQuery & { phase?: string }) {
    await requirePipeline(this.deps.store, ref);
    return this.deps.store.promotions.listPromotions({
      pipelineRef: ref,
      ...query,
    });
  }

  async getPromotion(id: string) {
    const promotion = await this.deps.store.promotions.getPromotion(id);
    if (!promotion) throw new NotFoundError(`No promotion ${id}`);
    return promotion;
  }

  async dryRunPromotion(ref: string, request: PromoteInput) {
    return this.deps.writer.dryRunPromotion({ pipelineRef: ref, ...request });
  }

  async promote(
    ref: string,
    request: PromoteInput,
    { credentials }: CallOptions,
  ) {
    return this.changing(ref, () =>
      this.deps.writer.promote({
        pipelineRef: ref,
        ...request,
        triggeredBy: principalRef(credentials),
        trigger: 'manual',
      }),
    );
  }

  async dryRunRollback(
    ref: string,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
  ) {
    return this.deps.writer.dryRunRollback({
      pipelineRef: ref,
      phase,
      historyId: request.historyId,
      pinReason: request.pin?.reason,
    });
  }

  async rollback(
    ref: string,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
    { credentials }: CallOptions,
  ) {
    return this.changing(ref, () =>
      this.deps.writer.rollback({
        pipelineRef: ref,
        phase,
        historyId: request.historyId,
        pinReason: request.pin?.reason,
        triggeredBy: principalRef(credentials),
      }),
    );
  }

  async pin(
    ref: string,
    phase: string,
    reason: string,
    { credentials }: CallOptions,
  ) {
    return this.changing(ref, () =>
      this.deps.pins.pin({
        pipelineRef: ref,
        phase,
        reason,
        pinnedBy: principalRef(credentials),
      }),
    );
  }

  async unpin(ref: string, phase: string) {
    // What follows (automatic promotions) takes the newest upstream version
    // through, not every one it missed.
    return this.changing(ref, async () => {
      await requirePhase(this.deps.store, ref, phase);
      await this.deps.pins.unpin(ref, phase);
    });
  }

  async approve(
    ref: string,
    phase: string,
    request: { from?: string },
    { credentials }: CallOptions,
  ) {
    return this.changing(ref, () =>
      this.deps.approvals.approve({
        pipelineRef: ref,
        phase,
        from: request.from,
        approver: principalRef(credentials),
      }),
    );
  }

  async publish(
    ref: string,
    phase: string,
    version: PublishInput,
    { credentials }: CallOptions,
  ) {
    // Promotions follow in the background: CI need not wait for them.
    return this.changing(ref, () =>
      this.deps.publisher.publish({
        pipelineRef: ref,
        phase,
        ...version,
        publishedBy: principalRef(credentials),
      }),
    );
  }

  async listFreezes(
    options: CallOptions & { readable?: (refs: string[]) => Promise<string[]> },
  ) {
    const freezes = await this.deps.freezes.list();
    if (!options.readable) return freezes;
    // A pipeline the caller may not read is not named to them.
    const named = [...new Set(freezes.flatMap(f => f.scope.pipelines ?? []))];
    const readable = new Set(named.length ? await options.readable(named) : []);
    return freezes.map(f =>
      f.scope.pipelines
        ? {
            ...f,
            scope: {
              ...f.scope,
              pipelines: f.scope.pipelines.filter(ref => readable.has(ref)),
            },
          }
        : f,
    );
  }

  async setFreeze(request: FreezeInput, { credentials }: CallOptions) {
    const freeze = await this.deps.freezes.set(
      request,
      principalRef(credentials),
    );
    if (freeze.active) this.deps.freezeFollowUp.inBackground('started', [freeze]);
    return freeze;
  }

  async liftFreeze(id: string, { credentials }: CallOptions) {
    const lifted = await this.deps.freezes.lift(id, principalRef(credentials));
    this.deps.freezeFollowUp.inBackground('ended', [lifted]);
  }
}
