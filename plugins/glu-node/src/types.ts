/**
 * What moves through a pipeline, e.g. a container image reference. Its
 * identity is its digest: two phases hold the same version exactly when their
 * digests are equal.
 *
 * @public
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
 * What a format or a source can hold of a resource: the fields it keeps once
 * they are written, or why it cannot hold them at all, in words for people
 * (e.g. "the values file has no key for a digest; set digestKey"). A
 * promotion that a phase cannot hold is blocked, never half-written.
 *
 * @public
 */
export type GluProjection =
  | { fields: Record<string, string> }
  | { problem: string };

/**
 * A format reads and writes a resource in the content of one file
 * (`kubernetes`, `kustomize`, `helm-values`, `yaml-path`, …).
 *
 * @public
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
   * nothing else in the file: only the lines that carry the values differ.
   */
  write(options: {
    content: string;
    fields: Record<string, string>;
    config: Record<string, unknown>;
  }): Promise<string>;
  /**
   * The fields this format holds after writing these fields (a values file
   * without a digest key keeps the tag, not the digest; a single value takes
   * a chart's version), or why it cannot hold them (an image format given a
   * version without an image). Versions are compared on what the phase can
   * hold, so writing the same version twice is a no-op. When left out, the
   * format holds the fields as they are.
   */
  project?(
    fields: Record<string, string>,
    config: Record<string, unknown>,
  ): GluProjection;
}

/**
 * A phase that a source is asked about.
 *
 * @public
 */
export interface GluSourcePhase {
  pipelineRef: string;
  phase: string;
  /** The phase's `source` from the pipeline definition. */
  config: { type: string; [option: string]: unknown };
  /**
   * The format that the source names in `format`, among the registered
   * ones, for sources that keep their resource in a file.
   */
  format?: GluFormat;
}

/**
 * What a source saw a phase hold: one state of the phase.
 *
 * @public
 */
export interface GluObservation {
  /** The resource fields, e.g. `repository`, `tag`, `digest` of an image. */
  fields: Record<string, string>;
  /**
   * The content the fields were read from, e.g. the text of a file, for
   * sources that have one. History keeps it, a rollback restores it and a
   * dry run shows the diff against it.
   */
  content?: string;
  /** The change that made this state, e.g. the commit that last changed the file. */
  revision?: string;
  /** Who or what made that change, if the source knows. */
  actor?: string;
  /** A link to the change or the version, e.g. a commit, an image. */
  url?: string;
  /** What the change said of itself, e.g. a commit's subject. */
  message?: string;
}

/**
 * A source is where a phase's resource lives (`git`, `oci`, `helm`, `api`,
 * …). Every source can be read; a writable source (`GluWritableSource`) can
 * also be promoted into.
 *
 * @public
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
  /**
   * Which phases share a request, e.g. the repository of a Git phase or the
   * registry of an image. Glu asks `observe` about each group apart, so one
   * slow or unreachable repository or registry never holds up the others.
   * All phases of the type form one group when left out.
   */
  groupOf?(phase: GluSourcePhase): string;
  /**
   * Whether a revision of the phase's source holds the change `earlier`: it
   * is that change or came after it, e.g. a commit that descends from
   * another. For sources with a history; it answers from what Glu has
   * fetched, and false for a revision it has not seen (yet). Gates that
   * observe a deployment ask it through their context (`includes`).
   */
  includes?(
    phase: GluSourcePhase,
    revision: string,
    earlier: string,
  ): Promise<boolean>;
  /**
   * A file of the phase's repository at a revision, by its path from the
   * repository's root; undefined when the revision has no such file. For
   * sources with files; gates that observe read it through their context
   * (`readFile`), e.g. an analysis template kept next to the phase.
   */
  readFile?(
    phase: GluSourcePhase,
    path: string,
    revision: string,
  ): Promise<string | undefined>;
}

/**
 * Where a phase of a writable source lives: what pull requests are opened
 * against and what write scopes are about.
 *
 * @public
 */
export interface GluPhaseLocation {
  /** e.g. the clone URL of a Git repository. */
  repository: string;
  /** e.g. the branch the phase lives on. */
  branch: string;
  /** e.g. the path of the phase's file in the repository. */
  path: string;
}

/**
 * What a write puts into a phase: the fields of a resource (a promotion),
 * or the content of an earlier state, exactly (a rollback).
 *
 * @public
 */
export type GluChange =
  | { fields: Record<string, string> }
  | { content: string };

/**
 * One write into a phase.
 *
 * @public
 */
export interface GluWriteRequest {
  phase: GluSourcePhase;
  change: GluChange;
  /** What the change says of itself, e.g. the commit message. */
  message: { subject: string; body: string };
  /**
   * Write a proposal instead of the phase itself: the change on top of the
   * phase, on a place of Glu's own (a branch `glu/<pipeline>/<phase>/<digest>`)
   * that is replaced if it exists. The pull-request strategy opens a pull
   * request from it.
   */
  proposal?: { branch: string };
}

/**
 * What a write did.
 *
 * @public
 */
export interface GluWriteResult {
  /** False when the phase (or the proposal) already held the change. */
  changed: boolean;
  /** The content before the write. */
  before: string;
  /**
   * What the phase (or the proposal) holds after the write, as the source
   * sees it: the new content, its fields, and the change that made it (the
   * write's own commit, or the one that was already there).
   */
  observed: GluObservation;
}

/**
 * A source that Glu can write into (`git`; another SCM or a Kubernetes
 * object plug in the same way). The engine decides whether and what to
 * write; the source knows how.
 *
 * @public
 */
export interface GluWritableSource extends GluSource {
  readonly writable: true;
  /** Whether it can write proposals, for the `pull-request` strategy. */
  readonly proposals: boolean;
  /** Where a phase lives. */
  locate(phase: GluSourcePhase): GluPhaseLocation;
  /**
   * What the phase holds once these fields are written, or why it cannot
   * hold them. No I/O: every edge decision asks it.
   */
  project(phase: GluSourcePhase, fields: Record<string, string>): GluProjection;
  /**
   * The content with the change made. No I/O: a dry run shows the diff of
   * the stored content against it.
   */
  apply(
    phase: GluSourcePhase,
    content: string,
    change: GluChange,
  ): Promise<string>;
  /**
   * Reads the phase afresh, makes the change and writes it: a commit pushed
   * to the branch, or the proposal. Writes that happen together may share
   * one commit.
   */
  write(request: GluWriteRequest): Promise<GluWriteResult>;
  /** Removes a proposal that is no longer needed, if it is there. */
  removeProposal?(phase: GluSourcePhase, branch: string): Promise<void>;
}

/**
 * Whether a source can be written into.
 *
 * @public
 */
export function isWritableSource(
  source: GluSource | undefined,
): source is GluWritableSource {
  return Boolean(source?.writable && 'write' in source);
}

/**
 * A check reported on a pull request's head commit (a CI job, a status).
 *
 * @public
 */
export interface GluPullRequestCheck {
  name: string;
  state: 'pending' | 'success' | 'failure' | 'neutral' | 'skipped';
  url?: string;
}

/**
 * A pull request as its provider reports it.
 *
 * @public
 */
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
 *
 * @public
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

/**
 * What a method of a pull-request provider is asked, e.g.
 * `GluPullRequestProviderRequest<'open'>`: for providers to type their
 * methods by the interface.
 *
 * @public
 */
export type GluPullRequestProviderRequest<
  M extends keyof GluPullRequestProvider,
> = GluPullRequestProvider[M] extends
  | ((request: infer R) => unknown)
  | undefined
  ? R
  : never;
