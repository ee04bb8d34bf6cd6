import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { parsePipelineRef } from '@glu-dev/plugin-glu-common';
import { z } from 'zod/v3';
import { QuarantineSchema } from '../schema/zod.generated';
import { AuditedWrites } from './AuditedWrites';
import { GluService, QuarantineInput } from './GluService';

/** A pipeline as actions name it: `pipeline:default/checkout`, or short. */
function pipelineRefOf(input: string): string {
  return stringifyEntityRef(parsePipelineRef(input));
}

const pipelineInput = (zod: typeof z) =>
  zod
    .string()
    .min(1)
    .max(300)
    .describe(
      'The pipeline, as an entity ref: pipeline:default/checkout, default/checkout or checkout',
    );

/**
 * Quarantined versions in the actions registry: list them, quarantine one,
 * lift one. Each acts with the caller's credentials through the same
 * service as the HTTP API, so quarantining a version of a pipeline needs
 * `glu.pipeline.quarantine` on it and a digest everywhere
 * `glu.quarantine.manage`, and each write is an auditor event.
 */
export function registerQuarantineActions(options: {
  registry: Pick<ActionsRegistryService, 'register'>;
  service: GluService;
  writes: AuditedWrites;
}) {
  const { registry, service, writes } = options;
  const as = (credentials: BackstageCredentials) => ({ credentials });

  registry.register({
    name: 'list-quarantines',
    title: 'List Glu quarantines',
    description:
      "The quarantines in force, newest first: versions that nobody may promote again. Each has its id, the pipeline it applies to (pipelineRef; absent for a digest quarantined in every pipeline), the version's name and/or digest, the reason, who quarantined it and when, whether the phases that held it were rolled back (rollback), and the phases that hold it now (holding, of the pipelines the caller may read). Give pipeline for only those that apply to one pipeline. A promotion of a quarantined version is blocked, with a reason that starts with 'quarantined: '.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          pipeline: pipelineInput(zod)
            .optional()
            .describe(
              'Only the quarantines that apply to this pipeline (its own, and digests quarantined everywhere), as an entity ref: pipeline:default/checkout, default/checkout or checkout',
            ),
        }),
      output: () => z.object({ items: z.array(QuarantineSchema) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        items: await service.listQuarantines(
          input.pipeline ? { pipeline: pipelineRefOf(input.pipeline) } : {},
          as(credentials),
        ),
      },
    }),
  });

  registry.register({
    name: 'quarantine-version',
    title: 'Quarantine a version with Glu',
    description:
      "Quarantines a version so that nothing promotes it again, manually or automatically, until the quarantine is lifted (lift-quarantine): a version of one pipeline (pipeline with version, its name, or digest; needs the caller's glu.pipeline.quarantine permission on the pipeline), or a digest in every pipeline that holds or may hold it (digest alone; needs glu.quarantine.manage). A publish of it is recorded, not promoted. With rollback, each writable phase that holds it goes back to what it held before, through its own strategy (commit or pull request), pinned there. Answers the quarantine, with the id that lift-quarantine takes, the phases that hold it and, with rollback, each rollback's promotion or why there was none.",
    attributes: { destructive: true, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          reason: zod
            .string()
            .min(1)
            .max(1000)
            .describe(
              'Why, for the people it holds back, e.g. "Leaks memory under load"',
            ),
          pipeline: pipelineInput(zod)
            .optional()
            .describe(
              'The pipeline whose version it is, as an entity ref: pipeline:default/checkout, default/checkout or checkout; without it, digest in every pipeline',
            ),
          version: zod
            .string()
            .min(1)
            .max(128)
            .optional()
            .describe("The version's name in the pipeline, e.g. 1.4.2"),
          digest: zod
            .string()
            .min(1)
            .max(200)
            .optional()
            .describe(
              'The digest, e.g. sha256:4f1c…; alone, that digest in every pipeline',
            ),
          rollback: zod
            .boolean()
            .optional()
            .describe(
              'Roll each writable phase that holds it back to what it held before, pinned there (by default the phases keep it; only promotions of it stop)',
            ),
        }),
      output: () => QuarantineSchema,
    },
    examples: [
      {
        title: 'Quarantine a version of a pipeline and roll back what holds it',
        input: {
          reason: 'Leaks memory under load',
          pipeline: 'checkout',
          version: '1.4.2',
          rollback: true,
        },
      },
      {
        title: 'Quarantine a vulnerable image in every pipeline',
        input: {
          reason: 'CVE-2026-1234 in the base image',
          digest:
            'sha256:4f1c0d2e3b4a5968778695a4b3c2d1e0f4f1c0d2e3b4a5968778695a4b3c2d1e',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const request: QuarantineInput = {
        reason: input.reason,
        ...(input.pipeline ? { pipeline: pipelineRefOf(input.pipeline) } : {}),
        ...(input.version ? { version: input.version } : {}),
        ...(input.digest ? { digest: input.digest } : {}),
        ...(input.rollback ? { rollback: true } : {}),
      };
      return {
        output: await writes.run(writes.quarantine(request), credentials),
      };
    },
  });

  registry.register({
    name: 'lift-quarantine',
    title: 'Lift a Glu quarantine',
    description:
      'Lifts a quarantine, by the id that list-quarantines or quarantine-version answered: its version may be promoted again. Pins that its rollbacks set stay until the phases are unpinned (unpin-phase). Needs the permission it was set with: glu.pipeline.quarantine on its pipeline, or glu.quarantine.manage for a digest in every pipeline.',
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          id: zod
            .string()
            .regex(/^[1-9][0-9]{0,14}$/)
            .describe('The quarantine, by id, e.g. 3'),
        }),
      output: () => z.object({ id: z.string(), lifted: z.literal(true) }),
    },
    action: async ({ input, credentials }) => {
      await writes.run(writes.liftQuarantine(input.id), credentials);
      return { output: { id: input.id, lifted: true as const } };
    },
  });
}
