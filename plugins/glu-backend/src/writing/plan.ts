/*
 * Plan: what a write into a phase brings, from where, by which edge and
 * strategy, and whether it may; decided on a snapshot of the pipeline, and
 * checked again under the phase's lease before it writes.
 */
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
import { HistoryEntry, PromotionRecord } from '../store/types';
import { Decision } from '../deciding/decision';
import { EdgeDecisions, PipelineSnapshot } from '../deciding/EdgeDecisions';
import {
  promotionEdge,
  requirePromotionEdge,
  rollbackEdge,
} from '../pipelines/edges';
import { requirePhaseAt } from '../pipelines/lookup';
import { PhaseSources } from '../pipelines/PhaseSources';
import { NO_PULL_REQUEST_OPTIONS, providerFor } from './proposals';
import { announcing, ExpectedWrite } from '../sources/announcedWrites';

/** Who asks for a write, and how. */

/**
 * A write that a gate, a pin or the edge's state holds back: nothing was
 * tried. A conflict (409) like any other to the caller, but not a failure
 * of the write.
 */
export class BlockedWriteError extends ConflictError {}

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
  /** Go through the freezes that hold the phase, with this reason. */
  hotfix?: { reason: string };
  /** The promotion request this carries out. */
  requestId?: string;
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
  /** Why Glu rolls back, for its own rollbacks: the gate and its answer. */
  reason?: string;
}

/** A write as it is asked for: into which phase of which pipeline, of which kind. */
export interface WriteAsked {
  pipelineRef: string;
  phase: string;
  from?: string;
  kind: PromotionRecord['kind'];
}

/** What a write brings, where from, and whether it may: decided on a snapshot. */
export interface Decided {
  decision: Decision;
  /** Whose approvals count for it, when its edge has an approvals gate. */
  approvedBy?: string[];
  /** The upstream state it comes from, or the history entry. */
  origin: HistoryEntry;
  change: GluChange;
}

/**
 * A write, planned: where it goes, and what it brings as decided when it was
 * planned; decided again under the phase's lease before it writes.
 */
export interface WritePlan extends Decided {
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
  /** Why Glu rolls back, for its own rollbacks (the record's `reason`). */
  reason?: string;
  /** A hotfix: through the freezes that hold the phase, with this reason. */
  hotfix?: { reason: string };
  /** The promotion request it carries out. */
  requestId?: string;
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
export interface Announced {
  expected: ExpectedWrite;
  landing: string;
}

/** Where a write lands, as far as gathering writes goes: source, repository, branch. */
export function landingOf(type: string, location: GluPhaseLocation): string {
  return JSON.stringify([type, location.repository, location.branch]);
}

/** Plans writes into phases: the first step of every write. */
export class WritePlanner {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pipelines'>;
      sources: PhaseSources;
      decisions: EdgeDecisions;
      providers: ExtensionRegistry<GluPullRequestProvider>;
    },
  ) {}

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

  async planPromotion(request: {
    pipelineRef: string;
    phase: string;
    from?: string;
    hotfix?: { reason: string };
    /** Who asks for it, for approval policies; none for an automatic one. */
    requester?: string;
    requestId?: string;
  }): Promise<WritePlan> {
    const { decisions } = this.deps;
    const { pipeline, phase, revision } = await requirePhaseAt(
      this.deps.store,
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
      const { decision, origin, approval } = await decisions.decideEdge(
        snapshot,
        phase,
        edge,
        {
          ignoreCommits,
          hotfix: Boolean(request.hotfix),
          requester: request.requester,
        },
      );
      return origin
        ? {
            decision,
            origin,
            change: { fields: decision.holding?.fields ?? {} },
            ...(approval
              ? {
                  approvedBy: approval.approvals
                    .filter(a => a.counted)
                    .map(a => a.approver),
                }
              : {}),
          }
        : undefined;
    };
    const snapshot = await decisions.snapshot(pipeline);
    const decided = await decide(snapshot);
    if (!decided) {
      const { decision } = await decisions.decideEdge(snapshot, phase, edge, {
        hotfix: Boolean(request.hotfix),
        requester: request.requester,
      });
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
      ...(request.hotfix ? { hotfix: request.hotfix } : {}),
      ...(request.requestId ? { requestId: request.requestId } : {}),
      decideAgain: next => decide(next, true),
    };
  }

  async planRollback(request: {
    pipelineRef: string;
    phase: string;
    historyId: string;
    pinReason?: string;
    reason?: string;
  }): Promise<WritePlan> {
    const { store, decisions } = this.deps;
    const { pipeline, phase, revision } = await requirePhaseAt(
      this.deps.store,
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
      ...(request.reason ? { reason: request.reason } : {}),
      decideAgain: next => decide(next, true),
    };
  }

  /**
   * A write by commit, announced to its source as soon as it is asked for,
   * from the pipeline's definition as last read (no I/O): the commit of this
   * moment waits for it while it is planned. A hint: anything unclear, and
   * nothing is announced.
   */
  announce(request: WriteAsked): Announced | undefined {
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
   * The pipeline as the store has it now, under the lease, still writes
   * where it did when the write was planned, and may: a definition that
   * changed meanwhile (another owner, another file) is not written through.
   */
  async stillDefinedAsPlanned(plan: WritePlan): Promise<void> {
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

  blocked(plan: WritePlan, decision: Decision): BlockedWriteError {
    return this.blockedBy(
      plan.kind === 'rollback'
        ? `The rollback of ${plan.phase.name}`
        : `The promotion of ${plan.from} into ${plan.phase.name}`,
      decision,
    );
  }

  private blockedBy(what: string, decision: Decision): BlockedWriteError {
    return new BlockedWriteError(
      `${what} is blocked: ${decision.reasons.join('; ')}`,
    );
  }
}

/**
 * The write by commit that is written as planned, as announced to its
 * source: when it was asked for, if it lands where it was announced to,
 * or now. A write that waits for its phase's lease is not waited for:
 * its announcement is called off.
 */
export function expectationOf(
  plan: WritePlan,
  asPlanned: boolean,
): ExpectedWrite | undefined {
  const { announced } = plan;
  if (!asPlanned || plan.strategy !== 'commit') {
    announced?.expected.cancel();
    return undefined;
  }
  if (announced?.landing === landingOf(plan.phase.source.type, plan.location)) {
    return announced.expected;
  }
  announced?.expected.cancel();
  return announcing(plan.source)?.expectWrite(plan.sourcePhase);
}

/**
 * The error of a write that was tried and failed (the remote refused the
 * push or could not be reached), naming its record, which ended `failed`:
 * the caller tells it from a write that was held back (a 409 without it).
 */
export function namingFailedRecord(
  error: unknown,
  promotionId: string,
): unknown {
  if (error instanceof Error && !(error instanceof BlockedWriteError)) {
    Object.assign(error, { promotionId });
  }
  return error;
}
