import {
  EdgeDefinition,
  Pin,
  PhaseDefinition,
  PipelineDefinition,
  PipelineFreeze,
} from '@glu-dev/plugin-glu-common';
import { Freezes } from '../freezing/Freezes';
import {
  quarantinedMessage,
  quarantineMarkOf,
  Quarantines,
} from '../quarantine/Quarantines';
import { StoredQuarantine } from '../store/QuarantineStore';
import { PromotionRequest } from '@glu-dev/plugin-glu-common';
import { ApprovalStatus } from '../gates/approvalStatus';
import { approvalOf, approvalsConfigOf, openRequestOf } from './approvals';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { Batcher } from '../batcher';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { GluStore } from '../store/GluStore';
import {
  GateCheck,
  HistoryEntry,
  PhaseState,
  PromotionRecord,
} from '../store/types';
import { autoDeclined, Decision, decide } from './decision';
import { evaluateGates } from './gates';
import { rollbackEdge } from '../pipelines/edges';
import { PhaseSources } from '../pipelines/PhaseSources';

/** What the decisions about one pipeline look at, read from the store at once. */
export interface PipelineSnapshot {
  pipeline: PipelineDefinition;
  states: Map<string, PhaseState>;
  pins: Map<string, Pin>;
  /** Promotions under way, newest first. */
  active: PromotionRecord[];
  /** The last answers of its gates that observe the running system. */
  checks: GateCheck[];
  /** The freezes that hold phases of it. */
  freezes: PipelineFreeze[];
  /** The quarantines that apply to it. */
  quarantines: StoredQuarantine[];
  /** Its open promotion requests. */
  requests: PromotionRequest[];
  /**
   * Which freezes held and which quarantines were in force anywhere when it
   * was read: a view is kept by it as well as by the pipeline's revision.
   */
  epoch: string;
}

/** The decision about one edge, with the states it was made on. */
export interface EdgeDecision {
  edge: EdgeDefinition;
  to: PhaseDefinition;
  decision: Decision;
  /** What the upstream phase holds. */
  origin?: HistoryEntry;
  /** What the phase holds. */
  target?: HistoryEntry;
  /** Why automatic promotion leaves the edge alone although it is promotable. */
  autoDeclined?: string;
  /** Where its approvals gate stands, if it has one. */
  approval?: ApprovalStatus;
  /** The open request that waits on it for the upstream's version. */
  request?: PromotionRequest;
}

/** What a rollback brings back: an entry of the phase's history. */
export type RollbackOrigin = Pick<
  HistoryEntry,
  'digest' | 'version' | 'fields' | 'blobHash'
>;

/**
 * What a phase's source answered instead of a resource at its last refresh,
 * if it did (not a source that could not be reached).
 */
export function invalidOf(state?: PhaseState): string | undefined {
  return state?.refreshFailure === 'invalid' ? state.refreshError : undefined;
}

/**
 * Gathers what `decide` looks at — the phases' states, pins, promotions
 * under way, what the target's source can hold, the gates' verdicts — and
 * asks it. Every caller that needs to know whether a write may happen comes
 * here.
 */
export class EdgeDecisions {
  constructor(
    private readonly deps: {
      store: Pick<
        GluStore,
        | 'approvals'
        | 'gateChecks'
        | 'phases'
        | 'pins'
        | 'promotions'
        | 'requests'
      >;
      sources: PhaseSources;
      gates: ExtensionRegistry<GluGate>;
      freezes: Freezes;
      quarantines: Quarantines;
    },
  ) {}

  /** Which freezes hold and which quarantines are in force now, in a word. */
  async epoch(): Promise<string> {
    const [freezes, quarantines] = await Promise.all([
      this.deps.freezes.current(),
      this.deps.quarantines.current(),
    ]);
    return `${freezes.epoch}|${quarantines.epoch}`;
  }

  /** The freezes that the decisions ask. */
  get freezes(): Freezes {
    return this.deps.freezes;
  }

  /** The gates that the decisions ask. */
  get gates(): ExtensionRegistry<GluGate> {
    return this.deps.gates;
  }

  /** The sources that the decisions ask what a phase can hold. */
  get sources(): PhaseSources {
    return this.deps.sources;
  }

  /** Whether a pipeline has a gate that observes the running system. */
  observes(pipeline: PipelineDefinition): boolean {
    return pipeline.phases.some(phase =>
      phase.edges.some(edge =>
        edge.gates.some(gate =>
          Object.keys(gate).some(type => this.deps.gates.get(type)?.observes),
        ),
      ),
    );
  }

  /** Reads the state of these pipelines, one query per kind of record. */
  async snapshots(
    pipelines: PipelineDefinition[],
  ): Promise<PipelineSnapshot[]> {
    const { store } = this.deps;
    const refs = [...new Set(pipelines.map(p => p.ref))];
    const observing = [
      ...new Set(pipelines.filter(p => this.observes(p)).map(p => p.ref)),
    ];
    // Requests wait only on edges with an approvals gate.
    const approving = [
      ...new Set(
        pipelines
          .filter(p =>
            p.phases.some(phase =>
              phase.edges.some(edge => approvalsConfigOf(edge) !== undefined),
            ),
          )
          .map(p => p.ref),
      ),
    ];
    const [states, active, pins, checks, freezes, quarantines, requests] =
      await Promise.all([
        store.phases.getPhaseStates(refs),
        store.promotions.listActivePromotions(refs),
        store.pins.getPins(refs),
        store.gateChecks.getGateChecks(observing),
        this.deps.freezes.current(),
        this.deps.quarantines.current(),
        store.requests.openRequests(approving),
      ]);
    const byPipeline = <T extends { pipelineRef: string }>(rows: T[]) => {
      const grouped = new Map<string, T[]>();
      for (const row of rows) {
        const group = grouped.get(row.pipelineRef);
        if (group) group.push(row);
        else grouped.set(row.pipelineRef, [row]);
      }
      return (ref: string) => grouped.get(ref) ?? [];
    };
    const statesOf = byPipeline(states);
    const activeOf = byPipeline(active);
    const pinsOf = byPipeline(pins);
    const checksOf = byPipeline(checks);
    const requestsOf = byPipeline(requests);
    return pipelines.map(pipeline => ({
      pipeline,
      states: new Map(statesOf(pipeline.ref).map(s => [s.phase, s])),
      pins: new Map(
        pinsOf(pipeline.ref).map(({ pipelineRef: _ref, ...pin }) => [
          pin.phase,
          pin,
        ]),
      ),
      active: activeOf(pipeline.ref),
      checks: checksOf(pipeline.ref),
      freezes: this.deps.freezes.holding(freezes.active, pipeline),
      quarantines: this.deps.quarantines.applying(
        quarantines.active,
        pipeline.ref,
      ),
      epoch: `${freezes.epoch}|${quarantines.epoch}`,
      requests: requestsOf(pipeline.ref),
    }));
  }

  /**
   * One pipeline's state. The snapshots asked for at the same moment (the
   * promotions of many pipelines that arrive together) are read together.
   */
  async snapshot(pipeline: PipelineDefinition): Promise<PipelineSnapshot> {
    return this.gathered.add(pipeline);
  }

  private readonly gathered = new Batcher<PipelineDefinition, PipelineSnapshot>(
    pipelines => this.snapshots(pipelines),
  );

  /** Every edge of the pipeline, in the order of its phases. */
  async decideAll(snapshot: PipelineSnapshot): Promise<EdgeDecision[]> {
    const decisions: EdgeDecision[] = [];
    for (const to of snapshot.pipeline.phases) {
      for (const edge of to.edges) {
        decisions.push(await this.decideEdge(snapshot, to, edge));
      }
    }
    return decisions;
  }

  /**
   * One edge. `ignoreCommits` leaves out promotions by commit that are
   * pending: the writer asks under the phase's lease, when none runs.
   * `hotfix` goes through the freezes that hold the phase. `requester` is
   * who asks for the promotion (by default, the requester of an open
   * request for the upstream's version; none for an automatic one).
   */
  async decideEdge(
    snapshot: PipelineSnapshot,
    to: PhaseDefinition,
    edge: EdgeDefinition,
    options: {
      ignoreCommits?: boolean;
      hotfix?: boolean;
      requester?: string;
    } = {},
  ): Promise<EdgeDecision> {
    const { pipeline } = snapshot;
    const upstream = snapshot.states.get(edge.from);
    const state = snapshot.states.get(to.name);
    const origin = upstream?.current;
    const target = this.deps.sources.target(pipeline, to);
    const holding = origin
      ? this.deps.sources.holding(pipeline, to, origin.fields)
      : undefined;
    const active = this.activeInto(snapshot, to.name, options, edge.from);
    const wanted = holding && !('problem' in holding) ? holding : undefined;
    const request = openRequestOf(snapshot, edge.from, to.name, origin);
    const requester = options.requester ?? request?.requestedBy;
    const approvals =
      origin && edge.gates.length > 0
        ? await this.deps.store.approvals.approvals(
            pipeline.ref,
            to.name,
            origin.digest,
          )
        : [];
    const gates =
      origin && edge.gates.length > 0
        ? await evaluateGates({
            gates: this.deps.gates,
            store: this.deps.store,
            definitions: edge.gates,
            checks: snapshot.checks,
            approvals,
            requester,
            author: origin.author,
            pipelineRef: pipeline.ref,
            from: {
              phase: edge.from,
              state: origin,
              since: upstream?.heldSince,
            },
            to: { phase: to.name, state: state?.current },
            ...(active?.pullRequest && active.after?.digest === wanted?.digest
              ? { pullRequest: active.pullRequest }
              : {}),
          })
        : [];
    const approval = origin
      ? approvalOf(edge, approvals, { requester, author: origin.author })
      : undefined;
    const decision = decide({
      kind: 'promotion',
      from: edge.from,
      to: to.name,
      origin,
      originError: upstream?.refreshError,
      originInvalid: invalidOf(upstream),
      target: state?.current,
      targetError: state?.refreshError,
      targetInvalid: invalidOf(state),
      ...('unwritable' in target ? { unwritable: target.unwritable } : {}),
      holding,
      pin: snapshot.pins.get(to.name),
      active,
      gates,
      freezes: snapshot.freezes.filter(f => f.phases.includes(to.name)),
      hotfix: options.hotfix,
      // The version as its upstream holds it, or as the phase would.
      quarantined:
        this.quarantined(snapshot, origin) ??
        this.quarantined(snapshot, wanted),
    });
    const declined = edge.auto
      ? autoDeclined(
          { from: edge.from, to: to.name, target: state?.current },
          decision,
        )
      : undefined;
    return {
      edge,
      to,
      decision,
      origin,
      target: state?.current,
      ...(declined ? { autoDeclined: declined } : {}),
      ...(approval ? { approval } : {}),
      ...(request ? { request } : {}),
    };
  }

  /**
   * A rollback of a phase to an entry of its history. It skips the gates of
   * promotions, except the checks of its pull request (by the strategy of the
   * phase's first edge).
   */
  async decideRollback(
    snapshot: PipelineSnapshot,
    phase: PhaseDefinition,
    entry: RollbackOrigin,
    options: { repin?: boolean; ignoreCommits?: boolean } = {},
  ): Promise<Decision> {
    const { pipeline } = snapshot;
    const target = snapshot.states.get(phase.name);
    const writer = this.deps.sources.target(pipeline, phase);
    const holding = {
      digest: entry.digest,
      version: entry.version,
      fields: entry.fields,
    };
    const active = this.activeInto(snapshot, phase.name, options);
    const checks = (rollbackEdge(phase)?.gates ?? []).filter(
      g => 'checks' in g,
    );
    const gates =
      checks.length > 0 && active?.pullRequest
        ? await evaluateGates({
            gates: this.deps.gates,
            store: this.deps.store,
            definitions: checks,
            pipelineRef: pipeline.ref,
            from: { phase: phase.name, state: entry },
            to: { phase: phase.name, state: target?.current },
            ...(active.after?.digest === holding.digest
              ? { pullRequest: active.pullRequest }
              : {}),
          })
        : [];
    return decide({
      kind: 'rollback',
      from: phase.name,
      to: phase.name,
      origin: entry,
      target: target?.current,
      targetError: target?.refreshError,
      targetInvalid: invalidOf(target),
      ...('unwritable' in writer ? { unwritable: writer.unwritable } : {}),
      holding,
      pin: snapshot.pins.get(phase.name),
      repin: options.repin,
      active,
      gates,
      // Restoring service is allowed, unless the freeze says otherwise.
      freezes: snapshot.freezes.filter(
        f => f.rollbacks && f.phases.includes(phase.name),
      ),
      quarantined: this.quarantined(snapshot, entry),
    });
  }

  /** Why a version may not be brought anywhere in the pipeline, if it is quarantined. */
  private quarantined(
    snapshot: PipelineSnapshot,
    version?: { digest: string; version: string },
  ): string | undefined {
    const mark = quarantineMarkOf(
      snapshot.quarantines,
      snapshot.pipeline.ref,
      version,
    );
    return mark && version
      ? quarantinedMessage(mark, version.version)
      : undefined;
  }

  /**
   * The promotion under way into a phase along an edge (or a rollback of
   * it), newest first: a commit, or a pull request that is open or merged.
   */
  private activeInto(
    snapshot: PipelineSnapshot,
    to: string,
    options: { ignoreCommits?: boolean },
    from?: string,
  ): PromotionRecord | undefined {
    return snapshot.active.find(
      p =>
        p.to === to &&
        (from === undefined || p.from === from || p.kind === 'rollback') &&
        (!options.ignoreCommits || p.strategy === 'pull-request'),
    );
  }
}
