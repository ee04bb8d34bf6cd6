import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  PIPELINE_KIND,
  PipelineDefinition,
  PipelineValidationOptions,
  parsePipelineEntity,
} from '@glu-dev/plugin-glu-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GluPipelineOwners } from '@glu-dev/plugin-glu-node';
import { createHash } from 'node:crypto';
import { GluStore } from '../store/GluStore';
import { SyncedPipeline } from '../store/types';

/** What is asked of every pipeline in the catalog on each sync. */
const ETAG_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
];

/** What a sync changed. */
export interface SyncResult {
  added: string[];
  changed: string[];
  removed: string[];
}

/** A page of the catalog's pipelines. */
const PAGE = 500;

/** What a catalog entity became, at the etag it had. */
interface Parsed {
  etag?: string;
  /** Its definition and that definition's hash; none if it cannot run. */
  runs?: { definition: PipelineDefinition; hash: string };
}

/**
 * Learns pipelines from the catalog and follows additions, changes and
 * removals. Definitions are validated again here, against the source and
 * format types this backend has, so a definition the engine cannot run never
 * reaches it.
 *
 * A sync asks the catalog for every pipeline's ref and etag alone, and reads
 * in full only the entities whose etag changed since this replica last read
 * them: an unchanged catalog costs one short query per page, and one for
 * the owners (removing an owner changes no pipeline's etag). A pipeline
 * whose owner is not in the catalog is stored as such: it owns nothing, so
 * Glu writes nowhere for it.
 */
export class PipelineSync {
  private readonly parsed = new Map<string, Parsed>();

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: Pick<GluStore, 'pipelines'>;
      logger: LoggerService;
      extensionTypes: () => PipelineValidationOptions;
      owners: GluPipelineOwners;
    },
  ) {}

  async sync(): Promise<SyncResult> {
    const { catalog, auth, store } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const etags = new Map<string, string | undefined>();
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE, fields: ETAG_FIELDS }
          : {
              filter: { kind: PIPELINE_KIND },
              limit: PAGE,
              fields: ETAG_FIELDS,
            },
        { credentials },
      );
      for (const entity of page.items as Entity[]) {
        etags.set(
          stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
          entity.metadata.etag,
        );
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    const stale = [...etags]
      .filter(([ref, etag]) => !etag || this.parsed.get(ref)?.etag !== etag)
      .map(([ref]) => ref);
    for (let i = 0; i < stale.length; i += PAGE) {
      const chunk = stale.slice(i, i + PAGE);
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: chunk },
        { credentials },
      );
      items.forEach((entity, index) => {
        if (entity) this.parsed.set(chunk[index], this.parse(entity));
        else this.parsed.delete(chunk[index]);
      });
    }
    for (const ref of this.parsed.keys()) {
      if (!etags.has(ref)) this.parsed.delete(ref);
    }

    const runnable = [...this.parsed.values()].flatMap(({ runs }) =>
      runs ? [runs] : [],
    );
    const ownerless = await this.deps.owners.missing(
      runnable.map(({ definition }) => definition.owner),
    );

    const known = await store.pipelines.pipelineHashes();
    const result: SyncResult = { added: [], changed: [], removed: [] };
    const present = new Set<string>();
    for (const runs of runnable) {
      const { definition, hash } = ownerless.has(runs.definition.owner)
        ? withoutOwner(runs)
        : runs;
      present.add(definition.ref);
      if (known.get(definition.ref) === hash) continue;
      await store.pipelines.upsertPipeline(definition, hash);
      (known.has(definition.ref) ? result.changed : result.added).push(
        definition.ref,
      );
    }
    for (const ref of known.keys()) {
      if (!present.has(ref)) {
        await store.pipelines.deletePipeline(ref);
        result.removed.push(ref);
      }
    }
    if (result.added.length + result.changed.length + result.removed.length) {
      this.deps.logger.info(
        `Pipelines from the catalog: ${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed`,
      );
    }
    result.added.sort();
    result.changed.sort();
    return result;
  }

  private parse(entity: Entity): Parsed {
    try {
      const definition = parsePipelineEntity(
        entity,
        this.deps.extensionTypes(),
      );
      return {
        etag: entity.metadata.etag,
        runs: {
          definition,
          hash: createHash('sha256')
            .update(JSON.stringify(definition))
            .digest('hex'),
        },
      };
    } catch (error) {
      this.deps.logger.warn(`Ignoring a pipeline that cannot run: ${error}`);
      return { etag: entity.metadata.etag };
    }
  }
}

/** A definition as stored when its owner is not in the catalog, and its hash. */
function withoutOwner(runs: { definition: PipelineDefinition; hash: string }): {
  definition: SyncedPipeline;
  hash: string;
} {
  return {
    definition: { ...runs.definition, ownerMissing: true },
    hash: createHash('sha256')
      .update(`${runs.hash}\nowner missing`)
      .digest('hex'),
  };
}
