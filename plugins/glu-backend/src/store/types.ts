import { GluGateMetric } from '@glu-dev/plugin-glu-node';
import { HistoryEntry, PipelineDefinition } from '@glu-dev/plugin-glu-common';

export type {
  HistoryCause,
  HistoryEntry,
  Page,
  Promotion as PromotionRecord,
  PromotionStatus,
  VersionRef,
} from '@glu-dev/plugin-glu-common';

/**
 * Why a refresh failed: the source could not be reached (it hung, died or
 * refused: edges go on from what the phase held), or it answered with
 * something that is not a resource (a file that is not valid YAML, a file
 * or branch that is gone, a field of the wrong form: the phase's edges are
 * blocked until a refresh sees a good one).
 */
export type RefreshFailure = 'unreachable' | 'invalid';

/**
 * A pipeline's definition as the catalog sync stores it, with what the sync
 * learned of its owner: `ownerMissing` when the owner was not in the catalog
 * then, so the pipeline owns nothing and writes nowhere. Kept in the stored
 * definition (and its hash), so that every replica reads it together with
 * the definition it belongs to.
 */
export type SyncedPipeline = PipelineDefinition & { ownerMissing?: true };

/** A resource as a phase holds it. */
export interface ResourceState {
  digest: string;
  version: string;
  fields: Record<string, string>;
}

export interface PhaseState {
  pipelineRef: string;
  phase: string;
  sourceType: string;
  sourceKey?: string;
  /** The newest history entry: what the phase holds now. */
  current?: HistoryEntry;
  /** Since when the phase has held its version (changes that kept it aside). */
  heldSince?: string;
  refreshedAt?: string;
  /** Why the last refresh failed, if it did. */
  refreshError?: string;
  /** What kind of failure that was, when it failed. */
  refreshFailure?: RefreshFailure;
  /** Since when its refreshes have failed, without a good one between. */
  refreshFailingSince?: string;
}

/**
 * The last answer of a gate that observes the running system, checked in
 * the background for the version its upstream phase holds.
 */
export interface GateCheck {
  pipelineRef: string;
  /** The gate: its edge, its place among the edge's gates, its configuration. */
  gateKey: string;
  /** The upstream phase it looked at. */
  phase: string;
  /** The version that phase held. */
  digest: string;
  passed: boolean;
  /** What it looks at is broken, not merely not ready. */
  failed: boolean;
  reason: string;
  /** Since when it has answered `passed` (or not) for this version. */
  since: string;
  checkedAt: string;
  /** For gates that measure: their metrics and measurements for this version. */
  metrics?: GluGateMetric[];
}
