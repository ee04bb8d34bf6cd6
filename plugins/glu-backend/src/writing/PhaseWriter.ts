import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionDryRun } from '@glu-dev/plugin-glu-common';
import { GluPullRequestProvider } from '@glu-dev/plugin-glu-node';
import { trace } from '@opentelemetry/api';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { GluStore } from '../store/GluStore';
import { PromotionRecord, ResourceState } from '../store/types';
import { Decision } from '../deciding/decision';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { PhaseSources } from '../pipelines/PhaseSources';
import { versionRefOf } from '../pipelines/resources';
import { HeldLease, leaseOfPhase, Leases } from '../records/Leases';
import { PhaseHistory } from '../records/PhaseHistory';
import { PromotionRecords } from '../records/PromotionRecords';
import {
  locationAttributes,
  outcomeAttributes,
  promotionAttributes,
} from '../telemetry/attributes';
import { DocumentThreads } from '../documents/DocumentThreads';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { errorMessage } from '../errors';
import { ExpectedWrite } from '../sources/announcedWrites';
import { WriteApplier } from './apply';
import { WritesUnderWay } from './WritesUnderWay';
import { dryRunOf } from './dryRun';
import {
  expectationOf,
  namingFailedRecord,
  PromoteRequest,
  RollbackRequest,
  WriteAsked,
  WritePlan,
  WritePlanner,
  WriteTrigger,
} from './plan';

/**
 * The one writer. A promotion, a rollback and a promotion by pull request
 * are the same operation with a different origin of the content: plan
 * (decide) → lease the phase → write through the phase's source → record.
 * A rollback is a promotion whose content comes from a history entry.
 * Idempotent: a phase that holds the version already is an answer
 * (`up-to-date`), not an error.
 *
 * This file keeps the record: a write's span, its one record from start to
 * end, and the phase's lease. The plan (plan.ts), the dry run (dryRun.ts)
 * and carrying it out through the source (apply.ts) live beside it.
 */
export class PhaseWriter {
  private readonly planner: WritePlanner;
  private readonly applier: WriteApplier;
  private readonly underWay = new WritesUnderWay();

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pins' | 'pipelines'>;
      sources: PhaseSources;
      decisions: EdgeDecisions;
      records: PromotionRecords;
      history: PhaseHistory;
      leases: Leases;
      providers: ExtensionRegistry<GluPullRequestProvider>;
      /** The portal's address, for links in pull requests. */
      portalUrl?: string;
      logger: LoggerService;
      telemetry: GluTelemetry;
      /** Where the diffs of dry runs are made (large ones off the main thread). */
      documents: DocumentThreads;
      /** Told of each promotion that went through a freeze. */
      onHotfix?: (record: PromotionRecord) => Promise<void>;
    },
  ) {
    this.planner = new WritePlanner(deps);
    this.applier = new WriteApplier(deps);
  }

  /**
   * What a promotion would do, from the store alone: no Git I/O; as asked
   * by `requester`, for approval policies.
   */
  async dryRunPromotion(
    request: Omit<PromoteRequest, keyof WriteTrigger> & { requester?: string },
  ): Promise<PromotionDryRun> {
    return dryRunOf(await this.planner.planPromotion(request), this.deps);
  }

  /** What a rollback would do, from the store alone. */
  async dryRunRollback(
    request: Omit<RollbackRequest, 'triggeredBy' | 'trigger'>,
  ): Promise<PromotionDryRun> {
    return dryRunOf(await this.planner.planRollback(request), this.deps);
  }

  /** Promotes, and answers with the promotion's record. */
  async promote(request: PromoteRequest): Promise<PromotionRecord> {
    return this.underWay.run(() =>
      this.traced(
        { ...request, kind: 'promotion' },
        request,
        () =>
          this.planner.planPromotion({
            ...request,
            // Who asks, for approval policies: not Glu itself.
            requester:
              request.trigger === 'auto' ? undefined : request.triggeredBy,
          }),
        async plan => this.hotfixed(await this.perform(plan, request)),
      ),
    );
  }

  /** A promotion through a freeze is told of, once it is under way. */
  private async hotfixed(record: PromotionRecord): Promise<PromotionRecord> {
    const { onHotfix, logger } = this.deps;
    if (record.hotfix && record.status !== 'failed' && onHotfix) {
      await onHotfix(record).catch(error =>
        logger.warn(
          `Could not tell of the hotfix ${record.id}: ${errorMessage(error)}`,
        ),
      );
    }
    return record;
  }

  /**
   * Starts no more writes and waits for those under way, for at most
   * `millis`; answers how many had not ended by then.
   */
  stop(millis: number): Promise<number> {
    return this.underWay.stop(millis);
  }

  /**
   * Rolls a phase back to an entry of its history: that state's content,
   * exactly, through the phase's own strategy; optionally pinned there.
   */
  async rollback(request: RollbackRequest): Promise<PromotionRecord> {
    const trigger: WriteTrigger = {
      triggeredBy: request.triggeredBy,
      trigger: request.trigger ?? 'manual',
    };
    return this.underWay.run(() =>
      this.traced(
        { ...request, kind: 'rollback' },
        trigger,
        () => this.planner.planRollback(request),
        plan => this.rollBack(plan, request, trigger),
      ),
    );
  }

  /**
   * A write, announced to its source while it is planned (`announce`), in
   * its span (`tracedPlan`).
   */
  private async traced(
    request: WriteAsked,
    trigger: WriteTrigger,
    planned: () => Promise<WritePlan>,
    perform: (plan: WritePlan) => Promise<PromotionRecord>,
  ): Promise<PromotionRecord> {
    const startTime = new Date();
    const announced = this.planner.announce(request);
    try {
      return await this.tracedPlan(
        request,
        trigger,
        startTime,
        async () => ({ ...(await planned()), announced }),
        perform,
      );
    } finally {
      announced?.expected.cancel();
    }
  }

  /**
   * A write in its span, planning included. An automatic promotion goes on
   * in the trace of the version it brings (the span stored with the
   * upstream's state: CI's publish, or the promotion that brought it
   * there); any other write is in its caller's trace, linked to the
   * version's. The span's context is stored with the record, and the
   * state it writes.
   */
  private async tracedPlan(
    request: WriteAsked,
    trigger: WriteTrigger,
    startTime: Date,
    planned: () => Promise<WritePlan>,
    perform: (plan: WritePlan) => Promise<PromotionRecord>,
  ): Promise<PromotionRecord> {
    const { telemetry } = this.deps;
    let plan: WritePlan | undefined;
    let planError: unknown;
    try {
      plan = await planned();
    } catch (error) {
      planError = error;
    }
    const plannedAt = new Date();
    const origin = plan?.origin.traceparent;
    const continues =
      trigger.trigger === 'auto' && request.kind === 'promotion';
    return telemetry.span(
      request.kind === 'rollback' ? 'glu.rollback' : 'glu.promotion',
      {
        parent: continues ? origin : undefined,
        links: [origin],
        startTime,
        attributes: {
          ...promotionAttributes(
            plan
              ? {
                  pipelineRef: plan.pipeline.ref,
                  kind: plan.kind,
                  from: plan.from,
                  to: plan.phase.name,
                  strategy: plan.strategy,
                  ...trigger,
                  version: plan.decision.holding?.version,
                  digest: plan.decision.holding?.digest,
                  fromVersion: plan.origin.version,
                }
              : { ...request, to: request.phase, ...trigger },
          ),
          ...(plan ? locationAttributes(plan.location) : {}),
        },
      },
      async span => {
        telemetry.recordSpan('glu.promotion.plan', span, {
          startTime,
          endTime: plannedAt,
          error: planError,
          ...(plan
            ? { attributes: { 'glu.decision': plan.decision.status } }
            : {}),
        });
        if (!plan) throw planError;
        const record = await perform({
          ...plan,
          traceparent: telemetry.traceparentOf(span),
          traceId: telemetry.traceIdOf(span),
        });
        span.setAttributes(outcomeAttributes(record));
        return record;
      },
    );
  }

  private async rollBack(
    plan: WritePlan,
    request: RollbackRequest,
    trigger: WriteTrigger,
  ): Promise<PromotionRecord> {
    const record = await this.perform(plan, trigger);
    if (request.pinReason !== undefined && record.status !== 'failed') {
      // Pinned at the version it goes back to, also while its pull request
      // waits: no promotion replaces the proposal meanwhile.
      await this.deps.store.pins.setPin(plan.pipeline.ref, {
        phase: plan.phase.name,
        digest: plan.origin.digest,
        version: plan.origin.version,
        pinnedBy: request.triggeredBy,
        reason: request.pinReason,
        pinnedAt: new Date().toISOString(),
      });
    }
    return record;
  }

  /** Plan → lease → write → record, with one record from start to end. */
  private async perform(
    plan: WritePlan,
    trigger: WriteTrigger,
  ): Promise<PromotionRecord> {
    const { records, leases } = this.deps;
    const { decision } = plan;
    if (decision.status === 'blocked')
      throw this.planner.blocked(plan, decision);
    const draft = {
      pipelineRef: plan.pipeline.ref,
      from: plan.from,
      to: plan.phase.name,
      kind: plan.kind,
      strategy: plan.strategy,
      fromVersion: versionRefOf(plan.origin),
      triggeredBy: trigger.triggeredBy,
      trigger: trigger.trigger,
      ...(plan.traceparent ? { traceparent: plan.traceparent } : {}),
      ...(plan.requestId ? { requestId: plan.requestId } : {}),
      ...(plan.reason ? { reason: plan.reason } : {}),
      ...(plan.approvedBy?.length ? { approvedBy: plan.approvedBy } : {}),
      ...(plan.hotfix && decision.throughFreezes
        ? {
            hotfix: {
              reason: plan.hotfix.reason,
              freezes: decision.throughFreezes,
            },
          }
        : {}),
    };
    const proposed = await this.openProposal(decision);
    if (proposed) return proposed;
    if (decision.status === 'up-to-date') {
      const held = versionRefOf(decision.holding);
      return records.create({
        ...draft,
        status: 'up-to-date',
        before: held,
        after: held,
        finishedAt: new Date().toISOString(),
      });
    }
    const lease = leaseOfPhase(plan.pipeline.ref, plan.phase.name);
    const holder = leases.newHolder();
    const leaseAsked = new Date();
    // A phase that is free now, in a pipeline that has not moved since the
    // plan (its revision moves with every state, record, pin, approval and
    // definition), is written as planned: deciding again would see the same.
    const holding = decision.status === 'promotable' && decision.holding;
    const held = holding && (await leases.tryAcquire(lease, holder));
    const asPlanned =
      held &&
      (await this.deps.store.pipelines.getPipelineRevision(
        plan.pipeline.ref,
      )) === plan.revision;
    const expected = expectationOf(plan, Boolean(asPlanned));
    try {
      return await this.performHeld(plan, draft, {
        lease,
        holder,
        held: Boolean(held),
        leaseAsked,
        asPlanned: asPlanned ? holding : undefined,
        expected,
      });
    } finally {
      expected?.cancel();
    }
  }

  /** Records the write, and carries it out under the phase's lease. */
  private async performHeld(
    plan: WritePlan,
    draft: Omit<PromotionRecord, 'id' | 'createdAt' | 'status'>,
    options: {
      lease: string;
      holder: string;
      /** Whether the lease was taken already. */
      held: boolean;
      leaseAsked: Date;
      /** What it brings, when it is written as planned. */
      asPlanned?: ResourceState;
      expected?: ExpectedWrite;
    },
  ): Promise<PromotionRecord> {
    const { records, leases } = this.deps;
    const { lease, holder, held, leaseAsked, asPlanned, expected } = options;
    const promotionSpan = trace.getActiveSpan();
    let record: PromotionRecord;
    // A record that will wait for the lease is covered by its holder's
    // claim to wait from the start, so that it ends if the holder stops.
    if (!held) await leases.claimWait(holder);
    try {
      record = await records.create(
        asPlanned
          ? {
              ...draft,
              status: 'running',
              before: versionRefOf(
                plan.snapshot.states.get(plan.phase.name)?.current,
              ),
            }
          : { ...draft, status: 'pending' },
        holder,
      );
    } catch (error) {
      await (held
        ? leases.release(lease, holder)
        : leases.releaseWait(holder)
      ).catch(() => undefined);
      throw error;
    }
    try {
      return await leases.withLease(
        lease,
        taken => {
          this.deps.telemetry.recordSpan('glu.promotion.lease', promotionSpan, {
            startTime: leaseAsked,
            endTime: new Date(),
            attributes: { 'glu.lease.free': held },
          });
          return this.deps.telemetry.span(
            'glu.promotion.write',
            { attributes: locationAttributes(plan.location) },
            async span => {
              const written = await (asPlanned
                ? this.applier.carryOut(
                    { ...plan, expected },
                    record,
                    asPlanned,
                    taken,
                  )
                : this.write(plan, record, taken));
              span.setAttributes(outcomeAttributes(written));
              return written;
            },
          );
        },
        { holder, held },
      );
    } catch (error) {
      // Ends it unless it ended already. A record that cannot be ended now
      // (the database is down) is ended once its lease or its wait for the
      // lease has run out (PromotionRecords.endAbandoned); the caller hears
      // of the error itself.
      await records
        .fail(record.id, error)
        .catch(failure =>
          this.deps.logger.warn(
            `Promotion ${record.id} could not be ended now: ${errorMessage(
              failure,
            )}`,
          ),
        );
      throw namingFailedRecord(error, record.id);
    }
  }

  /** The open proposal of this very version, which a write answers with. */
  private async openProposal(
    decision: Decision,
  ): Promise<PromotionRecord | undefined> {
    if (decision.status !== 'in-progress' || !decision.pullRequest) {
      return undefined;
    }
    const open = await this.deps.records.get(decision.promotionId!);
    return open?.status === 'open' ? open : undefined;
  }

  /** The write itself, under the phase's lease. */
  private async write(
    plan: WritePlan,
    record: PromotionRecord,
    lease: HeldLease,
  ): Promise<PromotionRecord> {
    const { records, decisions } = this.deps;
    await this.planner.stillDefinedAsPlanned(plan);
    // Decided again on what the phase holds now: another write may have just
    // made this one, or a pin or a gate may stand in the way by now.
    const snapshot = await decisions.snapshot(plan.pipeline);
    const decided = await plan.decideAgain(snapshot);
    if (!decided) throw this.planner.blocked(plan, plan.decision);
    const { decision, origin, change } = decided;
    const seen = snapshot.states.get(plan.phase.name);
    const before = versionRefOf(seen?.current);
    if (decision.status === 'blocked')
      throw this.planner.blocked(plan, decision);
    const proposed = await this.openProposal(decision);
    if (proposed) {
      await records.move(record.id, 'up-to-date', {
        before,
        after: proposed.after,
        error: `Proposed already by ${proposed.pullRequest?.url}`,
      });
      return proposed;
    }
    if (decision.status === 'up-to-date' || !decision.holding) {
      return records.move(record.id, 'up-to-date', { before, after: before });
    }
    const running = await records.move(record.id, 'running', {
      before,
      fromVersion: versionRefOf(origin),
    });
    return this.applier.carryOut(
      { ...plan, origin, change, snapshot },
      running,
      decision.holding,
      lease,
    );
  }
}
