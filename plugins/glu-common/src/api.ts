/*
 * The shapes of the HTTP API under /api/glu, as the OpenAPI document in
 * plugins/glu-backend describes them.
 */

/** A page of a list that can grow. */
export type Page<T> = {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
};

/** A version of a resource: its identity and what people call it. */
export type VersionRef = {
  digest: string;
  version: string;
};

/** Why a phase's state changed. */
export type HistoryCause =
  | 'observed'
  | 'published'
  | 'promotion'
  | 'rollback'
  | 'commit';

/** One state that a phase was observed in. */
export type HistoryEntry = {
  id: string;
  pipelineRef: string;
  phase: string;
  digest: string;
  version: string;
  fields: Record<string, string>;
  /** Hash of the phase's file content at this state (Git-backed phases). */
  blobHash?: string;
  cause: HistoryCause;
  /** Who or what made the change: a user ref, or a commit's author. */
  actor?: string;
  commitSha?: string;
  commitUrl?: string;
  message?: string;
  promotionId?: string;
  /**
   * The change left the version as it was and changed only other parts of
   * the phase's file (replicas, environment variables, …).
   */
  keptVersion?: boolean;
  observedAt: string;
};

/**
 * Where a promotion stands. By pull request: `open` until the pull request
 * merges (`merged`, then `succeeded` once the phase is seen holding the
 * version), is closed without merge (`closed`), or is replaced by a newer
 * proposal (`superseded`).
 */
export type PromotionStatus =
  | 'pending'
  | 'running'
  | 'open'
  | 'merged'
  | 'succeeded'
  | 'up-to-date'
  | 'closed'
  | 'superseded'
  | 'failed';

/** A check reported on a pull request's head commit. */
export type PullRequestCheck = {
  name: string;
  state: 'pending' | 'success' | 'failure' | 'neutral' | 'skipped';
  url?: string;
};

/** The pull request that carries a promotion. */
export type PullRequestRef = {
  /** The provider that opened it, e.g. `github`. */
  provider: string;
  number: number;
  url: string;
  /** The branch it proposes, `glu/<pipeline>/<phase>/<digest>`. */
  branch: string;
  state: 'open' | 'merged' | 'closed';
  /** The commit at the head of the branch. */
  headSha: string;
  /** The commit that merged it. */
  mergeCommitSha?: string;
  /** The checks of the head commit, as last seen. */
  checks?: PullRequestCheck[];
  /**
   * The commit status `glu/gates` that Glu last put on the head commit:
   * whether every gate of the promotion passes, so that branch protection
   * can hold a merge by hand until they do.
   */
  gatesStatus?: {
    sha: string;
    state: 'pending' | 'success';
    description: string;
  };
};

/** A promotion and its outcome. */
export type Promotion = {
  id: string;
  pipelineRef: string;
  from: string;
  to: string;
  kind: 'promotion' | 'rollback';
  strategy: 'commit' | 'pull-request';
  status: PromotionStatus;
  /** The upstream version being promoted. */
  fromVersion?: VersionRef;
  /** What the target phase held before. */
  before?: VersionRef;
  /** What the target phase holds after. */
  after?: VersionRef;
  /** A user or service ref. */
  triggeredBy: string;
  trigger: 'manual' | 'auto' | 'schedule' | 'event';
  commitSha?: string;
  commitUrl?: string;
  /** The pull request, for the `pull-request` strategy. */
  pullRequest?: PullRequestRef;
  error?: string;
  createdAt: string;
  finishedAt?: string;
};

/**
 * The answer of a dry run: what a promotion or a rollback would do, decided
 * exactly as the promotion itself would be, and the diff it would commit.
 */
export type PromotionDryRun = {
  pipelineRef: string;
  kind: 'promotion' | 'rollback';
  /** The upstream phase (the phase itself for a rollback). */
  from: string;
  to: string;
  /** As the edge's status: only `promotable` would write. */
  status: EdgeStatus;
  /** Why it would not write: what blocks it, or what it waits for. */
  reasons: string[];
  /** Each gate, passed or not, and why. */
  gates: GateResult[];
  /** What it comes from: the upstream version, or the history entry. */
  fromVersion: VersionRef;
  /** What the phase holds now. */
  before?: VersionRef;
  /** What the phase would hold; absent when it cannot hold the version. */
  after?: VersionRef;
  /** Where the phase lives, e.g. its file in the repository. */
  path?: string;
  /**
   * The unified diff of what would be written, against the phase's content
   * as last seen; empty when nothing would change or it cannot be written.
   */
  diff: string;
  /** The promotion under way, when in progress. */
  promotionId?: string;
  /** Its open pull request. */
  pullRequest?: PullRequestRef;
};

/** A phase held at a version: automatic promotion leaves it alone. */
export type Pin = {
  phase: string;
  digest: string;
  version: string;
  /** A user or service ref. */
  pinnedBy: string;
  reason: string;
  pinnedAt: string;
};

/** A phase and what it holds now. */
export type PhaseView = {
  name: string;
  title?: string;
  source: { type: string; [option: string]: unknown };
  /** Whether Glu can write into the phase (promotions, rollbacks). */
  writable: boolean;
  /** The newest history entry; absent until the phase is first observed. */
  state?: HistoryEntry;
  refreshedAt?: string;
  /** Why the last refresh failed, if it did. */
  refreshError?: string;
  /** Set while the phase is pinned. */
  pin?: Pin;
};

/** What a gate said about an edge's promotion. */
export type GateResult = {
  type: string;
  passed: boolean;
  reason: string;
};

export type EdgeStatus =
  | 'up-to-date'
  | 'promotable'
  | 'blocked'
  | 'in-progress';

/** A promotion edge and whether there is something to promote. */
export type EdgeView = {
  from: string;
  to: string;
  strategy: 'commit' | 'pull-request';
  auto: boolean;
  status: EdgeStatus;
  /** Why the edge is blocked. */
  reasons: string[];
  /** Each gate of the edge, passed or not, and why. */
  gates: GateResult[];
  /** The promotion under way, when in progress. */
  promotionId?: string;
  /** The open pull request of the promotion under way. */
  pullRequest?: PullRequestRef;
};

/** A pipeline with every phase's state and every edge's status. */
export type PipelineView = {
  ref: string;
  name: string;
  namespace: string;
  title?: string;
  owner: string;
  components: string[];
  phases: PhaseView[];
  edges: EdgeView[];
};

/** A pipeline in a list: phases' versions in one row. */
export type PipelineSummary = {
  ref: string;
  name: string;
  namespace: string;
  title?: string;
  owner: string;
  components: string[];
  phases: {
    name: string;
    version?: string;
    digest?: string;
    /** Why the phase's last refresh failed, if it did. */
    refreshError?: string;
  }[];
  /** How many edges have a version waiting to be promoted. */
  behind: number;
};
