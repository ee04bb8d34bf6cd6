import { Knex } from 'knex';
import { PromotionRecord } from './types';
import {
  chunks,
  contentHash,
  historyFromRow,
  RowUpdate,
  updateOfEach,
} from './rows';
import { HistoryCause, HistoryEntry, ResourceState } from './types';

/** The phase moved on between reading its state and recording a new one. */
export class StaleStateError extends Error {}

/** A write's history entry and its promotion's record, as recorded. */
export interface WriteRecorded {
  entry: HistoryEntry;
  record: PromotionRecord;
  /** Whether the record was moved as asked (not ended already). */
  moved: boolean;
}

/** A new state of a phase, to add to its history. */
export interface HistoryEntryInput {
  pipelineRef: string;
  phase: string;
  resource: ResourceState;
  content?: string;
  cause: HistoryCause;
  /** The change left the version as it was. */
  keptVersion?: boolean;
  actor?: string;
  commitSha?: string;
  commitUrl?: string;
  message?: string;
  promotionId?: string;
  /** Who made the version, as CI or the commit said. */
  author?: string;
  observedAt: Date;
  /** The span that made this state (a W3C traceparent). */
  traceparent?: string;
}

/** What a phase's row holds once it holds a history entry. */
export function heldStateOf(
  input: HistoryEntryInput,
  id: unknown,
  now: Date,
): Record<string, unknown> {
  return {
    state_id: id,
    digest: input.resource.digest,
    // When the version last changed: how long the phase has held it.
    ...(input.keptVersion ? {} : { changed_at: input.observedAt }),
    refreshed_at: now,
    refresh_error: null,
    refresh_failure: null,
    refresh_failing_since: null,
  };
}

export async function insertHistoryEntry(
  tx: Knex.Transaction,
  input: HistoryEntryInput,
  options: { ifStateIs?: string | null },
): Promise<HistoryEntry | undefined> {
  if (options.ifStateIs !== undefined) {
    const phase = await tx('glu_phases')
      .where({ pipeline_ref: input.pipelineRef, name: input.phase })
      .first('state_id');
    const current =
      phase?.state_id === null || phase?.state_id === undefined
        ? null
        : String(phase.state_id);
    if (!phase || current !== options.ifStateIs) return undefined;
  }
  const [entry] = await insertHistoryRows(tx, [input]);
  await holdState(tx, input, entry.id, options.ifStateIs);
  return entry;
}

/**
 * History entries and their contents, in a few statements whatever their
 * number; answered in the order given. Several at once are each a
 * promotion's (by which they are told apart).
 */
export async function insertHistoryRows(
  tx: Knex.Transaction,
  inputs: HistoryEntryInput[],
): Promise<HistoryEntry[]> {
  const blobs = new Map<string, string>();
  const rows = inputs.map(input => {
    let blobHash: string | null = null;
    if (input.content !== undefined) {
      blobHash = contentHash(input.content);
      blobs.set(blobHash, input.content);
    }
    return {
      pipeline_ref: input.pipelineRef,
      phase: input.phase,
      digest: input.resource.digest,
      version: input.resource.version,
      fields: JSON.stringify(input.resource.fields),
      blob_hash: blobHash,
      cause: input.cause,
      kept_version: Boolean(input.keptVersion),
      actor: input.actor ?? null,
      commit_sha: input.commitSha ?? null,
      commit_url: input.commitUrl ?? null,
      message: input.message ?? null,
      promotion_id: input.promotionId ?? null,
      author: input.author ?? null,
      observed_at: input.observedAt,
      trace_context: input.traceparent ?? null,
    };
  });
  for (const chunk of chunks([...blobs], 100)) {
    await tx('glu_blobs')
      .insert(chunk.map(([hash, content]) => ({ hash, content })))
      .onConflict('hash')
      .ignore();
  }
  const ids = new Map<string | null, unknown>();
  for (const chunk of chunks(rows, 100)) {
    const inserted: Array<{ id: unknown; promotion_id: string | null }> =
      await tx('glu_history').insert(chunk, ['id', 'promotion_id']);
    for (const row of inserted) ids.set(row.promotion_id, row.id);
  }
  return rows.map(row => {
    const id = ids.get(row.promotion_id);
    if (id === undefined || (rows.length > 1 && row.promotion_id === null)) {
      throw new Error(
        `A history entry of ${row.pipeline_ref} ${row.phase} was not stored`,
      );
    }
    return historyFromRow({ ...row, id });
  });
}

/** The phase holds this entry now: its state, and since when. */
export async function holdState(
  tx: Knex.Transaction,
  input: HistoryEntryInput,
  id: unknown,
  ifStateIs?: string | null,
): Promise<void> {
  const updated = await tx('glu_phases')
    .where({ pipeline_ref: input.pipelineRef, name: input.phase })
    .modify(query => {
      if (ifStateIs === null) query.whereNull('state_id');
      else if (ifStateIs !== undefined) query.where('state_id', ifStateIs);
    })
    .update(heldStateOf(input, id, new Date()));
  if (ifStateIs !== undefined && updated !== 1) {
    // Another writer got there between the read and the update.
    throw new StaleStateError();
  }
}

/**
 * Phases hold these entries now (each as `holdState` makes it), in one
 * statement per hundred phases; a phase given twice holds the last it is
 * given, as if they were held one after another.
 */
export async function holdStates(
  tx: Knex.Transaction,
  holds: Array<{ input: HistoryEntryInput; id: unknown }>,
): Promise<void> {
  const now = new Date();
  const byPhase = new Map<string, RowUpdate>();
  for (const { input, id } of holds) {
    const phase = `${input.pipelineRef}\n${input.phase}`;
    byPhase.set(phase, {
      key: [input.pipelineRef, input.phase],
      columns: {
        ...byPhase.get(phase)?.columns,
        ...heldStateOf(input, id, now),
      },
    });
  }
  const keys = ['pipeline_ref', 'name'];
  for (const chunk of chunks([...byPhase.values()], 100)) {
    await tx('glu_phases')
      .whereIn(
        keys,
        chunk.map(row => row.key),
      )
      .update(updateOfEach(tx, keys, chunk));
  }
}
