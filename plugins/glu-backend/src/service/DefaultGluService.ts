import { NotFoundError } from '@backstage/errors';
import {
  FleetPromotionRequest,
  HistoryDiff,
  PipelineDefinition,
  PipelineRefresh,
  PromotionRequest,
  Quarantine,
} from '@glu-dev/plugin-glu-common';
import { DocumentThreads } from '../documents/DocumentThreads';
import { Approvals } from '../records/Approvals';
import { DoraPeriod } from '../insight/dora';
import { DoraReports } from '../insight/DoraReports';
import { PhaseWriter } from '../writing/PhaseWriter';
import { Pins } from '../records/Pins';
import { Requests } from '../records/Requests';
import { Freezes } from '../freezing/Freezes';
import { FreezeFollowUp } from '../freezing/FreezeFollowUp';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { PipelineViews } from '../views/PipelineViews';
import { FleetViews } from '../views/FleetViews';
import { promoteEach } from './fleetPromotions';
import { VersionPublisher } from '../records/VersionPublisher';
import { PhaseRefresher } from '../records/PhaseRefresher';
import { requirePhase, requirePipeline } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';
import { quarantineMarkOf, Quarantines } from '../quarantine/Quarantines';
import { QuarantineRollbacks } from '../quarantine/QuarantineRollbacks';
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
  Readable,
} from './GluService';

/**
 * The service itself: every write is followed by what follows a change
 * (automatic promotions, signals), whatever its outcome.
 */
export class DefaultGluService implements GluService {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pipelines' | 'promotions' | 'requests'>;
      views: PipelineViews;
      fleet: FleetViews;
      writer: PhaseWriter;
      publisher: VersionPublisher;
      pins: Pins;
      freezes: Freezes;
      quarantines: Quarantines;
      quarantineRollbacks: QuarantineRollbacks;
      requests: Requests;
      /** Who a caller is: their groups (ownership refs) and email. */
      whoIs: (
        credentials: CallOptions['credentials'],
      ) => Promise<{ claims: string[]; email?: string }>;
      freezeFollowUp: FreezeFollowUp;
      approvals: Approvals;
      dora: DoraReports;
      changes: PipelineChanges;
      /** Looks at pipelines' sources now, and follows up what changed. */
      refresh: (pipelineRefs: string[]) => Promise<void>;
      /** When phases were last looked at. */
      refresher: Pick<PhaseRefresher, 'refreshOf'>;
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

  async getFleet(query: FleetQuery, { readable }: { readable?: Readable }) {
    return this.deps.fleet.getFleet(query, readable);
  }

  async diffFleet(
    environments: { from: string; to: string },
    query: FleetQuery,
    { readable }: { readable?: Readable },
  ) {
    return this.deps.fleet.diffFleet(environments, query, readable);
  }

  /** Each one as `promote`, followed up as it is. */
  async promoteFleet(items: FleetPromotionRequest[], options: CallOptions) {
    return promoteEach(items, (ref, request) =>
      this.promote(ref, request, options),
    );
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

  async getPipelineRefresh(ref: string): Promise<PipelineRefresh> {
    const { store, refresher } = this.deps;
    return refresher.refreshOf(await requirePipeline(store, ref));
  }

  async listHistory(ref: string, phase: string, page: PageQuery) {
    await requirePhase(this.deps.store, ref, phase);
    const [history, { active }] = await Promise.all([
      this.deps.store.phases.listHistory(ref, phase, page),
      this.deps.quarantines.current(),
    ]);
    // Each entry of a quarantined version says so.
    return {
      ...history,
      items: history.items.map(entry => {
        const quarantine = quarantineMarkOf(active, ref, entry);
        return quarantine ? { ...entry, quarantine } : entry;
      }),
    };
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
    const approver = principalRef(credentials);
    const who = approver.startsWith('user:')
      ? await this.deps.whoIs(credentials)
      : { claims: [] };
    const approval = await this.deps.approvals.approve({
      pipelineRef: ref,
      phase,
      from: request.from,
      approver,
      ...who,
    });
    const { store, changes } = this.deps;
    const waiting = (await store.requests.openRequests([ref])).find(
      r => r.to === phase && r.digest === approval.digest,
    );
    if (!waiting) {
      changes.changedInBackground([ref]);
      return approval;
    }
    // The request that waited on it goes through now, if its policy is met.
    await changes.changed([ref]);
    const after = await store.requests.getRequest(waiting.id);
    const promotion = after?.promotionId
      ? await store.promotions.getPromotion(after.promotionId)
      : undefined;
    return { ...approval, ...(promotion ? { promotion } : {}) };
  }

  async requestPromotion(
    ref: string,
    request: { phase: string; from?: string; reason?: string },
    { credentials }: CallOptions,
  ) {
    return this.changing(ref, () =>
      this.deps.requests.request({
        pipelineRef: ref,
        ...request,
        requestedBy: principalRef(credentials),
      }),
    );
  }

  async listPromotionRequests(
    ref: string,
    query: { status?: PromotionRequest['status']; limit: number },
  ) {
    return this.deps.requests.list(ref, query);
  }

  async withdrawPromotionRequest(ref: string, id: string) {
    return this.changing(ref, () => this.deps.requests.withdraw(ref, id));
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
    if (freeze.active)
      this.deps.freezeFollowUp.inBackground('started', [freeze]);
    return freeze;
  }

  async liftFreeze(id: string, { credentials }: CallOptions) {
    const lifted = await this.deps.freezes.lift(id, principalRef(credentials));
    this.deps.freezeFollowUp.inBackground('ended', [lifted]);
  }

  /** A quarantine's phases, only of the pipelines the caller may read. */
  private async readableView(
    quarantine: Quarantine,
    readable?: Readable,
  ): Promise<Quarantine> {
    if (!readable) return quarantine;
    const refs = [
      ...new Set([
        ...quarantine.holding.map(h => h.pipelineRef),
        ...(quarantine.rollbacks ?? []).map(r => r.pipelineRef),
      ]),
    ];
    const may = new Set(refs.length ? await readable(refs) : []);
    return {
      ...quarantine,
      holding: quarantine.holding.filter(h => may.has(h.pipelineRef)),
      ...(quarantine.rollbacks
        ? {
            rollbacks: quarantine.rollbacks.filter(r => may.has(r.pipelineRef)),
          }
        : {}),
    };
  }

  async listQuarantines(
    query: { pipeline?: string },
    options: CallOptions & { readable?: Readable },
  ) {
    const listed = await this.deps.quarantines.list(query);
    const { readable } = options;
    // A quarantine of a pipeline the caller may not read is not shown.
    const named = [
      ...new Set(listed.flatMap(q => (q.pipelineRef ? [q.pipelineRef] : []))),
    ];
    const may = new Set(
      readable && named.length ? await readable(named) : named,
    );
    return Promise.all(
      listed
        .filter(q => !q.pipelineRef || may.has(q.pipelineRef))
        .map(q => this.readableView(q, readable)),
    );
  }

  async quarantine(
    request: QuarantineInput,
    { credentials, readable }: CallOptions & { readable?: Readable },
  ) {
    const { quarantines, quarantineRollbacks, changes } = this.deps;
    const added = await quarantines.add(request, principalRef(credentials));
    const view = await quarantines.view(added);
    // What holds it shows it at once; nothing promotes it from now on.
    changes.signal([...new Set(view.holding.map(h => h.pipelineRef))]);
    if (added.rollback) {
      const { active } = await quarantines.current();
      view.rollbacks = await quarantineRollbacks.rollBack(
        added,
        view.holding,
        active,
      );
      changes.changedInBackground(
        view.rollbacks.flatMap(r => (r.promotionId ? [r.pipelineRef] : [])),
      );
    }
    return this.readableView(view, readable);
  }

  async liftQuarantine(id: string, { credentials }: CallOptions) {
    const lifted = await this.deps.quarantines.lift(
      id,
      principalRef(credentials),
    );
    // What it held back may move now: promotions it blocked are decided
    // again, in the background.
    this.deps.quarantines
      .pipelinesUnder(lifted)
      .then(refs => this.deps.changes.changedInBackground(refs))
      .catch(() => undefined);
  }
}
