import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { parsePipelineRef } from '@glu-dev/plugin-glu-common';
import { z } from 'zod/v3';
import {
  ApprovalStatusSchema,
  PromotionRequestSchema,
  PromotionSchema,
} from '../schema/zod.generated';
import { AuditedWrites } from './AuditedWrites';
import { GluService } from './GluService';

/** A pipeline as actions name it: `pipeline:default/checkout`, or short. */
function pipelineRefOf(input: string): string {
  return stringifyEntityRef(parsePipelineRef(input));
}

const NAME = /^[-_.a-zA-Z0-9]{1,253}$/;

const pipelineInput = (zod: typeof z) =>
  zod
    .string()
    .min(1)
    .max(300)
    .describe(
      'The pipeline, as an entity ref: pipeline:default/checkout, default/checkout or checkout',
    );
const edgeInput = (zod: typeof z) => ({
  pipeline: pipelineInput(zod),
  phase: zod
    .string()
    .regex(NAME)
    .describe('The phase to promote into, by name, e.g. production'),
  from: zod
    .string()
    .regex(NAME)
    .optional()
    .describe('The upstream phase, when the phase has several'),
});
const requestIdInput = (zod: typeof z) =>
  zod
    .string()
    .regex(/^[1-9][0-9]{0,14}$/)
    .describe('The promotion request, by id, e.g. 4');

const STATUSES = [
  'open',
  'carried-out',
  'withdrawn',
  'expired',
  'superseded',
  'failed',
] as const;

/**
 * Approvals and promotion requests in the actions registry: ask for a
 * promotion that waits for its edge's approval policy, list and withdraw
 * requests, and approve a version (which carries out an open request once
 * its policy is met). Each acts with the caller's credentials through the
 * same service as the HTTP API, so under the same permissions and approval
 * policy, and each write is an auditor event.
 */
export function registerRequestActions(options: {
  registry: Pick<ActionsRegistryService, 'register'>;
  service: GluService;
  writes: AuditedWrites;
}) {
  const { registry, service, writes } = options;
  const as = (credentials: BackstageCredentials) => ({ credentials });

  registry.register({
    name: 'request-promotion',
    title: 'Ask for a Glu promotion',
    description:
      "Asks for the promotion of the version the upstream phase holds now into a phase whose edge has an approvals gate, for someone who may not promote it (needs glu.pipeline.request on the pipeline). The request waits on the edge (one open request per edge: a new one supersedes the older) until the edge's approval policy is met; the people who may approve are told, and Glu then carries it out in the requester's name, the approvers recorded. It expires after seven days. Answers the request, with the id that withdraw-promotion-request takes; get-pipeline shows who is still needed (approval on the edge). An edge without an approvals gate has nothing to request (InputError).",
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          ...edgeInput(zod),
          reason: zod
            .string()
            .max(1000)
            .optional()
            .describe(
              'Why, for the people who may approve it, e.g. "The cart fix"',
            ),
        }),
      output: () => PromotionRequestSchema,
    },
    examples: [
      {
        title: 'Ask for the promotion into production',
        input: {
          pipeline: 'checkout',
          phase: 'production',
          reason: 'The cart fix',
        },
      },
    ],
    action: async ({ input, credentials }) => ({
      output: await writes.run(
        writes.requestPromotion(pipelineRefOf(input.pipeline), {
          phase: input.phase,
          ...(input.from ? { from: input.from } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
        }),
        credentials,
      ),
    }),
  });

  registry.register({
    name: 'list-promotion-requests',
    title: "List a Glu pipeline's promotion requests",
    description:
      "A pipeline's promotion requests, newest first: each with its id, its edge (from, to), the version and digest it asks for, who asked (requestedBy) and why (reason), its status (open, carried-out, withdrawn, expired, superseded, failed), when it was made, expires and ended, and the promotion that carried it out (promotionId) or why it failed (error). Give status for only those in one state, e.g. open.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          pipeline: pipelineInput(zod),
          status: zod
            .enum(STATUSES)
            .optional()
            .describe('Only the requests in this state, e.g. open'),
          limit: zod
            .number()
            .int()
            .min(1)
            .max(500)
            .optional()
            .describe('At most this many (50 by default)'),
        }),
      output: () => z.object({ items: z.array(PromotionRequestSchema) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        items: await service.listPromotionRequests(
          pipelineRefOf(input.pipeline),
          {
            ...(input.status ? { status: input.status } : {}),
            limit: input.limit ?? 50,
          },
          as(credentials),
        ),
      },
    }),
  });

  registry.register({
    name: 'withdraw-promotion-request',
    title: 'Withdraw a Glu promotion request',
    description:
      'Withdraws an open promotion request, by the id that request-promotion or list-promotion-requests answered: its requester may, and so may whoever may promote into its phase (glu.pipeline.promote). A request that is not open (carried out, withdrawn, superseded, expired, failed) is a ConflictError; one that is not there a NotFoundError.',
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({ pipeline: pipelineInput(zod), id: requestIdInput(zod) }),
      output: () => z.object({ id: z.string(), withdrawn: z.literal(true) }),
    },
    action: async ({ input, credentials }) => {
      await writes.run(
        writes.withdrawPromotionRequest(
          pipelineRefOf(input.pipeline),
          input.id,
        ),
        credentials,
      );
      return { output: { id: input.id, withdrawn: true as const } };
    },
  });

  registry.register({
    name: 'approve-version',
    title: 'Approve a version in Glu',
    description:
      "Approves, for a phase, the version its upstream phase holds now (people only; needs glu.pipeline.approve). An approval the edge's approval policy would not count is refused (NotAllowedError) saying why: the approver asked for the promotion, made the version, or is in none of the policy's groups. Answers the version, everyone who approved it, where the policy stands (approval: who counted, who is still needed by group, passed) and, when this approval met the policy of the edge's open request, the promotion that Glu carried out for it (promotion, in the requester's name, with approvedBy). An edge without an approvals gate has nothing to approve (InputError).",
    attributes: { destructive: false, idempotent: true },
    schema: {
      input: zod => zod.object(edgeInput(zod)),
      output: () =>
        z.object({
          digest: z.string(),
          version: z.string(),
          approvers: z.array(z.string()),
          approval: ApprovalStatusSchema.optional(),
          promotion: PromotionSchema.optional().describe(
            "The promotion that Glu carried out for the edge's open request, when this approval met its policy",
          ),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await writes.run(
        writes.approve(
          pipelineRefOf(input.pipeline),
          input.phase,
          input.from ? { from: input.from } : {},
        ),
        credentials,
      ),
    }),
  });
}
