// Generated from plugins/glu-backend/src/schema/openapi.yaml by
// scripts/openapi.js (yarn generate:openapi); do not edit.
/* eslint-disable */
export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'glu',
    version: '1',
    description:
      "The HTTP API of Glu for Backstage, under /api/glu. Reads are served from\nthe plugin's database and never touch Git or a registry. Every write is\nauthorized against the Pipeline entity with the permission framework.\n",
    license: {
      name: 'Apache-2.0',
      url: 'http://www.apache.org/licenses/LICENSE-2.0.html',
    },
  },
  servers: [
    {
      url: '/',
    },
  ],
  components: {
    parameters: {
      namespace: {
        name: 'namespace',
        in: 'path',
        required: true,
        description: "The pipeline entity's namespace.",
        schema: {
          type: 'string',
          pattern: '^[-_.a-zA-Z0-9]{1,253}$',
        },
      },
      name: {
        name: 'name',
        in: 'path',
        required: true,
        description: "The pipeline entity's name.",
        schema: {
          type: 'string',
          pattern: '^[-_.a-zA-Z0-9]{1,253}$',
        },
      },
      phase: {
        name: 'phase',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          pattern: '^[-_.a-zA-Z0-9]{1,253}$',
        },
      },
      limit: {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'The page size.',
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: 500,
          default: 50,
        },
      },
      periodFrom: {
        name: 'from',
        in: 'query',
        required: false,
        description:
          'The start of the period (date-time); by default 30 days before its end. A period is at most 366 days.',
        schema: {
          type: 'string',
          format: 'date-time',
        },
      },
      periodTo: {
        name: 'to',
        in: 'query',
        required: false,
        description: 'The end of the period (date-time); by default now.',
        schema: {
          type: 'string',
          format: 'date-time',
        },
      },
      fleetOwner: {
        name: 'owner',
        in: 'query',
        required: false,
        description:
          'Only pipelines that one of these groups or users owns (entity refs); repeat it for several.',
        style: 'form',
        explode: true,
        schema: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'string',
            pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
          },
        },
      },
      fleetMine: {
        name: 'mine',
        in: 'query',
        required: false,
        description:
          "Only pipelines that the caller owns, as a user or through one of their groups; needs a user's token, and is not given with owner.",
        schema: {
          type: 'boolean',
        },
      },
      fleetSystem: {
        name: 'system',
        in: 'query',
        required: false,
        description:
          'Only pipelines that are part of one of these systems (entity refs).',
        style: 'form',
        explode: true,
        schema: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'string',
            pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
          },
        },
      },
      fleetLimit: {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'How many pipelines a page holds.',
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          default: 200,
        },
      },
      cursor: {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The nextCursor of the previous page.',
        schema: {
          type: 'string',
          maxLength: 2000,
        },
      },
    },
    responses: {
      ErrorResponse: {
        description:
          'An error, as Backstage serializes it (ResponseError in the errors package). A promotion or rollback that was tried and failed (the push refused or the remote unreachable: 409 or 503) names its record, which ended `failed`, in `error.promotionId`; a blocked one (409, nothing tried) does not.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error', 'request', 'response'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
            additionalProperties: {},
          },
          request: {
            type: 'object',
            properties: {
              method: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
            },
          },
          response: {
            type: 'object',
            properties: {
              statusCode: {
                type: 'integer',
              },
            },
          },
        },
      },
      VersionRef: {
        type: 'object',
        required: ['digest', 'version'],
        properties: {
          digest: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
        },
      },
      HistoryEntry: {
        type: 'object',
        required: [
          'id',
          'pipelineRef',
          'phase',
          'digest',
          'version',
          'fields',
          'cause',
          'observedAt',
        ],
        properties: {
          id: {
            type: 'string',
          },
          pipelineRef: {
            type: 'string',
          },
          phase: {
            type: 'string',
          },
          digest: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          fields: {
            type: 'object',
            additionalProperties: {
              type: 'string',
            },
          },
          blobHash: {
            type: 'string',
          },
          cause: {
            type: 'string',
            enum: ['observed', 'published', 'promotion', 'rollback', 'commit'],
          },
          actor: {
            type: 'string',
          },
          commitSha: {
            type: 'string',
          },
          commitUrl: {
            type: 'string',
          },
          message: {
            type: 'string',
          },
          promotionId: {
            type: 'string',
          },
          hotfix: {
            type: 'string',
            description:
              'The reason given for the promotion that wrote this state through a freeze (a hotfix).',
          },
          quarantine: {
            $ref: '#/components/schemas/QuarantineMark',
          },
          author: {
            type: 'string',
            description:
              "Who made the version, as CI said when it published it (a user ref) or as the commit of a Git phase says (its author's email); carried along as the version is promoted.",
          },
          approvedBy: {
            type: 'array',
            description: 'For a state written by a promotion, who approved it.',
            items: {
              type: 'string',
            },
          },
          reason: {
            type: 'string',
            description:
              "For a state written by one of Glu's own rollbacks, why: the gate that found the version before it broken, and its answer.",
          },
          keptVersion: {
            type: 'boolean',
            description:
              "The change left the version as it was and changed only other parts of the phase's file (replicas, environment variables, …).",
          },
          observedAt: {
            type: 'string',
            format: 'date-time',
          },
          traceparent: {
            type: 'string',
            description:
              "The W3C trace context of the span that made this state (the publish, in CI's trace when CI sent one; the promotion; the refresh that saw it): the promotions this version sets off continue that trace.",
          },
        },
      },
      Promotion: {
        type: 'object',
        required: [
          'id',
          'pipelineRef',
          'from',
          'to',
          'kind',
          'strategy',
          'status',
          'triggeredBy',
          'trigger',
          'createdAt',
        ],
        properties: {
          id: {
            type: 'string',
          },
          pipelineRef: {
            type: 'string',
          },
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
          kind: {
            type: 'string',
            enum: ['promotion', 'rollback'],
          },
          strategy: {
            type: 'string',
            enum: ['commit', 'pull-request'],
          },
          status: {
            type: 'string',
            description:
              'By pull request: open until it merges (merged, then succeeded once the phase is seen holding the version), closes without merge (closed) or is replaced by a newer proposal (superseded).',
            enum: [
              'pending',
              'running',
              'open',
              'merged',
              'succeeded',
              'up-to-date',
              'closed',
              'superseded',
              'failed',
            ],
          },
          fromVersion: {
            $ref: '#/components/schemas/VersionRef',
          },
          before: {
            $ref: '#/components/schemas/VersionRef',
          },
          after: {
            $ref: '#/components/schemas/VersionRef',
          },
          triggeredBy: {
            type: 'string',
          },
          trigger: {
            type: 'string',
            enum: ['manual', 'auto', 'schedule', 'event'],
          },
          commitSha: {
            type: 'string',
          },
          commitUrl: {
            type: 'string',
          },
          pullRequest: {
            $ref: '#/components/schemas/PullRequestRef',
          },
          error: {
            type: 'string',
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          finishedAt: {
            type: 'string',
            format: 'date-time',
          },
          traceparent: {
            type: 'string',
            description:
              "The W3C trace context of the promotion's span: its trace is that of the version it brings, from CI's publish on.",
          },
          hotfix: {
            $ref: '#/components/schemas/Hotfix',
          },
          reason: {
            type: 'string',
            description:
              'Why Glu rolled the phase back, for its automatic rollbacks: the gate that found the version broken and its answer, e.g. `prometheus: error rate 0.052, not < 0.01`.',
          },
          requestId: {
            type: 'string',
            description:
              'The promotion request that this promotion carried out.',
          },
          approvedBy: {
            type: 'array',
            description:
              'Who approved the version, when its edge has an approvals gate.',
            items: {
              type: 'string',
            },
          },
        },
      },
      ApprovalPolicy: {
        type: 'object',
        description:
          'Who must approve a version before it goes along an edge (its approvals gate), and who may not.',
        required: ['count', 'from', 'notBy'],
        properties: {
          count: {
            type: 'integer',
            description: 'How many distinct people must approve, in all.',
          },
          from: {
            type: 'array',
            description: 'How many must come from each group.',
            items: {
              type: 'object',
              required: ['group', 'count'],
              properties: {
                group: {
                  type: 'string',
                },
                count: {
                  type: 'integer',
                },
              },
            },
          },
          notBy: {
            type: 'array',
            description:
              "Who may not approve: the person who asks for the promotion (requester), the version's author (author).",
            items: {
              type: 'string',
              enum: ['requester', 'author'],
            },
          },
          maxAge: {
            type: 'string',
            description:
              'How long an approval counts, e.g. 24h; for ever when absent.',
          },
        },
      },
      ApprovalStatus: {
        type: 'object',
        description:
          "Where an edge's approvals gate stands for the version its upstream holds.",
        required: ['policy', 'approvals', 'needed', 'passed'],
        properties: {
          policy: {
            $ref: '#/components/schemas/ApprovalPolicy',
          },
          approvals: {
            type: 'array',
            description:
              'Everyone who approved the version, and whether their approval counts.',
            items: {
              type: 'object',
              required: ['approver', 'approvedAt', 'counted', 'groups'],
              properties: {
                approver: {
                  type: 'string',
                },
                approvedAt: {
                  type: 'string',
                  format: 'date-time',
                },
                groups: {
                  type: 'array',
                  description:
                    "The policy's groups the approver belonged to when approving.",
                  items: {
                    type: 'string',
                  },
                },
                counted: {
                  type: 'boolean',
                },
                why: {
                  type: 'string',
                  description:
                    'Why it does not count: the approver asked for the promotion, made the version, or approved too long ago.',
                },
              },
            },
          },
          needed: {
            type: 'array',
            description:
              'Who is still needed, by group; without a group, anyone who may approve.',
            items: {
              type: 'object',
              required: ['count'],
              properties: {
                group: {
                  type: 'string',
                },
                count: {
                  type: 'integer',
                },
              },
            },
          },
          requester: {
            type: 'string',
            description:
              "Who asks for the promotion (an open request's requester).",
          },
          author: {
            type: 'string',
            description: "The version's author, when known.",
          },
          passed: {
            type: 'boolean',
          },
        },
      },
      PromotionRequest: {
        type: 'object',
        description:
          "A promotion asked for by someone who may not promote it: it waits on its edge until the approval policy is met, and Glu then carries it out in the requester's name.",
        required: [
          'id',
          'pipelineRef',
          'from',
          'to',
          'digest',
          'version',
          'requestedBy',
          'status',
          'createdAt',
          'expiresAt',
        ],
        properties: {
          id: {
            type: 'string',
          },
          pipelineRef: {
            type: 'string',
          },
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
          digest: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          requestedBy: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          status: {
            type: 'string',
            enum: [
              'open',
              'carried-out',
              'withdrawn',
              'expired',
              'superseded',
              'failed',
            ],
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
          },
          endedAt: {
            type: 'string',
            format: 'date-time',
          },
          promotionId: {
            type: 'string',
            description: 'The promotion that carried it out.',
          },
          error: {
            type: 'string',
          },
        },
      },
      Hotfix: {
        type: 'object',
        description:
          'A promotion that went through a freeze: who may override freezes (glu.pipeline.hotfix) asked for it, with a reason.',
        required: ['reason', 'freezes'],
        properties: {
          reason: {
            type: 'string',
          },
          freezes: {
            type: 'array',
            description: 'The freezes it went through, by id.',
            items: {
              type: 'string',
            },
          },
        },
      },
      FreezeScope: {
        type: 'object',
        description:
          'What a freeze covers. Every part that is given must match; a scope with no part covers every phase of every pipeline.',
        additionalProperties: false,
        properties: {
          namespaces: {
            type: 'array',
            description: 'Pipelines in these catalog namespaces.',
            maxItems: 100,
            items: {
              type: 'string',
              pattern: '^[-_.a-zA-Z0-9]{1,253}$',
            },
          },
          owners: {
            type: 'array',
            description:
              'Pipelines these owners own (entity refs, e.g. group:default/team-a).',
            maxItems: 100,
            items: {
              type: 'string',
              minLength: 1,
              maxLength: 300,
            },
          },
          pipelines: {
            type: 'array',
            description:
              'These pipelines (entity refs, e.g. pipeline:default/checkout).',
            maxItems: 500,
            items: {
              type: 'string',
              minLength: 1,
              maxLength: 300,
            },
          },
          phases: {
            type: 'array',
            description:
              'Only the phases of these names, or that stand for these environments (e.g. production).',
            maxItems: 100,
            items: {
              type: 'string',
              pattern: '^[-_.a-zA-Z0-9]{1,253}$',
            },
          },
        },
      },
      Freeze: {
        type: 'object',
        description:
          'A hold on promotions into the phases it covers. Set at run time (origin api) or recurring from app-config (origin config, glu.freezes).',
        required: [
          'id',
          'reason',
          'scope',
          'rollbacks',
          'setBy',
          'startsAt',
          'origin',
          'active',
        ],
        properties: {
          id: {
            type: 'string',
            description:
              'A number for a freeze set at run time; config:<name> for one from app-config.',
          },
          reason: {
            type: 'string',
          },
          scope: {
            $ref: '#/components/schemas/FreezeScope',
          },
          rollbacks: {
            type: 'boolean',
            description:
              'Whether rollbacks are frozen too; by default they are not (restoring service is always allowed).',
          },
          setBy: {
            type: 'string',
            description: 'Who set it (a user or service ref), or app-config.',
          },
          startsAt: {
            type: 'string',
            format: 'date-time',
            description:
              'When it starts; for a recurring freeze, its current or next occurrence.',
          },
          endsAt: {
            type: 'string',
            format: 'date-time',
            description: 'When it ends by itself, if it does.',
          },
          origin: {
            type: 'string',
            enum: ['api', 'config'],
          },
          active: {
            type: 'boolean',
            description: 'Whether it holds promotions now.',
          },
          recurrence: {
            type: 'string',
            description:
              'For a freeze from app-config, its recurrence rule (RFC 5545) or dates.',
          },
        },
      },
      QuarantineMark: {
        type: 'object',
        description:
          'The quarantine that a version is under, where it is shown.',
        required: ['id', 'reason', 'quarantinedBy'],
        properties: {
          id: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          quarantinedBy: {
            type: 'string',
          },
        },
      },
      Quarantine: {
        type: 'object',
        description:
          'A version that nobody may promote again: of one pipeline (by version or digest), or a digest in every pipeline.',
        required: [
          'id',
          'reason',
          'quarantinedBy',
          'quarantinedAt',
          'rollback',
          'holding',
        ],
        properties: {
          id: {
            type: 'string',
          },
          pipelineRef: {
            type: 'string',
            description:
              'The pipeline it applies to; every pipeline when absent.',
          },
          version: {
            type: 'string',
            description:
              "The version's name in the pipeline, when quarantined by name.",
          },
          digest: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          quarantinedBy: {
            type: 'string',
          },
          quarantinedAt: {
            type: 'string',
            format: 'date-time',
          },
          rollback: {
            type: 'boolean',
            description:
              'Whether the phases that held it were rolled back to what they held before, pinned there.',
          },
          holding: {
            type: 'array',
            description:
              'The phases that hold it now (of the pipelines that the caller may read), at most 500.',
            items: {
              type: 'object',
              required: ['pipelineRef', 'phase', 'version', 'digest'],
              properties: {
                pipelineRef: {
                  type: 'string',
                },
                phase: {
                  type: 'string',
                },
                version: {
                  type: 'string',
                },
                digest: {
                  type: 'string',
                },
              },
            },
          },
          rollbacks: {
            type: 'array',
            description:
              "When it was set with rollback, what became of each phase that held it: the rollback's promotion, or why there was none.",
            items: {
              type: 'object',
              required: ['pipelineRef', 'phase'],
              properties: {
                pipelineRef: {
                  type: 'string',
                },
                phase: {
                  type: 'string',
                },
                promotionId: {
                  type: 'string',
                },
                status: {
                  type: 'string',
                },
                error: {
                  type: 'string',
                },
              },
            },
          },
        },
      },
      PipelineFreeze: {
        type: 'object',
        description: 'An active freeze that covers phases of a pipeline.',
        required: [
          'id',
          'reason',
          'setBy',
          'startsAt',
          'origin',
          'rollbacks',
          'phases',
        ],
        properties: {
          id: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          setBy: {
            type: 'string',
          },
          startsAt: {
            type: 'string',
            format: 'date-time',
          },
          endsAt: {
            type: 'string',
            format: 'date-time',
          },
          origin: {
            type: 'string',
            enum: ['api', 'config'],
          },
          rollbacks: {
            type: 'boolean',
          },
          phases: {
            type: 'array',
            description: 'The phases of the pipeline that it covers.',
            items: {
              type: 'string',
            },
          },
        },
      },
      PullRequestCheck: {
        type: 'object',
        required: ['name', 'state'],
        properties: {
          name: {
            type: 'string',
          },
          state: {
            type: 'string',
            enum: ['pending', 'success', 'failure', 'neutral', 'skipped'],
          },
          url: {
            type: 'string',
          },
        },
      },
      PullRequestRef: {
        type: 'object',
        description: 'The pull request that carries a promotion, as last seen.',
        required: ['provider', 'number', 'url', 'branch', 'state', 'headSha'],
        properties: {
          provider: {
            type: 'string',
            description: 'e.g. github',
          },
          number: {
            type: 'integer',
          },
          url: {
            type: 'string',
          },
          branch: {
            type: 'string',
            description: 'glu/<pipeline>/<phase>/<digest>',
          },
          state: {
            type: 'string',
            enum: ['open', 'merged', 'closed'],
          },
          headSha: {
            type: 'string',
          },
          mergeCommitSha: {
            type: 'string',
          },
          checks: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/PullRequestCheck',
            },
          },
          gatesStatus: {
            type: 'object',
            description:
              'The commit status glu/gates that Glu last put on the head commit: whether every gate passes, for branch protection to require.',
            required: ['sha', 'state', 'description'],
            properties: {
              sha: {
                type: 'string',
              },
              state: {
                type: 'string',
                enum: ['pending', 'success'],
              },
              description: {
                type: 'string',
              },
            },
          },
        },
      },
      PromotionDryRun: {
        type: 'object',
        description:
          'What a promotion or a rollback would do, decided exactly as the write itself would be, and the diff it would commit.',
        required: [
          'pipelineRef',
          'kind',
          'from',
          'to',
          'status',
          'reasons',
          'gates',
          'fromVersion',
          'diff',
        ],
        properties: {
          pipelineRef: {
            type: 'string',
          },
          kind: {
            type: 'string',
            enum: ['promotion', 'rollback'],
          },
          from: {
            type: 'string',
            description:
              'The upstream phase (the phase itself for a rollback).',
          },
          to: {
            type: 'string',
          },
          status: {
            type: 'string',
            description: "As the edge's status; only promotable would write.",
            enum: ['up-to-date', 'promotable', 'blocked', 'in-progress'],
          },
          reasons: {
            type: 'array',
            description: 'Why it would not write, or what it waits for.',
            items: {
              type: 'string',
            },
          },
          gates: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/GateResult',
            },
          },
          fromVersion: {
            $ref: '#/components/schemas/VersionRef',
          },
          before: {
            $ref: '#/components/schemas/VersionRef',
          },
          after: {
            $ref: '#/components/schemas/VersionRef',
            description:
              'What the phase would hold; absent when it cannot hold the version.',
          },
          path: {
            type: 'string',
            description:
              'Where the phase lives, e.g. its file in the repository.',
          },
          diff: {
            type: 'string',
            description:
              "The unified diff of what would be written, against the phase's content as last seen; empty when nothing would change or it cannot be written.",
          },
          promotionId: {
            type: 'string',
          },
          pullRequest: {
            $ref: '#/components/schemas/PullRequestRef',
          },
        },
      },
      GateResult: {
        type: 'object',
        required: ['type', 'passed', 'reason'],
        properties: {
          type: {
            type: 'string',
          },
          passed: {
            type: 'boolean',
          },
          reason: {
            type: 'string',
          },
          failed: {
            type: 'boolean',
            description:
              'For gates that observe the running system: what the gate looks at is broken, not merely not ready yet.',
          },
          checkedAt: {
            type: 'string',
            format: 'date-time',
            description:
              'For gates that observe the running system (checked in the background): when the answer was given.',
          },
          metrics: {
            type: 'array',
            description:
              "For gates that measure (`prometheus`, `analysis`): each metric, its condition and its measurements for the upstream's version, oldest first (the last 120 of each).",
            items: {
              $ref: '#/components/schemas/GateMetric',
            },
          },
        },
      },
      GateMetric: {
        type: 'object',
        required: ['name', 'condition', 'measurements'],
        properties: {
          name: {
            type: 'string',
          },
          condition: {
            type: 'string',
            description:
              'The condition as the definition says it, e.g. `< 0.01`.',
          },
          measurements: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/GateMeasurement',
            },
          },
        },
      },
      GateMeasurement: {
        type: 'object',
        required: ['at', 'outcome'],
        properties: {
          at: {
            type: 'string',
            format: 'date-time',
          },
          value: {
            type: 'number',
            description: 'The value measured, when it was a number.',
          },
          outcome: {
            type: 'string',
            enum: ['successful', 'failed', 'inconclusive', 'error'],
            description:
              'successful: the value met the condition; failed: it did not; inconclusive: neither condition held, or there was no data; error: nothing could be measured.',
          },
          message: {
            type: 'string',
            description: 'Why, when it is not a plain value.',
          },
        },
      },
      Pin: {
        type: 'object',
        required: [
          'phase',
          'digest',
          'version',
          'pinnedBy',
          'reason',
          'pinnedAt',
        ],
        properties: {
          phase: {
            type: 'string',
          },
          digest: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          pinnedBy: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          pinnedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      PhaseView: {
        type: 'object',
        required: ['name', 'source', 'writable'],
        properties: {
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          source: {
            type: 'object',
            required: ['type'],
            properties: {
              type: {
                type: 'string',
              },
            },
            additionalProperties: {},
          },
          writable: {
            type: 'boolean',
            description:
              'Whether Glu can write into the phase (promotions, rollbacks).',
          },
          state: {
            $ref: '#/components/schemas/HistoryEntry',
          },
          refreshError: {
            type: 'string',
            description:
              'Why Glu cannot read what the phase holds, while it cannot.',
          },
          refreshFailingSince: {
            type: 'string',
            format: 'date-time',
            description:
              'Since when Glu has failed to read the phase, with refreshError. When it last looked is not part of the view (it changes at every check); GET .../refresh answers it.',
          },
          pin: {
            $ref: '#/components/schemas/Pin',
          },
          quarantine: {
            $ref: '#/components/schemas/QuarantineMark',
          },
        },
      },
      PipelineRefresh: {
        type: 'object',
        required: ['phases'],
        description: "When Glu last looked at each phase's source.",
        properties: {
          phases: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              properties: {
                name: {
                  type: 'string',
                },
                lookedAt: {
                  type: 'string',
                  format: 'date-time',
                  description:
                    "When Glu last asked the phase's source (with the rest of its repository or registry, or alone); absent before the first time.",
                },
                refreshError: {
                  type: 'string',
                },
                refreshFailingSince: {
                  type: 'string',
                  format: 'date-time',
                },
              },
            },
          },
        },
      },
      EdgeView: {
        type: 'object',
        required: [
          'from',
          'to',
          'strategy',
          'auto',
          'status',
          'reasons',
          'gates',
        ],
        properties: {
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
          strategy: {
            type: 'string',
            enum: ['commit', 'pull-request'],
          },
          auto: {
            type: 'boolean',
          },
          status: {
            type: 'string',
            enum: ['up-to-date', 'promotable', 'blocked', 'in-progress'],
          },
          reasons: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          gates: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/GateResult',
            },
          },
          promotionId: {
            type: 'string',
          },
          pullRequest: {
            $ref: '#/components/schemas/PullRequestRef',
          },
          autoDeclined: {
            type: 'string',
            description:
              "Why automatic promotion leaves this promotable edge alone: the upstream's version is older (by semver) than what the phase holds. A person may still promote it, as a downgrade.",
          },
          approval: {
            $ref: '#/components/schemas/ApprovalStatus',
          },
          request: {
            $ref: '#/components/schemas/PromotionRequest',
          },
        },
      },
      PipelineView: {
        type: 'object',
        required: [
          'ref',
          'name',
          'namespace',
          'owner',
          'components',
          'phases',
          'edges',
        ],
        properties: {
          ref: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          components: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          phases: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/PhaseView',
            },
          },
          edges: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/EdgeView',
            },
          },
          freezes: {
            type: 'array',
            description:
              'The freezes that hold promotions into phases of the pipeline now.',
            items: {
              $ref: '#/components/schemas/PipelineFreeze',
            },
          },
        },
      },
      CatalogRefusal: {
        type: 'object',
        description: 'A pipeline definition that the catalog refused, and why.',
        required: ['pipelineRef', 'reason', 'refusedAt'],
        properties: {
          pipelineRef: {
            type: 'string',
          },
          owner: {
            type: 'string',
            description: "The definition's owner, when it names one.",
          },
          reason: {
            type: 'string',
            description: "The catalog's error.",
          },
          refusedAt: {
            type: 'string',
            format: 'date-time',
            description: 'When the catalog last refused it.',
          },
        },
      },
      PipelineSummary: {
        type: 'object',
        required: [
          'ref',
          'name',
          'namespace',
          'owner',
          'components',
          'phases',
          'behind',
        ],
        properties: {
          ref: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          components: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          phases: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              properties: {
                name: {
                  type: 'string',
                },
                version: {
                  type: 'string',
                },
                digest: {
                  type: 'string',
                },
                refreshError: {
                  type: 'string',
                  description:
                    "Why the phase's last refresh failed, if it did.",
                },
              },
            },
          },
          behind: {
            type: 'integer',
            description:
              'How many edges have a version waiting to be promoted.',
          },
        },
      },
      DoraFigures: {
        type: 'object',
        description:
          "The four DORA figures over a period. A deployment is a production phase coming to hold another version, except by a rollback; it failed when the phase's next change, within the failure window, was a rollback or the deployment of a fix.",
        required: [
          'deployments',
          'deploymentsPerWeek',
          'failedDeployments',
          'hotfixes',
          'days',
        ],
        properties: {
          deployments: {
            type: 'integer',
          },
          hotfixes: {
            type: 'integer',
            description:
              'Deployments that went through a freeze (hotfixes), counted among the deployments.',
          },
          deploymentsPerWeek: {
            type: 'number',
          },
          medianLeadTimeSeconds: {
            type: 'number',
            description:
              'From when a first phase (one nothing promotes into) first held the version to its deployment, the median.',
          },
          failedDeployments: {
            type: 'integer',
          },
          changeFailureRate: {
            type: 'number',
            description:
              'Failed deployments among all, from 0 to 1; none without deployments.',
          },
          medianTimeToRestoreSeconds: {
            type: 'number',
            description:
              'From a failed deployment to the rollback or fix that restored it, the median.',
          },
          days: {
            type: 'array',
            description: 'Day by day (UTC), for charts.',
            items: {
              type: 'object',
              required: ['date', 'deployments', 'failures'],
              properties: {
                date: {
                  type: 'string',
                  description: 'YYYY-MM-DD',
                },
                deployments: {
                  type: 'integer',
                },
                failures: {
                  type: 'integer',
                },
              },
            },
          },
        },
      },
      DoraDeployment: {
        type: 'object',
        required: ['phase', 'version', 'digest', 'deployedAt', 'failed', 'fix'],
        properties: {
          phase: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          digest: {
            type: 'string',
          },
          deployedAt: {
            type: 'string',
            format: 'date-time',
          },
          leadTimeSeconds: {
            type: 'number',
          },
          failed: {
            type: 'boolean',
          },
          restoredAt: {
            type: 'string',
            format: 'date-time',
          },
          fix: {
            type: 'boolean',
            description:
              "Its message, as CI published it, matches the pipeline's fix pattern.",
          },
          hotfix: {
            type: 'string',
            description:
              'The reason given, when the deployment went through a freeze.',
          },
        },
      },
      PipelineDora: {
        type: 'object',
        required: [
          'pipelineRef',
          'from',
          'to',
          'production',
          'failureWindow',
          'figures',
          'deployments',
        ],
        properties: {
          pipelineRef: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          from: {
            type: 'string',
            format: 'date-time',
          },
          to: {
            type: 'string',
            format: 'date-time',
          },
          production: {
            type: 'array',
            items: {
              type: 'string',
            },
            description:
              'The phases that count as production (spec.dora.production, or those no edge promotes from).',
          },
          failureWindow: {
            type: 'string',
          },
          figures: {
            $ref: '#/components/schemas/DoraFigures',
          },
          deployments: {
            type: 'array',
            description:
              "The period's deployments, newest first (at most 200).",
            items: {
              $ref: '#/components/schemas/DoraDeployment',
            },
          },
        },
      },
      FleetPipeline: {
        type: 'object',
        description: 'A pipeline as the fleet shows it, by its row.',
        required: ['ref', 'name', 'namespace', 'owner', 'components'],
        properties: {
          ref: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          system: {
            type: 'string',
            description:
              'The system the pipeline is part of (spec.system), as an entity ref.',
          },
          components: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
      },
      FleetCell: {
        type: 'object',
        description:
          'What one phase of a pipeline holds, under the environment it stands for (its `environment`, by default its name).',
        required: ['environment', 'phase', 'status', 'reasons'],
        properties: {
          environment: {
            type: 'string',
          },
          phase: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          digest: {
            type: 'string',
          },
          since: {
            type: 'string',
            format: 'date-time',
            description: 'Since when the phase has held its version.',
          },
          status: {
            type: 'string',
            enum: [
              'up-to-date',
              'behind',
              'promoting',
              'blocked',
              'pinned',
              'frozen',
              'quarantined',
              'refresh-failing',
              'empty',
            ],
            description:
              "up-to-date: nothing waits to come in; behind: an upstream's version waits and may be promoted; promoting: a promotion is under way; blocked: a version waits and a gate or rule holds it (reasons say which); pinned: held at its version on purpose; frozen: a freeze holds promotions into it; quarantined: it holds a quarantined version; refresh-failing: its source could not be read at the last refresh; empty: it holds nothing yet.",
          },
          behind: {
            type: 'object',
            description: 'The version that waits to come in, when one does.',
            required: ['from', 'version', 'digest', 'versions', 'since'],
            properties: {
              from: {
                type: 'string',
                description: 'The upstream phase it waits in.',
              },
              version: {
                type: 'string',
              },
              digest: {
                type: 'string',
              },
              versions: {
                type: 'integer',
                description:
                  'How many versions the upstream has held since the one this phase holds (counted over at most its 100 newest).',
              },
              since: {
                type: 'string',
                format: 'date-time',
                description:
                  'Since when the phase has been behind its upstream.',
              },
            },
          },
          reasons: {
            type: 'array',
            description:
              'Why the waiting version has not moved (gates, pins, freezes, refresh errors).',
            items: {
              type: 'string',
            },
          },
          promotionId: {
            type: 'string',
            description: 'The promotion under way, when one is.',
          },
        },
      },
      FleetRow: {
        allOf: [
          {
            $ref: '#/components/schemas/FleetPipeline',
          },
          {
            type: 'object',
            required: ['cells'],
            properties: {
              cells: {
                type: 'array',
                description: "One per phase, in the pipeline's order.",
                items: {
                  $ref: '#/components/schemas/FleetCell',
                },
              },
            },
          },
        ],
      },
      FleetDiffItem: {
        type: 'object',
        description:
          'A pipeline whose `to` environment does not hold what its `from` environment holds.',
        required: ['pipeline', 'from', 'to', 'promotable', 'reasons'],
        properties: {
          pipeline: {
            $ref: '#/components/schemas/FleetPipeline',
          },
          from: {
            $ref: '#/components/schemas/FleetCell',
          },
          to: {
            $ref: '#/components/schemas/FleetCell',
          },
          promotable: {
            type: 'boolean',
            description:
              'Whether the `to` phase can be promoted from the `from` phase now (an edge leads from one to the other and nothing holds it).',
          },
          reasons: {
            type: 'array',
            description: 'Why it cannot, when it cannot.',
            items: {
              type: 'string',
            },
          },
        },
      },
      FleetPromotionResult: {
        type: 'object',
        description: 'What one promotion of a fleet promotion did.',
        required: ['pipeline', 'phase'],
        properties: {
          pipeline: {
            type: 'string',
          },
          phase: {
            type: 'string',
          },
          from: {
            type: 'string',
          },
          promotion: {
            $ref: '#/components/schemas/Promotion',
          },
          error: {
            type: 'object',
            description:
              "Why it was refused, as the pipeline's own promotion would answer.",
            required: ['name', 'message', 'statusCode'],
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
              statusCode: {
                type: 'integer',
              },
            },
          },
        },
      },
      EnvironmentLag: {
        type: 'object',
        description:
          'How long versions waited between two environments over a period: from the time the upstream environment held a version to the time the next one did.',
        required: ['from', 'to', 'changes'],
        properties: {
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
          changes: {
            type: 'integer',
            description:
              'How many versions reached `to` from `from` in the period.',
          },
          median: {
            type: 'number',
            description: 'Seconds.',
          },
          p90: {
            type: 'number',
            description: 'Seconds.',
          },
        },
      },
      OwnerDora: {
        type: 'object',
        required: ['owner', 'from', 'to', 'figures', 'lag', 'pipelines'],
        properties: {
          owner: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          from: {
            type: 'string',
            format: 'date-time',
          },
          to: {
            type: 'string',
            format: 'date-time',
          },
          figures: {
            $ref: '#/components/schemas/DoraFigures',
          },
          lag: {
            type: 'array',
            description:
              'How long versions waited between environments, per pair of environments.',
            items: {
              $ref: '#/components/schemas/EnvironmentLag',
            },
          },
          pipelines: {
            type: 'array',
            description:
              'Each pipeline of the owners that the caller may read, by entity ref.',
            items: {
              type: 'object',
              required: ['pipelineRef', 'production', 'figures'],
              properties: {
                pipelineRef: {
                  type: 'string',
                },
                title: {
                  type: 'string',
                },
                production: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                figures: {
                  $ref: '#/components/schemas/DoraFigures',
                },
              },
            },
          },
        },
      },
    },
  },
  paths: {
    '/dora': {
      get: {
        operationId: 'GetOwnerDora',
        description:
          'The DORA figures of every pipeline that these owners own (and the caller may read), together and one by one; 403 to a caller who may read no pipeline at all.',
        parameters: [
          {
            name: 'owner',
            in: 'query',
            required: true,
            description:
              'Groups or users (entity refs); repeat it for several.',
            style: 'form',
            explode: true,
            schema: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: {
                type: 'string',
                pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
              },
            },
          },
          {
            $ref: '#/components/parameters/periodFrom',
          },
          {
            $ref: '#/components/parameters/periodTo',
          },
        ],
        responses: {
          '200': {
            description: "The owners' figures.",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OwnerDora',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/fleet': {
      get: {
        operationId: 'GetFleet',
        description:
          "The fleet: every pipeline the caller may read (filtered by owner or system), ordered by entity ref, each with what its phases hold under the environments they stand for. `environments` are the page's columns, upstream first.",
        parameters: [
          {
            $ref: '#/components/parameters/fleetOwner',
          },
          {
            $ref: '#/components/parameters/fleetMine',
          },
          {
            $ref: '#/components/parameters/fleetSystem',
          },
          {
            $ref: '#/components/parameters/fleetLimit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'A page of the fleet.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['environments', 'items'],
                  properties: {
                    environments: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/FleetRow',
                      },
                    },
                    nextCursor: {
                      type: 'string',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/fleet/diff': {
      get: {
        operationId: 'DiffFleet',
        description:
          'Two environments compared across the fleet: every pipeline (of a page of the fleet) that has both and whose `to` environment does not hold the version its `from` environment holds, with the lag and why it has not moved. A page may hold fewer items than its limit; follow nextCursor to the end.',
        parameters: [
          {
            name: 'from',
            in: 'query',
            required: true,
            description: 'The environment ahead, e.g. staging.',
            schema: {
              type: 'string',
              pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
            },
          },
          {
            name: 'to',
            in: 'query',
            required: true,
            description: 'The environment behind, e.g. production.',
            schema: {
              type: 'string',
              pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
            },
          },
          {
            $ref: '#/components/parameters/fleetOwner',
          },
          {
            $ref: '#/components/parameters/fleetMine',
          },
          {
            $ref: '#/components/parameters/fleetSystem',
          },
          {
            $ref: '#/components/parameters/fleetLimit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description:
              'The pipelines of a page of the fleet where `to` lags `from`.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['from', 'to', 'items'],
                  properties: {
                    from: {
                      type: 'string',
                    },
                    to: {
                      type: 'string',
                    },
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/FleetDiffItem',
                      },
                    },
                    nextCursor: {
                      type: 'string',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/fleet/promotions': {
      post: {
        operationId: 'PromoteFleet',
        description:
          "Several promotions at once, each exactly as the pipeline's own promotion (its gates, its permissions, its audit), one after the other; the answer says what each did. One refused promotion does not stop the others.",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['items'],
                additionalProperties: false,
                properties: {
                  items: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 100,
                    items: {
                      type: 'object',
                      required: ['pipeline', 'phase'],
                      additionalProperties: false,
                      properties: {
                        pipeline: {
                          type: 'string',
                          pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
                          description: "The pipeline's entity ref.",
                        },
                        phase: {
                          type: 'string',
                          pattern: '^[-_.a-zA-Z0-9]{1,253}$',
                          description: 'The phase to promote into.',
                        },
                        from: {
                          type: 'string',
                          pattern: '^[-_.a-zA-Z0-9]{1,253}$',
                          description:
                            'The upstream phase, when the phase has several.',
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'What each promotion did, in the order asked.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/FleetPromotionResult',
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/health': {
      get: {
        operationId: 'GetHealth',
        description:
          'Whether the plugin and its database answer. No authentication.',
        security: [],
        responses: {
          '200': {
            description: 'Healthy.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: [
                    'status',
                    'database',
                    'sources',
                    'writableSources',
                    'formats',
                    'gates',
                    'writeScopesConfigured',
                  ],
                  properties: {
                    status: {
                      type: 'string',
                      enum: ['ok'],
                    },
                    database: {
                      type: 'string',
                      enum: ['ok'],
                    },
                    sources: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    writableSources: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    formats: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    gates: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    writeScopesConfigured: {
                      type: 'boolean',
                      description:
                        'Whether app-config configures any write scope (glu.writeScopes); without one, Glu refuses every promotion and rollback.',
                    },
                  },
                },
              },
            },
          },
          '503': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/extensions': {
      get: {
        operationId: 'GetExtensions',
        description: 'The source, format and gate types this backend can run.',
        responses: {
          '200': {
            description: 'The registered types.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['sources', 'writableSources', 'formats', 'gates'],
                  properties: {
                    sources: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    writableSources: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                      description:
                        'The source types that Glu can write into, and so promote into.',
                    },
                    formats: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    gates: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/catalog-refusals': {
      get: {
        operationId: 'ListCatalogRefusals',
        description:
          "The pipeline definitions that the catalog refused, and why, of the calling user's pipelines (owned by the user or one of their groups). The catalog keeps no refused entity, so this is where its owners see why a pipeline does not appear. A refusal shows while the catalog keeps refusing the definition.",
        responses: {
          '200': {
            description: 'The refusals, ordered by pipeline.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/CatalogRefusal',
                      },
                    },
                  },
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/catalog-refusals/{namespace}/{name}': {
      put: {
        operationId: 'RecordCatalogRefusal',
        description:
          "Records that the catalog refused a pipeline's definition. Only the catalog (its Glu module, with the catalog's service token) may.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['reason'],
                additionalProperties: false,
                properties: {
                  owner: {
                    type: 'string',
                    pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
                    description: "The definition's owner, as an entity ref.",
                  },
                  reason: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 8000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '204': {
            description: 'Recorded.',
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      delete: {
        operationId: 'ForgetCatalogRefusal',
        description:
          "Records that the catalog accepted a pipeline's definition. Only the catalog (its Glu module, with the catalog's service token) may.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        responses: {
          '204': {
            description: 'Forgotten.',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines': {
      get: {
        operationId: 'ListPipelines',
        description:
          "Pipelines, ordered by entity ref, with their phases' versions: those the caller may read (`glu.pipeline.read`), which may be none. A caller who may read no pipeline at all (the policy denies the permission outright, e.g. to a CI token granted only `glu.pipeline.publish`) is answered 403 rather than an empty list.",
        parameters: [
          {
            name: 'component',
            in: 'query',
            required: false,
            description:
              'Only pipelines that deliver this component (entity ref).',
            schema: {
              type: 'string',
              pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
            },
          },
          {
            name: 'owner',
            in: 'query',
            required: false,
            description:
              'Only pipelines that one of these groups or users owns (entity refs); repeat it for several, e.g. a person and their groups.',
            style: 'form',
            explode: true,
            schema: {
              type: 'array',
              maxItems: 100,
              items: {
                type: 'string',
                pattern: '^[-_.:/a-zA-Z0-9]{1,512}$',
              },
            },
          },
          {
            name: 'mine',
            in: 'query',
            required: false,
            description:
              "Only pipelines that the caller owns, as a user or through one of their groups (the user's ownership refs); needs a user's token, and is not given with owner.",
            schema: {
              type: 'boolean',
            },
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'A page of pipelines.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/PipelineSummary',
                      },
                    },
                    nextCursor: {
                      type: 'string',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}': {
      get: {
        operationId: 'GetPipeline',
        description:
          "A pipeline with every phase's state and every edge's status.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        responses: {
          '200': {
            description: 'The pipeline.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PipelineView',
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/dora': {
      get: {
        operationId: 'GetPipelineDora',
        description:
          "The pipeline's DORA figures over a period, and its deployments.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/periodFrom',
          },
          {
            $ref: '#/components/parameters/periodTo',
          },
        ],
        responses: {
          '200': {
            description: 'The figures.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PipelineDora',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/refresh': {
      get: {
        operationId: 'GetPipelineRefresh',
        description:
          "When Glu last looked at each of the pipeline's phases, and which fail to refresh. Read as the pipeline is.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        responses: {
          '200': {
            description: 'When each phase was last looked at.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PipelineRefresh',
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      post: {
        operationId: 'RefreshPipeline',
        description:
          "Looks at the pipeline's sources now, rather than at the next poll.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        responses: {
          '200': {
            description: 'The pipeline after the refresh.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PipelineView',
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/phases/{phase}/history': {
      get: {
        operationId: 'ListPhaseHistory',
        description: 'Every state the phase was observed in, newest first.',
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'A page of history entries.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/HistoryEntry',
                      },
                    },
                    nextCursor: {
                      type: 'string',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/phases/{phase}/diff': {
      get: {
        operationId: 'DiffPhaseHistory',
        description:
          "The difference between two entries of a phase's history: the unified\ndiff of the phase's file (Git-backed phases), and the resource fields\nof both.\n",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
          {
            name: 'from',
            in: 'query',
            required: true,
            description: "The older history entry's id.",
            schema: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,14}$',
            },
          },
          {
            name: 'to',
            in: 'query',
            required: true,
            description: "The newer history entry's id.",
            schema: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,14}$',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The difference.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['from', 'to', 'diff'],
                  properties: {
                    from: {
                      $ref: '#/components/schemas/HistoryEntry',
                    },
                    to: {
                      $ref: '#/components/schemas/HistoryEntry',
                    },
                    diff: {
                      type: 'string',
                      description:
                        'The unified diff of the file; empty when the phase has no file or it did not change.',
                    },
                  },
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/phases/{phase}/approvals': {
      post: {
        operationId: 'ApproveVersion',
        description:
          'Approves, for the phase, the version its upstream phase holds now\n(for edges with an approvals gate). One approval per person and\nversion; approving again changes nothing. An edge with no approvals\ngate has nothing to approve: answered 400.\n',
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  from: {
                    type: 'string',
                    description:
                      'The upstream phase, when the phase has several.',
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'The version and everyone who approved it for the phase.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['digest', 'version', 'approvers'],
                  properties: {
                    digest: {
                      type: 'string',
                    },
                    version: {
                      type: 'string',
                    },
                    approvers: {
                      type: 'array',
                      items: {
                        type: 'string',
                      },
                    },
                    approval: {
                      $ref: '#/components/schemas/ApprovalStatus',
                    },
                    promotion: {
                      $ref: '#/components/schemas/Promotion',
                      description:
                        'The promotion that Glu carried out for the open request on the edge, when this approval met its policy.',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/phases/{phase}/pin': {
      post: {
        operationId: 'PinPhase',
        description:
          'Holds the phase at its current version, with a reason: automatic\npromotion leaves it alone and manual promotion is refused, naming who\npinned it and why, until it is unpinned.\n',
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['reason'],
                additionalProperties: false,
                properties: {
                  reason: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 1000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The pin.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Pin',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      delete: {
        operationId: 'UnpinPhase',
        description:
          'Releases a pinned phase; automatic promotion resumes with the newest version.',
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
        ],
        responses: {
          '204': {
            description: 'Unpinned.',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/phases/{phase}/rollback': {
      post: {
        operationId: 'RollbackPhase',
        description:
          "Puts the phase back in an earlier state of its history: the file\ncontent of that state, exactly, committed through the phase's own\nstrategy and recorded as a rollback. With `pin`, the phase is pinned\nthere too. With dryRun, nothing is written and the answer holds the\nunified diff that the rollback would commit, against the file as it\nis now.\n",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['historyId'],
                additionalProperties: false,
                properties: {
                  historyId: {
                    type: 'string',
                    pattern: '^[1-9][0-9]{0,14}$',
                    description: 'The id of the history entry to go back to.',
                  },
                  pin: {
                    type: 'object',
                    required: ['reason'],
                    additionalProperties: false,
                    properties: {
                      reason: {
                        type: 'string',
                        minLength: 1,
                        maxLength: 1000,
                      },
                    },
                  },
                  dryRun: {
                    type: 'boolean',
                    default: false,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'The rollback, a promotion record of kind rollback, or with dryRun what it would do.',
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      $ref: '#/components/schemas/Promotion',
                    },
                    {
                      $ref: '#/components/schemas/PromotionDryRun',
                    },
                  ],
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/phases/{phase}/versions': {
      post: {
        operationId: 'PublishVersion',
        description:
          "Publishes a version to a phase whose source is `api`, e.g. from CI once\na build is done. Authorized with the publish permission; a service\ntoken (external access) is the usual caller. Publishing the version\nthe phase already holds changes nothing. Automatic promotions from the\nphase follow at once.\n\nWith a W3C `traceparent` header (CI's, as `glu publish` sends it), the\npublish is part of CI's trace, and so are the promotions that the\nversion sets off, phase after phase, and the commits they make\n(trailer `Glu-Trace-Id`). A header that is not a valid trace context\nis ignored.\n\nA version's fields are checked for form before anything is stored:\n`digest` is an OCI digest (`sha256:` and 64 lowercase hex characters,\nor `sha512:` and 128), `tag` an OCI tag (up to 128 letters, digits,\n`_`, `.` and `-`, not starting with `.` or `-`), `version` a tag or\na SemVer version (as a tag, and `+` besides, not first: `1.6.0`,\n`v1.6.0-rc.1`, `1.6.0+build.5`), `repository` an image repository\n(lowercase path components after an optional `host[:port]/`), and no\nfield is empty, holds a control character or is longer than 255\ncharacters. A version that is not so is answered 400, naming the\nfield and what to fix.\n",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            $ref: '#/components/parameters/phase',
          },
          {
            name: 'traceparent',
            in: 'header',
            required: false,
            description:
              'The W3C trace context of the CI run that made the version, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`.',
            schema: {
              type: 'string',
              maxLength: 512,
            },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  version: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 128,
                    description:
                      'What people call the version; short for fields.version.',
                  },
                  fields: {
                    type: 'object',
                    description:
                      'The resource fields, e.g. repository, tag and digest of an image.',
                    maxProperties: 20,
                    propertyNames: {
                      maxLength: 64,
                    },
                    additionalProperties: {
                      type: 'string',
                      maxLength: 255,
                    },
                  },
                  digest: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 255,
                    description:
                      "The version's identity, an OCI digest such as `sha256:` and 64 lowercase hex characters.",
                  },
                  url: {
                    type: 'string',
                    maxLength: 2048,
                    description: 'A link to the build or artifact.',
                  },
                  message: {
                    type: 'string',
                    maxLength: 2000,
                  },
                  author: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 255,
                    description:
                      'Who made the version (a user ref, or a name in the default namespace): with an approval policy that says so, they may not approve it.',
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'What the phase holds now, and whether this changed it.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['changed', 'state'],
                  properties: {
                    changed: {
                      type: 'boolean',
                    },
                    state: {
                      $ref: '#/components/schemas/HistoryEntry',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/promotions': {
      get: {
        operationId: 'ListPromotions',
        description: "The pipeline's promotions, newest first.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            name: 'phase',
            in: 'query',
            required: false,
            description: 'Only promotions into this phase.',
            schema: {
              type: 'string',
            },
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'A page of promotions.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/Promotion',
                      },
                    },
                    nextCursor: {
                      type: 'string',
                    },
                  },
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      post: {
        operationId: 'CreatePromotion',
        description:
          "Promotes the upstream phase's version into a phase. Equal digests mean\nthere is nothing to do: the answer is a promotion with status\nup-to-date. With dryRun, nothing is written and the answer holds the\nunified diff of the file that would change.\n",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['phase'],
                additionalProperties: false,
                properties: {
                  phase: {
                    type: 'string',
                    description: 'The phase to promote into.',
                  },
                  from: {
                    type: 'string',
                    description:
                      'The upstream phase, when the phase has several.',
                  },
                  dryRun: {
                    type: 'boolean',
                    default: false,
                  },
                  hotfix: {
                    type: 'object',
                    description:
                      "Go through the freezes that hold the phase, with a reason (needs glu.pipeline.hotfix). Audited, marked in history and DORA, and told to the pipeline's owners and the freezes' authors. Every other gate still applies.",
                    required: ['reason'],
                    additionalProperties: false,
                    properties: {
                      reason: {
                        type: 'string',
                        minLength: 1,
                        maxLength: 1000,
                      },
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The promotion, or with dryRun what it would do.',
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      $ref: '#/components/schemas/Promotion',
                    },
                    {
                      $ref: '#/components/schemas/PromotionDryRun',
                    },
                  ],
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/freezes': {
      get: {
        operationId: 'ListFreezes',
        description:
          "The freezes that hold promotions now or will: those set at run time\nand not lifted or ended, and those from app-config with their current\nor next occurrence. A pipeline that the caller may not read is left\nout of a freeze's scope.\n",
        responses: {
          '200': {
            description: 'The freezes, active ones first.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/Freeze',
                      },
                    },
                  },
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      post: {
        operationId: 'SetFreeze',
        description:
          'Sets a freeze (needs glu.freeze.manage): from startsAt (by default\nnow) until it is lifted or until endsAt, promotions into the phases it\ncovers are blocked with it as the reason, on every replica within\nseconds; automatic promotion waits and resumes when it ends. Only a\nhotfix goes through.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['reason'],
                additionalProperties: false,
                properties: {
                  reason: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 1000,
                  },
                  scope: {
                    $ref: '#/components/schemas/FreezeScope',
                  },
                  startsAt: {
                    type: 'string',
                    format: 'date-time',
                  },
                  endsAt: {
                    type: 'string',
                    format: 'date-time',
                  },
                  rollbacks: {
                    type: 'boolean',
                    default: false,
                    description: 'Freeze rollbacks too.',
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The freeze.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Freeze',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/freezes/{id}': {
      delete: {
        operationId: 'LiftFreeze',
        description:
          'Lifts a freeze set at run time (needs glu.freeze.manage); automatic\npromotions that waited go on, in the order their versions arrived. A\nfreeze from app-config is changed in app-config: answered 409.\n',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              pattern: '^([1-9][0-9]{0,14}|config:[-_.a-zA-Z0-9]{1,100})$',
            },
          },
        ],
        responses: {
          '204': {
            description: 'Lifted.',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/quarantines': {
      get: {
        operationId: 'ListQuarantines',
        description:
          'The quarantines in force, newest first, each with the phases that hold\nits version now. A pipeline that the caller may not read is left out\n(a quarantine of it, and the phases of it that hold a version).\n',
        parameters: [
          {
            name: 'pipeline',
            in: 'query',
            required: false,
            description:
              'Only the quarantines that apply to this pipeline (an entity ref).',
            schema: {
              type: 'string',
              maxLength: 300,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The quarantines.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/Quarantine',
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      post: {
        operationId: 'QuarantineVersion',
        description:
          'Quarantines a version: a version of one pipeline (`pipeline` with\n`version` or `digest`: permission glu.pipeline.quarantine on it), or a\ndigest in every pipeline that holds or may hold it (`digest` alone:\nglu.quarantine.manage). Nothing promotes it again where it applies;\na publish of it is recorded, not promoted. With `rollback`, each\nwritable phase that holds it goes back to what it held before, through\nits own strategy, pinned there.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['reason'],
                additionalProperties: false,
                properties: {
                  reason: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 1000,
                  },
                  pipeline: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 300,
                  },
                  version: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 128,
                  },
                  digest: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 200,
                  },
                  rollback: {
                    type: 'boolean',
                    default: false,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'The quarantine, with the phases that hold it and the rollbacks.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Quarantine',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/quarantines/{id}': {
      delete: {
        operationId: 'LiftQuarantine',
        description:
          'Lifts a quarantine (the permission it was set with). Pins that its\nrollbacks set stay until they are unpinned.\n',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,14}$',
            },
          },
        ],
        responses: {
          '204': {
            description: 'Lifted.',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/requests': {
      get: {
        operationId: 'ListPromotionRequests',
        description: "The pipeline's promotion requests, newest first.",
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            name: 'status',
            in: 'query',
            required: false,
            schema: {
              type: 'string',
              enum: [
                'open',
                'carried-out',
                'withdrawn',
                'expired',
                'superseded',
                'failed',
              ],
            },
          },
          {
            $ref: '#/components/parameters/limit',
          },
        ],
        responses: {
          '200': {
            description: 'The requests.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/PromotionRequest',
                      },
                    },
                  },
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
      post: {
        operationId: 'RequestPromotion',
        description:
          'Asks for the promotion of the version the upstream phase holds now into\na phase whose edge has an approvals gate (permission\nglu.pipeline.request). The people who may approve are told; once the\npolicy is met, Glu carries it out, recording the requester as its\nauthor and the approvers as its approvers. One open request per edge:\na new one replaces an older one.\n',
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['phase'],
                additionalProperties: false,
                properties: {
                  phase: {
                    type: 'string',
                    pattern: '^[-_.a-zA-Z0-9]{1,253}$',
                  },
                  from: {
                    type: 'string',
                    pattern: '^[-_.a-zA-Z0-9]{1,253}$',
                  },
                  reason: {
                    type: 'string',
                    maxLength: 1000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The request.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PromotionRequest',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/pipelines/{namespace}/{name}/requests/{id}': {
      delete: {
        operationId: 'WithdrawPromotionRequest',
        description:
          'Withdraws an open request: its requester may, and so may whoever may\npromote into its phase (glu.pipeline.promote).\n',
        parameters: [
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,14}$',
            },
          },
        ],
        responses: {
          '204': {
            description: 'Withdrawn.',
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '409': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
    '/promotions/{id}': {
      get: {
        operationId: 'GetPromotion',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              pattern: '^[-_a-zA-Z0-9]{1,64}$',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The promotion.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Promotion',
                },
              },
            },
          },
          '403': {
            $ref: '#/components/responses/ErrorResponse',
          },
          '404': {
            $ref: '#/components/responses/ErrorResponse',
          },
        },
      },
    },
  },
} as const;
