import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { z } from 'zod/v3';
import { FreezeSchema } from '../schema/zod.generated';
import { AuditedWrites } from './AuditedWrites';
import { FreezeInput, GluService } from './GluService';

const isoTime = (zod: typeof z) => zod.string().datetime({ offset: true });

/**
 * Freezes in the actions registry: list them, set one, lift one. Each acts
 * with the caller's credentials through the same service as the HTTP API,
 * so setting or lifting needs `glu.freeze.manage`, and each write is an
 * auditor event. A promotion goes through a freeze only as a hotfix (the
 * `promote` action's `hotfixReason`).
 */
export function registerFreezeActions(options: {
  registry: Pick<ActionsRegistryService, 'register'>;
  service: GluService;
  writes: AuditedWrites;
}) {
  const { registry, service, writes } = options;
  const as = (credentials: BackstageCredentials) => ({ credentials });

  registry.register({
    name: 'list-freezes',
    title: 'List Glu freezes',
    description:
      'The freezes that hold promotions now (active) or will (scheduled), active ones first: each with its id, reason, scope (namespaces, owners, pipelines, phases; none means every phase of every pipeline), whether it holds rollbacks too, who set it, and when it starts and ends. Freezes set at run time have a number for id; recurring ones from app-config have config:<name> and a recurrence. A promotion into a phase that an active freeze covers is blocked, unless it is a hotfix.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => zod.object({}),
      output: () => z.object({ items: z.array(FreezeSchema) }),
    },
    action: async ({ credentials }) => ({
      output: { items: await service.listFreezes(as(credentials)) },
    }),
  });

  registry.register({
    name: 'set-freeze',
    title: 'Set a Glu freeze',
    description:
      "Stops the line: from startsAt (by default now) until endsAt or until it is lifted (lift-freeze), promotions into the phases the freeze covers are blocked with its reason, manual and automatic alike; automatic promotion resumes when it ends. Every part of the scope that is given must match; no scope covers every phase of every pipeline. Rollbacks still go through unless rollbacks is true. Only a hotfix (promote with hotfixReason) goes through. Needs the caller's glu.freeze.manage permission. Answers the freeze, with the id that lift-freeze takes.",
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          reason: zod
            .string()
            .min(1)
            .max(1000)
            .describe(
              'Why, for the people it holds back, e.g. "Release week: no changes to production"',
            ),
          scope: zod
            .object({
              namespaces: zod
                .array(zod.string().regex(/^[-_.a-zA-Z0-9]{1,253}$/))
                .max(100)
                .optional()
                .describe('Pipelines in these catalog namespaces'),
              owners: zod
                .array(zod.string().min(1).max(300))
                .max(100)
                .optional()
                .describe(
                  'Pipelines these groups or users own, as entity refs: group:default/team-checkout, or team-checkout for a group in the default namespace',
                ),
              pipelines: zod
                .array(zod.string().min(1).max(300))
                .max(500)
                .optional()
                .describe(
                  'These pipelines, as entity refs: pipeline:default/checkout, default/checkout or checkout',
                ),
              phases: zod
                .array(zod.string().regex(/^[-_.a-zA-Z0-9]{1,253}$/))
                .max(100)
                .optional()
                .describe('Only the phases of these names, e.g. production'),
            })
            .strict()
            .optional()
            .describe(
              "What it covers: every part given must match (e.g. owners and phases: those phases of those owners' pipelines); none covers every phase of every pipeline",
            ),
          startsAt: isoTime(zod)
            .optional()
            .describe(
              'When it starts, an ISO 8601 time with an offset; by default now',
            ),
          endsAt: isoTime(zod)
            .optional()
            .describe(
              'When it ends by itself, an ISO 8601 time with an offset; by default it holds until it is lifted',
            ),
          rollbacks: zod
            .boolean()
            .optional()
            .describe(
              'Hold rollbacks too; by default they go through, so that service can always be restored',
            ),
        }),
      output: () => FreezeSchema,
    },
    examples: [
      {
        title: "Freeze a team's production phases until a given time",
        input: {
          reason: 'Release week: no changes to production',
          scope: {
            owners: ['group:default/team-checkout'],
            phases: ['production'],
          },
          endsAt: '2026-12-24T18:00:00Z',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      // Glu puts the scope's refs in full (checkout is pipeline:default/checkout).
      const request: FreezeInput = {
        reason: input.reason,
        ...(input.scope ? { scope: input.scope } : {}),
        ...(input.startsAt ? { startsAt: input.startsAt } : {}),
        ...(input.endsAt ? { endsAt: input.endsAt } : {}),
        ...(input.rollbacks !== undefined
          ? { rollbacks: input.rollbacks }
          : {}),
      };
      return {
        output: await writes.run(writes.setFreeze(request), credentials),
      };
    },
  });

  registry.register({
    name: 'lift-freeze',
    title: 'Lift a Glu freeze',
    description:
      "Lifts a freeze set at run time, by the id that list-freezes or set-freeze answered: the promotions it held may go through again, and automatic ones that waited go on in the order their versions arrived. A recurring freeze from app-config (id config:<name>) is changed in app-config, not here (refused, 409). Needs the caller's glu.freeze.manage permission.",
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          id: zod
            .string()
            .regex(/^([1-9][0-9]{0,14}|config:[-_.a-zA-Z0-9]{1,100})$/)
            .describe('The freeze, by id, e.g. 3'),
        }),
      output: () => z.object({ id: z.string(), lifted: z.literal(true) }),
    },
    action: async ({ input, credentials }) => {
      await writes.run(writes.liftFreeze(input.id), credentials);
      return { output: { id: input.id, lifted: true as const } };
    },
  });
}
