import { Knex } from 'knex';

/** A pipeline definition that the catalog refused, and why. */
export interface CatalogRefusal {
  pipelineRef: string;
  /** The definition's owner, when it names one. */
  owner?: string;
  reason: string;
  refusedAt: Date;
}

type Row = {
  pipeline_ref: string;
  owner: string | null;
  reason: string;
  refused_at: Date | string;
};

function refusalOf(row: Row): CatalogRefusal {
  return {
    pipelineRef: row.pipeline_ref,
    ...(row.owner ? { owner: row.owner } : {}),
    reason: row.reason,
    refusedAt: new Date(row.refused_at),
  };
}

/**
 * The definitions that the catalog refused, as its module reports them
 * (the catalog keeps no refused entity): the latest refusal of each
 * pipeline, until the catalog accepts it or the refusal is no longer
 * repeated.
 */
export class CatalogRefusals {
  constructor(private readonly db: Knex) {}

  async record(refusal: CatalogRefusal): Promise<void> {
    await this.db('glu_catalog_refusals')
      .insert({
        pipeline_ref: refusal.pipelineRef,
        owner: refusal.owner ?? null,
        reason: refusal.reason,
        refused_at: refusal.refusedAt,
      })
      .onConflict('pipeline_ref')
      .merge(['owner', 'reason', 'refused_at']);
  }

  async accept(pipelineRef: string): Promise<void> {
    await this.db('glu_catalog_refusals')
      .where('pipeline_ref', pipelineRef)
      .delete();
  }

  /** The refusal of a pipeline repeated after `since`, if any. */
  async get(
    pipelineRef: string,
    since: Date,
  ): Promise<CatalogRefusal | undefined> {
    const row: Row | undefined = await this.db('glu_catalog_refusals')
      .where('pipeline_ref', pipelineRef)
      .where('refused_at', '>', since)
      .first();
    return row && refusalOf(row);
  }

  /** The refusals of the owners' pipelines repeated after `since`. */
  async ofOwners(owners: string[], since: Date): Promise<CatalogRefusal[]> {
    if (owners.length === 0) return [];
    const rows: Row[] = await this.db('glu_catalog_refusals')
      .whereIn('owner', owners)
      .where('refused_at', '>', since)
      .orderBy('pipeline_ref')
      .limit(500);
    return rows.map(refusalOf);
  }
}
