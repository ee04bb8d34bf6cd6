/**
 * What moves through a pipeline, e.g. a container image reference. Its
 * identity is its digest: two phases hold the same version exactly when their
 * digests are equal.
 */
export interface GluResource {
  /** Content-derived identity of the version, e.g. `sha256:…`. */
  digest: string;
  /** What people call this version, e.g. an image tag or chart version. */
  version: string;
  /** The fields that a format reads and writes, e.g. `image`, `tag`. */
  fields: Record<string, string>;
}

/**
 * A format reads and writes a resource in the content of one file of a Git
 * repository (`kubernetes`, `kustomize`, `helm-values`, `yaml-path`, …).
 */
export interface GluFormat {
  /** The name used in a phase's `source.format`. */
  readonly type: string;
  /** Reads the resource fields out of the file content. */
  read(options: {
    content: string;
    config: Record<string, unknown>;
  }): Promise<Record<string, string>>;
  /**
   * Returns the file content with the resource fields written in, changing
   * nothing else in the file.
   */
  write(options: {
    content: string;
    fields: Record<string, string>;
    config: Record<string, unknown>;
  }): Promise<string>;
  /**
   * The fields this format holds after writing these fields: a values file
   * without a digest key keeps no digest; a single value takes a chart's
   * version. Versions are compared on what the phase can hold, so writing
   * the same version twice is a no-op. The fields as they are when left out.
   */
  project?(
    fields: Record<string, string>,
    config: Record<string, unknown>,
  ): Record<string, string>;
}

/** A phase that a source is asked about. */
export interface GluSourcePhase {
  pipelineRef: string;
  phase: string;
  /** The phase's `source` from the pipeline definition. */
  config: { type: string; [option: string]: unknown };
}

/** What a source saw a phase hold. */
export interface GluObservation {
  /** The resource fields, e.g. `repository`, `tag`, `digest` of an image. */
  fields: Record<string, string>;
  /** Who or what put this version there, if the source knows. */
  actor?: string;
  /** A link to the version, e.g. the image in its registry. */
  url?: string;
  message?: string;
}

/**
 * A source is where a phase's resource lives (`git`, `oci`, `helm`, `api`,
 * …). Read-only sources observe; Glu writes only to Git-backed phases.
 */
export interface GluSource {
  /** The name used in a phase's `source.type`. */
  readonly type: string;
  /** Whether promotions can write into phases of this source. */
  readonly writable: boolean;
  /**
   * Looks at every phase of this type at once, so phases that share a
   * repository or registry share one request. Answers one observation, or
   * the error that prevented it, per phase, in order. Sources whose versions
   * are published to Glu (the `api` source) have no `observe`.
   */
  observe?(phases: GluSourcePhase[]): Promise<Array<GluObservation | Error>>;
}

/** What a gate looks at when it decides whether a promotion may happen. */
export interface GluGateContext {
  pipelineRef: string;
  /** The upstream phase and the version it holds. */
  from: { phase: string; digest: string; version: string; since: Date };
  /** The phase promoted into, and what it holds now. */
  to: { phase: string; digest?: string; version?: string };
  /** Who approved this version for the phase (user refs). */
  approvals: string[];
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
}

/** A gate's answer: passed or not, and why, in words for people. */
export interface GluGateResult {
  passed: boolean;
  reason: string;
}

/**
 * A condition a promotion must pass (`soak`, `window`, …; extensible). In a
 * pipeline, `gates: [{ soak: 30m }]`: the key names the gate, the value is its
 * configuration.
 */
export interface GluGate {
  /** The key used in a promotion's `gates`. */
  readonly type: string;
  /** Problems with a configuration, each in words for people; none when valid. */
  validate?(config: unknown): string[];
  evaluate(config: unknown, context: GluGateContext): Promise<GluGateResult>;
}

/** A check reported on a pull request's head commit (a CI job, a status). */
export interface GluPullRequestCheck {
  name: string;
  state: 'pending' | 'success' | 'failure' | 'neutral' | 'skipped';
  url?: string;
}

/** A pull request as its provider reports it. */
export interface GluPullRequest {
  number: number;
  /** The pull request's page, for people. */
  url: string;
  state: 'open' | 'merged' | 'closed';
  /** The commit at the head of its branch. */
  headSha: string;
  /** The commit that merged it, once merged. */
  mergeCommitSha?: string;
}

/**
 * Opens, follows, merges and closes pull requests on a Git host (`github`;
 * others plug in the same way). Glu pushes the branch itself, with the
 * repository's Git credentials; a provider only talks to the host's API.
 */
export interface GluPullRequestProvider {
  /** The provider's name, e.g. `github`; a promotion may name it. */
  readonly type: string;
  /** Whether this provider can open pull requests in the repository. */
  supports(repository: string): boolean;
  /**
   * Opens a pull request of `head` into `base`. When one is already open for
   * that branch (a retry after a crash), answers that one.
   */
  open(request: {
    repository: string;
    base: string;
    head: string;
    title: string;
    body: string;
    labels: string[];
    draft: boolean;
  }): Promise<GluPullRequest>;
  get(request: { repository: string; number: number }): Promise<GluPullRequest>;
  /** The checks of a commit: CI jobs and commit statuses. */
  checks(request: {
    repository: string;
    sha: string;
  }): Promise<GluPullRequestCheck[]>;
  /** Comments on the pull request, then closes it without merging. */
  close(request: {
    repository: string;
    number: number;
    comment: string;
  }): Promise<void>;
  /**
   * Puts a commit status on a commit, e.g. `glu/gates` on a pull request's
   * head, which branch protection can require. Optional.
   */
  setStatus?(request: {
    repository: string;
    sha: string;
    context: string;
    state: 'pending' | 'success' | 'failure';
    description: string;
    url?: string;
  }): Promise<void>;
  /**
   * Merges the pull request if its head is still `sha`; answers the merge
   * commit.
   */
  merge(request: {
    repository: string;
    number: number;
    sha: string;
    method: 'merge' | 'squash' | 'rebase';
    title: string;
  }): Promise<{ sha: string }>;
}
