import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { Knex } from 'knex';
import { Batcher, BatcherOptions } from '../batcher';
import {
  chunks,
  decodeCursor,
  deepFreeze,
  encodeCursor,
  iso,
  sourceKeyOf,
} from './rows';
import { Page } from './types';
import { UnitOfWork } from './UnitOfWork';

/**
 * Which pipelines a list may show, e.g. what a permission policy lets the
 * caller read: pipelines of some owners, and combinations of that.
 */
export type PipelineFilter =
  | { all: boolean }
  | { ownerIn: string[] }
  | { allOf: PipelineFilter[] }
  | { anyOf: PipelineFilter[] }
  | { not: PipelineFilter };

/** Narrows a query on glu_pipelines (as `p`) to what a filter lets through. */
function applyFilter(query: Knex.QueryBuilder, filter: PipelineFilter): void {
  if ('all' in filter) {
    if (!filter.all) query.whereRaw('1 = 0');
  } else if ('ownerIn' in filter) {
    query.whereIn(
      'p.owner_ref',
      filter.ownerIn.map(o => o.toLocaleLowerCase('en-US')),
    );
  } else if ('allOf' in filter) {
    for (const inner of filter.allOf) query.where(q => applyFilter(q, inner));
  } else if ('anyOf' in filter) {
    if (filter.anyOf.length === 0) query.whereRaw('1 = 0');
    for (const inner of filter.anyOf) {
      query.orWhere(q => applyFilter(q, inner));
    }
  } else {
    query.whereNot(q => applyFilter(q, filter.not));
  }
}

/**
 * A pipeline's revision as the views know it: the counter, and when its
 * definition was stored, so that a pipeline removed and added again never
 * passes for the one before it.
 */
function revisionOf(row: { revision: unknown; updated_at: unknown }): string {
  return `${row.revision}@${iso(row.updated_at)}`;
}

/** The columns that say which version of a definition a row holds. */
interface DefinitionVersionRow {
  entity_ref: string;
  definition_hash: unknown;
  updated_at: unknown;
}

/** What a pipeline's row says of its definition's version and its revision. */
interface PipelineRow extends DefinitionVersionRow {
  revision: unknown;
}

/** Which version of a pipeline's definition a row holds. */
function definitionVersionOf(row: {
  definition_hash: unknown;
  updated_at: unknown;
}): string {
  return `${row.definition_hash}\n${iso(row.updated_at)}`;
}

/** A pipeline's definition with the revision of its views. */
export interface PipelineAt {
  definition: PipelineDefinition;
  revision: string;
}

/** Pipelines' definitions as the catalog gave them, and their revisions. */
export interface PipelineStore {
  /** Every stored pipeline's definition hash, by ref. */
  pipelineHashes(): Promise<Map<string, string>>;
  /** Stores a pipeline definition and the phases it has now. */
  upsertPipeline(definition: PipelineDefinition, hash: string): Promise<void>;
  deletePipeline(ref: string): Promise<void>;
  /**
   * A pipeline's revision, which every change to what its view shows moves
   * on: one short question for a read that finds its view computed already.
   */
  getPipelineRevision(ref: string): Promise<string | undefined>;
  /**
   * A pipeline's definition as this store last read it, without asking the
   * database: possibly out of date, so for hints only (what to get ready).
   */
  lastKnownPipeline(ref: string): PipelineDefinition | undefined;
  /** A pipeline's definition, parsed once per version (frozen: shared). */
  getPipeline(ref: string): Promise<PipelineDefinition | undefined>;
  /**
   * A pipeline's definition and its revision, in one question: what a write
   * is planned on, and how it knows later that nothing changed since.
   */
  getPipelineAt(ref: string): Promise<PipelineAt | undefined>;
  /** Every pipeline's definition (or these pipelines'), in the order of their refs. */
  listPipelineDefinitions(refs?: string[]): Promise<PipelineDefinition[]>;
  listPipelines(options: ListPipelinesOptions): Promise<Page<PipelineAt>>;
}

/** Which pipelines a page of `listPipelines` holds, in the order of their refs. */
export interface ListPipelinesOptions {
  component?: string;
  /** Any of these owners. */
  owner?: string[];
  /** Part of any of these systems (entity refs, in any case). */
  system?: string[];
  /** Only what this lets through. */
  filter?: PipelineFilter;
  /** Any size: the caller bounds it. */
  limit: number;
  cursor?: string;
}

/** Pipelines in the plugin's tables (`glu_pipelines`, their phases and components). */
export class KnexPipelineStore implements PipelineStore {
  /** Parsed definitions, by pipeline, with the version they were parsed at. */
  private readonly definitions = new Map<
    string,
    { version: string; definition: PipelineDefinition }
  >();

  constructor(
    private readonly db: Knex,
    private readonly unit: UnitOfWork,
    batching: BatcherOptions = {},
  ) {
    this.pipelineRows = new Batcher<string, PipelineRow | undefined>(
      async refs => {
        const rows: PipelineRow[] = (
          await Promise.all(
            chunks([...new Set(refs)], 500).map(chunk =>
              this.db('glu_pipelines')
                .whereIn('entity_ref', chunk)
                .select(
                  'entity_ref',
                  'definition_hash',
                  'updated_at',
                  'revision',
                ),
            ),
          )
        ).flat();
        const byRef = new Map(rows.map(row => [row.entity_ref, row]));
        return refs.map(ref => byRef.get(ref));
      },
      batching,
    );
  }

  async pipelineHashes(): Promise<Map<string, string>> {
    const rows = await this.db('glu_pipelines').select(
      'entity_ref',
      'definition_hash',
    );
    return new Map(rows.map(r => [r.entity_ref, r.definition_hash]));
  }

  async upsertPipeline(definition: PipelineDefinition, hash: string) {
    await this.unit.change([definition.ref], async tx => {
      const row = {
        entity_ref: definition.ref,
        // Compared with ownership claims, which are lower case.
        owner_ref: definition.owner.toLocaleLowerCase('en-US'),
        system_ref: definition.system?.toLocaleLowerCase('en-US') ?? null,
        definition: JSON.stringify(definition),
        definition_hash: hash,
        updated_at: new Date(),
      };
      await tx('glu_pipelines')
        .insert(row)
        .onConflict('entity_ref')
        .merge([
          'owner_ref',
          'system_ref',
          'definition',
          'definition_hash',
          'updated_at',
        ]);

      await tx('glu_pipeline_components')
        .where({ pipeline_ref: definition.ref })
        .delete();
      const components = [...new Set(definition.components)];
      if (components.length > 0) {
        await tx('glu_pipeline_components').insert(
          components.map(component_ref => ({
            pipeline_ref: definition.ref,
            component_ref,
          })),
        );
      }

      const existing = await tx('glu_phases')
        .where({ pipeline_ref: definition.ref })
        .select('name', 'source_key');
      const existingKeys = new Map(existing.map(r => [r.name, r.source_key]));
      const names = definition.phases.map(p => p.name);
      await tx('glu_phases')
        .where({ pipeline_ref: definition.ref })
        .whereNotIn('name', names)
        .delete();
      for (const [position, phase] of definition.phases.entries()) {
        const sourceKey = sourceKeyOf(phase.source);
        if (!existingKeys.has(phase.name)) {
          await tx('glu_phases').insert({
            pipeline_ref: definition.ref,
            name: phase.name,
            position,
            source_type: phase.source.type,
            source_key: sourceKey,
          });
          continue;
        }
        const update: Record<string, unknown> = {
          position,
          source_type: phase.source.type,
          source_key: sourceKey,
        };
        if (existingKeys.get(phase.name) !== sourceKey) {
          // A phase that now reads elsewhere is observed afresh.
          Object.assign(update, {
            refreshed_at: null,
            refresh_error: null,
            refresh_failure: null,
          });
        }
        await tx('glu_phases')
          .where({ pipeline_ref: definition.ref, name: phase.name })
          .update(update);
      }
    });
  }

  /** Its view is gone with it: no revision to move. */
  async deletePipeline(ref: string) {
    await this.db.transaction(async tx => {
      await tx('glu_phases').where({ pipeline_ref: ref }).delete();
      await tx('glu_pipeline_components').where({ pipeline_ref: ref }).delete();
      await tx('glu_gate_checks').where({ pipeline_ref: ref }).delete();
      await tx('glu_notifications').where({ pipeline_ref: ref }).delete();
      await tx('glu_pipelines').where({ entity_ref: ref }).delete();
    });
  }

  /**
   * A pipeline's revision, which every change to what its view shows moves
   * on: one short question for a read that finds its view computed already.
   */
  async getPipelineRevision(ref: string): Promise<string | undefined> {
    const row = await this.pipelineRows.add(ref);
    return row ? revisionOf(row) : undefined;
  }

  /**
   * The rows of the pipelines asked about at the same moment (one request
   * each, many requests at once): one question for all of them.
   */
  private readonly pipelineRows: Batcher<string, PipelineRow | undefined>;

  /**
   * A pipeline's definition as this store last read it, without asking the
   * database: possibly out of date, so for hints only (what to get ready).
   */
  lastKnownPipeline(ref: string): PipelineDefinition | undefined {
    return this.definitions.get(ref)?.definition;
  }

  /** A pipeline's definition, parsed once per version (frozen: shared). */
  async getPipeline(ref: string): Promise<PipelineDefinition | undefined> {
    return (await this.getPipelineAt(ref))?.definition;
  }

  /**
   * A pipeline's definition and its revision, in one question: what a write
   * is planned on, and how it knows later that nothing changed since.
   */
  async getPipelineAt(
    ref: string,
  ): Promise<{ definition: PipelineDefinition; revision: string } | undefined> {
    const row = await this.pipelineRows.add(ref);
    if (!row) return undefined;
    const [definition] = await this.definitionsOf([row]);
    return definition && { definition, revision: revisionOf(row) };
  }

  /**
   * Every pipeline's definition (or these pipelines'), in the order of their
   * refs. Definitions are parsed once per version and kept (frozen: every
   * caller shares them); what is asked of the database each time is which
   * version each pipeline is at.
   */
  async listPipelineDefinitions(
    refs?: string[],
  ): Promise<PipelineDefinition[]> {
    const select = (query: Knex.QueryBuilder) =>
      query
        .orderBy('entity_ref')
        .select('entity_ref', 'definition_hash', 'updated_at');
    const rows: DefinitionVersionRow[] = refs
      ? (
          await Promise.all(
            chunks([...new Set(refs)], 500).map(chunk =>
              select(this.db('glu_pipelines').whereIn('entity_ref', chunk)),
            ),
          )
        )
          .flat()
          .sort((a, b) => (a.entity_ref < b.entity_ref ? -1 : 1))
      : await select(this.db('glu_pipelines'));
    if (!refs) {
      // Pipelines that are gone are forgotten.
      const present = new Set(rows.map(row => row.entity_ref));
      for (const ref of this.definitions.keys()) {
        if (!present.has(ref)) this.definitions.delete(ref);
      }
    }
    return this.definitionsOf(rows);
  }

  /** The definitions at these versions: parsed once per version, and kept. */
  private async definitionsOf(
    rows: DefinitionVersionRow[],
  ): Promise<PipelineDefinition[]> {
    const versions = rows.map(row => ({
      entity_ref: row.entity_ref,
      version: definitionVersionOf(row),
    }));
    const stale = versions
      .filter(v => this.definitions.get(v.entity_ref)?.version !== v.version)
      .map(v => v.entity_ref);
    for (const chunk of chunks(stale, 500)) {
      const full = await this.db('glu_pipelines')
        .whereIn('entity_ref', chunk)
        .select('entity_ref', 'definition', 'definition_hash', 'updated_at');
      for (const row of full) {
        this.definitions.set(row.entity_ref, {
          version: definitionVersionOf(row),
          definition: deepFreeze(JSON.parse(row.definition)),
        });
      }
    }
    return versions.flatMap(v => {
      const kept = this.definitions.get(v.entity_ref);
      return kept ? [kept.definition] : [];
    });
  }

  async listPipelines(
    options: ListPipelinesOptions,
  ): Promise<Page<PipelineAt>> {
    const query = this.db('glu_pipelines as p')
      .select('p.entity_ref', 'p.definition_hash', 'p.revision', 'p.updated_at')
      .orderBy('p.entity_ref')
      .limit(options.limit + 1);
    if (options.owner?.length) {
      query.whereIn(
        'p.owner_ref',
        options.owner.map(o => o.toLocaleLowerCase('en-US')),
      );
    }
    if (options.system?.length) {
      query.whereIn(
        'p.system_ref',
        options.system.map(o => o.toLocaleLowerCase('en-US')),
      );
    }
    if (options.filter) {
      const filter = options.filter;
      query.where(q => applyFilter(q, filter));
    }
    if (options.component) {
      query.whereIn(
        'p.entity_ref',
        this.db('glu_pipeline_components')
          .where('component_ref', options.component)
          .select('pipeline_ref'),
      );
    }
    const after = decodeCursor(options.cursor);
    if (after) {
      query.where('p.entity_ref', '>', after);
    }
    const rows: PipelineRow[] = await query;
    const items = rows.slice(0, options.limit);
    // Definitions parsed once per version, as every other read has them.
    const definitions = new Map(
      (await this.definitionsOf(items)).map(d => [d.ref, d]),
    );
    return {
      items: items.flatMap(r => {
        const definition = definitions.get(r.entity_ref);
        return definition ? [{ definition, revision: revisionOf(r) }] : [];
      }),
      nextCursor:
        rows.length > options.limit
          ? encodeCursor(items[items.length - 1].entity_ref)
          : undefined,
    };
  }
}
