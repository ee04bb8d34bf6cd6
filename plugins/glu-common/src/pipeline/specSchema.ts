/*
 * The shape of a Pipeline's spec, with zod: what each field must be before
 * the checks that look across fields. A phase's source and promotion are
 * only roughly shaped here; sources.ts and edges.ts check them in full, so
 * that their messages name the exact field.
 */
import { z } from 'zod';
import { intervalMillis } from './durations';
import { NOTIFICATION_KINDS, NotificationKind } from './types';

/** A phase's name: a DNS label (RFC 1123). */
export const nameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be lowercase letters, digits and dashes, at most 63 characters',
  );

/** A duration, e.g. `30s`, `5m`, `1h`: how often a phase is looked at, a window. */
export const intervalSchema = z
  .string()
  .refine(interval => intervalMillis(interval) !== undefined, {
    message: 'must be a duration like 30s, 5m or 1h',
  })
  .optional();

const phaseSchema = z.strictObject({
  // The name's pattern is checked apart, so that other problems still show.
  name: z.string().min(1),
  title: z.string().optional(),
  // Checked apart, as the name is.
  environment: z.string().min(1).optional(),
  source: z.looseObject({ type: z.string().min(1) }),
  // An edge, or a list of edges (fan-in); checked apart for precise messages.
  promotion: z.unknown().optional(),
});

const doraSchema = z.strictObject({
  production: z.array(z.string().min(1)).min(1).optional(),
  failureWindow: intervalSchema,
  fix: z
    .string()
    .min(1)
    .refine(
      pattern => {
        try {
          return Boolean(new RegExp(pattern, 'i'));
        } catch {
          return false;
        }
      },
      { message: 'must be a regular expression, e.g. ^(fix|hotfix)\\b' },
    )
    .optional(),
});

const notificationsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  off: z
    .array(
      z.enum(
        NOTIFICATION_KINDS as unknown as [
          NotificationKind,
          ...NotificationKind[],
        ],
      ),
    )
    .optional(),
  blockedAfter: intervalSchema,
  refreshFailingAfter: intervalSchema,
  pinnedAfter: intervalSchema,
});

export const specSchema = z.strictObject({
  owner: z.string().min(1),
  system: z.string().min(1).optional(),
  components: z.array(z.string().min(1)).default([]),
  phases: z.array(phaseSchema).min(1),
  dora: doraSchema.optional(),
  notifications: notificationsSchema.optional(),
});

/** A spec of the right shape, before the checks across its fields. */
export type PipelineSpec = z.infer<typeof specSchema>;
