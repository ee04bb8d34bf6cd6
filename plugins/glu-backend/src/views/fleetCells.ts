import {
  environmentOf,
  FleetCell,
  FleetCellStatus,
  FleetDiffItem,
  FleetPipeline,
  FleetRow,
  PhaseDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { EdgeDecision, PipelineSnapshot } from '../deciding/EdgeDecisions';
import { pinnedMessage } from '../deciding/decision';
import { frozenMessage } from '../freezing/Freezes';
import {
  quarantinedMessage,
  quarantineMarkOf,
} from '../quarantine/Quarantines';
import { HistoryMark } from '../store/DeliveryFigures';
import { pipelineHeader } from './PipelineViews';

/** At most this many of an upstream's newest entries count the versions a phase is behind. */
export const BEHIND_HISTORY = 100;

/** An edge of a row, with its decision in a word: what a diff asks of it. */
export interface FleetEdge {
  from: string;
  to: string;
  status: EdgeDecision['decision']['status'];
  reasons: string[];
  promotionId?: string;
}

/** A pipeline's row in the fleet, with its edges, as it is kept by revision. */
export interface FleetEntry {
  row: FleetRow;
  edges: FleetEdge[];
  /** What holds each phase whatever its edges, by phase: its pin, its freezes. */
  holds: Record<string, string[]>;
}

/**
 * A phase that is behind an upstream: the upstream's version it does not
 * hold, before the upstream's history says for how long and by how much.
 */
export interface BehindAsk {
  /** The cell that waits, in its row. */
  cell: FleetCell;
  pipelineRef: string;
  from: string;
  /** What the upstream holds. */
  version: string;
  digest: string;
  /** What the phase holds, if anything. */
  held?: { digest: string; version: string };
  heldSince?: string;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** What every view of a pipeline in the fleet says of it. */
export function fleetPipelineOf(pipeline: PipelineDefinition): FleetPipeline {
  return {
    ...pipelineHeader(pipeline),
    ...(pipeline.system ? { system: pipeline.system } : {}),
  };
}

/** A phase's cell, by the decisions about the edges into it (status first that comes first). */
function cellOf(
  snapshot: PipelineSnapshot,
  phase: PhaseDefinition,
  into: EdgeDecision[],
): FleetCell {
  const { pipeline } = snapshot;
  const state = snapshot.states.get(phase.name);
  const current = state?.current;
  const refreshError = state?.refreshError;
  const quarantine = quarantineMarkOf(
    snapshot.quarantines,
    pipeline.ref,
    current,
  );
  const pin = snapshot.pins.get(phase.name);
  const promoting = into.find(e => e.decision.status === 'in-progress');
  // Only an edge whose upstream holds what the phase does not holds it back.
  const blocked = into.filter(
    e =>
      e.decision.status === 'blocked' &&
      e.origin !== undefined &&
      e.origin.digest !== e.target?.digest,
  );
  const frozen =
    blocked.length > 0 &&
    snapshot.freezes.some(f => f.phases.includes(phase.name));
  const blockedReasons = unique(blocked.flatMap(e => e.decision.reasons));
  let status: FleetCellStatus;
  let reasons: string[] = blockedReasons;
  if (refreshError) {
    status = 'refresh-failing';
    reasons = unique([refreshError, ...blockedReasons]);
  } else if (!current) {
    status = 'empty';
  } else if (quarantine) {
    status = 'quarantined';
    reasons = unique([
      quarantinedMessage(quarantine, current.version),
      ...blockedReasons,
    ]);
  } else if (pin) {
    status = 'pinned';
    reasons = unique([pinnedMessage(pin), ...blockedReasons]);
  } else if (promoting) {
    status = 'promoting';
    reasons = promoting.decision.reasons;
  } else if (frozen) {
    status = 'frozen';
  } else if (blocked.length > 0) {
    status = 'blocked';
  } else if (into.some(e => e.decision.status === 'promotable')) {
    status = 'behind';
  } else {
    status = 'up-to-date';
  }
  return {
    environment: environmentOf(phase),
    phase: phase.name,
    ...(current ? { version: current.version, digest: current.digest } : {}),
    ...(current && state?.heldSince ? { since: state.heldSince } : {}),
    status,
    reasons,
    ...(status === 'promoting' && promoting?.decision.promotionId
      ? { promotionId: promoting.decision.promotionId }
      : {}),
  };
}

/**
 * The edge into a phase whose upstream holds what the phase does not, if
 * one does: a promotable one first, then one under way, then any.
 */
function waitingEdge(into: EdgeDecision[]): EdgeDecision | undefined {
  const waiting = into.filter(
    e =>
      e.origin &&
      e.origin.digest !== e.target?.digest &&
      // What the phase would hold is what it holds: nothing waits.
      e.decision.status !== 'up-to-date',
  );
  const rank = (e: EdgeDecision) =>
    ['promotable', 'in-progress'].indexOf(e.decision.status) + 1 || 3;
  return waiting.sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * A pipeline's row from its snapshot and the decisions about its edges,
 * and the cells that are behind an upstream (their `behind` is filled from
 * the upstreams' history afterwards, see `fillBehind`).
 */
export function fleetEntryOf(
  snapshot: PipelineSnapshot,
  decisions: EdgeDecision[],
): { entry: FleetEntry; behind: BehindAsk[] } {
  const { pipeline } = snapshot;
  const behind: BehindAsk[] = [];
  const holds: Record<string, string[]> = {};
  for (const phase of pipeline.phases) {
    const pin = snapshot.pins.get(phase.name);
    holds[phase.name] = [
      ...(pin ? [pinnedMessage(pin)] : []),
      ...snapshot.freezes
        .filter(f => f.phases.includes(phase.name))
        .map(frozenMessage),
    ];
  }
  const cells = pipeline.phases.map(phase => {
    const into = decisions.filter(d => d.to.name === phase.name);
    const cell = cellOf(snapshot, phase, into);
    const waiting = waitingEdge(into);
    if (waiting?.origin) {
      const current = snapshot.states.get(phase.name)?.current;
      behind.push({
        cell,
        pipelineRef: pipeline.ref,
        from: waiting.edge.from,
        version: waiting.origin.version,
        digest: waiting.origin.digest,
        ...(current
          ? { held: { digest: current.digest, version: current.version } }
          : {}),
        heldSince: current
          ? snapshot.states.get(phase.name)?.heldSince
          : undefined,
      });
    }
    return cell;
  });
  return {
    entry: {
      row: { ...fleetPipelineOf(pipeline), cells },
      edges: decisions.map(d => ({
        from: d.edge.from,
        to: d.to.name,
        status: d.decision.status,
        reasons: d.decision.reasons,
        ...(d.decision.promotionId
          ? { promotionId: d.decision.promotionId }
          : {}),
      })),
      holds,
    },
    behind,
  };
}

/** The later of two times, either of which may be missing. */
function later(a?: string, b?: string): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Fills each waiting cell's `behind` from its upstream's newest entries
 * (newest first, by pipeline and phase): the versions the upstream held
 * after its newest entry holding what the phase holds, and since when.
 */
export function fillBehind(asks: BehindAsk[], history: HistoryMark[]): void {
  const byPhase = new Map<string, HistoryMark[]>();
  for (const mark of history) {
    const key = `${mark.pipelineRef}\n${mark.phase}`;
    const group = byPhase.get(key);
    if (group) group.push(mark);
    else byPhase.set(key, [mark]);
  }
  for (const ask of asks) {
    const entries = byPhase.get(`${ask.pipelineRef}\n${ask.from}`) ?? [];
    // By digest, or by name where the formats hold other fields of it.
    let held = ask.held
      ? entries.findIndex(e => e.digest === ask.held!.digest)
      : -1;
    if (held < 0 && ask.held) {
      held = entries.findIndex(e => e.version === ask.held!.version);
    }
    const newer = held < 0 ? entries : entries.slice(0, held);
    const first = newer[newer.length - 1];
    ask.cell.behind = {
      from: ask.from,
      version: ask.version,
      digest: ask.digest,
      versions: Math.max(1, new Set(newer.map(e => e.version)).size),
      since:
        later(first?.observedAt, ask.heldSince) ?? new Date(0).toISOString(),
    };
  }
}

/**
 * The environments of a page, upstream first: the order of the graph of
 * every row's edges (the environment of an upstream before the one of its
 * phase), ties broken by first appearance (rows in order, phases in their
 * pipeline's order). Environments in a cycle across pipelines come last, in
 * the order they first appear.
 */
export function environmentsOf(entries: FleetEntry[]): string[] {
  const rank = new Map<string, number>();
  const after = new Map<string, Set<string>>();
  const before = new Map<string, number>();
  for (const { row } of entries) {
    for (const cell of row.cells) {
      if (rank.has(cell.environment)) continue;
      rank.set(cell.environment, rank.size);
      after.set(cell.environment, new Set());
      before.set(cell.environment, 0);
    }
  }
  for (const { row, edges } of entries) {
    const environments = new Map(row.cells.map(c => [c.phase, c.environment]));
    for (const edge of edges) {
      const from = environments.get(edge.from);
      const to = environments.get(edge.to);
      if (from === undefined || to === undefined || from === to) continue;
      if (after.get(from)!.has(to)) continue;
      after.get(from)!.add(to);
      before.set(to, before.get(to)! + 1);
    }
  }
  const byRank = (a: string, b: string) => rank.get(a)! - rank.get(b)!;
  const sorted: string[] = [];
  const ready = [...rank.keys()].filter(e => before.get(e) === 0);
  while (ready.length > 0) {
    ready.sort(byRank);
    const next = ready.shift()!;
    sorted.push(next);
    for (const to of after.get(next)!) {
      before.set(to, before.get(to)! - 1);
      if (before.get(to) === 0) ready.push(to);
    }
  }
  const placed = new Set(sorted);
  return [...sorted, ...[...rank.keys()].filter(e => !placed.has(e))];
}

/**
 * What a diff says of a row whose `to` environment does not hold what its
 * `from` one holds: whether the edge between them may promote now, and why
 * not otherwise.
 */
export function diffItemOf(
  entry: FleetEntry,
  from: FleetCell,
  to: FleetCell,
): FleetDiffItem {
  const { row, edges } = entry;
  const into = edges.filter(e => e.to === to.phase);
  const edge = into.find(e => e.from === from.phase);
  let reasons: string[];
  if (!edge) {
    reasons = [
      into.length > 0
        ? `${to.phase} is promoted from ${unique(into.map(e => e.from)).join(
            ' or ',
          )}, not ${from.phase}`
        : `${to.phase} is not promoted from another phase`,
    ];
  } else if (edge.status === 'promotable') {
    reasons = [];
  } else if (edge.status === 'in-progress') {
    reasons = unique([
      `promotion ${edge.promotionId} into ${to.phase} is under way`,
      ...edge.reasons,
    ]);
  } else {
    reasons = edge.reasons;
  }
  if (edge?.status !== 'promotable') {
    // What holds the phase, whichever edge: its pin, its freezes.
    reasons = unique([...reasons, ...(entry.holds[to.phase] ?? [])]);
  }
  const { cells: _cells, ...pipeline } = row;
  return {
    pipeline,
    from,
    to,
    promotable: edge?.status === 'promotable',
    reasons,
  };
}
