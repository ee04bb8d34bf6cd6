import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { parsePipelineRef } from '@glu-dev/plugin-glu-common';
import { z } from 'zod/v3';
import {
  HistoryEntrySchema,
  OwnerDoraSchema,
  PinSchema,
  PipelineDoraSchema,
  PipelineSummarySchema,
  PipelineViewSchema,
  PromotionDryRunSchema,
  PromotionSchema,
} from '../schema/zod.generated';
import { doraPeriodOf } from '../insight/dora';
import { AuditedWrites } from './AuditedWrites';
import { registerFleetActions } from './fleetActions';
import { registerFreezeActions } from './freezeActions';
import { registerQuarantineActions } from './quarantineActions';
import { registerRequestActions } from './requestActions';
import { GluService, PromoteInput } from './GluService';
import { ownersOf } from './owners';
import { answerable } from '../errors';

/** A pipeline as actions name it: `pipeline:default/checkout`, or short. */
function pipelineRefOf(input: string): string {
  return stringifyEntityRef(parsePipelineRef(input));
}

const pipelineInput = (zod: typeof z) =>
  zod
    .string()
    .describe(
      'The pipeline, as an entity ref: pipeline:default/checkout, default/checkout or checkout',
    );
const phaseInput = (zod: typeof z) =>
  zod.string().describe('The phase, by name, e.g. production');
const pageInput = (zod: typeof z) => ({
  limit: zod
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('The page size (50 by default)'),
  cursor: zod
    .string()
    .optional()
    .describe('The nextCursor of the previous page'),
});

/**
 * Glu's operations in the actions registry, for the MCP actions backend and
 * other automation: each acts with the caller's credentials, so under the
 * same permission checks as the HTTP API, and each write is audited as the
 * HTTP API audits it.
 */
export function registerGluActions(options: {
  actionsRegistry: ActionsRegistryService;
  service: GluService;
  writes: AuditedWrites;
  auth: AuthService;
  userInfo: UserInfoService;
}) {
  const { service, writes } = options;
  // A connection that failed answers as over HTTP: a 503, not a 500.
  const registry: Pick<ActionsRegistryService, 'register'> = {
    register: action =>
      options.actionsRegistry.register({
        ...action,
        action: async context => {
          try {
            return await action.action(context);
          } catch (error) {
            throw answerable(error);
          }
        },
      }),
  };
  const as = (credentials: BackstageCredentials) => ({ credentials });

  registry.register({
    name: 'list-pipelines',
    title: 'List Glu pipelines',
    description:
      "Lists Glu deployment pipelines with the version each phase holds and how many edges have a version waiting to be promoted. Filter by owner (users or groups), by the component a pipeline delivers, or to the caller's own (mine).",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          owner: zod
            .array(zod.string())
            .optional()
            .describe('Entity refs of users or groups: owned by any of them'),
          mine: zod
            .boolean()
            .optional()
            .describe("Only the caller's own pipelines (a user)"),
          component: zod
            .string()
            .optional()
            .describe('An entity ref: only pipelines that deliver it'),
          ...pageInput(zod),
        }),
      output: () =>
        z.object({
          items: z.array(PipelineSummarySchema),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await service.listPipelines(
        {
          component: input.component,
          owner: await ownersOf(input, credentials, options),
          limit: input.limit ?? 50,
          cursor: input.cursor,
        },
        as(credentials),
      ),
    }),
  });

  registry.register({
    name: 'get-pipeline',
    title: 'Inspect a Glu pipeline',
    description:
      "A pipeline's phases (the version and digest each holds, its pin, its last refresh) and edges (promotable, blocked with the reasons and gates, in progress, or up to date).",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => zod.object({ pipeline: pipelineInput(zod) }),
      output: () => PipelineViewSchema,
    },
    action: async ({ input, credentials }) => ({
      output: await service.getPipeline(
        pipelineRefOf(input.pipeline),
        as(credentials),
      ),
    }),
  });

  registry.register({
    name: 'list-history',
    title: "List a Glu phase's history",
    description:
      'Every state a phase has held, newest first: version, digest, cause (promotion, rollback, commit, published, observed), who and when. A rollback names one of these by id.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          pipeline: pipelineInput(zod),
          phase: phaseInput(zod),
          ...pageInput(zod),
        }),
      output: () =>
        z.object({
          items: z.array(HistoryEntrySchema),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await service.listHistory(
        pipelineRefOf(input.pipeline),
        input.phase,
        { limit: input.limit ?? 50, cursor: input.cursor },
        as(credentials),
      ),
    }),
  });

  const periodInput = (zod: typeof z) => ({
    from: zod
      .string()
      .datetime({ offset: true })
      .optional()
      .describe('The start of the period; by default 30 days before its end'),
    to: zod
      .string()
      .datetime({ offset: true })
      .optional()
      .describe('The end of the period; by default now'),
  });

  registry.register({
    name: 'get-dora',
    title: 'Get DORA figures from Glu',
    description:
      'Deployment frequency, lead time for changes, change failure rate and time to restore, over a period (the last 30 days by default, at most 366): of one pipeline (with its deployments), or of every pipeline that an owner (a group or user entity ref) owns and the caller may read. Give pipeline or owner.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          pipeline: pipelineInput(zod).optional(),
          owner: zod
            .string()
            .optional()
            .describe('A group or user, e.g. group:default/team-checkout'),
          ...periodInput(zod),
        }),
      output: () =>
        z.object({
          pipeline: PipelineDoraSchema.optional(),
          owner: OwnerDoraSchema.optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      if (!input.pipeline === !input.owner) {
        throw new InputError('Give a pipeline or an owner, one of them');
      }
      const period = doraPeriodOf(input);
      return {
        output: input.pipeline
          ? {
              pipeline: await service.getPipelineDora(
                pipelineRefOf(input.pipeline),
                period,
                as(credentials),
              ),
            }
          : {
              owner: await service.getOwnerDora(
                {
                  owner: [input.owner!.toLocaleLowerCase('en-US')],
                  period,
                },
                as(credentials),
              ),
            },
      };
    },
  });

  const promotionInput = (zod: typeof z) =>
    zod.object({
      pipeline: pipelineInput(zod),
      phase: phaseInput(zod).describe('The phase to promote into'),
      from: zod
        .string()
        .optional()
        .describe('The upstream phase, when the phase has several'),
      hotfixReason: zod
        .string()
        .min(1)
        .max(1000)
        .optional()
        .describe(
          'Only to go through the freezes that hold the phase (a hotfix): why it cannot wait for them to end, e.g. "Fix for the outage of checkout"',
        ),
    });
  const promotionOf = (input: {
    phase: string;
    from?: string;
    hotfixReason?: string;
  }): PromoteInput => ({
    phase: input.phase,
    ...(input.from ? { from: input.from } : {}),
    ...(input.hotfixReason ? { hotfix: { reason: input.hotfixReason } } : {}),
  });

  registry.register({
    name: 'dry-run-promotion',
    title: 'Show what a Glu promotion would change',
    description:
      'Decides a promotion exactly as the promotion would be decided and writes nothing: whether it would write (status), why not (reasons, gates, pins, freezes), the versions before and after, and the unified diff it would commit. With hotfixReason it is decided as a hotfix, through the freezes.',
    attributes: { readOnly: true, idempotent: true },
    schema: { input: promotionInput, output: () => PromotionDryRunSchema },
    action: async ({ input, credentials }) => ({
      output: await writes.run(
        writes.dryRunPromotion(
          pipelineRefOf(input.pipeline),
          promotionOf(input),
        ),
        credentials,
      ),
    }),
  });

  registry.register({
    name: 'promote',
    title: 'Promote with Glu',
    description:
      "Promotes the version the upstream phase holds into a phase, by commit or by pull request as the pipeline says. Refused (409) when a gate, a pin, a freeze, a quarantine or another promotion holds it back; dry-run-promotion shows why first. Needs the caller's promote permission on the pipeline. With hotfixReason it goes through the freezes that hold the phase (list-freezes shows them), as a hotfix: it needs the caller's hotfix permission on the pipeline too, every other gate still applies, and it is audited, marked in the phase's history and DORA figures, and told to the pipeline's owners.",
    attributes: { destructive: false, idempotent: true },
    schema: { input: promotionInput, output: () => PromotionSchema },
    action: async ({ input, credentials }) => ({
      output: await writes.run(
        writes.promote(pipelineRefOf(input.pipeline), promotionOf(input)),
        credentials,
      ),
    }),
  });

  registry.register({
    name: 'rollback',
    title: 'Roll a Glu phase back',
    description:
      "Puts a phase back in an earlier state of its history (list-history names them), through the phase's strategy, recorded as a rollback; optionally pins it there so that automatic promotion leaves it alone.",
    attributes: { destructive: true },
    schema: {
      input: zod =>
        zod.object({
          pipeline: pipelineInput(zod),
          phase: phaseInput(zod),
          historyId: zod.string().describe('The history entry to go back to'),
          pinReason: zod
            .string()
            .optional()
            .describe('If given, pin the phase there with this reason'),
        }),
      output: () => PromotionSchema,
    },
    action: async ({ input, credentials }) => ({
      output: await writes.run(
        writes.rollback(pipelineRefOf(input.pipeline), input.phase, {
          historyId: input.historyId,
          ...(input.pinReason ? { pin: { reason: input.pinReason } } : {}),
        }),
        credentials,
      ),
    }),
  });

  registry.register({
    name: 'pin-phase',
    title: 'Pin a Glu phase',
    description:
      'Holds a phase at the version it holds now, with a reason: automatic promotion leaves it alone and a promotion into it is refused, naming who pinned it and why.',
    attributes: { destructive: false, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          pipeline: pipelineInput(zod),
          phase: phaseInput(zod),
          reason: zod
            .string()
            .min(1)
            .describe('Why, for the people who see it'),
        }),
      output: () => PinSchema,
    },
    action: async ({ input, credentials }) => ({
      output: await writes.run(
        writes.pin(pipelineRefOf(input.pipeline), input.phase, input.reason),
        credentials,
      ),
    }),
  });

  registry.register({
    name: 'unpin-phase',
    title: 'Unpin a Glu phase',
    description:
      'Releases a pinned phase: the newest upstream version may go through again.',
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({ pipeline: pipelineInput(zod), phase: phaseInput(zod) }),
      output: () =>
        z.object({
          pipelineRef: z.string(),
          phase: z.string(),
          pinned: z.literal(false),
        }),
    },
    action: async ({ input, credentials }) => {
      const ref = pipelineRefOf(input.pipeline);
      await writes.run(writes.unpin(ref, input.phase), credentials);
      return {
        output: {
          pipelineRef: ref,
          phase: input.phase,
          pinned: false as const,
        },
      };
    },
  });

  registerFreezeActions({ registry, service, writes });
  registerQuarantineActions({ registry, service, writes });
  registerRequestActions({ registry, service, writes });
  registerFleetActions({ ...options, registry });
}
