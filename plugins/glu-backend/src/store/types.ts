import { HistoryEntry } from '@glu-dev/plugin-glu-common';

export type {
  HistoryCause,
  HistoryEntry,
  Page,
  Promotion as PromotionRecord,
  PromotionStatus,
  VersionRef,
} from '@glu-dev/plugin-glu-common';

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
}
