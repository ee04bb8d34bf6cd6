import { Knex } from 'knex';
import { chunks, toDate } from './rows';

/** A group of phases whose source is asked together, at one interval. */
export interface SourceCheck {
  /** A digest of the source type, the group and the interval. */
  key: string;
  sourceType: string;
  group: string;
  intervalMillis: number;
}

/**
 * When each group of phases' source was last asked. Not part of any
 * pipeline's view: a check that found nothing new changes no revision.
 */
export interface SourceCheckStore {
  /** When these groups were last checked, by key; unchecked ones left out. */
  getChecks(keys: string[]): Promise<Map<string, Date>>;
  /** Records that these groups were checked at `at` (not moved back). */
  markChecked(checks: SourceCheck[], at: Date): Promise<void>;
}

/** Checks in `glu_source_checks`. */
export class KnexSourceCheckStore implements SourceCheckStore {
  constructor(private readonly db: Knex) {}

  async getChecks(keys: string[]): Promise<Map<string, Date>> {
    const found = new Map<string, Date>();
    for (const chunk of chunks([...new Set(keys)], 500)) {
      const rows = await this.db('glu_source_checks')
        .whereIn('key', chunk)
        .select('key', 'checked_at');
      for (const row of rows) found.set(row.key, toDate(row.checked_at)!);
    }
    return found;
  }

  async markChecked(checks: SourceCheck[], at: Date): Promise<void> {
    for (const chunk of chunks(checks, 100)) {
      await this.db('glu_source_checks')
        .insert(
          chunk.map(check => ({
            key: check.key,
            source_type: check.sourceType,
            group_key: check.group,
            interval_millis: check.intervalMillis,
            checked_at: at,
          })),
        )
        .onConflict('key')
        .merge({
          checked_at: this.db.raw(
            'CASE WHEN glu_source_checks.checked_at < excluded.checked_at THEN excluded.checked_at ELSE glu_source_checks.checked_at END',
          ),
        });
    }
  }
}
