/**
 * A source definition: where a phase's resource lives.
 *
 * @public
 */
export interface SourceDefinition {
  /** The source type, e.g. `git`, `oci`; extensible. */
  type: string;
  [option: string]: unknown;
}

/**
 * A format definition: how a Git-backed phase reads and writes its file.
 *
 * @public
 */
export interface FormatDefinition {
  /** The format type, e.g. `kubernetes`; extensible. */
  type: string;
  [option: string]: unknown;
}

/**
 * The `git` source: one file of a Git repository, through a format.
 *
 * @public
 */
export interface GitSourceDefinition extends SourceDefinition {
  type: 'git';
  /** Clone URL of the repository, e.g. `https://github.com/acme/gitops`. */
  repository: string;
  branch: string;
  /** Path of the file inside the repository; never leaves it. */
  path: string;
  format: FormatDefinition;
}

/** @public */
export type PromotionStrategy = 'commit' | 'pull-request';

/**
 * A gate definition, e.g. `{ soak: '30m' }`; extensible.
 *
 * @public
 */
export type GateDefinition = Record<string, unknown>;

/**
 * How the `pull-request` strategy opens and merges its pull requests.
 *
 * @public
 */
export interface PullRequestOptions {
  /** The provider to open them with, e.g. `github`; by default the one that supports the repository. */
  provider?: string;
  /** Labels put on every pull request of this edge. */
  labels: string[];
  /** Open them as drafts. */
  draft: boolean;
  /**
   * Glu merges the pull request, with this method, as soon as every gate
   * of the edge passes (the `checks` gate included); `false` leaves merging
   * to people.
   */
  autoMerge: false | 'merge' | 'squash' | 'rebase';
}

/**
 * An edge of the pipeline: how a phase receives versions from an upstream
 * phase. In YAML, the phase's `promotion:` defines it.
 *
 * @public
 */
export interface EdgeDefinition {
  /** The upstream phase. */
  from: string;
  strategy: PromotionStrategy;
  /** Promote as soon as the upstream phase changes. */
  auto: boolean;
  gates: GateDefinition[];
  /** Set for the `pull-request` strategy. */
  pullRequest?: PullRequestOptions;
}

/** @public */
export interface PhaseDefinition {
  name: string;
  title?: string;
  /**
   * The environment the phase stands for across pipelines (`environment:`),
   * when it is not the phase's name; see `environmentOf`.
   */
  environment?: string;
  source: SourceDefinition;
  /** The edges into this phase (its `promotion:`); more than one is a fan-in. */
  edges: EdgeDefinition[];
}

/**
 * A validated pipeline definition, as the engine uses it.
 *
 * @public
 */
export interface PipelineDefinition {
  /** The pipeline's entity ref, e.g. `pipeline:default/checkout`. */
  ref: string;
  name: string;
  namespace: string;
  title?: string;
  /** The pipeline entity's labels (`metadata.labels`), for gates' queries. */
  labels?: Record<string, string>;
  /** The owning group or user, as a full entity ref. */
  owner: string;
  /** The system the pipeline is part of (`spec.system`), as a full entity ref. */
  system?: string;
  /** The components that the pipeline delivers, as full entity refs. */
  components: string[];
  /** Phases in topological order: every phase comes after its upstreams. */
  phases: PhaseDefinition[];
  /** How its DORA figures are counted, when it says (`spec.dora`). */
  dora?: DoraSettings;
  /** What its owners are notified of, when it says (`spec.notifications`). */
  notifications?: NotificationSettings;
}

/**
 * What Glu notifies a pipeline's owners of.
 *
 * @public
 */
export const NOTIFICATION_KINDS = [
  'promotion-failed',
  'rolled-back',
  'hotfix',
  'approval-requested',
  'pull-request-waiting',
  'edge-blocked',
  'refresh-failing',
  'pin-held',
] as const;

/**
 * One kind of notification: a promotion or rollback failed
 * (`promotion-failed`), a health gate rolled a phase back (`rolled-back`),
 * a pull request waits for approvals or checks (`pull-request-waiting`), an
 * edge has been blocked for long (`edge-blocked`), a phase has failed to
 * refresh for long (`refresh-failing`), a pin has held for long
 * (`pin-held`).
 *
 * @public
 */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * What a pipeline's owners are notified of (`spec.notifications`); what it
 * leaves out comes from app-config `glu.notifications`.
 *
 * @public
 */
export interface NotificationSettings {
  /** False: no notifications at all for this pipeline. */
  enabled?: boolean;
  /** The kinds it does not want. */
  off?: NotificationKind[];
  /** After how long a blocked edge is notified, e.g. `1d`. */
  blockedAfter?: string;
  /** After how long of failed refreshes a phase is notified, e.g. `1h`. */
  refreshFailingAfter?: string;
  /** After how long a pin is notified, e.g. `7d`. */
  pinnedAfter?: string;
}

/**
 * How a pipeline's DORA figures are counted (`spec.dora`).
 *
 * @public
 */
export interface DoraSettings {
  /**
   * The phases that count as production; by default the phases that no
   * edge promotes from.
   */
  production?: string[];
  /**
   * A deployment followed by a rollback or a fix within this long is a
   * failed change, e.g. `1d` (the default).
   */
  failureWindow?: string;
  /**
   * A regular expression (case-insensitive) for the message of a version
   * that is a fix, as CI published it; by default `^(fix|hotfix)\b`.
   */
  fix?: string;
}

/**
 * The environment a phase stands for: its `environment:`, or its name. The
 * fleet lines up pipelines' phases by it.
 *
 * @public
 */
export function environmentOf(phase: {
  name: string;
  environment?: string;
}): string {
  return phase.environment ?? phase.name;
}
