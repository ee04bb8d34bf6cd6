import {
  Entity,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  GLU_API_VERSION,
  PIPELINE_KIND,
  pipelineOwnerRef,
  PipelineValidationOptions,
  RELATION_DELIVERED_BY,
  RELATION_DELIVERS,
} from '@glu-dev/plugin-glu-common';
import {
  GluPipelineOwners,
  GluWriteScopes,
  validatePipelineEntity,
} from '@glu-dev/plugin-glu-node';

function isPipeline(entity: Entity): boolean {
  return entity.apiVersion === GLU_API_VERSION && entity.kind === PIPELINE_KIND;
}

/**
 * The `Pipeline` kind: a definition is validated before it enters the
 * catalog, and relates the pipeline to its owner, its system and its
 * components.
 *
 * @public
 */
export class PipelineEntityProcessor implements CatalogProcessor {
  constructor(
    private readonly options: {
      /** The source and format types that exist right now. */
      extensionTypes: () => Promise<PipelineValidationOptions>;
      /** Where pipelines may write (app-config `glu.writeScopes`). */
      writeScopes: GluWriteScopes;
      /** Whether owners are in the catalog. */
      owners: GluPipelineOwners;
      /** Tells Glu which definitions are refused, and why. */
      refusals?: {
        refused(entity: Entity, error: unknown): Promise<void>;
        accepted(entity: Entity): Promise<void>;
      };
    },
  ) {}

  getProcessorName(): string {
    return 'GluPipelineEntityProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (!isPipeline(entity)) {
      return false;
    }
    // Throws an InputError that names each problem and its field (or an
    // Error when the catalog cannot be asked about the owner); the catalog
    // keeps the entity out, shows the error as a processing error and
    // processes the entity again at its next turn.
    try {
      await validatePipelineEntity(entity, {
        extensionTypes: await this.options.extensionTypes(),
        writeScopes: this.options.writeScopes,
        owners: this.options.owners,
      });
    } catch (error) {
      await this.options.refusals?.refused(entity, error);
      throw error;
    }
    await this.options.refusals?.accepted(entity);
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isPipeline(entity)) {
      return entity;
    }
    const namespace = entity.metadata.namespace ?? 'default';
    const self = {
      kind: entity.kind,
      namespace,
      name: entity.metadata.name,
    };
    const spec = entity.spec as {
      owner: string;
      system?: string;
      components?: string[];
    };

    // Validated already: a group or a user, in the pipeline's namespace
    // unless it says otherwise.
    const owner = parseEntityRef(pipelineOwnerRef(spec.owner, namespace));
    emit(
      processingResult.relation({
        source: self,
        type: RELATION_OWNED_BY,
        target: owner,
      }),
    );
    emit(
      processingResult.relation({
        source: owner,
        type: RELATION_OWNER_OF,
        target: self,
      }),
    );

    if (spec.system) {
      // Validated already: a system, in the pipeline's namespace unless it
      // says otherwise.
      const system = parseEntityRef(spec.system, {
        defaultKind: 'system',
        defaultNamespace: namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: RELATION_PART_OF,
          target: system,
        }),
      );
      emit(
        processingResult.relation({
          source: system,
          type: RELATION_HAS_PART,
          target: self,
        }),
      );
    }

    for (const ref of spec.components ?? []) {
      const component = parseEntityRef(ref, {
        defaultKind: 'component',
        defaultNamespace: namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: RELATION_DELIVERS,
          target: component,
        }),
      );
      emit(
        processingResult.relation({
          source: component,
          type: RELATION_DELIVERED_BY,
          target: self,
        }),
      );
    }
    return entity;
  }
}
