import { Knex } from 'knex';
import { isSqlite } from './rows';

/**
 * The one way to change what a pipeline's view shows (its definition, a
 * phase's state or history, a promotion's record, a pin, an approval, a
 * gate's answer): a transaction that moves the revision of the pipelines it
 * changes as part of itself. Views are kept by revision (see
 * `PipelineViews`), so a change that did not move it would go unseen; a
 * store that changes them is given this rather than a way to write alone.
 */
export class UnitOfWork {
  constructor(private readonly db: Knex) {}

  /**
   * Runs `work` in one transaction that first moves the revision of these
   * pipelines. Pipelines' rows are taken first and in the order of their
   * refs, whatever the work then changes: writers that change several
   * never wait on each other in a circle.
   */
  change<T>(
    refs: string[],
    work: (tx: Knex.Transaction) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      await moveRevisions(tx, refs);
      return work(tx);
    });
  }

  /**
   * The same, for work that learns only as it goes which of these
   * pipelines it changed (it answers them with its result): their rows are
   * taken first all the same, in the order of their refs, and only the
   * changed ones' revisions move, at its end, in the same transaction.
   */
  changeSome<T>(
    refs: string[],
    work: (tx: Knex.Transaction) => Promise<{ result: T; changed: string[] }>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      await lockPipelines(tx, refs);
      const { result, changed } = await work(tx);
      await moveRevisions(tx, changed);
      return result;
    });
  }
}

/** Takes pipelines' rows for the rest of the transaction, in ref order. */
async function lockPipelines(
  tx: Knex.Transaction,
  refs: string[],
): Promise<void> {
  // SQLite has one writer at a time: there are no rows to take in order.
  if (isSqlite(tx)) return;
  const sorted = [...new Set(refs)].sort();
  for (let i = 0; i < sorted.length; i += 500) {
    await tx('glu_pipelines')
      .whereIn('entity_ref', sorted.slice(i, i + 500))
      .orderBy('entity_ref')
      .forUpdate()
      .select('entity_ref');
  }
}

async function moveRevisions(
  tx: Knex.Transaction,
  refs: string[],
): Promise<void> {
  const sorted = [...new Set(refs)].sort();
  // 500 at a time: SQLite binds at most 999 values in a statement.
  for (let i = 0; i < sorted.length; i += 500) {
    await tx('glu_pipelines')
      .whereIn('entity_ref', sorted.slice(i, i + 500))
      .increment('revision', 1);
  }
}
