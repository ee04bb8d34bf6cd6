// Generated from plugins/glu-backend/src/schema/openapi.yaml by
// scripts/openapi.js (yarn generate:openapi); do not edit.
/* eslint-disable */
/** @public */
export type paths = {
  '/dora': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The DORA figures of every pipeline that these owners own (and the caller may read), together and one by one; 403 to a caller who may read no pipeline at all. */
    get: operations['GetOwnerDora'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/fleet': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The fleet: every pipeline the caller may read (filtered by owner or system), ordered by entity ref, each with what its phases hold under the environments they stand for. `environments` are the page's columns, upstream first. */
    get: operations['GetFleet'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/fleet/diff': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Two environments compared across the fleet: every pipeline (of a page of the fleet) that has both and whose `to` environment does not hold the version its `from` environment holds, with the lag and why it has not moved. A page may hold fewer items than its limit; follow nextCursor to the end. */
    get: operations['DiffFleet'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/fleet/promotions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Several promotions at once, each exactly as the pipeline's own promotion (its gates, its permissions, its audit), one after the other; the answer says what each did. One refused promotion does not stop the others. */
    post: operations['PromoteFleet'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether the plugin and its database answer. No authentication. */
    get: operations['GetHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/extensions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The source, format and gate types this backend can run. */
    get: operations['GetExtensions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/catalog-refusals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The pipeline definitions that the catalog refused, and why, of the calling user's pipelines (owned by the user or one of their groups). The catalog keeps no refused entity, so this is where its owners see why a pipeline does not appear. A refusal shows while the catalog keeps refusing the definition. */
    get: operations['ListCatalogRefusals'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/catalog-refusals/{namespace}/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Records that the catalog refused a pipeline's definition. Only the catalog (its Glu module, with the catalog's service token) may. */
    put: operations['RecordCatalogRefusal'];
    post?: never;
    /** Records that the catalog accepted a pipeline's definition. Only the catalog (its Glu module, with the catalog's service token) may. */
    delete: operations['ForgetCatalogRefusal'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Pipelines, ordered by entity ref, with their phases' versions: those the caller may read (`glu.pipeline.read`), which may be none. A caller who may read no pipeline at all (the policy denies the permission outright, e.g. to a CI token granted only `glu.pipeline.publish`) is answered 403 rather than an empty list. */
    get: operations['ListPipelines'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A pipeline with every phase's state and every edge's status. */
    get: operations['GetPipeline'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/dora': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The pipeline's DORA figures over a period, and its deployments. */
    get: operations['GetPipelineDora'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** When Glu last looked at each of the pipeline's phases, and which fail to refresh. Read as the pipeline is. */
    get: operations['GetPipelineRefresh'];
    put?: never;
    /** Looks at the pipeline's sources now, rather than at the next poll. */
    post: operations['RefreshPipeline'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/phases/{phase}/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every state the phase was observed in, newest first. */
    get: operations['ListPhaseHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/phases/{phase}/diff': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The difference between two entries of a phase's history: the unified
     *     diff of the phase's file (Git-backed phases), and the resource fields
     *     of both.
     */
    get: operations['DiffPhaseHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/phases/{phase}/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approves, for the phase, the version its upstream phase holds now
     *     (for edges with an approvals gate). One approval per person and
     *     version; approving again changes nothing. An edge with no approvals
     *     gate has nothing to approve: answered 400.
     */
    post: operations['ApproveVersion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/phases/{phase}/pin': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Holds the phase at its current version, with a reason: automatic
     *     promotion leaves it alone and manual promotion is refused, naming who
     *     pinned it and why, until it is unpinned.
     */
    post: operations['PinPhase'];
    /** Releases a pinned phase; automatic promotion resumes with the newest version. */
    delete: operations['UnpinPhase'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/phases/{phase}/rollback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Puts the phase back in an earlier state of its history: the file
     *     content of that state, exactly, committed through the phase's own
     *     strategy and recorded as a rollback. With `pin`, the phase is pinned
     *     there too. With dryRun, nothing is written and the answer holds the
     *     unified diff that the rollback would commit, against the file as it
     *     is now.
     */
    post: operations['RollbackPhase'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/phases/{phase}/versions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Publishes a version to a phase whose source is `api`, e.g. from CI once
     *     a build is done. Authorized with the publish permission; a service
     *     token (external access) is the usual caller. Publishing the version
     *     the phase already holds changes nothing. Automatic promotions from the
     *     phase follow at once.
     *
     *     With a W3C `traceparent` header (CI's, as `glu publish` sends it), the
     *     publish is part of CI's trace, and so are the promotions that the
     *     version sets off, phase after phase, and the commits they make
     *     (trailer `Glu-Trace-Id`). A header that is not a valid trace context
     *     is ignored.
     *
     *     A version's fields are checked for form before anything is stored:
     *     `digest` is an OCI digest (`sha256:` and 64 lowercase hex characters,
     *     or `sha512:` and 128), `tag` an OCI tag (up to 128 letters, digits,
     *     `_`, `.` and `-`, not starting with `.` or `-`), `version` a tag or
     *     a SemVer version (as a tag, and `+` besides, not first: `1.6.0`,
     *     `v1.6.0-rc.1`, `1.6.0+build.5`), `repository` an image repository
     *     (lowercase path components after an optional `host[:port]/`), and no
     *     field is empty, holds a control character or is longer than 255
     *     characters. A version that is not so is answered 400, naming the
     *     field and what to fix.
     */
    post: operations['PublishVersion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/promotions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The pipeline's promotions, newest first. */
    get: operations['ListPromotions'];
    put?: never;
    /**
     * Promotes the upstream phase's version into a phase. Equal digests mean
     *     there is nothing to do: the answer is a promotion with status
     *     up-to-date. With dryRun, nothing is written and the answer holds the
     *     unified diff of the file that would change.
     */
    post: operations['CreatePromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/freezes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The freezes that hold promotions now or will: those set at run time
     *     and not lifted or ended, and those from app-config with their current
     *     or next occurrence. A pipeline that the caller may not read is left
     *     out of a freeze's scope.
     */
    get: operations['ListFreezes'];
    put?: never;
    /**
     * Sets a freeze (needs glu.freeze.manage): from startsAt (by default
     *     now) until it is lifted or until endsAt, promotions into the phases it
     *     covers are blocked with it as the reason, on every replica within
     *     seconds; automatic promotion waits and resumes when it ends. Only a
     *     hotfix goes through.
     */
    post: operations['SetFreeze'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/freezes/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Lifts a freeze set at run time (needs glu.freeze.manage); automatic
     *     promotions that waited go on, in the order their versions arrived. A
     *     freeze from app-config is changed in app-config: answered 409.
     */
    delete: operations['LiftFreeze'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/quarantines': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The quarantines in force, newest first, each with the phases that hold
     *     its version now. A pipeline that the caller may not read is left out
     *     (a quarantine of it, and the phases of it that hold a version).
     */
    get: operations['ListQuarantines'];
    put?: never;
    /**
     * Quarantines a version: a version of one pipeline (`pipeline` with
     *     `version` or `digest`: permission glu.pipeline.quarantine on it), or a
     *     digest in every pipeline that holds or may hold it (`digest` alone:
     *     glu.quarantine.manage). Nothing promotes it again where it applies;
     *     a publish of it is recorded, not promoted. With `rollback`, each
     *     writable phase that holds it goes back to what it held before, through
     *     its own strategy, pinned there.
     */
    post: operations['QuarantineVersion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/quarantines/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Lifts a quarantine (the permission it was set with). Pins that its
     *     rollbacks set stay until they are unpinned.
     */
    delete: operations['LiftQuarantine'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The pipeline's promotion requests, newest first. */
    get: operations['ListPromotionRequests'];
    put?: never;
    /**
     * Asks for the promotion of the version the upstream phase holds now into
     *     a phase whose edge has an approvals gate (permission
     *     glu.pipeline.request). The people who may approve are told; once the
     *     policy is met, Glu carries it out, recording the requester as its
     *     author and the approvers as its approvers. One open request per edge:
     *     a new one replaces an older one.
     */
    post: operations['RequestPromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pipelines/{namespace}/{name}/requests/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Withdraws an open request: its requester may, and so may whoever may
     *     promote into its phase (glu.pipeline.promote).
     */
    delete: operations['WithdrawPromotionRequest'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['GetPromotion'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
};
export type webhooks = Record<string, never>;
/** @public */
export type components = {
  schemas: {
    Error: {
      error: {
        name: string;
        message: string;
      } & {
        [key: string]: unknown;
      };
      request: {
        method?: string;
        url?: string;
      };
      response: {
        statusCode?: number;
      };
    };
    VersionRef: {
      digest: string;
      version: string;
    };
    HistoryEntry: {
      id: string;
      pipelineRef: string;
      phase: string;
      digest: string;
      version: string;
      fields: {
        [key: string]: string;
      };
      blobHash?: string;
      cause: 'observed' | 'published' | 'promotion' | 'rollback' | 'commit';
      actor?: string;
      commitSha?: string;
      commitUrl?: string;
      message?: string;
      promotionId?: string;
      /** The reason given for the promotion that wrote this state through a freeze (a hotfix). */
      hotfix?: string;
      quarantine?: components['schemas']['QuarantineMark'];
      /** Who made the version, as CI said when it published it (a user ref) or as the commit of a Git phase says (its author's email); carried along as the version is promoted. */
      author?: string;
      /** For a state written by a promotion, who approved it. */
      approvedBy?: string[];
      /** For a state written by one of Glu's own rollbacks, why: the gate that found the version before it broken, and its answer. */
      reason?: string;
      /** The change left the version as it was and changed only other parts of the phase's file (replicas, environment variables, …). */
      keptVersion?: boolean;
      /** Format: date-time */
      observedAt: string;
      /** The W3C trace context of the span that made this state (the publish, in CI's trace when CI sent one; the promotion; the refresh that saw it): the promotions this version sets off continue that trace. */
      traceparent?: string;
    };
    Promotion: {
      id: string;
      pipelineRef: string;
      from: string;
      to: string;
      kind: 'promotion' | 'rollback';
      strategy: 'commit' | 'pull-request';
      /**
       * By pull request: open until it merges (merged, then succeeded once the phase is seen holding the version), closes without merge (closed) or is replaced by a newer proposal (superseded).
       */
      status:
        | 'pending'
        | 'running'
        | 'open'
        | 'merged'
        | 'succeeded'
        | 'up-to-date'
        | 'closed'
        | 'superseded'
        | 'failed';
      fromVersion?: components['schemas']['VersionRef'];
      before?: components['schemas']['VersionRef'];
      after?: components['schemas']['VersionRef'];
      triggeredBy: string;
      trigger: 'manual' | 'auto' | 'schedule' | 'event';
      commitSha?: string;
      commitUrl?: string;
      pullRequest?: components['schemas']['PullRequestRef'];
      error?: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      finishedAt?: string;
      /** The W3C trace context of the promotion's span: its trace is that of the version it brings, from CI's publish on. */
      traceparent?: string;
      hotfix?: components['schemas']['Hotfix'];
      /** Why Glu rolled the phase back, for its automatic rollbacks: the gate that found the version broken and its answer, e.g. `prometheus: error rate 0.052, not < 0.01`. */
      reason?: string;
      /** The promotion request that this promotion carried out. */
      requestId?: string;
      /** Who approved the version, when its edge has an approvals gate. */
      approvedBy?: string[];
    };
    /** Who must approve a version before it goes along an edge (its approvals gate), and who may not. */
    ApprovalPolicy: {
      /** How many distinct people must approve, in all. */
      count: number;
      /** How many must come from each group. */
      from: {
        group: string;
        count: number;
      }[];
      /** Who may not approve: the person who asks for the promotion (requester), the version's author (author). */
      notBy: ('requester' | 'author')[];
      /** How long an approval counts, e.g. 24h; for ever when absent. */
      maxAge?: string;
    };
    /** Where an edge's approvals gate stands for the version its upstream holds. */
    ApprovalStatus: {
      policy: components['schemas']['ApprovalPolicy'];
      /** Everyone who approved the version, and whether their approval counts. */
      approvals: {
        approver: string;
        /** Format: date-time */
        approvedAt: string;
        /** The policy's groups the approver belonged to when approving. */
        groups: string[];
        counted: boolean;
        /** Why it does not count: the approver asked for the promotion, made the version, or approved too long ago. */
        why?: string;
      }[];
      /** Who is still needed, by group; without a group, anyone who may approve. */
      needed: {
        group?: string;
        count: number;
      }[];
      /** Who asks for the promotion (an open request's requester). */
      requester?: string;
      /** The version's author, when known. */
      author?: string;
      passed: boolean;
    };
    /** A promotion asked for by someone who may not promote it: it waits on its edge until the approval policy is met, and Glu then carries it out in the requester's name. */
    PromotionRequest: {
      id: string;
      pipelineRef: string;
      from: string;
      to: string;
      digest: string;
      version: string;
      requestedBy: string;
      reason?: string;
      status:
        | 'open'
        | 'carried-out'
        | 'withdrawn'
        | 'expired'
        | 'superseded'
        | 'failed';
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string;
      /** Format: date-time */
      endedAt?: string;
      /** The promotion that carried it out. */
      promotionId?: string;
      error?: string;
    };
    /** A promotion that went through a freeze: who may override freezes (glu.pipeline.hotfix) asked for it, with a reason. */
    Hotfix: {
      reason: string;
      /** The freezes it went through, by id. */
      freezes: string[];
    };
    /** What a freeze covers. Every part that is given must match; a scope with no part covers every phase of every pipeline. */
    FreezeScope: {
      /** Pipelines in these catalog namespaces. */
      namespaces?: string[];
      /** Pipelines these owners own (entity refs, e.g. group:default/team-a). */
      owners?: string[];
      /** These pipelines (entity refs, e.g. pipeline:default/checkout). */
      pipelines?: string[];
      /** Only the phases of these names, or that stand for these environments (e.g. production). */
      phases?: string[];
    };
    /** A hold on promotions into the phases it covers. Set at run time (origin api) or recurring from app-config (origin config, glu.freezes). */
    Freeze: {
      /** A number for a freeze set at run time; config:<name> for one from app-config. */
      id: string;
      reason: string;
      scope: components['schemas']['FreezeScope'];
      /** Whether rollbacks are frozen too; by default they are not (restoring service is always allowed). */
      rollbacks: boolean;
      /** Who set it (a user or service ref), or app-config. */
      setBy: string;
      /**
       * Format: date-time
       * When it starts; for a recurring freeze, its current or next occurrence.
       */
      startsAt: string;
      /**
       * Format: date-time
       * When it ends by itself, if it does.
       */
      endsAt?: string;
      origin: 'api' | 'config';
      /** Whether it holds promotions now. */
      active: boolean;
      /** For a freeze from app-config, its recurrence rule (RFC 5545) or dates. */
      recurrence?: string;
    };
    /** The quarantine that a version is under, where it is shown. */
    QuarantineMark: {
      id: string;
      reason: string;
      quarantinedBy: string;
    };
    /** A version that nobody may promote again: of one pipeline (by version or digest), or a digest in every pipeline. */
    Quarantine: {
      id: string;
      /** The pipeline it applies to; every pipeline when absent. */
      pipelineRef?: string;
      /** The version's name in the pipeline, when quarantined by name. */
      version?: string;
      digest?: string;
      reason: string;
      quarantinedBy: string;
      /** Format: date-time */
      quarantinedAt: string;
      /** Whether the phases that held it were rolled back to what they held before, pinned there. */
      rollback: boolean;
      /** The phases that hold it now (of the pipelines that the caller may read), at most 500. */
      holding: {
        pipelineRef: string;
        phase: string;
        version: string;
        digest: string;
      }[];
      /** When it was set with rollback, what became of each phase that held it: the rollback's promotion, or why there was none. */
      rollbacks?: {
        pipelineRef: string;
        phase: string;
        promotionId?: string;
        status?: string;
        error?: string;
      }[];
    };
    /** An active freeze that covers phases of a pipeline. */
    PipelineFreeze: {
      id: string;
      reason: string;
      setBy: string;
      /** Format: date-time */
      startsAt: string;
      /** Format: date-time */
      endsAt?: string;
      origin: 'api' | 'config';
      rollbacks: boolean;
      /** The phases of the pipeline that it covers. */
      phases: string[];
    };
    PullRequestCheck: {
      name: string;
      state: 'pending' | 'success' | 'failure' | 'neutral' | 'skipped';
      url?: string;
    };
    /** The pull request that carries a promotion, as last seen. */
    PullRequestRef: {
      /** e.g. github */
      provider: string;
      number: number;
      url: string;
      /** glu/<pipeline>/<phase>/<digest> */
      branch: string;
      state: 'open' | 'merged' | 'closed';
      headSha: string;
      mergeCommitSha?: string;
      checks?: components['schemas']['PullRequestCheck'][];
      /** The commit status glu/gates that Glu last put on the head commit: whether every gate passes, for branch protection to require. */
      gatesStatus?: {
        sha: string;
        state: 'pending' | 'success';
        description: string;
      };
    };
    /** What a promotion or a rollback would do, decided exactly as the write itself would be, and the diff it would commit. */
    PromotionDryRun: {
      pipelineRef: string;
      kind: 'promotion' | 'rollback';
      /** The upstream phase (the phase itself for a rollback). */
      from: string;
      to: string;
      /**
       * As the edge's status; only promotable would write.
       */
      status: 'up-to-date' | 'promotable' | 'blocked' | 'in-progress';
      /** Why it would not write, or what it waits for. */
      reasons: string[];
      gates: components['schemas']['GateResult'][];
      fromVersion: components['schemas']['VersionRef'];
      before?: components['schemas']['VersionRef'];
      /** What the phase would hold; absent when it cannot hold the version. */
      after?: components['schemas']['VersionRef'];
      /** Where the phase lives, e.g. its file in the repository. */
      path?: string;
      /** The unified diff of what would be written, against the phase's content as last seen; empty when nothing would change or it cannot be written. */
      diff: string;
      promotionId?: string;
      pullRequest?: components['schemas']['PullRequestRef'];
    };
    GateResult: {
      type: string;
      passed: boolean;
      reason: string;
      /** For gates that observe the running system: what the gate looks at is broken, not merely not ready yet. */
      failed?: boolean;
      /**
       * Format: date-time
       * For gates that observe the running system (checked in the background): when the answer was given.
       */
      checkedAt?: string;
      /** For gates that measure (`prometheus`, `analysis`): each metric, its condition and its measurements for the upstream's version, oldest first (the last 120 of each). */
      metrics?: components['schemas']['GateMetric'][];
    };
    GateMetric: {
      name: string;
      /** The condition as the definition says it, e.g. `< 0.01`. */
      condition: string;
      measurements: components['schemas']['GateMeasurement'][];
    };
    GateMeasurement: {
      /** Format: date-time */
      at: string;
      /** The value measured, when it was a number. */
      value?: number;
      /**
       * successful: the value met the condition; failed: it did not; inconclusive: neither condition held, or there was no data; error: nothing could be measured.
       */
      outcome: 'successful' | 'failed' | 'inconclusive' | 'error';
      /** Why, when it is not a plain value. */
      message?: string;
    };
    Pin: {
      phase: string;
      digest: string;
      version: string;
      pinnedBy: string;
      reason: string;
      /** Format: date-time */
      pinnedAt: string;
    };
    PhaseView: {
      name: string;
      title?: string;
      source: {
        type: string;
      } & {
        [key: string]: unknown;
      };
      /** Whether Glu can write into the phase (promotions, rollbacks). */
      writable: boolean;
      state?: components['schemas']['HistoryEntry'];
      /** Why Glu cannot read what the phase holds, while it cannot. */
      refreshError?: string;
      /**
       * Format: date-time
       * Since when Glu has failed to read the phase, with refreshError. When it last looked is not part of the view (it changes at every check); GET .../refresh answers it.
       */
      refreshFailingSince?: string;
      pin?: components['schemas']['Pin'];
      quarantine?: components['schemas']['QuarantineMark'];
    };
    /** When Glu last looked at each phase's source. */
    PipelineRefresh: {
      phases: {
        name: string;
        /**
         * Format: date-time
         * When Glu last asked the phase's source (with the rest of its repository or registry, or alone); absent before the first time.
         */
        lookedAt?: string;
        refreshError?: string;
        /** Format: date-time */
        refreshFailingSince?: string;
      }[];
    };
    EdgeView: {
      from: string;
      to: string;
      strategy: 'commit' | 'pull-request';
      auto: boolean;
      status: 'up-to-date' | 'promotable' | 'blocked' | 'in-progress';
      reasons: string[];
      gates: components['schemas']['GateResult'][];
      promotionId?: string;
      pullRequest?: components['schemas']['PullRequestRef'];
      /** Why automatic promotion leaves this promotable edge alone: the upstream's version is older (by semver) than what the phase holds. A person may still promote it, as a downgrade. */
      autoDeclined?: string;
      approval?: components['schemas']['ApprovalStatus'];
      request?: components['schemas']['PromotionRequest'];
    };
    PipelineView: {
      ref: string;
      name: string;
      namespace: string;
      title?: string;
      owner: string;
      components: string[];
      phases: components['schemas']['PhaseView'][];
      edges: components['schemas']['EdgeView'][];
      /** The freezes that hold promotions into phases of the pipeline now. */
      freezes?: components['schemas']['PipelineFreeze'][];
    };
    /** A pipeline definition that the catalog refused, and why. */
    CatalogRefusal: {
      pipelineRef: string;
      /** The definition's owner, when it names one. */
      owner?: string;
      /** The catalog's error. */
      reason: string;
      /**
       * Format: date-time
       * When the catalog last refused it.
       */
      refusedAt: string;
    };
    PipelineSummary: {
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
    /** The four DORA figures over a period. A deployment is a production phase coming to hold another version, except by a rollback; it failed when the phase's next change, within the failure window, was a rollback or the deployment of a fix. */
    DoraFigures: {
      deployments: number;
      /** Deployments that went through a freeze (hotfixes), counted among the deployments. */
      hotfixes: number;
      deploymentsPerWeek: number;
      /** From when a first phase (one nothing promotes into) first held the version to its deployment, the median. */
      medianLeadTimeSeconds?: number;
      failedDeployments: number;
      /** Failed deployments among all, from 0 to 1; none without deployments. */
      changeFailureRate?: number;
      /** From a failed deployment to the rollback or fix that restored it, the median. */
      medianTimeToRestoreSeconds?: number;
      /** Day by day (UTC), for charts. */
      days: {
        /** YYYY-MM-DD */
        date: string;
        deployments: number;
        failures: number;
      }[];
    };
    DoraDeployment: {
      phase: string;
      version: string;
      digest: string;
      /** Format: date-time */
      deployedAt: string;
      leadTimeSeconds?: number;
      failed: boolean;
      /** Format: date-time */
      restoredAt?: string;
      /** Its message, as CI published it, matches the pipeline's fix pattern. */
      fix: boolean;
      /** The reason given, when the deployment went through a freeze. */
      hotfix?: string;
    };
    PipelineDora: {
      pipelineRef: string;
      title?: string;
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
      /** The phases that count as production (spec.dora.production, or those no edge promotes from). */
      production: string[];
      failureWindow: string;
      figures: components['schemas']['DoraFigures'];
      /** The period's deployments, newest first (at most 200). */
      deployments: components['schemas']['DoraDeployment'][];
    };
    /** A pipeline as the fleet shows it, by its row. */
    FleetPipeline: {
      ref: string;
      name: string;
      namespace: string;
      title?: string;
      owner: string;
      /** The system the pipeline is part of (spec.system), as an entity ref. */
      system?: string;
      components: string[];
    };
    /** What one phase of a pipeline holds, under the environment it stands for (its `environment`, by default its name). */
    FleetCell: {
      environment: string;
      phase: string;
      version?: string;
      digest?: string;
      /**
       * Format: date-time
       * Since when the phase has held its version.
       */
      since?: string;
      /**
       * up-to-date: nothing waits to come in; behind: an upstream's version waits and may be promoted; promoting: a promotion is under way; blocked: a version waits and a gate or rule holds it (reasons say which); pinned: held at its version on purpose; frozen: a freeze holds promotions into it; quarantined: it holds a quarantined version; refresh-failing: its source could not be read at the last refresh; empty: it holds nothing yet.
       */
      status:
        | 'up-to-date'
        | 'behind'
        | 'promoting'
        | 'blocked'
        | 'pinned'
        | 'frozen'
        | 'quarantined'
        | 'refresh-failing'
        | 'empty';
      /** The version that waits to come in, when one does. */
      behind?: {
        /** The upstream phase it waits in. */
        from: string;
        version: string;
        digest: string;
        /** How many versions the upstream has held since the one this phase holds (counted over at most its 100 newest). */
        versions: number;
        /**
         * Format: date-time
         * Since when the phase has been behind its upstream.
         */
        since: string;
      };
      /** Why the waiting version has not moved (gates, pins, freezes, refresh errors). */
      reasons: string[];
      /** The promotion under way, when one is. */
      promotionId?: string;
    };
    FleetRow: components['schemas']['FleetPipeline'] & {
      /** One per phase, in the pipeline's order. */
      cells: components['schemas']['FleetCell'][];
    };
    /** A pipeline whose `to` environment does not hold what its `from` environment holds. */
    FleetDiffItem: {
      pipeline: components['schemas']['FleetPipeline'];
      from: components['schemas']['FleetCell'];
      to: components['schemas']['FleetCell'];
      /** Whether the `to` phase can be promoted from the `from` phase now (an edge leads from one to the other and nothing holds it). */
      promotable: boolean;
      /** Why it cannot, when it cannot. */
      reasons: string[];
    };
    /** What one promotion of a fleet promotion did. */
    FleetPromotionResult: {
      pipeline: string;
      phase: string;
      from?: string;
      promotion?: components['schemas']['Promotion'];
      /** Why it was refused, as the pipeline's own promotion would answer. */
      error?: {
        name: string;
        message: string;
        statusCode: number;
      };
    };
    /** How long versions waited between two environments over a period: from the time the upstream environment held a version to the time the next one did. */
    EnvironmentLag: {
      from: string;
      to: string;
      /** How many versions reached `to` from `from` in the period. */
      changes: number;
      /** Seconds. */
      median?: number;
      /** Seconds. */
      p90?: number;
    };
    OwnerDora: {
      owner: string[];
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
      figures: components['schemas']['DoraFigures'];
      /** How long versions waited between environments, per pair of environments. */
      lag: components['schemas']['EnvironmentLag'][];
      /** Each pipeline of the owners that the caller may read, by entity ref. */
      pipelines: {
        pipelineRef: string;
        title?: string;
        production: string[];
        figures: components['schemas']['DoraFigures'];
      }[];
    };
  };
  responses: {
    /** An error, as Backstage serializes it (ResponseError in the errors package). A promotion or rollback that was tried and failed (the push refused or the remote unreachable: 409 or 503) names its record, which ended `failed`, in `error.promotionId`; a blocked one (409, nothing tried) does not. */
    ErrorResponse: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: {
    /** The pipeline entity's namespace. */
    namespace: string;
    /** The pipeline entity's name. */
    name: string;
    phase: string;
    /** The page size. */
    limit: number;
    /** The start of the period (date-time); by default 30 days before its end. A period is at most 366 days. */
    periodFrom: string;
    /** The end of the period (date-time); by default now. */
    periodTo: string;
    /** Only pipelines that one of these groups or users owns (entity refs); repeat it for several. */
    fleetOwner: string[];
    /** Only pipelines that the caller owns, as a user or through one of their groups; needs a user's token, and is not given with owner. */
    fleetMine: boolean;
    /** Only pipelines that are part of one of these systems (entity refs). */
    fleetSystem: string[];
    /** How many pipelines a page holds. */
    fleetLimit: number;
    /** The nextCursor of the previous page. */
    cursor: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
};
export type $defs = Record<string, never>;
/** @public */
export interface operations {
  GetOwnerDora: {
    parameters: {
      query: {
        /** Groups or users (entity refs); repeat it for several. */
        owner: string[];
        /** The start of the period (date-time); by default 30 days before its end. A period is at most 366 days. */
        from?: components['parameters']['periodFrom'];
        /** The end of the period (date-time); by default now. */
        to?: components['parameters']['periodTo'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The owners' figures. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OwnerDora'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  GetFleet: {
    parameters: {
      query?: {
        /** Only pipelines that one of these groups or users owns (entity refs); repeat it for several. */
        owner?: components['parameters']['fleetOwner'];
        /** Only pipelines that the caller owns, as a user or through one of their groups; needs a user's token, and is not given with owner. */
        mine?: components['parameters']['fleetMine'];
        /** Only pipelines that are part of one of these systems (entity refs). */
        system?: components['parameters']['fleetSystem'];
        /** How many pipelines a page holds. */
        limit?: components['parameters']['fleetLimit'];
        /** The nextCursor of the previous page. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** A page of the fleet. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            environments: string[];
            items: components['schemas']['FleetRow'][];
            nextCursor?: string;
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  DiffFleet: {
    parameters: {
      query: {
        /** The environment ahead, e.g. staging. */
        from: string;
        /** The environment behind, e.g. production. */
        to: string;
        /** Only pipelines that one of these groups or users owns (entity refs); repeat it for several. */
        owner?: components['parameters']['fleetOwner'];
        /** Only pipelines that the caller owns, as a user or through one of their groups; needs a user's token, and is not given with owner. */
        mine?: components['parameters']['fleetMine'];
        /** Only pipelines that are part of one of these systems (entity refs). */
        system?: components['parameters']['fleetSystem'];
        /** How many pipelines a page holds. */
        limit?: components['parameters']['fleetLimit'];
        /** The nextCursor of the previous page. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The pipelines of a page of the fleet where `to` lags `from`. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            from: string;
            to: string;
            items: components['schemas']['FleetDiffItem'][];
            nextCursor?: string;
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  PromoteFleet: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          items: {
            /** The pipeline's entity ref. */
            pipeline: string;
            /** The phase to promote into. */
            phase: string;
            /** The upstream phase, when the phase has several. */
            from?: string;
          }[];
        };
      };
    };
    responses: {
      /** What each promotion did, in the order asked. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['FleetPromotionResult'][];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  GetHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Healthy. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            status: 'ok';
            database: 'ok';
            sources: string[];
            writableSources: string[];
            formats: string[];
            gates: string[];
            /** Whether app-config configures any write scope (glu.writeScopes); without one, Glu refuses every promotion and rollback. */
            writeScopesConfigured: boolean;
          };
        };
      };
      503: components['responses']['ErrorResponse'];
    };
  };
  GetExtensions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The registered types. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sources: string[];
            /** The source types that Glu can write into, and so promote into. */
            writableSources: string[];
            formats: string[];
            gates: string[];
          };
        };
      };
    };
  };
  ListCatalogRefusals: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The refusals, ordered by pipeline. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['CatalogRefusal'][];
          };
        };
      };
      403: components['responses']['ErrorResponse'];
    };
  };
  RecordCatalogRefusal: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** The definition's owner, as an entity ref. */
          owner?: string;
          reason: string;
        };
      };
    };
    responses: {
      /** Recorded. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  ForgetCatalogRefusal: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Forgotten. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      403: components['responses']['ErrorResponse'];
    };
  };
  ListPipelines: {
    parameters: {
      query?: {
        /** Only pipelines that deliver this component (entity ref). */
        component?: string;
        /** Only pipelines that one of these groups or users owns (entity refs); repeat it for several, e.g. a person and their groups. */
        owner?: string[];
        /** Only pipelines that the caller owns, as a user or through one of their groups (the user's ownership refs); needs a user's token, and is not given with owner. */
        mine?: boolean;
        /** The page size. */
        limit?: components['parameters']['limit'];
        /** The nextCursor of the previous page. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** A page of pipelines. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['PipelineSummary'][];
            nextCursor?: string;
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  GetPipeline: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The pipeline. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PipelineView'];
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  GetPipelineDora: {
    parameters: {
      query?: {
        /** The start of the period (date-time); by default 30 days before its end. A period is at most 366 days. */
        from?: components['parameters']['periodFrom'];
        /** The end of the period (date-time); by default now. */
        to?: components['parameters']['periodTo'];
      };
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The figures. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PipelineDora'];
        };
      };
      400: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  GetPipelineRefresh: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** When each phase was last looked at. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PipelineRefresh'];
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  RefreshPipeline: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The pipeline after the refresh. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PipelineView'];
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  ListPhaseHistory: {
    parameters: {
      query?: {
        /** The page size. */
        limit?: components['parameters']['limit'];
        /** The nextCursor of the previous page. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** A page of history entries. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['HistoryEntry'][];
            nextCursor?: string;
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  DiffPhaseHistory: {
    parameters: {
      query: {
        /** The older history entry's id. */
        from: string;
        /** The newer history entry's id. */
        to: string;
      };
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The difference. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            from: components['schemas']['HistoryEntry'];
            to: components['schemas']['HistoryEntry'];
            /** The unified diff of the file; empty when the phase has no file or it did not change. */
            diff: string;
          };
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  ApproveVersion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          /** The upstream phase, when the phase has several. */
          from?: string;
        };
      };
    };
    responses: {
      /** The version and everyone who approved it for the phase. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            digest: string;
            version: string;
            approvers: string[];
            approval?: components['schemas']['ApprovalStatus'];
            /** The promotion that Glu carried out for the open request on the edge, when this approval met its policy. */
            promotion?: components['schemas']['Promotion'];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  PinPhase: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
        };
      };
    };
    responses: {
      /** The pin. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Pin'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  UnpinPhase: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Unpinned. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  RollbackPhase: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** The id of the history entry to go back to. */
          historyId: string;
          pin?: {
            reason: string;
          };
          /** Default: false */
          dryRun?: boolean;
        };
      };
    };
    responses: {
      /** The rollback, a promotion record of kind rollback, or with dryRun what it would do. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['Promotion']
            | components['schemas']['PromotionDryRun'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  PublishVersion: {
    parameters: {
      query?: never;
      header?: {
        /** The W3C trace context of the CI run that made the version, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. */
        traceparent?: string;
      };
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        phase: components['parameters']['phase'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** What people call the version; short for fields.version. */
          version?: string;
          /** The resource fields, e.g. repository, tag and digest of an image. */
          fields?: {
            [key: string]: string;
          };
          /** The version's identity, an OCI digest such as `sha256:` and 64 lowercase hex characters. */
          digest?: string;
          /** A link to the build or artifact. */
          url?: string;
          message?: string;
          /** Who made the version (a user ref, or a name in the default namespace): with an approval policy that says so, they may not approve it. */
          author?: string;
        };
      };
    };
    responses: {
      /** What the phase holds now, and whether this changed it. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            changed: boolean;
            state: components['schemas']['HistoryEntry'];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  ListPromotions: {
    parameters: {
      query?: {
        /** Only promotions into this phase. */
        phase?: string;
        /** The page size. */
        limit?: components['parameters']['limit'];
        /** The nextCursor of the previous page. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** A page of promotions. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Promotion'][];
            nextCursor?: string;
          };
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  CreatePromotion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** The phase to promote into. */
          phase: string;
          /** The upstream phase, when the phase has several. */
          from?: string;
          /** Default: false */
          dryRun?: boolean;
          /** Go through the freezes that hold the phase, with a reason (needs glu.pipeline.hotfix). Audited, marked in history and DORA, and told to the pipeline's owners and the freezes' authors. Every other gate still applies. */
          hotfix?: {
            reason: string;
          };
        };
      };
    };
    responses: {
      /** The promotion, or with dryRun what it would do. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['Promotion']
            | components['schemas']['PromotionDryRun'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  ListFreezes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The freezes, active ones first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Freeze'][];
          };
        };
      };
      401: components['responses']['ErrorResponse'];
    };
  };
  SetFreeze: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
          scope?: components['schemas']['FreezeScope'];
          /** Format: date-time */
          startsAt?: string;
          /** Format: date-time */
          endsAt?: string;
          /**
           * Freeze rollbacks too.
           * Default: false
           */
          rollbacks?: boolean;
        };
      };
    };
    responses: {
      /** The freeze. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Freeze'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  LiftFreeze: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Lifted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  ListQuarantines: {
    parameters: {
      query?: {
        /** Only the quarantines that apply to this pipeline (an entity ref). */
        pipeline?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The quarantines. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Quarantine'][];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  QuarantineVersion: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
          pipeline?: string;
          version?: string;
          digest?: string;
          /** Default: false */
          rollback?: boolean;
        };
      };
    };
    responses: {
      /** The quarantine, with the phases that hold it and the rollbacks. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Quarantine'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  LiftQuarantine: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Lifted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  ListPromotionRequests: {
    parameters: {
      query?: {
        status?:
          | 'open'
          | 'carried-out'
          | 'withdrawn'
          | 'expired'
          | 'superseded'
          | 'failed';
        /** The page size. */
        limit?: components['parameters']['limit'];
      };
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The requests. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['PromotionRequest'][];
          };
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  RequestPromotion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          phase: string;
          from?: string;
          reason?: string;
        };
      };
    };
    responses: {
      /** The request. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionRequest'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  WithdrawPromotionRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** The pipeline entity's namespace. */
        namespace: components['parameters']['namespace'];
        /** The pipeline entity's name. */
        name: components['parameters']['name'];
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Withdrawn. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  GetPromotion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The promotion. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Promotion'];
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
}
