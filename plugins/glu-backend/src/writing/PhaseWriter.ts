import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  EdgeDefinition,
  PhaseDefinition,
  PipelineDefinition,
  PromotionDryRun,
  PullRequestOptions,
} from '@glu-dev/plugin-glu-common';
import {
  GluChange,
  GluPhaseLocation,
  GluPullRequestProvider,
  GluSourcePhase,
  GluWritableSource,
} from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { GluStore } from '../store/GluStore';
import { sourceKeyOf } from '../store/rows';
import { HistoryEntry, PromotionRecord, ResourceState } from '../store/types';
import { Decision } from '../deciding/decision';
import {
  EdgeDecisions,
  invalidOf,
  PipelineSnapshot,
} from '../deciding/EdgeDecisions';
import { HeldLease, leaseOfPhase, Leases } from '../records/Leases';
import { PhaseHistory } from '../records/PhaseHistory';
import { PhaseSources } from '../pipelines/PhaseSources';
import { PromotionRecords } from '../records/PromotionRecords';
import {
  bodyOf,
  NO_PULL_REQUEST_OPTIONS,
  proposalBranch,
  providerFor,
  titleOf,
} from './proposals';
import {
  promotionEdge,
  requirePromotionEdge,
  rollbackEdge,
} from '../pipelines/edges';
import { foundPipeline, phaseOf } from '../pipelines/lookup';
import { resourceOf, versionRefOf } from '../pipelines/resources';
import { trace } from '@opentelemetry/api';
import {
  locationAttributes,
  outcomeAttributes,
  promotionAttributes,
} from '../telemetry/attributes';
import { DocumentThreads } from '../documents/DocumentThreads';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { errorMessage } from '../errors';
import { announcing, ExpectedWrite } from '../sources/announcedWrites';

/** Who asks for a write, and how. */
export interface WriteTrigger {
  /** A user or service ref. */
  triggeredBy: string;
  trigger: PromotionRecord['trigger'];
}

export interface PromoteRequest extends WriteTrigger {
  pipelineRef: string;
  /** The phase to promote into. */
  phase: string;
  /** The upstream phase, needed only when the phase has several. */
  from?: string;
}

export interface RollbackRequest {
  pipelineRef: string;
  phase: string;
  /** The history entry to go back to. */
  historyId: string;
  /** Pin the phase there, with this reason. */
  pinReason?: string;
  triggeredBy: string;
  /** By default a person's (`manual`); `auto` for Glu's own. */
  trigger?: PromotionRecord['trigger'];
}

/** A write as it is asked for: into which phase of which pipeline, of which kind. */
interface WriteAsked {
  pipelineRef: string;
  phase: string;
  from?: string;
  kind: PromotionRecord['kind'];
}

/** What a write brings, where from, and whether it may: decided on a snapshot. */
interface Decided {
  decision: Decision;
  /** The upstream state it comes from, or the history entry. */
  origin: HistoryEntry;
  change: GluChange;
}

/**
 * A write, planned: where it goes, and what it brings as decided when it was
 * planned; decided again under the phase's lease before it writes.
 */
interface WritePlan extends Decided {
  kind: PromotionRecord['kind'];
  pipeline: PipelineDefinition;
  /** The pipeline's revision when it was planned, read before its snapshot. */
  revision: string;
  /** What the plan was decided on. */
  snapshot: PipelineSnapshot;
  phase: PhaseDefinition;
  /** The upstream phase (the phase itself for a rollback). */
  from: string;
  strategy: EdgeDefinition['strategy'];
  pullRequest: PullRequestOptions;
  source: GluWritableSource;
  sourcePhase: GluSourcePhase;
  location: GluPhaseLocation;
  pinReason?: string;
  /** Decides again on a newer snapshot, under the phase's lease. */
  decideAgain(snapshot: PipelineSnapshot): Promise<Decided | undefined>;
  /** The write's span, stored with its record (a W3C traceparent). */
  traceparent?: string;
  /** Its trace, for the commit's trailer. */
  traceId?: string;
  /** The write as announced to its source when it was asked for. */
  announced?: Announced;
  /** The write as announced to its source, once it is known to happen. */
  expected?: ExpectedWrite;
}

/** A write announced to its source, and where it was to land. */
interface Announced {
  expected: ExpectedWrite;
  landing: string;
}

/** Where a write lands, as far as gathering writes goes: source, repository, branch. */
function landingOf(type: string, location: GluPhaseLocation): string {
  return JSON.stringify([type, location.repository, location.branch]);
}

/**
 * The one writer. A promotion, a rollback and a promotion by pull request
 * are the same operation with a different origin of the content: plan
 * (decide) → lease the phase → write through the phase's source → record.
 * A rollback is a promotion whose content comes from a history entry.
 * Idempotent: a phase that holds the version already is an answer
 * (`up-to-date`), not an error.
 */
export class PhaseWriter {
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
    },
  ) {}

  /** What a promotion would do, from the store alone: no Git I/O. */
  async dryRunPromotion(
    request: Omit<PromoteRequest, keyof WriteTrigger>,
  ): Promise<PromotionDryRun> {
    return this.dryRun(await this.planPromotion(request));
  }

  /** What a rollback would do, from the store alone. */
  async dryRunRollback(
    request: Omit<RollbackRequest, 'triggeredBy' | 'trigger'>,
  ): Promise<PromotionDryRun> {
    return this.dryRun(await this.planRollback(request));
  }

  /** Promotes, and answers with the promotion's record. */
  async promote(request: PromoteRequest): Promise<PromotionRecord> {
    return this.traced(
      { ...request, kind: 'promotion' },
      request,
      () => this.planPromotion(request),
      plan => this.perform(plan, request),
    );
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
    return this.traced(
      { ...request, kind: 'rollback' },
      trigger,
      () => this.planRollback(request),
      plan => this.rollBack(plan, request, trigger),
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
    const announced = this.announce(request);
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
   * A write by commit, announced to its source as soon as it is asked for,
   * from the pipeline's definition as last read (no I/O): the commit of this
   * moment waits for it while it is planned. A hint: anything unclear, and
   * nothing is announced.
   */
  private announce(request: WriteAsked): Announced | undefined {
    const { store, sources } = this.deps;
    const pipeline = store.pipelines.lastKnownPipeline(request.pipelineRef);
    const phase = pipeline?.phases.find(p => p.name === request.phase);
    if (!pipeline || !phase) return undefined;
    let edge: EdgeDefinition | undefined;
    if (request.kind === 'rollback') {
      edge = rollbackEdge(phase);
    } else {
      const chosen = promotionEdge(phase, request.from);
      if ('problem' in chosen) return undefined;
      edge = chosen.edge;
    }
    if ((edge?.strategy ?? 'commit') !== 'commit') return undefined;
    const source = sources.writable(phase);
    const announcer = source && announcing(source);
    if (!source || !announcer) return undefined;
    const sourcePhase = sources.phase(pipeline, phase);
    try {
      const landing = landingOf(phase.source.type, source.locate(sourcePhase));
      return { expected: announcer.expectWrite(sourcePhase), landing };
    } catch {
      return undefined;
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

  private async pipelinePhase(pipelineRef: string, phaseName: string) {
    const at = foundPipeline(
      await this.deps.store.pipelines.getPipelineAt(pipelineRef),
      pipelineRef,
    );
    const pipeline = at.definition;
    return {
      pipeline,
      phase: phaseOf(pipeline, phaseName),
      revision: at.revision,
    };
  }

  /** The parts of a plan that depend only on where it writes. */
  private target(
    pipeline: PipelineDefinition,
    phase: PhaseDefinition,
    strategy: EdgeDefinition['strategy'],
    options?: PullRequestOptions,
  ) {
    const target = this.deps.sources.target(pipeline, phase);
    if ('unwritable' in target) {
      // Outside the write scopes: not the caller's input, the pipeline's
      // right to write there.
      throw target.refusal === 'out-of-scope'
        ? new NotAllowedError(
            `The pipeline ${pipeline.ref} may not write into ${phase.name}: ${target.unwritable}`,
          )
        : new InputError(`The phase ${target.unwritable}`);
    }
    const { source, sourcePhase, location } = target;
    if (strategy === 'pull-request') {
      if (!source.proposals) {
        throw new InputError(
          `The phase ${phase.name} reads from a ${phase.source.type} source, which cannot propose a change for a pull request`,
        );
      }
      // A clear error now rather than after the proposal is written.
      providerFor(this.deps.providers, location, options);
    }
    return {
      source,
      sourcePhase,
      location,
      strategy,
      pullRequest: options ?? NO_PULL_REQUEST_OPTIONS,
    };
  }

  private async planPromotion(request: {
    pipelineRef: string;
    phase: string;
    from?: string;
  }): Promise<WritePlan> {
    const { decisions } = this.deps;
    const { pipeline, phase, revision } = await this.pipelinePhase(
      request.pipelineRef,
      request.phase,
    );
    const edge = requirePromotionEdge(phase, request.from);
    const target = this.target(
      pipeline,
      phase,
      edge.strategy,
      edge.pullRequest,
    );
    // What the upstream holds is what moves: the projection of its fields.
    const decide = async (
      snapshot: PipelineSnapshot,
      ignoreCommits = false,
    ) => {
      const { decision, origin } = await decisions.decideEdge(
        snapshot,
        phase,
        edge,
        { ignoreCommits },
      );
      return origin
        ? {
            decision,
            origin,
            change: { fields: decision.holding?.fields ?? {} },
          }
        : undefined;
    };
    const snapshot = await decisions.snapshot(pipeline);
    const decided = await decide(snapshot);
    if (!decided) {
      const { decision } = await decisions.decideEdge(snapshot, phase, edge);
      throw this.blockedBy(
        `The promotion of ${edge.from} into ${phase.name}`,
        decision,
      );
    }
    return {
      kind: 'promotion',
      pipeline,
      revision,
      snapshot,
      phase,
      from: edge.from,
      ...target,
      ...decided,
      decideAgain: next => decide(next, true),
    };
  }

  private async planRollback(request: {
    pipelineRef: string;
    phase: string;
    historyId: string;
    pinReason?: string;
  }): Promise<WritePlan> {
    const { store, decisions } = this.deps;
    const { pipeline, phase, revision } = await this.pipelinePhase(
      request.pipelineRef,
      request.phase,
    );
    const entry = await store.phases.getHistoryEntry(request.historyId);
    if (
      !entry ||
      entry.pipelineRef !== pipeline.ref ||
      entry.phase !== phase.name
    ) {
      throw new NotFoundError(
        `The phase ${phase.name} has no history entry ${request.historyId}`,
      );
    }
    // By the phase's own strategy: that of the edge into it, if any.
    const edge = rollbackEdge(phase);
    const target = this.target(
      pipeline,
      phase,
      edge?.strategy ?? 'commit',
      edge?.pullRequest,
    );
    const content = entry.blobHash
      ? await store.phases.getBlob(entry.blobHash)
      : undefined;
    if (entry.blobHash && content === undefined) {
      throw new ConflictError(
        `The history entry ${entry.id} has no content to go back to`,
      );
    }
    const repin = request.pinReason !== undefined;
    // The state as it was, exactly: its content when it has one.
    const change: GluChange =
      content !== undefined ? { content } : { fields: entry.fields };
    const decide = async (
      snapshot: PipelineSnapshot,
      ignoreCommits = false,
    ) => ({
      decision: await decisions.decideRollback(snapshot, phase, entry, {
        repin,
        ignoreCommits,
      }),
      origin: entry,
      change,
    });
    const snapshot = await decisions.snapshot(pipeline);
    return {
      kind: 'rollback',
      pipeline,
      revision,
      snapshot,
      phase,
      from: phase.name,
      ...target,
      ...(await decide(snapshot)),
      pinReason: request.pinReason,
      decideAgain: next => decide(next, true),
    };
  }

  private blocked(plan: WritePlan, decision: Decision): ConflictError {
    return this.blockedBy(
      plan.kind === 'rollback'
        ? `The rollback of ${plan.phase.name}`
        : `The promotion of ${plan.from} into ${plan.phase.name}`,
      decision,
    );
  }

  private blockedBy(what: string, decision: Decision): ConflictError {
    return new ConflictError(
      `${what} is blocked: ${decision.reasons.join('; ')}`,
    );
  }

  private async dryRun(plan: WritePlan): Promise<PromotionDryRun> {
    const { store } = this.deps;
    const { decision } = plan;
    const phaseState = await store.phases.getPhaseState(
      plan.pipeline.ref,
      plan.phase.name,
    );
    const state = phaseState?.current;
    // A file that broke since is not the content stored: no diff against it.
    const content =
      state?.blobHash && !invalidOf(phaseState)
        ? await store.phases.getBlob(state.blobHash)
        : undefined;
    const reasons = [...decision.reasons];
    let status = decision.status;
    let diff = '';
    // The diff also when blocked (a pin, a gate): what would be written.
    if (decision.holding && content !== undefined && status !== 'up-to-date') {
      try {
        const after = await plan.source.apply(
          plan.sourcePhase,
          content,
          plan.change,
        );
        if (after !== content) {
          diff = await this.deps.documents.run({
            kind: 'diff',
            path: plan.location.path,
            before: content,
            after,
          });
        }
      } catch (error) {
        status = 'blocked';
        reasons.push(
          `${plan.location.path} cannot be written: ${
            error instanceof Error ? error.message : error
          }`,
        );
      }
    }
    return {
      pipelineRef: plan.pipeline.ref,
      kind: plan.kind,
      from: plan.from,
      to: plan.phase.name,
      status,
      reasons,
      gates: decision.gates,
      fromVersion: versionRefOf(plan.origin)!,
      ...(state ? { before: versionRefOf(state) } : {}),
      ...(decision.holding
        ? {
            after:
              status === 'up-to-date'
                ? versionRefOf(state)
                : versionRefOf(decision.holding),
          }
        : {}),
      path: plan.location.path,
      diff,
      ...(decision.promotionId ? { promotionId: decision.promotionId } : {}),
      ...(decision.pullRequest ? { pullRequest: decision.pullRequest } : {}),
    };
  }

  /** Plan → lease → write → record, with one record from start to end. */
  private async perform(
    plan: WritePlan,
    trigger: WriteTrigger,
  ): Promise<PromotionRecord> {
    const { records, leases } = this.deps;
    const { decision } = plan;
    if (decision.status === 'blocked') throw this.blocked(plan, decision);
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
    const expected = this.expectation(plan, Boolean(asPlanned));
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

  /**
   * The write by commit that is written as planned, as announced to its
   * source: when it was asked for, if it lands where it was announced to,
   * or now. A write that waits for its phase's lease is not waited for:
   * its announcement is called off.
   */
  private expectation(
    plan: WritePlan,
    asPlanned: boolean,
  ): ExpectedWrite | undefined {
    const { announced } = plan;
    if (!asPlanned || plan.strategy !== 'commit') {
      announced?.expected.cancel();
      return undefined;
    }
    if (
      announced?.landing === landingOf(plan.phase.source.type, plan.location)
    ) {
      return announced.expected;
    }
    announced?.expected.cancel();
    return announcing(plan.source)?.expectWrite(plan.sourcePhase);
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
                ? this.carryOut({ ...plan, expected }, record, asPlanned, taken)
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
      throw error;
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
    await this.stillDefinedAsPlanned(plan);
    // Decided again on what the phase holds now: another write may have just
    // made this one, or a pin or a gate may stand in the way by now.
    const snapshot = await decisions.snapshot(plan.pipeline);
    const decided = await plan.decideAgain(snapshot);
    if (!decided) throw this.blocked(plan, plan.decision);
    const { decision, origin, change } = decided;
    const seen = snapshot.states.get(plan.phase.name);
    const before = versionRefOf(seen?.current);
    if (decision.status === 'blocked') throw this.blocked(plan, decision);
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
    return this.carryOut(
      { ...plan, origin, change, snapshot },
      running,
      decision.holding,
      lease,
    );
  }

  /** A running write, through the phase's source, by its strategy. */
  private async carryOut(
    plan: WritePlan,
    running: PromotionRecord,
    holding: ResourceState,
    lease: HeldLease,
  ): Promise<PromotionRecord> {
    const { records, history, logger } = this.deps;
    const { origin, change } = plan;
    if (plan.strategy === 'pull-request') {
      return this.propose(plan, running, holding, lease);
    }
    const seen = plan.snapshot.states.get(plan.phase.name);
    const subject = titleOf(
      plan.kind,
      plan.pipeline,
      plan.phase.name,
      holding.version,
    );
    const request = {
      phase: plan.sourcePhase,
      change,
      message: { subject, body: this.bodyOf(plan, running, holding) },
    };
    const announcer = plan.expected && announcing(plan.source);
    const result = announcer
      ? await announcer.write(request, plan.expected)
      : await plan.source.write(request);
    lease.signal.throwIfAborted();
    if (!result.changed) {
      // It held the change already (another replica's write, or a person's):
      // what it holds becomes known now, not at the next refresh.
      await history.observed(
        plan.pipeline.ref,
        plan.phase.name,
        result.observed,
        seen,
      );
      const held = versionRefOf(resourceOf(result.observed.fields));
      return records.move(running.id, 'up-to-date', { after: held });
    }
    const { entry, record } = await history.written(
      running,
      result.observed,
      plan.kind === 'rollback'
        ? `Rolled back to history entry ${origin.id}`
        : `Promoted from ${plan.from}`,
    );
    logger.info(
      `${plan.kind === 'rollback' ? 'Rolled back' : 'Promoted'} ${
        plan.pipeline.ref
      } ${plan.phase.name} to ${entry.version} in ${result.observed.revision}`,
    );
    return record;
  }

  /**
   * The pipeline as the store has it now, under the lease, still writes
   * where it did when the write was planned, and may: a definition that
   * changed meanwhile (another owner, another file) is not written through.
   */
  private async stillDefinedAsPlanned(plan: WritePlan): Promise<void> {
    const pipeline = await this.deps.store.pipelines.getPipeline(
      plan.pipeline.ref,
    );
    const phase = pipeline?.phases.find(p => p.name === plan.phase.name);
    if (
      !pipeline ||
      !phase ||
      pipeline.owner !== plan.pipeline.owner ||
      sourceKeyOf(phase.source) !== sourceKeyOf(plan.phase.source)
    ) {
      throw new ConflictError(
        `The definition of ${plan.pipeline.ref} changed while the write into ${plan.phase.name} waited; try again`,
      );
    }
    const target = this.deps.sources.target(pipeline, phase);
    if ('unwritable' in target) {
      throw new NotAllowedError(
        `The pipeline ${pipeline.ref} may not write into ${phase.name}: ${target.unwritable}`,
      );
    }
  }

  /** The commit message's body: what moves from where to where, and who asked. */
  private bodyOf(
    plan: WritePlan,
    record: PromotionRecord,
    holding: ResourceState,
  ): string {
    const { origin } = plan;
    const before = record.before;
    return [
      `Pipeline: ${plan.pipeline.ref}`,
      plan.kind === 'rollback'
        ? `From: history entry ${origin.id} of ${plan.phase.name}, ${origin.version} (${origin.digest})`
        : `From: ${plan.from} at ${origin.version} (${origin.digest})`,
      `To: ${plan.phase.name}, ${holding.version} (${holding.digest})${
        before ? `, was ${before.version} (${before.digest})` : ''
      }`,
      `File: ${plan.location.path}`,
      `Triggered-by: ${record.triggeredBy}`,
      ...(plan.traceId ? [`Glu-Trace-Id: ${plan.traceId}`] : []),
      `${plan.kind === 'rollback' ? 'Rollback' : 'Promotion'}: ${record.id}`,
    ].join('\n');
  }

  /**
   * Writes the change as a proposal and opens its pull request, replacing
   * the open proposals of other versions into the phase.
   */
  private async propose(
    plan: WritePlan,
    record: PromotionRecord,
    holding: ResourceState,
    lease: HeldLease,
  ): Promise<PromotionRecord> {
    const { records, logger } = this.deps;
    const { location } = plan;
    const provider = providerFor(
      this.deps.providers,
      location,
      plan.pullRequest,
    );
    const branch = proposalBranch(
      plan.pipeline,
      plan.phase.name,
      holding.digest,
    );
    const title = titleOf(
      plan.kind,
      plan.pipeline,
      plan.phase.name,
      holding.version,
    );
    const older = await records.openProposals(
      plan.pipeline.ref,
      plan.phase.name,
    );
    const result = await plan.source.write({
      phase: plan.sourcePhase,
      change: plan.change,
      message: { subject: title, body: this.bodyOf(plan, record, holding) },
      proposal: { branch },
    });
    lease.signal.throwIfAborted();
    const proposed = versionRefOf(holding)!;
    if (!result.changed) {
      // The phase's branch holds it already: nothing to propose.
      return records.move(record.id, 'up-to-date', { after: proposed });
    }
    const pr = await provider.open({
      repository: location.repository,
      base: location.branch,
      head: branch,
      title,
      body: bodyOf({
        record: { ...record, commitSha: result.observed.revision },
        pipeline: plan.pipeline,
        location,
        options: plan.pullRequest,
        origin: plan.origin,
        proposed,
        portalUrl: this.deps.portalUrl,
        branchCommitUrl: result.observed.url,
      }),
      labels: plan.pullRequest.labels,
      draft: plan.pullRequest.draft,
    });
    const opened = await records.move(record.id, 'open', {
      after: proposed,
      commitSha: result.observed.revision,
      commitUrl: result.observed.url,
      pullRequest: {
        provider: provider.type,
        number: pr.number,
        url: pr.url,
        branch,
        state: pr.state,
        headSha: pr.headSha,
      },
    });
    logger.info(
      `Opened ${pr.url} to ${
        plan.kind === 'rollback' ? 'roll back' : 'promote'
      } ${plan.pipeline.ref} ${plan.phase.name} to ${proposed.version}`,
    );
    for (const replaced of older) {
      await this.supersede(plan, replaced, opened);
    }
    return opened;
  }

  /** Closes an older proposal with a comment that links the newer one. */
  private async supersede(
    plan: WritePlan,
    older: PromotionRecord,
    newer: PromotionRecord,
  ) {
    const { records, logger } = this.deps;
    const pr = older.pullRequest;
    if (!pr) return;
    // Marked first, so that following it does not take the close for a
    // person's.
    await records.move(older.id, 'superseded', {
      pullRequest: { ...pr, state: 'closed' },
      error: `Superseded by ${newer.pullRequest!.url}`,
    });
    try {
      await this.deps.providers.get(pr.provider)?.close({
        repository: plan.location.repository,
        number: pr.number,
        comment: `Superseded by #${newer.pullRequest!.number} (${
          newer.pullRequest!.url
        }), which ${newer.kind === 'rollback' ? 'rolls' : 'promotes'} ${
          older.to
        } to \`${newer.after!.version}\` instead of \`${
          older.after?.version
        }\`.`,
      });
      await plan.source
        .removeProposal?.(plan.sourcePhase, pr.branch)
        .catch(error =>
          logger.warn(`Could not delete the branch ${pr.branch}: ${error}`),
        );
    } catch (error) {
      logger.warn(
        `Could not close ${pr.url}, superseded by ${newer.pullRequest!.url}: ${
          error instanceof Error ? error.message : error
        }`,
      );
    }
  }
}
