import { Knex } from 'knex';
import { Batcher, BatcherOptions } from '../batcher';
import {
  HistoryEntryInput,
  holdStates,
  insertHistoryEntry,
  insertHistoryRows,
  StaleStateError,
  WriteRecorded,
} from './historyRows';
import {
  movePromotions,
  PromotionMove,
  promotionFromRow,
} from './promotionRows';
import {
  chunks,
  decodeCursor,
  encodeCursor,
  historyFromRow,
  HISTORY_ID,
  iso,
} from './rows';
import { HistoryEntry, Page, PhaseState, RefreshFailure } from './types';
import { UnitOfWork } from './UnitOfWork';

/** Phases' states and their history: every state a phase was seen in. */
export interface PhaseStore {
  /** The phases' states of these pipelines (of every pipeline: none given). */
  getPhaseStates(pipelineRefs?: string[]): Promise<PhaseState[]>;
  getPhaseState(
    pipelineRef: string,
    phase: string,
  ): Promise<PhaseState | undefined>;
  /** A file's content by its hash, as history entries keep it. */
  getBlob(hash: string): Promise<string | undefined>;
  /**
   * Adds a state to a phase's history and makes it the phase's current
   * state. With `ifStateIs`, only if the phase's current state is still
   * that entry (none: `null`); a stale state is left out (undefined).
   */
  addHistoryEntry(
    input: HistoryEntryInput,
    options?: { ifStateIs?: string | null },
  ): Promise<HistoryEntry | undefined>;
  /**
   * What a write made, recorded with the end of the promotion that made it,
   * in one transaction.
   */
  recordWrite(
    input: HistoryEntryInput,
    promotion: PromotionMove,
  ): Promise<WriteRecorded>;
  /**
   * Marks phases refreshed now, without an error; with `askedAt`, only
   * those not refreshed since then (a look that began earlier does not
   * undo what a later one found).
   */
  markRefreshedMany(
    phases: Array<{ pipelineRef: string; phase: string }>,
    askedAt?: Date,
  ): Promise<void>;
  /**
   * Records when these phases' sources were last asked about them, found
   * nothing new, and the phases' errors (if any) stand as they were: no
   * revision moves, since no view shows it. Not moved back.
   */
  markLookedAt(
    phases: Array<{ pipelineRef: string; phase: string }>,
    at: Date,
  ): Promise<void>;
  /** Marks a phase refreshed now, or failing to refresh with an error. */
  markRefreshed(
    pipelineRef: string,
    phase: string,
    error?: string,
    failure?: RefreshFailure,
  ): Promise<void>;
  listHistory(
    pipelineRef: string,
    phase: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>>;
  getHistoryEntry(id: string): Promise<HistoryEntry | undefined>;
  /** Whether a commit is one that Glu made (so its change is already known). */
  historyHasCommit(
    pipelineRef: string,
    phase: string,
    commitSha: string,
  ): Promise<boolean>;
}

/** Phases in `glu_phases`, their history in `glu_history`, contents in `glu_blobs`. */
export class KnexPhaseStore implements PhaseStore {
  constructor(
    private readonly db: Knex,
    private readonly unit: UnitOfWork,
    batching: BatcherOptions = {},
  ) {
    this.writes = new Batcher<
      { input: HistoryEntryInput; promotion: PromotionMove },
      WriteRecorded
    >(
      items =>
        this.unit.change(
          items.map(item => item.input.pipelineRef),
          async tx => {
            const results: WriteRecorded[] = [];
            // Rows are changed in the order of their phases, whatever the order
            // the writes ended in: writers never wait on each other in a circle.
            const order = items
              .map((item, i) => ({
                key: `${item.input.pipelineRef}\n${item.input.phase}`,
                i,
              }))
              // Stable: the order asked in, within a phase.
              .sort((a, b) => (a.key < b.key ? -1 : Number(a.key > b.key)));
            const entries = await insertHistoryRows(
              tx,
              items.map(item => item.input),
            );
            await holdStates(
              tx,
              order.map(({ i }) => ({
                input: items[i].input,
                id: entries[i].id,
              })),
            );
            const rows = await movePromotions(
              tx,
              order.map(({ i }) => items[i].promotion),
            );
            for (const [n, { i }] of order.entries()) {
              const { promotion } = items[i];
              const row = rows[n];
              results[i] = {
                entry: entries[i],
                record: row
                  ? promotionFromRow(row)
                  : promotionFromRow(
                      await tx('glu_promotions')
                        .where({ id: promotion.id })
                        .first(),
                    ),
                moved: Boolean(row),
              };
            }
            return results;
          },
        ),
      batching,
    );
  }

  /** The phases' states of these pipelines (of every pipeline: none given). */
  async getPhaseStates(pipelineRefs?: string[]): Promise<PhaseState[]> {
    if (pipelineRefs?.length === 0) return [];
    const query = this.db('glu_phases as ph').leftJoin(
      'glu_history as h',
      'h.id',
      'ph.state_id',
    );
    if (pipelineRefs) query.whereIn('ph.pipeline_ref', pipelineRefs);
    const rows = await query
      .orderBy([{ column: 'ph.pipeline_ref' }, { column: 'ph.position' }])
      .select(
        'ph.pipeline_ref',
        'ph.name as phase',
        'ph.source_type',
        'ph.source_key',
        'ph.changed_at',
        'ph.refreshed_at',
        'ph.refresh_error',
        'ph.refresh_failure',
        'ph.refresh_failing_since',
        'h.id',
        'h.digest',
        'h.blob_hash',
        'h.cause',
        'h.actor',
        'h.commit_sha',
        'h.commit_url',
        'h.message',
        'h.promotion_id',
        'h.kept_version',
        'h.observed_at',
        'h.version',
        'h.fields',
        'h.trace_context',
        'h.author',
      );
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      phase: row.phase,
      sourceType: row.source_type,
      sourceKey: row.source_key ?? undefined,
      refreshedAt: iso(row.refreshed_at),
      refreshError: row.refresh_error ?? undefined,
      ...(row.refresh_error && row.refresh_failure
        ? { refreshFailure: row.refresh_failure }
        : {}),
      ...(row.refresh_failing_since
        ? { refreshFailingSince: iso(row.refresh_failing_since) }
        : {}),
      heldSince: iso(row.changed_at),
      // The row names its columns as a history row does.
      current: row.id ? historyFromRow(row) : undefined,
    }));
  }

  async getPhaseState(
    pipelineRef: string,
    phase: string,
  ): Promise<PhaseState | undefined> {
    const states = await this.getPhaseStates([pipelineRef]);
    return states.find(s => s.phase === phase);
  }

  async getBlob(hash: string): Promise<string | undefined> {
    const row = await this.db('glu_blobs').where({ hash }).first('content');
    return row?.content;
  }

  /**
   * Adds a state to a phase's history and makes it the phase's current
   * state; the file content is kept once per hash. With `ifStateIs`, only if
   * the phase's current state is still that entry (none: `null`): a state
   * seen before a write that has since been recorded is stale, and is left
   * out (undefined).
   */
  async addHistoryEntry(
    input: HistoryEntryInput,
    options: { ifStateIs?: string | null } = {},
  ): Promise<HistoryEntry | undefined> {
    return this.unit
      .change([input.pipelineRef], tx => insertHistoryEntry(tx, input, options))
      .catch(error => {
        if (error instanceof StaleStateError) return undefined;
        throw error;
      });
  }

  /**
   * What a write made, recorded with the end of the promotion that made it,
   * in one transaction: never a state without its promotion's end, nor the
   * other way round. Writes that end together (edits that shared a commit)
   * are recorded together, in one transaction.
   */
  recordWrite(
    input: HistoryEntryInput,
    promotion: PromotionMove,
  ): Promise<WriteRecorded> {
    return this.writes.add({ input, promotion });
  }

  private readonly writes: Batcher<
    { input: HistoryEntryInput; promotion: PromotionMove },
    WriteRecorded
  >;

  /** Marks phases refreshed now, without an error: a few statements for many. */
  async markRefreshedMany(
    phases: Array<{ pipelineRef: string; phase: string }>,
    askedAt?: Date,
  ) {
    const now = new Date();
    for (let i = 0; i < phases.length; i += 400) {
      const chunk = phases.slice(i, i + 400);
      await this.unit.change(
        chunk.map(p => p.pipelineRef),
        tx => {
          const query = tx('glu_phases').whereIn(
            ['pipeline_ref', 'name'],
            chunk.map(p => [p.pipelineRef, p.phase]),
          );
          if (askedAt) {
            query.where(q =>
              q
                .whereNull('refreshed_at')
                .orWhere('refreshed_at', '<=', askedAt),
            );
          }
          return query.update({
            refreshed_at: now,
            refresh_error: null,
            refresh_failure: null,
            refresh_failing_since: null,
          });
        },
      );
    }
  }

  async markLookedAt(
    phases: Array<{ pipelineRef: string; phase: string }>,
    at: Date,
  ) {
    for (const chunk of chunks(phases, 400)) {
      await this.db('glu_phases')
        .whereIn(
          ['pipeline_ref', 'name'],
          chunk.map(p => [p.pipelineRef, p.phase]),
        )
        .where(q =>
          q.whereNull('refreshed_at').orWhere('refreshed_at', '<', at),
        )
        .update({ refreshed_at: at });
    }
  }

  /**
   * Marks a phase refreshed now, or failing to refresh with an error and
   * what kind of failure it is (by default, its source could not be reached).
   */
  async markRefreshed(
    pipelineRef: string,
    phase: string,
    error?: string,
    failure: RefreshFailure = 'unreachable',
  ) {
    const now = new Date();
    await this.unit.change([pipelineRef], tx =>
      tx('glu_phases')
        .where({ pipeline_ref: pipelineRef, name: phase })
        .update({
          refreshed_at: now,
          refresh_error: error ?? null,
          refresh_failure: error ? failure : null,
          // Since the first of the failures in a row.
          refresh_failing_since: error
            ? tx.raw('COALESCE(refresh_failing_since, ?)', [now])
            : null,
        }),
    );
  }

  async listHistory(
    pipelineRef: string,
    phase: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>> {
    // A state written through a freeze is marked with the hotfix's reason.
    const query = this.db('glu_history as h')
      .leftJoin('glu_promotions as p', 'p.id', 'h.promotion_id')
      .where({ 'h.pipeline_ref': pipelineRef, 'h.phase': phase })
      .orderBy('h.id', 'desc')
      .limit(options.limit + 1)
      .select(
        'h.*',
        'p.hotfix as promotion_hotfix',
        'p.approved_by as promotion_approved_by',
        'p.reason as promotion_reason',
      );
    const before = decodeCursor(options.cursor, HISTORY_ID);
    if (before) {
      query.where('h.id', '<', Number(before));
    }
    const rows = await query;
    const items = rows.slice(0, options.limit).map(historyFromRow);
    return {
      items,
      nextCursor:
        rows.length > options.limit
          ? encodeCursor(items[items.length - 1].id)
          : undefined,
    };
  }

  async getHistoryEntry(id: string): Promise<HistoryEntry | undefined> {
    if (!HISTORY_ID.test(id)) return undefined;
    const row = await this.db('glu_history as h')
      .where('h.id', Number(id))
      .first('h.*');
    return row ? historyFromRow(row) : undefined;
  }

  /** Whether a commit is one that Glu made (so its change is already known). */
  async historyHasCommit(
    pipelineRef: string,
    phase: string,
    commitSha: string,
  ): Promise<boolean> {
    const row = await this.db('glu_history')
      .where({ pipeline_ref: pipelineRef, phase, commit_sha: commitSha })
      .first('id');
    return Boolean(row);
  }
}
