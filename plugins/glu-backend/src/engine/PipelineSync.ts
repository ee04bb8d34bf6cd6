import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  PIPELINE_KIND,
  PipelineDefinition,
  PipelineValidationOptions,
  parsePipelineEntity,
} from '@glu-dev/plugin-glu-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createHash } from 'node:crypto';
import { DatabaseGluStore } from '../store/DatabaseGluStore';

/** What a sync changed. */
export interface SyncResult {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Learns pipelines from the catalog and follows additions, changes and
 * removals. Definitions are validated again here, against the source and
 * format types this backend has, so a definition the engine cannot run never
 * reaches it.
 */
export class PipelineSync {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: DatabaseGluStore;
      logger: LoggerService;
      extensionTypes: () => PipelineValidationOptions;
    },
  ) {}

  async sync(): Promise<SyncResult> {
    const { catalog, auth, store, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const definitions = new Map<string, PipelineDefinition>();
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 200 }
          : { filter: { kind: PIPELINE_KIND }, limit: 200 },
        { credentials },
      );
      for (const entity of page.items as Entity[]) {
        try {
          const definition = parsePipelineEntity(
            entity,
            this.deps.extensionTypes(),
          );
          definitions.set(definition.ref, definition);
        } catch (error) {
          logger.warn(`Ignoring a pipeline that cannot run: ${error}`);
        }
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);

    const known = await store.pipelineHashes();
    const result: SyncResult = { added: [], changed: [], removed: [] };
    for (const [ref, definition] of definitions) {
      const hash = createHash('sha256')
        .update(JSON.stringify(definition))
        .digest('hex');
      if (known.get(ref) === hash) continue;
      await store.upsertPipeline(definition, hash);
      (known.has(ref) ? result.changed : result.added).push(ref);
    }
    for (const ref of known.keys()) {
      if (!definitions.has(ref)) {
        await store.deletePipeline(ref);
        result.removed.push(ref);
      }
    }
    if (result.added.length + result.changed.length + result.removed.length) {
      logger.info(
        `Pipelines from the catalog: ${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed`,
      );
    }
    return result;
  }
}
