import { GluPhaseLocation, GluPullRequestCheck } from './types';

/**
 * What a gate looks at when it decides whether a promotion may happen.
 *
 * @public
 */
export interface GluGateContext {
  pipelineRef: string;
  /** The pipeline entity's labels (`metadata.labels`), for queries to name. */
  labels?: Record<string, string>;
  /** The upstream phase and the version it holds. */
  from: {
    phase: string;
    digest: string;
    version: string;
    since: Date;
    /**
     * The change that made the upstream phase's state, e.g. the commit that
     * Glu pushed, for sources that have one.
     */
    revision?: string;
    /** Where the upstream phase lives, for writable sources. */
    location?: GluPhaseLocation;
  };
  /** The phase promoted into, and what it holds now. */
  to: { phase: string; digest?: string; version?: string };
  /** Who approved this version for the phase (user refs). */
  approvals: string[];
  /**
   * The approvals in full: when each was given, the groups the approver
   * belonged to then (full refs, lower case) and their email, if known.
   */
  approvalRecords?: Array<{
    approver: string;
    approvedAt: string;
    groups: string[];
    email?: string;
  }>;
  /**
   * Who asks for the promotion: the person promoting, or the requester of
   * an open promotion request; none for an automatic promotion.
   */
  requester?: string;
  /** Who made the version, when known (a user ref, or `Name <email>`). */
  author?: string;
  /**
   * The pull request that proposes the version, once there is one (the
   * `pull-request` strategy), with its checks as last seen. Gates are
   * evaluated again before Glu merges it.
   */
  pullRequest?: {
    number: number;
    url: string;
    checks: GluPullRequestCheck[];
  };
  now: Date;
  /**
   * For gates that observe (`observes`): whether a revision of the upstream
   * phase's source (e.g. the commit a deployment tool synced) holds the
   * upstream's state, that is, is `from.revision` or came after it. Present
   * for sources with a history.
   */
  includes?(revision: string): Promise<boolean>;
  /**
   * For gates that observe: their last answer about the version the upstream
   * phase holds, and since when they have given it, if there is one; with
   * the measurements it kept (`metrics`), to go on from.
   */
  previous?: GluGateResult & { since: Date };
  /**
   * For gates that observe, when the upstream phase's source has files (a
   * Git repository): a file of that repository at the commit that made the
   * upstream's state, by its path from the repository's root; undefined when
   * there is no such file. Read within `glu.limits.fileBytes`.
   */
  readFile?(path: string): Promise<string | undefined>;
}

/**
 * One measurement a gate took of a metric.
 *
 * @public
 */
export interface GluGateMeasurement {
  /** When it was taken (ISO 8601). */
  at: string;
  /** The value it measured, when it was a number. */
  value?: number;
  /**
   * `successful`: the value met the condition; `failed`: it did not;
   * `inconclusive`: neither the success nor the failure condition held (or
   * there was no data); `error`: nothing could be measured (the server did
   * not answer, the query failed).
   */
  outcome: 'successful' | 'failed' | 'inconclusive' | 'error';
  /** Why, when it is not a plain value: the error, "no data". */
  message?: string;
}

/**
 * A metric a gate measures, with its measurements for the version the
 * upstream phase holds: what the portal draws over the soak.
 *
 * @public
 */
export interface GluGateMetric {
  name: string;
  /** Its condition, as the definition says it: `< 0.01`, `result[0] >= 0.95`. */
  condition: string;
  /**
   * Its measurements, oldest first. Glu keeps the last
   * `GLU_GATE_MEASUREMENTS` of each.
   */
  measurements: GluGateMeasurement[];
}

/**
 * How many measurements of one metric Glu keeps with a gate's answer; older
 * ones are dropped.
 *
 * @public
 */
export const GLU_GATE_MEASUREMENTS = 120;

/**
 * A gate's answer: passed or not, and why, in words for people.
 *
 * @public
 */
export interface GluGateResult {
  passed: boolean;
  reason: string;
  /**
   * For gates that observe, with `passed: false`: what the gate looks at is
   * broken (a Degraded application, an endpoint that stopped answering as
   * expected), not merely not ready yet. With the gate's `rollback: true`,
   * Glu then rolls the upstream phase back.
   */
  failed?: boolean;
  /**
   * For gates that observe by measuring (`prometheus`, `analysis`): the
   * metrics and their measurements for this version. Glu keeps them with
   * the answer (the last `GLU_GATE_MEASUREMENTS` of each), hands them back
   * as `previous` at the next check and shows them with the edge.
   */
  metrics?: GluGateMetric[];
}

/**
 * A condition a promotion must pass (`soak`, `window`, …; extensible). In a
 * pipeline, `gates: [{ soak: 30m }]`: the key names the gate, the value is its
 * configuration.
 *
 * @public
 */
export interface GluGate {
  /** The key used in a promotion's `gates`. */
  readonly type: string;
  /**
   * Whether the gate looks at the running system, outside Glu: a
   * deployment's health, an endpoint (`argocd`, `http`). Glu never waits on
   * such a gate when it decides: it checks it in the background, every
   * `glu.gates.checkInterval`, for the version the upstream phase holds,
   * keeps its last answer in the store, and decisions read that answer. Its
   * configuration is an object, of which Glu reads two options itself
   * before handing the rest to the gate: `soak` (a duration: the checks must
   * pass without a break for that long) and `rollback` (true: when the check
   * fails for a version that Glu promoted into the upstream phase, Glu rolls
   * that phase back to what it held before and pins it there).
   */
  readonly observes?: boolean;
  /**
   * Whether the gate's answer follows from what Glu's store holds alone
   * (approvals given, a pull request's checks as last seen): not from the
   * clock, how long a phase has held a version, or anything outside Glu. A
   * pipeline's view whose gates are all cacheable is kept until the
   * pipeline's revision moves; any other is computed afresh on every read.
   * Defaults to false.
   */
  readonly cacheable?: boolean;
  /**
   * For a cacheable gate, whether one configuration of it is not: e.g. the
   * approvals gate with `maxAge`, whose approvals expire with the clock.
   */
  cacheableWith?(config: unknown): boolean;
  /** Problems with a configuration, each in words for people; none when valid. */
  validate?(config: unknown): string[];
  evaluate(config: unknown, context: GluGateContext): Promise<GluGateResult>;
}
