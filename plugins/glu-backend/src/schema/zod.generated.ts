// Generated from plugins/glu-backend/src/schema/openapi.yaml by
// scripts/openapi.js (yarn generate:openapi); do not edit.
/* eslint-disable */
import { z } from 'zod/v3';
export const ErrorSchema = z.object({
  error: z.object({ name: z.string(), message: z.string() }).catchall(z.any()),
  request: z.object({
    method: z.string().optional(),
    url: z.string().optional(),
  }),
  response: z.object({ statusCode: z.number().int().optional() }),
});

export const VersionRefSchema = z.object({
  digest: z.string(),
  version: z.string(),
});

export const QuarantineMarkSchema = z
  .object({ id: z.string(), reason: z.string(), quarantinedBy: z.string() })
  .describe('The quarantine that a version is under, where it is shown.');

export const HistoryEntrySchema = z.object({
  id: z.string(),
  pipelineRef: z.string(),
  phase: z.string(),
  digest: z.string(),
  version: z.string(),
  fields: z.record(z.string()),
  blobHash: z.string().optional(),
  cause: z.enum(['observed', 'published', 'promotion', 'rollback', 'commit']),
  actor: z.string().optional(),
  commitSha: z.string().optional(),
  commitUrl: z.string().optional(),
  message: z.string().optional(),
  promotionId: z.string().optional(),
  hotfix: z
    .string()
    .describe(
      'The reason given for the promotion that wrote this state through a freeze (a hotfix).',
    )
    .optional(),
  quarantine: QuarantineMarkSchema.optional(),
  author: z
    .string()
    .describe(
      "Who made the version, as CI said when it published it (a user ref) or as the commit of a Git phase says (its author's email); carried along as the version is promoted.",
    )
    .optional(),
  approvedBy: z
    .array(z.string())
    .describe('For a state written by a promotion, who approved it.')
    .optional(),
  reason: z
    .string()
    .describe(
      "For a state written by one of Glu's own rollbacks, why: the gate that found the version before it broken, and its answer.",
    )
    .optional(),
  keptVersion: z
    .boolean()
    .describe(
      "The change left the version as it was and changed only other parts of the phase's file (replicas, environment variables, …).",
    )
    .optional(),
  observedAt: z.string().datetime({ offset: true }),
  traceparent: z
    .string()
    .describe(
      "The W3C trace context of the span that made this state (the publish, in CI's trace when CI sent one; the promotion; the refresh that saw it): the promotions this version sets off continue that trace.",
    )
    .optional(),
});

export const PullRequestCheckSchema = z.object({
  name: z.string(),
  state: z.enum(['pending', 'success', 'failure', 'neutral', 'skipped']),
  url: z.string().optional(),
});

export const PullRequestRefSchema = z
  .object({
    provider: z.string().describe('e.g. github'),
    number: z.number().int(),
    url: z.string(),
    branch: z.string().describe('glu/<pipeline>/<phase>/<digest>'),
    state: z.enum(['open', 'merged', 'closed']),
    headSha: z.string(),
    mergeCommitSha: z.string().optional(),
    checks: z.array(PullRequestCheckSchema).optional(),
    gatesStatus: z
      .object({
        sha: z.string(),
        state: z.enum(['pending', 'success']),
        description: z.string(),
      })
      .describe(
        'The commit status glu/gates that Glu last put on the head commit: whether every gate passes, for branch protection to require.',
      )
      .optional(),
  })
  .describe('The pull request that carries a promotion, as last seen.');

export const HotfixSchema = z
  .object({
    reason: z.string(),
    freezes: z
      .array(z.string())
      .describe('The freezes it went through, by id.'),
  })
  .describe(
    'A promotion that went through a freeze: who may override freezes (glu.pipeline.hotfix) asked for it, with a reason.',
  );

export const PromotionSchema = z.object({
  id: z.string(),
  pipelineRef: z.string(),
  from: z.string(),
  to: z.string(),
  kind: z.enum(['promotion', 'rollback']),
  strategy: z.enum(['commit', 'pull-request']),
  status: z
    .enum([
      'pending',
      'running',
      'open',
      'merged',
      'succeeded',
      'up-to-date',
      'closed',
      'superseded',
      'failed',
    ])
    .describe(
      'By pull request: open until it merges (merged, then succeeded once the phase is seen holding the version), closes without merge (closed) or is replaced by a newer proposal (superseded).',
    ),
  fromVersion: VersionRefSchema.optional(),
  before: VersionRefSchema.optional(),
  after: VersionRefSchema.optional(),
  triggeredBy: z.string(),
  trigger: z.enum(['manual', 'auto', 'schedule', 'event']),
  commitSha: z.string().optional(),
  commitUrl: z.string().optional(),
  pullRequest: PullRequestRefSchema.optional(),
  error: z.string().optional(),
  createdAt: z.string().datetime({ offset: true }),
  finishedAt: z.string().datetime({ offset: true }).optional(),
  traceparent: z
    .string()
    .describe(
      "The W3C trace context of the promotion's span: its trace is that of the version it brings, from CI's publish on.",
    )
    .optional(),
  hotfix: HotfixSchema.optional(),
  reason: z
    .string()
    .describe(
      'Why Glu rolled the phase back, for its automatic rollbacks: the gate that found the version broken and its answer, e.g. `prometheus: error rate 0.052, not < 0.01`.',
    )
    .optional(),
  requestId: z
    .string()
    .describe('The promotion request that this promotion carried out.')
    .optional(),
  approvedBy: z
    .array(z.string())
    .describe('Who approved the version, when its edge has an approvals gate.')
    .optional(),
});

export const ApprovalPolicySchema = z
  .object({
    count: z
      .number()
      .int()
      .describe('How many distinct people must approve, in all.'),
    from: z
      .array(z.object({ group: z.string(), count: z.number().int() }))
      .describe('How many must come from each group.'),
    notBy: z
      .array(z.enum(['requester', 'author']))
      .describe(
        "Who may not approve: the person who asks for the promotion (requester), the version's author (author).",
      ),
    maxAge: z
      .string()
      .describe('How long an approval counts, e.g. 24h; for ever when absent.')
      .optional(),
  })
  .describe(
    'Who must approve a version before it goes along an edge (its approvals gate), and who may not.',
  );

export const ApprovalStatusSchema = z
  .object({
    policy: ApprovalPolicySchema,
    approvals: z
      .array(
        z.object({
          approver: z.string(),
          approvedAt: z.string().datetime({ offset: true }),
          groups: z
            .array(z.string())
            .describe(
              "The policy's groups the approver belonged to when approving.",
            ),
          counted: z.boolean(),
          why: z
            .string()
            .describe(
              'Why it does not count: the approver asked for the promotion, made the version, or approved too long ago.',
            )
            .optional(),
        }),
      )
      .describe(
        'Everyone who approved the version, and whether their approval counts.',
      ),
    needed: z
      .array(
        z.object({ group: z.string().optional(), count: z.number().int() }),
      )
      .describe(
        'Who is still needed, by group; without a group, anyone who may approve.',
      ),
    requester: z
      .string()
      .describe("Who asks for the promotion (an open request's requester).")
      .optional(),
    author: z.string().describe("The version's author, when known.").optional(),
    passed: z.boolean(),
  })
  .describe(
    "Where an edge's approvals gate stands for the version its upstream holds.",
  );

export const PromotionRequestSchema = z
  .object({
    id: z.string(),
    pipelineRef: z.string(),
    from: z.string(),
    to: z.string(),
    digest: z.string(),
    version: z.string(),
    requestedBy: z.string(),
    reason: z.string().optional(),
    status: z.enum([
      'open',
      'carried-out',
      'withdrawn',
      'expired',
      'superseded',
      'failed',
    ]),
    createdAt: z.string().datetime({ offset: true }),
    expiresAt: z.string().datetime({ offset: true }),
    endedAt: z.string().datetime({ offset: true }).optional(),
    promotionId: z
      .string()
      .describe('The promotion that carried it out.')
      .optional(),
    error: z.string().optional(),
  })
  .describe(
    "A promotion asked for by someone who may not promote it: it waits on its edge until the approval policy is met, and Glu then carries it out in the requester's name.",
  );

export const FreezeScopeSchema = z
  .object({
    namespaces: z
      .array(z.string().regex(new RegExp('^[-_.a-zA-Z0-9]{1,253}$')))
      .max(100)
      .describe('Pipelines in these catalog namespaces.')
      .optional(),
    owners: z
      .array(z.string().min(1).max(300))
      .max(100)
      .describe(
        'Pipelines these owners own (entity refs, e.g. group:default/team-a).',
      )
      .optional(),
    pipelines: z
      .array(z.string().min(1).max(300))
      .max(500)
      .describe(
        'These pipelines (entity refs, e.g. pipeline:default/checkout).',
      )
      .optional(),
    phases: z
      .array(z.string().regex(new RegExp('^[-_.a-zA-Z0-9]{1,253}$')))
      .max(100)
      .describe(
        'Only the phases of these names, or that stand for these environments (e.g. production).',
      )
      .optional(),
  })
  .strict()
  .describe(
    'What a freeze covers. Every part that is given must match; a scope with no part covers every phase of every pipeline.',
  );

export const FreezeSchema = z
  .object({
    id: z
      .string()
      .describe(
        'A number for a freeze set at run time; config:<name> for one from app-config.',
      ),
    reason: z.string(),
    scope: FreezeScopeSchema,
    rollbacks: z
      .boolean()
      .describe(
        'Whether rollbacks are frozen too; by default they are not (restoring service is always allowed).',
      ),
    setBy: z
      .string()
      .describe('Who set it (a user or service ref), or app-config.'),
    startsAt: z
      .string()
      .datetime({ offset: true })
      .describe(
        'When it starts; for a recurring freeze, its current or next occurrence.',
      ),
    endsAt: z
      .string()
      .datetime({ offset: true })
      .describe('When it ends by itself, if it does.')
      .optional(),
    origin: z.enum(['api', 'config']),
    active: z.boolean().describe('Whether it holds promotions now.'),
    recurrence: z
      .string()
      .describe(
        'For a freeze from app-config, its recurrence rule (RFC 5545) or dates.',
      )
      .optional(),
  })
  .describe(
    'A hold on promotions into the phases it covers. Set at run time (origin api) or recurring from app-config (origin config, glu.freezes).',
  );

export const QuarantineSchema = z
  .object({
    id: z.string(),
    pipelineRef: z
      .string()
      .describe('The pipeline it applies to; every pipeline when absent.')
      .optional(),
    version: z
      .string()
      .describe("The version's name in the pipeline, when quarantined by name.")
      .optional(),
    digest: z.string().optional(),
    reason: z.string(),
    quarantinedBy: z.string(),
    quarantinedAt: z.string().datetime({ offset: true }),
    rollback: z
      .boolean()
      .describe(
        'Whether the phases that held it were rolled back to what they held before, pinned there.',
      ),
    holding: z
      .array(
        z.object({
          pipelineRef: z.string(),
          phase: z.string(),
          version: z.string(),
          digest: z.string(),
        }),
      )
      .describe(
        'The phases that hold it now (of the pipelines that the caller may read), at most 500.',
      ),
    rollbacks: z
      .array(
        z.object({
          pipelineRef: z.string(),
          phase: z.string(),
          promotionId: z.string().optional(),
          status: z.string().optional(),
          error: z.string().optional(),
        }),
      )
      .describe(
        "When it was set with rollback, what became of each phase that held it: the rollback's promotion, or why there was none.",
      )
      .optional(),
  })
  .describe(
    'A version that nobody may promote again: of one pipeline (by version or digest), or a digest in every pipeline.',
  );

export const PipelineFreezeSchema = z
  .object({
    id: z.string(),
    reason: z.string(),
    setBy: z.string(),
    startsAt: z.string().datetime({ offset: true }),
    endsAt: z.string().datetime({ offset: true }).optional(),
    origin: z.enum(['api', 'config']),
    rollbacks: z.boolean(),
    phases: z
      .array(z.string())
      .describe('The phases of the pipeline that it covers.'),
  })
  .describe('An active freeze that covers phases of a pipeline.');

export const GateMeasurementSchema = z.object({
  at: z.string().datetime({ offset: true }),
  value: z
    .number()
    .describe('The value measured, when it was a number.')
    .optional(),
  outcome: z
    .enum(['successful', 'failed', 'inconclusive', 'error'])
    .describe(
      'successful: the value met the condition; failed: it did not; inconclusive: neither condition held, or there was no data; error: nothing could be measured.',
    ),
  message: z.string().describe('Why, when it is not a plain value.').optional(),
});

export const GateMetricSchema = z.object({
  name: z.string(),
  condition: z
    .string()
    .describe('The condition as the definition says it, e.g. `< 0.01`.'),
  measurements: z.array(GateMeasurementSchema),
});

export const GateResultSchema = z.object({
  type: z.string(),
  passed: z.boolean(),
  reason: z.string(),
  failed: z
    .boolean()
    .describe(
      'For gates that observe the running system: what the gate looks at is broken, not merely not ready yet.',
    )
    .optional(),
  checkedAt: z
    .string()
    .datetime({ offset: true })
    .describe(
      'For gates that observe the running system (checked in the background): when the answer was given.',
    )
    .optional(),
  metrics: z
    .array(GateMetricSchema)
    .describe(
      "For gates that measure (`prometheus`, `analysis`): each metric, its condition and its measurements for the upstream's version, oldest first (the last 120 of each).",
    )
    .optional(),
});

export const PromotionDryRunSchema = z
  .object({
    pipelineRef: z.string(),
    kind: z.enum(['promotion', 'rollback']),
    from: z
      .string()
      .describe('The upstream phase (the phase itself for a rollback).'),
    to: z.string(),
    status: z
      .enum(['up-to-date', 'promotable', 'blocked', 'in-progress'])
      .describe("As the edge's status; only promotable would write."),
    reasons: z
      .array(z.string())
      .describe('Why it would not write, or what it waits for.'),
    gates: z.array(GateResultSchema),
    fromVersion: VersionRefSchema,
    before: VersionRefSchema.optional(),
    after: VersionRefSchema.optional(),
    path: z
      .string()
      .describe('Where the phase lives, e.g. its file in the repository.')
      .optional(),
    diff: z
      .string()
      .describe(
        "The unified diff of what would be written, against the phase's content as last seen; empty when nothing would change or it cannot be written.",
      ),
    promotionId: z.string().optional(),
    pullRequest: PullRequestRefSchema.optional(),
  })
  .describe(
    'What a promotion or a rollback would do, decided exactly as the write itself would be, and the diff it would commit.',
  );

export const PinSchema = z.object({
  phase: z.string(),
  digest: z.string(),
  version: z.string(),
  pinnedBy: z.string(),
  reason: z.string(),
  pinnedAt: z.string().datetime({ offset: true }),
});

export const PhaseViewSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  source: z.object({ type: z.string() }).catchall(z.any()),
  writable: z
    .boolean()
    .describe('Whether Glu can write into the phase (promotions, rollbacks).'),
  state: HistoryEntrySchema.optional(),
  refreshError: z
    .string()
    .describe('Why Glu cannot read what the phase holds, while it cannot.')
    .optional(),
  refreshFailingSince: z
    .string()
    .datetime({ offset: true })
    .describe(
      'Since when Glu has failed to read the phase, with refreshError. When it last looked is not part of the view (it changes at every check); GET .../refresh answers it.',
    )
    .optional(),
  pin: PinSchema.optional(),
  quarantine: QuarantineMarkSchema.optional(),
});

export const PipelineRefreshSchema = z
  .object({
    phases: z.array(
      z.object({
        name: z.string(),
        lookedAt: z
          .string()
          .datetime({ offset: true })
          .describe(
            "When Glu last asked the phase's source (with the rest of its repository or registry, or alone); absent before the first time.",
          )
          .optional(),
        refreshError: z.string().optional(),
        refreshFailingSince: z.string().datetime({ offset: true }).optional(),
      }),
    ),
  })
  .describe("When Glu last looked at each phase's source.");

export const EdgeViewSchema = z.object({
  from: z.string(),
  to: z.string(),
  strategy: z.enum(['commit', 'pull-request']),
  auto: z.boolean(),
  status: z.enum(['up-to-date', 'promotable', 'blocked', 'in-progress']),
  reasons: z.array(z.string()),
  gates: z.array(GateResultSchema),
  promotionId: z.string().optional(),
  pullRequest: PullRequestRefSchema.optional(),
  autoDeclined: z
    .string()
    .describe(
      "Why automatic promotion leaves this promotable edge alone: the upstream's version is older (by semver) than what the phase holds. A person may still promote it, as a downgrade.",
    )
    .optional(),
  approval: ApprovalStatusSchema.optional(),
  request: PromotionRequestSchema.optional(),
});

export const PipelineViewSchema = z.object({
  ref: z.string(),
  name: z.string(),
  namespace: z.string(),
  title: z.string().optional(),
  owner: z.string(),
  components: z.array(z.string()),
  phases: z.array(PhaseViewSchema),
  edges: z.array(EdgeViewSchema),
  freezes: z
    .array(PipelineFreezeSchema)
    .describe(
      'The freezes that hold promotions into phases of the pipeline now.',
    )
    .optional(),
});

export const CatalogRefusalSchema = z
  .object({
    pipelineRef: z.string(),
    owner: z
      .string()
      .describe("The definition's owner, when it names one.")
      .optional(),
    reason: z.string().describe("The catalog's error."),
    refusedAt: z
      .string()
      .datetime({ offset: true })
      .describe('When the catalog last refused it.'),
  })
  .describe('A pipeline definition that the catalog refused, and why.');

export const PipelineSummarySchema = z.object({
  ref: z.string(),
  name: z.string(),
  namespace: z.string(),
  title: z.string().optional(),
  owner: z.string(),
  components: z.array(z.string()),
  phases: z.array(
    z.object({
      name: z.string(),
      version: z.string().optional(),
      digest: z.string().optional(),
      refreshError: z
        .string()
        .describe("Why the phase's last refresh failed, if it did.")
        .optional(),
    }),
  ),
  behind: z
    .number()
    .int()
    .describe('How many edges have a version waiting to be promoted.'),
});

export const DoraFiguresSchema = z
  .object({
    deployments: z.number().int(),
    hotfixes: z
      .number()
      .int()
      .describe(
        'Deployments that went through a freeze (hotfixes), counted among the deployments.',
      ),
    deploymentsPerWeek: z.number(),
    medianLeadTimeSeconds: z
      .number()
      .describe(
        'From when a first phase (one nothing promotes into) first held the version to its deployment, the median.',
      )
      .optional(),
    failedDeployments: z.number().int(),
    changeFailureRate: z
      .number()
      .describe(
        'Failed deployments among all, from 0 to 1; none without deployments.',
      )
      .optional(),
    medianTimeToRestoreSeconds: z
      .number()
      .describe(
        'From a failed deployment to the rollback or fix that restored it, the median.',
      )
      .optional(),
    days: z
      .array(
        z.object({
          date: z.string().describe('YYYY-MM-DD'),
          deployments: z.number().int(),
          failures: z.number().int(),
        }),
      )
      .describe('Day by day (UTC), for charts.'),
  })
  .describe(
    "The four DORA figures over a period. A deployment is a production phase coming to hold another version, except by a rollback; it failed when the phase's next change, within the failure window, was a rollback or the deployment of a fix.",
  );

export const DoraDeploymentSchema = z.object({
  phase: z.string(),
  version: z.string(),
  digest: z.string(),
  deployedAt: z.string().datetime({ offset: true }),
  leadTimeSeconds: z.number().optional(),
  failed: z.boolean(),
  restoredAt: z.string().datetime({ offset: true }).optional(),
  fix: z
    .boolean()
    .describe(
      "Its message, as CI published it, matches the pipeline's fix pattern.",
    ),
  hotfix: z
    .string()
    .describe('The reason given, when the deployment went through a freeze.')
    .optional(),
});

export const PipelineDoraSchema = z.object({
  pipelineRef: z.string(),
  title: z.string().optional(),
  from: z.string().datetime({ offset: true }),
  to: z.string().datetime({ offset: true }),
  production: z
    .array(z.string())
    .describe(
      'The phases that count as production (spec.dora.production, or those no edge promotes from).',
    ),
  failureWindow: z.string(),
  figures: DoraFiguresSchema,
  deployments: z
    .array(DoraDeploymentSchema)
    .describe("The period's deployments, newest first (at most 200)."),
});

export const FleetPipelineSchema = z
  .object({
    ref: z.string(),
    name: z.string(),
    namespace: z.string(),
    title: z.string().optional(),
    owner: z.string(),
    system: z
      .string()
      .describe(
        'The system the pipeline is part of (spec.system), as an entity ref.',
      )
      .optional(),
    components: z.array(z.string()),
  })
  .describe('A pipeline as the fleet shows it, by its row.');

export const FleetCellSchema = z
  .object({
    environment: z.string(),
    phase: z.string(),
    version: z.string().optional(),
    digest: z.string().optional(),
    since: z
      .string()
      .datetime({ offset: true })
      .describe('Since when the phase has held its version.')
      .optional(),
    status: z
      .enum([
        'up-to-date',
        'behind',
        'promoting',
        'blocked',
        'pinned',
        'frozen',
        'quarantined',
        'refresh-failing',
        'empty',
      ])
      .describe(
        "up-to-date: nothing waits to come in; behind: an upstream's version waits and may be promoted; promoting: a promotion is under way; blocked: a version waits and a gate or rule holds it (reasons say which); pinned: held at its version on purpose; frozen: a freeze holds promotions into it; quarantined: it holds a quarantined version; refresh-failing: its source could not be read at the last refresh; empty: it holds nothing yet.",
      ),
    behind: z
      .object({
        from: z.string().describe('The upstream phase it waits in.'),
        version: z.string(),
        digest: z.string(),
        versions: z
          .number()
          .int()
          .describe(
            'How many versions the upstream has held since the one this phase holds (counted over at most its 100 newest).',
          ),
        since: z
          .string()
          .datetime({ offset: true })
          .describe('Since when the phase has been behind its upstream.'),
      })
      .describe('The version that waits to come in, when one does.')
      .optional(),
    reasons: z
      .array(z.string())
      .describe(
        'Why the waiting version has not moved (gates, pins, freezes, refresh errors).',
      ),
    promotionId: z
      .string()
      .describe('The promotion under way, when one is.')
      .optional(),
  })
  .describe(
    'What one phase of a pipeline holds, under the environment it stands for (its `environment`, by default its name).',
  );

export const FleetRowSchema = z.intersection(
  FleetPipelineSchema,
  z.object({
    cells: z
      .array(FleetCellSchema)
      .describe("One per phase, in the pipeline's order."),
  }),
);

export const FleetDiffItemSchema = z
  .object({
    pipeline: FleetPipelineSchema,
    from: FleetCellSchema,
    to: FleetCellSchema,
    promotable: z
      .boolean()
      .describe(
        'Whether the `to` phase can be promoted from the `from` phase now (an edge leads from one to the other and nothing holds it).',
      ),
    reasons: z.array(z.string()).describe('Why it cannot, when it cannot.'),
  })
  .describe(
    'A pipeline whose `to` environment does not hold what its `from` environment holds.',
  );

export const FleetPromotionResultSchema = z
  .object({
    pipeline: z.string(),
    phase: z.string(),
    from: z.string().optional(),
    promotion: PromotionSchema.optional(),
    error: z
      .object({
        name: z.string(),
        message: z.string(),
        statusCode: z.number().int(),
      })
      .describe(
        "Why it was refused, as the pipeline's own promotion would answer.",
      )
      .optional(),
  })
  .describe('What one promotion of a fleet promotion did.');

export const EnvironmentLagSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    changes: z
      .number()
      .int()
      .describe('How many versions reached `to` from `from` in the period.'),
    median: z.number().describe('Seconds.').optional(),
    p90: z.number().describe('Seconds.').optional(),
  })
  .describe(
    'How long versions waited between two environments over a period: from the time the upstream environment held a version to the time the next one did.',
  );

export const OwnerDoraSchema = z.object({
  owner: z.array(z.string()),
  from: z.string().datetime({ offset: true }),
  to: z.string().datetime({ offset: true }),
  figures: DoraFiguresSchema,
  lag: z
    .array(EnvironmentLagSchema)
    .describe(
      'How long versions waited between environments, per pair of environments.',
    ),
  pipelines: z
    .array(
      z.object({
        pipelineRef: z.string(),
        title: z.string().optional(),
        production: z.array(z.string()),
        figures: DoraFiguresSchema,
      }),
    )
    .describe(
      'Each pipeline of the owners that the caller may read, by entity ref.',
    ),
});
