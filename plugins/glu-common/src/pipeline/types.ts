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
  /** The owning group or user, as a full entity ref. */
  owner: string;
  /** The components that the pipeline delivers, as full entity refs. */
  components: string[];
  /** Phases in topological order: every phase comes after its upstreams. */
  phases: PhaseDefinition[];
  /** How its DORA figures are counted, when it says (`spec.dora`). */
  dora?: DoraSettings;
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
