import { Knex } from 'knex';
import { PromotionRequest } from '@glu-dev/plugin-glu-common';
import { iso } from './rows';
import { UnitOfWork } from './UnitOfWork';

/** What a request's end records. */
export type RequestEnd = Pick<PromotionRequest, 'status'> &
  Partial<Pick<PromotionRequest, 'promotionId' | 'error'>>;

/**
 * Promotion requests, in `glu_promotion_requests`. An open request is part
 * of its pipeline's view (its edge waits on it): every change moves the
 * pipeline's revision.
 */
export interface RequestStore {
  /**
   * Opens a request, replacing (superseded) the open one of the same edge.
   */
  openRequest(
    request: Omit<PromotionRequest, 'id' | 'status'>,
  ): Promise<PromotionRequest>;
  /** The open requests of these pipelines. */
  openRequests(pipelineRefs: string[]): Promise<PromotionRequest[]>;
  listRequests(
    pipelineRef: string,
    options: { status?: PromotionRequest['status']; limit: number },
  ): Promise<PromotionRequest[]>;
  getRequest(id: string): Promise<PromotionRequest | undefined>;
  /** Ends an open request; false when it was not open any more. */
  endRequest(id: string, end: RequestEnd, now: Date): Promise<boolean>;
}

function requestFromRow(row: Record<string, any>): PromotionRequest {
  return {
    id: String(row.id),
    pipelineRef: row.pipeline_ref,
    from: row.from_phase,
    to: row.to_phase,
    digest: row.digest,
    version: row.version,
    requestedBy: row.requested_by,
    ...(row.reason ? { reason: row.reason } : {}),
    status: row.status,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    ...(row.ended_at ? { endedAt: iso(row.ended_at) } : {}),
    ...(row.promotion_id ? { promotionId: row.promotion_id } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

export class KnexRequestStore implements RequestStore {
  constructor(private readonly db: Knex, private readonly unit: UnitOfWork) {}

  async openRequest(
    request: Omit<PromotionRequest, 'id' | 'status'>,
  ): Promise<PromotionRequest> {
    return this.unit.change([request.pipelineRef], async tx => {
      await tx('glu_promotion_requests')
        .where({
          pipeline_ref: request.pipelineRef,
          from_phase: request.from,
          to_phase: request.to,
          status: 'open',
        })
        .update({ status: 'superseded', ended_at: new Date() });
      const [row] = await tx('glu_promotion_requests').insert(
        {
          pipeline_ref: request.pipelineRef,
          from_phase: request.from,
          to_phase: request.to,
          digest: request.digest,
          version: request.version,
          requested_by: request.requestedBy,
          reason: request.reason ?? null,
          status: 'open',
          created_at: new Date(request.createdAt),
          expires_at: new Date(request.expiresAt),
        },
        ['id'],
      );
      return {
        ...request,
        id: String(typeof row === 'object' ? row.id : row),
        status: 'open' as const,
      };
    });
  }

  async openRequests(pipelineRefs: string[]): Promise<PromotionRequest[]> {
    if (pipelineRefs.length === 0) return [];
    const rows = await this.db('glu_promotion_requests')
      .whereIn('pipeline_ref', pipelineRefs)
      .where('status', 'open')
      .orderBy('id', 'desc');
    return rows.map(requestFromRow);
  }

  async listRequests(
    pipelineRef: string,
    options: { status?: PromotionRequest['status']; limit: number },
  ): Promise<PromotionRequest[]> {
    const query = this.db('glu_promotion_requests')
      .where('pipeline_ref', pipelineRef)
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.status) query.where('status', options.status);
    return (await query).map(requestFromRow);
  }

  async getRequest(id: string): Promise<PromotionRequest | undefined> {
    const row = await this.db('glu_promotion_requests')
      .where({ id: Number(id) })
      .first();
    return row ? requestFromRow(row) : undefined;
  }

  async endRequest(id: string, end: RequestEnd, now: Date): Promise<boolean> {
    // Its pipeline's row first, as every change takes it.
    const of = await this.db('glu_promotion_requests')
      .where({ id: Number(id) })
      .first('pipeline_ref');
    if (!of) return false;
    return this.unit.changeSome([of.pipeline_ref], async tx => {
      const [row] = await tx('glu_promotion_requests')
        .where({ id: Number(id), status: 'open' })
        .update(
          {
            status: end.status,
            ended_at: now,
            promotion_id: end.promotionId ?? null,
            error: end.error ?? null,
          },
          ['pipeline_ref'],
        );
      return {
        result: Boolean(row),
        changed: row ? [row.pipeline_ref] : [],
      };
    });
  }
}
