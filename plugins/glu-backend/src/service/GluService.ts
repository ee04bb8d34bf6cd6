import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Approval,
  FleetDiff,
  FleetPage,
  FleetPromotionRequest,
  FleetPromotionResult,
  Freeze,
  FreezeScope,
  HistoryDiff,
  HistoryEntry,
  OwnerDora,
  Page,
  Pin,
  PipelineDora,
  PipelineSummary,
  PipelineRefresh,
  PipelineView,
  Promotion,
  PromotionDryRun,
  PromotionRequest,
  Quarantine,
} from '@glu-dev/plugin-glu-common';
import { DoraPeriod } from '../insight/dora';
import { PipelineDocument } from '../views/PipelineViews';
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
  /** Who made the version, as CI says. */
  author?: string;
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

/** What a quarantine is set with. */
export interface QuarantineInput {
  reason: string;
  /** The pipeline it applies to (an entity ref); every pipeline when absent. */
  pipeline?: string;
  /** The version's name in the pipeline. */
  version?: string;
  digest?: string;
  /** Roll back each writable phase that holds it, pinned there. */
  rollback?: boolean;
}

/** Which pipelines of some the caller may read. */
export type Readable = (refs: string[]) => Promise<string[]>;

/** Which pipelines a page of the fleet holds. */
export interface FleetQuery extends PageQuery {
  /** Only pipelines that one of these owners owns. */
  owner?: string[];
  /** Only pipelines that are part of one of these systems. */
  system?: string[];
  /** Only pipelines that match this (what the caller may read). */
  filter?: PipelineFilter;
}

/** How each promotion of a fleet promotion is made. */
export type PromoteOne = (
  ref: string,
  request: PromoteInput,
) => Promise<Promotion>;

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
  /**
   * A page of the fleet; `readable` leaves out the pipelines of the page
   * that the caller may not read.
   */
  getFleet(
    query: FleetQuery,
    options: CallOptions & { readable?: Readable },
  ): Promise<FleetPage>;
  /** Two environments compared over a page of the fleet. */
  diffFleet(
    environments: { from: string; to: string },
    query: FleetQuery,
    options: CallOptions & { readable?: Readable },
  ): Promise<FleetDiff>;
  /**
   * Several promotions, each as `promote` makes it, a few at a time; each
   * refusal is answered in its place.
   */
  promoteFleet(
    items: FleetPromotionRequest[],
    options: CallOptions,
  ): Promise<{ items: FleetPromotionResult[] }>;
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
  /** When Glu last looked at each of the pipeline's phases. */
  getPipelineRefresh(
    ref: string,
    options: CallOptions,
  ): Promise<PipelineRefresh>;
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
  /**
   * The quarantines in force (of one pipeline, if given); `readable` leaves
   * out what the caller may not read.
   */
  listQuarantines(
    query: { pipeline?: string },
    options: CallOptions & { readable?: Readable },
  ): Promise<Quarantine[]>;
  quarantine(
    request: QuarantineInput,
    options: CallOptions & { readable?: Readable },
  ): Promise<Quarantine>;
  liftQuarantine(id: string, options: CallOptions): Promise<void>;
  /** Asks for a promotion that waits for its edge's approval policy. */
  requestPromotion(
    ref: string,
    request: { phase: string; from?: string; reason?: string },
    options: CallOptions,
  ): Promise<PromotionRequest>;
  listPromotionRequests(
    ref: string,
    query: { status?: PromotionRequest['status']; limit: number },
    options: CallOptions,
  ): Promise<PromotionRequest[]>;
  withdrawPromotionRequest(
    ref: string,
    id: string,
    options: CallOptions,
  ): Promise<void>;
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
