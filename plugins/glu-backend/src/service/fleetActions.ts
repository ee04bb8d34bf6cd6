import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { z } from 'zod/v3';
import {
  FleetDiffItemSchema,
  FleetPromotionResultSchema,
  FleetRowSchema,
} from '../schema/zod.generated';
import { AuditedWrites } from './AuditedWrites';
import { FleetQuery, GluService } from './GluService';
import { ownersOf } from './owners';

const NAME = /^[-_.a-zA-Z0-9]{1,253}$/;
const ENVIRONMENT = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const fleetInput = (zod: typeof z) => ({
  owner: zod
    .array(zod.string().min(1).max(512))
    .max(100)
    .optional()
    .describe('Entity refs of users or groups: owned by any of them'),
  mine: zod
    .boolean()
    .optional()
    .describe("Only the caller's own pipelines (a user)"),
  system: zod
    .array(zod.string().min(1).max(512))
    .max(100)
    .optional()
    .describe(
      'Entity refs of systems: only pipelines part of one of them, e.g. system:default/shop',
    ),
  limit: zod
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('How many pipelines a page holds (200 by default)'),
  cursor: zod
    .string()
    .max(2000)
    .optional()
    .describe('The nextCursor of the previous page'),
});

const environmentInput = (zod: typeof z, what: string) =>
  zod.string().regex(ENVIRONMENT).describe(what);

/**
 * The fleet in the actions registry: every pipeline the caller may read
 * side by side by environment, two environments compared, and several
 * promotions at once, each audited and authorized as its own promotion is.
 */
export function registerFleetActions(options: {
  registry: Pick<ActionsRegistryService, 'register'>;
  service: GluService;
  writes: AuditedWrites;
  auth: AuthService;
  userInfo: UserInfoService;
}) {
  const { registry, service, writes } = options;

  const queryOf = async (
    input: z.infer<z.ZodObject<ReturnType<typeof fleetInput>>>,
    credentials: BackstageCredentials,
  ): Promise<FleetQuery> => ({
    owner: await ownersOf(input, credentials, options),
    ...(input.system?.length
      ? { system: input.system.map(s => s.toLocaleLowerCase('en-US')) }
      : {}),
    limit: input.limit ?? 200,
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });

  registry.register({
    name: 'get-fleet',
    title: 'Show the Glu fleet',
    description:
      "Every Glu pipeline the caller may read (filtered by owner, the caller's own with mine, or system), side by side: for each phase, under the environment it stands for, the version and digest it holds, since when, and its status (up-to-date, behind, promoting, blocked, pinned, frozen, quarantined, refresh-failing, empty) with the reasons; behind says what an upstream holds that it does not, how many versions and since when. environments are the page's columns, upstream first. Ordered by entity ref; follow nextCursor.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => zod.object(fleetInput(zod)),
      output: () =>
        z.object({
          environments: z.array(z.string()),
          items: z.array(FleetRowSchema),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await service.getFleet(await queryOf(input, credentials), {
        credentials,
      }),
    }),
  });

  registry.register({
    name: 'diff-fleet',
    title: 'Compare two environments across the Glu fleet',
    description:
      'The pipelines (of a page of the fleet the caller may read) that have both environments and whose `to` environment does not hold the version `from` holds, e.g. what staging has that production does not: both cells, whether the phase of `to` may be promoted from the phase of `from` now (promotable), and why not (reasons: its edge comes from another phase, a gate, a pin, a freeze). A page may hold fewer items than its limit; follow nextCursor. promote-fleet promotes the promotable ones.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          from: environmentInput(zod, 'The environment ahead, e.g. staging'),
          to: environmentInput(zod, 'The environment behind, e.g. production'),
          ...fleetInput(zod),
        }),
      output: () =>
        z.object({
          from: z.string(),
          to: z.string(),
          items: z.array(FleetDiffItemSchema),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await service.diffFleet(
        { from: input.from, to: input.to },
        await queryOf(input, credentials),
        { credentials },
      ),
    }),
  });

  registry.register({
    name: 'promote-fleet',
    title: 'Promote several Glu pipelines',
    description:
      "Several promotions at once (at most 100), each exactly as promote makes it: the version its upstream phase holds, by commit or pull request as its pipeline says, under its gates, pins, freezes and quarantines, needing the caller's promote permission on its pipeline, and audited as its own. Answers what each did in the order asked: its promotion, or the error it was refused with (name, message, HTTP status, e.g. 409 when something holds it back). One refusal does not stop the others.",
    attributes: { destructive: false, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          items: zod
            .array(
              zod.object({
                pipeline: zod
                  .string()
                  .min(1)
                  .max(512)
                  .describe(
                    'The pipeline, as an entity ref: pipeline:default/checkout, default/checkout or checkout',
                  ),
                phase: zod
                  .string()
                  .regex(NAME)
                  .describe('The phase to promote into, e.g. production'),
                from: zod
                  .string()
                  .regex(NAME)
                  .optional()
                  .describe('The upstream phase, when the phase has several'),
              }),
            )
            .min(1)
            .max(100)
            .describe('The promotions, in the order the answer keeps'),
        }),
      output: () => z.object({ items: z.array(FleetPromotionResultSchema) }),
    },
    examples: [
      {
        title: 'Promote two pipelines into production',
        input: {
          items: [
            { pipeline: 'checkout', phase: 'production' },
            { pipeline: 'payments', phase: 'production', from: 'canary' },
          ],
        },
      },
    ],
    action: async ({ input, credentials }) => ({
      output: await writes.promoteFleet(input.items, credentials),
    }),
  });
}
