import { Knex } from 'knex';
import { iso } from './rows';

/** A quarantine as stored. */
export interface StoredQuarantine {
  id: string;
  pipelineRef?: string;
  version?: string;
  digest?: string;
  reason: string;
  quarantinedBy: string;
  quarantinedAt: string;
  rollback: boolean;
}

/** A phase that holds a version now. */
export interface HoldingPhase {
  pipelineRef: string;
  phase: string;
  version: string;
  digest: string;
}

/**
 * Quarantined versions, in `glu_quarantines`. Like freezes, they move no
 * pipeline's revision (one may apply to every pipeline): views are kept by
 * which quarantines are in force (see `Quarantines`).
 */
export interface QuarantineStore {
  /** Those not lifted, newest first. */
  listQuarantines(): Promise<StoredQuarantine[]>;
  addQuarantine(
    quarantine: Omit<StoredQuarantine, 'id'>,
  ): Promise<StoredQuarantine>;
  /** Lifts a quarantine; false when there was none to lift. */
  liftQuarantine(id: string, liftedBy: string, now: Date): Promise<boolean>;
  /**
   * The phases that hold a version now: a digest (in one pipeline, or in
   * every one), or a version's name in one pipeline; at most `limit`.
   */
  phasesHolding(
    what: { pipelineRef?: string; digest?: string; version?: string },
    limit: number,
  ): Promise<HoldingPhase[]>;
}

function quarantineFromRow(row: Record<string, any>): StoredQuarantine {
  return {
    id: String(row.id),
    ...(row.pipeline_ref ? { pipelineRef: row.pipeline_ref } : {}),
    ...(row.version ? { version: row.version } : {}),
    ...(row.digest ? { digest: row.digest } : {}),
    reason: row.reason,
    quarantinedBy: row.quarantined_by,
    quarantinedAt: iso(row.quarantined_at)!,
    rollback: Boolean(row.rollback),
  };
}

export class KnexQuarantineStore implements QuarantineStore {
  constructor(private readonly db: Knex) {}

  async listQuarantines(): Promise<StoredQuarantine[]> {
    const rows = await this.db('glu_quarantines')
      .whereNull('lifted_at')
      .orderBy('id', 'desc');
    return rows.map(quarantineFromRow);
  }

  async addQuarantine(
    quarantine: Omit<StoredQuarantine, 'id'>,
  ): Promise<StoredQuarantine> {
    const [row] = await this.db('glu_quarantines').insert(
      {
        pipeline_ref: quarantine.pipelineRef ?? null,
        version: quarantine.version ?? null,
        digest: quarantine.digest ?? null,
        reason: quarantine.reason,
        quarantined_by: quarantine.quarantinedBy,
        quarantined_at: new Date(quarantine.quarantinedAt),
        rollback: quarantine.rollback,
      },
      ['id'],
    );
    return {
      ...quarantine,
      id: String(typeof row === 'object' ? row.id : row),
    };
  }

  async liftQuarantine(
    id: string,
    liftedBy: string,
    now: Date,
  ): Promise<boolean> {
    const lifted = await this.db('glu_quarantines')
      .where({ id: Number(id) })
      .whereNull('lifted_at')
      .update({ lifted_at: now, lifted_by: liftedBy });
    return lifted > 0;
  }

  async phasesHolding(
    what: { pipelineRef?: string; digest?: string; version?: string },
    limit: number,
  ): Promise<HoldingPhase[]> {
    const query = this.db('glu_phases as ph')
      .join('glu_history as h', 'h.id', 'ph.state_id')
      .orderBy([{ column: 'ph.pipeline_ref' }, { column: 'ph.position' }])
      .limit(limit)
      .select('ph.pipeline_ref', 'ph.name', 'h.version', 'h.digest');
    if (what.pipelineRef) query.where('ph.pipeline_ref', what.pipelineRef);
    if (what.digest) query.where('ph.digest', what.digest);
    if (what.version) query.where('h.version', what.version);
    const rows = await query;
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      phase: row.name,
      version: row.version,
      digest: row.digest,
    }));
  }
}
