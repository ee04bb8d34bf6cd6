import { Knex } from 'knex';
import { Batcher, BatcherOptions } from '../batcher';
import {
  ACTIVE_STATUSES,
  movePromotion,
  PromotionPatch,
  promotionFromRow,
  promotionRowOf,
} from './promotionRows';
import { chunks, decodeCursor, encodeCursor } from './rows';
import { Page, PromotionRecord } from './types';
import { UnitOfWork } from './UnitOfWork';

/** Promotions' records: what was asked, and how it went. */
export interface PromotionStore {
  /**
   * Stores a new promotion; `leaseHolder` is who will work on it, so that
   * the record can end when that holder's lease does.
   */
  createPromotion(record: PromotionRecord, leaseHolder?: string): Promise<void>;
  /** Changes a record (only while its status is one of `onlyIfStatus`); answers it as it is. */
  updatePromotion(
    id: string,
    patch: PromotionPatch,
    onlyIfStatus?: PromotionRecord['status'][],
  ): Promise<PromotionRecord>;
  /** The same, answering the record only when this call changed it. */
  tryUpdatePromotion(
    id: string,
    patch: PromotionPatch,
    onlyIfStatus?: PromotionRecord['status'][],
  ): Promise<PromotionRecord | undefined>;
  getPromotion(id: string): Promise<PromotionRecord | undefined>;
  listPromotions(options: {
    pipelineRef?: string;
    phase?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<PromotionRecord>>;
  /** Promotions of some pipelines that have not finished. */
  listActivePromotions(pipelineRefs: string[]): Promise<PromotionRecord[]>;
  /** Promotions by commit, or rollbacks, that have not ended, with their lease holder. */
  listUnfinishedCommits(): Promise<
    { record: PromotionRecord; leaseHolder?: string }[]
  >;
  /** Every pull request that is open, or merged but not yet seen in its phase. */
  listOpenPullRequests(): Promise<PromotionRecord[]>;
  /** The open or merged pull requests into one phase, newest first. */
  pullRequestsInto(
    pipelineRef: string,
    phase: string,
  ): Promise<PromotionRecord[]>;
}

/** Promotions' records in `glu_promotions`. */
export class KnexPromotionStore implements PromotionStore {
  constructor(
    private readonly db: Knex,
    private readonly unit: UnitOfWork,
    batching: BatcherOptions = {},
  ) {
    this.newPromotions = new Batcher<
      { record: PromotionRecord; leaseHolder?: string },
      void
    >(
      items =>
        this.unit.change(
          items.map(item => item.record.pipelineRef),
          async tx => {
            for (const chunk of chunks(items, 100)) {
              await tx('glu_promotions').insert(
                chunk.map(({ record, leaseHolder }) =>
                  promotionRowOf(record, leaseHolder),
                ),
              );
            }
            return items.map(() => undefined);
          },
        ),
      batching,
    );
  }

  /**
   * Stores a new promotion; `leaseHolder` is who will work on it, so that
   * the record can end when that holder's lease does.
   */
  async createPromotion(
    record: PromotionRecord,
    leaseHolder?: string,
  ): Promise<void> {
    await this.newPromotions.add({ record, leaseHolder });
  }

  /**
   * The promotions created at the same moment, in one statement, and one
   * that counts the change of their pipelines.
   */
  private readonly newPromotions: Batcher<
    { record: PromotionRecord; leaseHolder?: string },
    void
  >;

  async updatePromotion(
    id: string,
    patch: PromotionPatch,
    /** Change it only while its status is one of these. */
    onlyIfStatus?: PromotionRecord['status'][],
  ): Promise<PromotionRecord> {
    return (
      (await this.tryUpdatePromotion(id, patch, onlyIfStatus)) ??
      (await this.getPromotion(id))!
    );
  }

  /** The same, answering the record only when this call changed it. */
  async tryUpdatePromotion(
    id: string,
    patch: PromotionPatch,
    onlyIfStatus?: PromotionRecord['status'][],
  ): Promise<PromotionRecord | undefined> {
    // Its pipeline's row first, as every change takes it.
    const of = await this.db('glu_promotions')
      .where({ id })
      .first('pipeline_ref');
    if (!of) return undefined;
    const row = await this.unit.changeSome([of.pipeline_ref], async tx => {
      const moved = await movePromotion(tx, { id, patch, onlyIfStatus });
      return { result: moved, changed: moved ? [moved.pipeline_ref] : [] };
    });
    return row && promotionFromRow(row);
  }

  async getPromotion(id: string): Promise<PromotionRecord | undefined> {
    const row = await this.db('glu_promotions').where({ id }).first();
    return row ? promotionFromRow(row) : undefined;
  }

  async listPromotions(options: {
    pipelineRef?: string;
    phase?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<PromotionRecord>> {
    const query = this.db('glu_promotions')
      .orderBy('id', 'desc')
      .limit(options.limit + 1);
    if (options.pipelineRef) query.where('pipeline_ref', options.pipelineRef);
    if (options.phase) query.where('to_phase', options.phase);
    const before = decodeCursor(options.cursor, /^[0-9a-f]{24}$/);
    if (before) query.where('id', '<', before);
    const rows = await query;
    const items = rows.slice(0, options.limit).map(promotionFromRow);
    return {
      items,
      nextCursor:
        rows.length > options.limit
          ? encodeCursor(items[items.length - 1].id)
          : undefined,
    };
  }

  /**
   * Promotions that have not finished, of some pipelines: running, or a
   * pull request that is open or merged but not yet seen in the phase.
   */
  async listActivePromotions(
    pipelineRefs: string[],
  ): Promise<PromotionRecord[]> {
    if (pipelineRefs.length === 0) return [];
    const rows = await this.db('glu_promotions')
      .whereIn('pipeline_ref', pipelineRefs)
      .whereIn('status', ACTIVE_STATUSES)
      .orderBy('id', 'desc');
    return rows.map(promotionFromRow);
  }

  /**
   * Promotions by commit, or rollbacks, that have not ended, with the lease
   * holder they are bound to.
   */
  async listUnfinishedCommits(): Promise<
    { record: PromotionRecord; leaseHolder?: string }[]
  > {
    const rows = await this.db('glu_promotions')
      .whereIn('status', ['pending', 'running'])
      .orderBy('id', 'asc');
    return rows.map(row => ({
      record: promotionFromRow(row),
      leaseHolder: row.lease_holder ?? undefined,
    }));
  }

  /** Every pull request that is open, or merged but not yet seen in its phase. */
  async listOpenPullRequests(): Promise<PromotionRecord[]> {
    const rows = await this.db('glu_promotions')
      .whereIn('status', ['open', 'merged'])
      .orderBy('id', 'asc');
    return rows.map(promotionFromRow);
  }

  /** The open or merged pull requests into one phase, newest first. */
  async pullRequestsInto(
    pipelineRef: string,
    phase: string,
  ): Promise<PromotionRecord[]> {
    const rows = await this.db('glu_promotions')
      .where({ pipeline_ref: pipelineRef, to_phase: phase })
      .whereIn('status', ['open', 'merged'])
      .orderBy('id', 'desc');
    return rows.map(promotionFromRow);
  }
}
