import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { JsonArray } from '@backstage/types';
import {
  GLU_API_VERSION,
  PIPELINE_KIND,
  PipelineValidationOptions,
} from '@glu-dev/plugin-glu-common';
import {
  GluPipelineOwners,
  GluWriteScopes,
  validatePipelineEntity,
} from '@glu-dev/plugin-glu-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

/**
 * The action `glu:pipeline:create`: writes a Pipeline definition from a
 * template's inputs (the component it delivers, its owner, its phases with
 * their sources and formats, the edges between them) into the workspace,
 * after validating it exactly as the catalog will (the types the Glu
 * backend runs, its owner in the catalog, the platform's write scopes), so
 * that `publish:*` and
 * `catalog:register` take a definition the catalog accepts.
 *
 * @public
 */
export function createGluPipelineAction(options: {
  /** The source, format and gate types the Glu backend runs. */
  extensionTypes: () => Promise<PipelineValidationOptions>;
  /** Where pipelines may write (app-config `glu.writeScopes`). */
  writeScopes: GluWriteScopes;
  /** Whether owners are in the catalog. */
  owners: GluPipelineOwners;
}) {
  return createTemplateAction({
    id: 'glu:pipeline:create',
    // It only writes into the workspace: a dry run does the same.
    supportsDryRun: true,
    description:
      'Writes a Glu Pipeline definition (kind: Pipeline) for a component into the workspace, validated as the catalog validates it.',
    examples: [
      {
        description: 'A pipeline from staging to production for a component',
        example: stringify({
          steps: [
            {
              id: 'pipeline',
              action: 'glu:pipeline:create',
              name: 'Write the pipeline',
              input: {
                component: 'component:default/checkout',
                owner: 'group:default/team-checkout',
                phases: [
                  {
                    name: 'staging',
                    source: {
                      type: 'git',
                      repository: 'https://github.com/acme/gitops',
                      path: 'env/staging/deployment.yaml',
                      format: 'kubernetes',
                    },
                  },
                  {
                    name: 'production',
                    source: {
                      type: 'git',
                      repository: 'https://github.com/acme/gitops',
                      path: 'env/production/deployment.yaml',
                      format: 'kubernetes',
                    },
                    promotion: { from: 'staging' },
                  },
                ],
              },
            },
          ],
        }),
      },
    ],
    schema: {
      input: {
        component: z =>
          z
            .string()
            .describe(
              'The component the pipeline delivers, as an entity ref (component:default/checkout)',
            ),
        owner: z =>
          z
            .string()
            .describe('Who owns the pipeline: a group or user entity ref'),
        name: z =>
          z
            .string()
            .optional()
            .describe("The pipeline's name; the component's by default"),
        namespace: z =>
          z
            .string()
            .optional()
            .describe("The pipeline's namespace; the component's by default"),
        title: z => z.string().optional().describe('A title for people'),
        phases: z =>
          z
            .array(
              z
                .object({
                  name: z.string(),
                  title: z.string().optional(),
                  source: z
                    .object({ type: z.string() })
                    .passthrough()
                    .describe(
                      'Where the phase lives: a source type and its options (repository, path, format, …)',
                    ),
                  promotion: z
                    .object({ from: z.string() })
                    .passthrough()
                    .optional()
                    .describe(
                      'The edge into this phase: from, auto, strategy, gates, …',
                    ),
                })
                .passthrough(),
            )
            .min(1)
            .describe('The phases, upstream first'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Where in the workspace to write it; pipeline.yaml by default',
            ),
        overwrite: z =>
          z
            .boolean()
            .optional()
            .describe('Replace a file already at targetPath'),
      },
      output: {
        entityRef: z =>
          z.string().describe('The pipeline, e.g. pipeline:default/checkout'),
        filePath: z =>
          z.string().describe('Where it was written, in the workspace'),
        content: z => z.string().describe('The definition, as YAML'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      let component;
      try {
        component = parseEntityRef(input.component, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch {
        throw new InputError(
          `component: "${input.component}" is not an entity reference like component:default/name`,
        );
      }
      const entity: Entity = {
        apiVersion: GLU_API_VERSION,
        kind: PIPELINE_KIND,
        metadata: {
          name: input.name ?? component.name,
          namespace: input.namespace ?? component.namespace,
          ...(input.title ? { title: input.title } : {}),
        },
        spec: {
          owner: input.owner,
          components: [stringifyEntityRef(component)],
          phases: input.phases as JsonArray,
        },
      };
      // As the catalog will: a definition it would refuse is not written.
      await validatePipelineEntity(entity, {
        extensionTypes: await options.extensionTypes(),
        writeScopes: options.writeScopes,
        owners: options.owners,
      });

      const targetPath = input.targetPath ?? 'pipeline.yaml';
      const file = resolveSafeChildPath(ctx.workspacePath, targetPath);
      const exists = await fs
        .stat(file)
        .then(() => true)
        .catch(() => false);
      if (exists && !input.overwrite) {
        throw new InputError(
          `${targetPath} is already in the workspace; give another targetPath, or overwrite: true`,
        );
      }
      const content = stringify(entity);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
      const entityRef = stringifyEntityRef(entity);
      ctx.logger.info(`Wrote ${entityRef} to ${targetPath}`);
      ctx.output('entityRef', entityRef);
      ctx.output('filePath', targetPath);
      ctx.output('content', content);
    },
  });
}
