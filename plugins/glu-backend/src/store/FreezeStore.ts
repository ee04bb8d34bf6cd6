import { FreezeScope } from '@glu-dev/plugin-glu-common';
import { Knex } from 'knex';
import { iso } from './rows';

/** A freeze set at run time, as stored. */
export interface StoredFreeze {
  id: string;
  reason: string;
  scope: FreezeScope;
  rollbacks: boolean;
  setBy: string;
  startsAt: string;
  endsAt?: string;
}

/**
 * Freezes set at run time, in `glu_freezes`. They do not move pipelines'
 * revisions: a freeze may cover every pipeline, and which pipelines it
 * covers is decided as views and decisions are made (see `Freezes`).
 */
export interface FreezeStore {
  /** Those not lifted whose end, if any, is after `now`. */
  listFreezes(now: Date): Promise<StoredFreeze[]>;
  setFreeze(freeze: Omit<StoredFreeze, 'id'>): Promise<StoredFreeze>;
  /** Lifts a freeze; false when there was none to lift. */
  liftFreeze(id: string, liftedBy: string, now: Date): Promise<boolean>;
}

function freezeFromRow(row: Record<string, any>): StoredFreeze {
  return {
    id: String(row.id),
    reason: row.reason,
    scope: JSON.parse(row.scope),
    rollbacks: Boolean(row.rollbacks),
    setBy: row.set_by,
    startsAt: iso(row.starts_at)!,
    ...(row.ends_at ? { endsAt: iso(row.ends_at) } : {}),
  };
}

export class KnexFreezeStore implements FreezeStore {
  constructor(private readonly db: Knex) {}

  async listFreezes(now: Date): Promise<StoredFreeze[]> {
    const rows = await this.db('glu_freezes')
      .whereNull('lifted_at')
      .where(q => q.whereNull('ends_at').orWhere('ends_at', '>', now))
      .orderBy('id');
    return rows.map(freezeFromRow);
  }

  async setFreeze(freeze: Omit<StoredFreeze, 'id'>): Promise<StoredFreeze> {
    const [row] = await this.db('glu_freezes').insert(
      {
        reason: freeze.reason,
        scope: JSON.stringify(freeze.scope),
        rollbacks: freeze.rollbacks,
        set_by: freeze.setBy,
        starts_at: new Date(freeze.startsAt),
        ends_at: freeze.endsAt ? new Date(freeze.endsAt) : null,
      },
      ['id'],
    );
    return { ...freeze, id: String(typeof row === 'object' ? row.id : row) };
  }

  async liftFreeze(id: string, liftedBy: string, now: Date): Promise<boolean> {
    const lifted = await this.db('glu_freezes')
      .where({ id: Number(id) })
      .whereNull('lifted_at')
      .update({ lifted_at: now, lifted_by: liftedBy });
    return lifted > 0;
  }
}
