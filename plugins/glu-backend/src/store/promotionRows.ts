import { randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import { chunks, iso, RowUpdate, updateOfEach } from './rows';
import { PromotionRecord } from './types';

/** The statuses of promotions that are under way. */
export const ACTIVE_STATUSES = ['pending', 'running', 'open', 'merged'];

/** Time-ordered ids, so that newest-first pages can use the id as cursor. */
export function newPromotionId(): string {
  return `${Date.now().toString(16).padStart(12, '0')}${randomBytes(6).toString(
    'hex',
  )}`;
}

/** What a promotion's record may be changed in. */
export type PromotionPatch = Partial<
  Pick<
    PromotionRecord,
    | 'status'
    | 'fromVersion'
    | 'before'
    | 'after'
    | 'commitSha'
    | 'commitUrl'
    | 'pullRequest'
    | 'error'
    | 'finishedAt'
  >
>;

/** A change of a promotion's record, made only from the statuses named. */
export interface PromotionMove {
  id: string;
  patch: PromotionPatch;
  onlyIfStatus?: PromotionRecord['status'][];
}

type PromotionRow = Record<string, any>;

export function promotionFromRow(row: PromotionRow): PromotionRecord {
  return {
    id: row.id,
    pipelineRef: row.pipeline_ref,
    from: row.from_phase,
    to: row.to_phase,
    kind: row.kind,
    strategy: row.strategy,
    status: row.status,
    fromVersion: row.from_digest
      ? { digest: row.from_digest, version: row.from_version }
      : undefined,
    before: row.before_digest
      ? { digest: row.before_digest, version: row.before_version }
      : undefined,
    after: row.after_digest
      ? { digest: row.after_digest, version: row.after_version }
      : undefined,
    triggeredBy: row.triggered_by,
    trigger: row.trigger,
    commitSha: row.commit_sha ?? undefined,
    commitUrl: row.commit_url ?? undefined,
    pullRequest: row.pull_request ? JSON.parse(row.pull_request) : undefined,
    error: row.error || undefined,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
    ...(row.trace_context ? { traceparent: row.trace_context } : {}),
    ...(row.hotfix ? { hotfix: JSON.parse(row.hotfix) } : {}),
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.approved_by ? { approvedBy: JSON.parse(row.approved_by) } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

/** The columns a promotion's patch changes, and their new values. */
export function promotionUpdateOf(
  patch: PromotionPatch,
): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  if (patch.status) update.status = patch.status;
  if (patch.fromVersion) {
    update.from_digest = patch.fromVersion.digest;
    update.from_version = patch.fromVersion.version;
  }
  if (patch.before) {
    update.before_digest = patch.before.digest;
    update.before_version = patch.before.version;
  }
  if (patch.after) {
    update.after_digest = patch.after.digest;
    update.after_version = patch.after.version;
  }
  if (patch.commitSha !== undefined) update.commit_sha = patch.commitSha;
  if (patch.commitUrl !== undefined) update.commit_url = patch.commitUrl;
  if (patch.pullRequest !== undefined) {
    update.pull_request = JSON.stringify(patch.pullRequest);
  }
  if (patch.error !== undefined) update.error = patch.error;
  if (patch.finishedAt) update.finished_at = new Date(patch.finishedAt);
  return update;
}

/** A promotion's row, as it is first stored. */
export function promotionRowOf(record: PromotionRecord, leaseHolder?: string) {
  return {
    id: record.id,
    pipeline_ref: record.pipelineRef,
    from_phase: record.from,
    to_phase: record.to,
    kind: record.kind,
    strategy: record.strategy,
    status: record.status,
    from_digest: record.fromVersion?.digest ?? null,
    from_version: record.fromVersion?.version ?? null,
    before_digest: record.before?.digest ?? null,
    before_version: record.before?.version ?? null,
    after_digest: record.after?.digest ?? null,
    after_version: record.after?.version ?? null,
    triggered_by: record.triggeredBy,
    trigger: record.trigger,
    commit_sha: record.commitSha ?? null,
    commit_url: record.commitUrl ?? null,
    pull_request: record.pullRequest
      ? JSON.stringify(record.pullRequest)
      : null,
    error: record.error ?? null,
    lease_holder: leaseHolder ?? null,
    trace_context: record.traceparent ?? null,
    hotfix: record.hotfix ? JSON.stringify(record.hotfix) : null,
    request_id: record.requestId ?? null,
    approved_by: record.approvedBy?.length
      ? JSON.stringify(record.approvedBy)
      : null,
    reason: record.reason ?? null,
    created_at: new Date(record.createdAt),
    finished_at: record.finishedAt ? new Date(record.finishedAt) : null,
  };
}

/** A promotion's row as it is after the move; undefined when it was not made. */
export async function movePromotion(
  db: Knex | Knex.Transaction,
  { id, patch, onlyIfStatus }: PromotionMove,
): Promise<Record<string, any> | undefined> {
  const query = db('glu_promotions').where({ id });
  if (onlyIfStatus) query.whereIn('status', onlyIfStatus);
  const [row] = await query.update(promotionUpdateOf(patch), '*');
  return row;
}

/**
 * Promotion records moved as `movePromotion` moves one, in one statement
 * per hundred records that change the same columns from the same
 * statuses; answered in the order given (undefined: not moved). A record
 * given twice is moved one move after another.
 */
export async function movePromotions(
  tx: Knex.Transaction,
  moves: PromotionMove[],
): Promise<Array<Record<string, any> | undefined>> {
  const rows: Array<Record<string, any> | undefined> = new Array(moves.length);
  const ids = moves.map(move => move.id);
  const groups = new Map<string, Array<RowUpdate & { index: number }>>();
  for (const [index, move] of moves.entries()) {
    if (ids.indexOf(move.id) !== ids.lastIndexOf(move.id)) {
      rows[index] = await movePromotion(tx, move);
      continue;
    }
    const columns = promotionUpdateOf(move.patch);
    const shape = JSON.stringify([
      Object.keys(columns).sort(),
      move.onlyIfStatus ? [...move.onlyIfStatus].sort() : null,
    ]);
    groups.set(shape, [
      ...(groups.get(shape) ?? []),
      { key: [move.id], columns, index },
    ]);
  }
  for (const group of groups.values()) {
    for (const chunk of chunks(group, 100)) {
      const { onlyIfStatus } = moves[chunk[0].index];
      const query = tx('glu_promotions').whereIn(
        'id',
        chunk.map(row => ids[row.index]),
      );
      if (onlyIfStatus) query.whereIn('status', onlyIfStatus);
      const moved: Array<Record<string, any>> = await query.update(
        updateOfEach(tx, ['id'], chunk),
        '*',
      );
      const byId = new Map(moved.map(row => [String(row.id), row]));
      for (const { index } of chunk) rows[index] = byId.get(ids[index]);
    }
  }
  return rows;
}
