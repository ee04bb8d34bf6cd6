import semver from 'semver';
import {
  EdgeStatus,
  GateResult,
  Pin,
  PipelineFreeze,
  PullRequestRef,
} from '@glu-dev/plugin-glu-common';
import { frozenMessage } from '../freezing/Freezes';
import { HistoryEntry, PromotionRecord, ResourceState } from '../store/types';
import { Holding } from '../pipelines/resources';

/**
 * The one place that decides whether a write into a phase may happen: the
 * edge's status in the pipeline view, automatic promotion, manual promotion
 * (which refuses with these reasons), dry runs, rollbacks and the merge of a
 * pull request all ask `decide`. It is pure: everything it looks at is in
 * its input, read from the store and evaluated (gates) beforehand.
 */

export interface DecisionInput {
  /** A promotion along an edge, or a rollback to an entry of the phase's own history. */
  kind: 'promotion' | 'rollback';
  /** The upstream phase (the phase itself for a rollback). */
  from: string;
  /** The phase written into. */
  to: string;
  /** What the content comes from: the upstream's state, or the history entry. */
  origin?: Pick<HistoryEntry, 'digest' | 'version' | 'blobHash'>;
  /** Why the upstream has no state yet, if it failed to refresh. */
  originError?: string;
  /**
   * What the upstream's source answered instead of a resource, when its
   * last refresh found its file (or tag, or fields) so: the state it held
   * before is not what it holds.
   */
  originInvalid?: string;
  /** What the phase holds now. */
  target?: HistoryEntry;
  /** Why the phase has no state yet, if it failed to refresh. */
  targetError?: string;
  /** What the phase's source answered instead of a resource, likewise. */
  targetInvalid?: string;
  /** Why the phase cannot be written into at all (a read-only source). */
  unwritable?: string;
  /** What the phase would hold; set when there is an origin. */
  holding?: Holding;
  pin?: Pin;
  /** A rollback that pins the phase again at its own version replaces the pin. */
  repin?: boolean;
  /** The promotion under way into the phase along this edge, if any. */
  active?: PromotionRecord;
  /** The edge's gates, evaluated (with the active pull request, if any). */
  gates: GateResult[];
  /** The freezes that hold the phase against this kind of write. */
  freezes?: PipelineFreeze[];
  /** A hotfix: it goes through the freezes (its promoter may, and said why). */
  hotfix?: boolean;
  /** Why the version it brings may not be brought: it is quarantined. */
  quarantined?: string;
}

export interface Decision {
  status: EdgeStatus;
  /** Why it is blocked, or what the promotion under way waits for. */
  reasons: string[];
  gates: GateResult[];
  /** What the phase would hold after the write, when it can hold it. */
  holding?: ResourceState;
  /** Why the phase cannot hold the version, when it cannot. */
  problem?: string;
  /** The promotion under way, when in progress. */
  promotionId?: string;
  /** The open pull request that proposes a version into the phase. */
  pullRequest?: PullRequestRef;
  /** For a hotfix, the freezes that it goes through, by id. */
  throughFreezes?: string[];
}

/** The words that say why a pinned phase is left alone. */
export function pinnedMessage(pin: Pin): string {
  return `${pin.phase} is pinned at ${pin.version} by ${pin.pinnedBy}: ${pin.reason}`;
}

function notObserved(phase: string, error?: string): string {
  return `${phase} has not been observed yet${error ? `: ${error}` : ''}`;
}

function invalid(phase: string, error: string): string {
  return `${phase} cannot be read: ${error}`;
}

/**
 * Why a phase's file (or tag) as it is now stands in the way: the state
 * stored from before is not what it holds.
 */
function invalidReasons(input: DecisionInput): string[] {
  // A rollback writes an earlier content whole: it mends a broken file.
  if (input.kind === 'rollback') return [];
  const reasons: string[] = [];
  if (input.origin && input.originInvalid) {
    reasons.push(invalid(input.from, input.originInvalid));
  }
  if (input.target && input.targetInvalid) {
    reasons.push(invalid(input.to, input.targetInvalid));
  }
  return reasons;
}

function gateReasons(gates: GateResult[]): string[] {
  return gates.filter(g => !g.passed).map(g => `${g.type}: ${g.reason}`);
}

/**
 * Whether the phase already holds what the write brings: equal digests for
 * a promotion; for a rollback, the same content too (an entry that kept the
 * version may differ in the rest of the file).
 */
function holdsAlready(input: DecisionInput, holding: ResourceState): boolean {
  const { target, origin } = input;
  // What it held before its file broke is not what it holds.
  if (!target || input.targetInvalid) return false;
  if (target.digest !== holding.digest) return false;
  if (input.kind === 'rollback' && origin?.blobHash && target.blobHash) {
    return origin.blobHash === target.blobHash;
  }
  return true;
}

export function decide(input: DecisionInput): Decision {
  const { active } = input;
  // What a broken upstream holds is not known, nor what it would bring.
  const projected = input.originInvalid ? undefined : input.holding;
  const holding =
    projected && !('problem' in projected) ? projected : undefined;
  const problem =
    projected && 'problem' in projected ? projected.problem : undefined;
  const decision: Decision = {
    status: 'up-to-date',
    reasons: [],
    gates: input.gates,
    ...(holding ? { holding } : {}),
    ...(problem ? { problem } : {}),
  };

  // A commit under way: the edge waits for it.
  if (active && active.strategy !== 'pull-request') {
    return { ...decision, status: 'in-progress', promotionId: active.id };
  }
  // An open pull request is shown; one that proposes this very version is
  // what the edge waits for, one of an older version is replaced by the next
  // promotion.
  const proposal = active?.pullRequest ? active : undefined;
  if (proposal?.status === 'open') decision.pullRequest = proposal.pullRequest;
  const freezes = input.freezes ?? [];
  if (input.hotfix && freezes.length > 0) {
    decision.throughFreezes = freezes.map(f => f.id);
  }
  const frozen = input.hotfix ? [] : freezes.map(frozenMessage);
  const pinned =
    input.pin && !input.repin && input.pin.digest !== holding?.digest
      ? pinnedMessage(input.pin)
      : undefined;
  if (proposal && holding && proposal.after?.digest === holding.digest) {
    // What it waits for before it merges.
    return {
      ...decision,
      status: 'in-progress',
      promotionId: proposal.id,
      reasons: [
        ...(input.unwritable ? [input.unwritable] : []),
        ...invalidReasons(input),
        ...(input.quarantined ? [input.quarantined] : []),
        ...gateReasons(input.gates),
        ...(pinned ? [pinned] : []),
        // Not merged while frozen.
        ...frozen,
      ],
    };
  }

  const blockers: string[] = [];
  if (input.unwritable) blockers.push(input.unwritable);
  if (!input.origin) blockers.push(notObserved(input.from, input.originError));
  if (!input.target) blockers.push(notObserved(input.to, input.targetError));
  blockers.push(...invalidReasons(input));
  if (problem && input.origin) {
    blockers.push(
      `${input.to} cannot hold ${input.origin.version} of ${input.from}: ${problem}`,
    );
  }
  if (blockers.length === 0 && holding && holdsAlready(input, holding)) {
    return decision;
  }
  // A phase that holds the quarantined version already is up to date: what
  // it holds is marked, and what would bring it again is blocked.
  if (input.quarantined) blockers.push(input.quarantined);
  if (pinned) blockers.push(pinned);
  blockers.push(...frozen);
  if (blockers.length > 0) {
    return { ...decision, status: 'blocked', reasons: blockers };
  }
  const failed = gateReasons(input.gates);
  if (failed.length > 0) {
    return { ...decision, status: 'blocked', reasons: failed };
  }
  return { ...decision, status: 'promotable' };
}

/** Whether `candidate` is an older version than `current`, by semver. */
export function isOlder(candidate: string, current: string): boolean {
  const a = semver.valid(semver.clean(candidate, { loose: true }) ?? '');
  const b = semver.valid(semver.clean(current, { loose: true }) ?? '');
  return Boolean(a && b && semver.lt(a, b));
}

/**
 * Why automatic promotion leaves a promotable edge alone, if it does: an
 * older version never replaces a newer one by accident (versions that
 * order by semver are compared, not only told apart). A person may still
 * promote it, as a downgrade.
 */
export function autoDeclined(
  input: Pick<DecisionInput, 'from' | 'to' | 'target'>,
  decision: Decision,
): string | undefined {
  const version = decision.holding?.version;
  const { target } = input;
  if (decision.status !== 'promotable' || !version || !target) return undefined;
  if (!isOlder(version, target.version)) return undefined;
  return `${input.from}'s ${version} is older than the ${target.version} that ${input.to} holds; promote by hand to downgrade`;
}
