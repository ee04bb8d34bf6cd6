import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { HistoryEntry } from './types';

/** Timestamps come back as Date (PostgreSQL) or number/string (SQLite). */
export function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  return new Date(/^\d+$/.test(text) ? Number(text) : text);
}

export function iso(value: unknown): string | undefined {
  return toDate(value)?.toISOString();
}

export function contentHash(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function encodeCursor(value: string | number): string {
  return Buffer.from(String(value), 'utf8').toString('base64url');
}

/**
 * The position a cursor holds; a cursor that no page of the list gave is bad
 * input, not something for the database to choke on.
 */
export function decodeCursor(
  cursor: string | undefined,
  valid: RegExp = /^[^\0]{1,1000}$/,
): string | undefined {
  if (!cursor) return undefined;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!valid.test(value)) {
    throw new InputError(
      'The cursor is not one that this list gave; start again from the first page',
    );
  }
  return value;
}

/** History ids: positive whole numbers, exact in JavaScript. */
export const HISTORY_ID = /^[1-9][0-9]{0,14}$/;

export function historyFromRow(row: Record<string, any>): HistoryEntry {
  return {
    id: String(row.id),
    pipelineRef: row.pipeline_ref,
    phase: row.phase,
    digest: row.digest,
    version: row.version,
    fields: JSON.parse(row.fields),
    blobHash: row.blob_hash ?? undefined,
    cause: row.cause,
    actor: row.actor ?? undefined,
    commitSha: row.commit_sha ?? undefined,
    commitUrl: row.commit_url ?? undefined,
    message: row.message ?? undefined,
    promotionId: row.promotion_id ?? undefined,
    ...(row.kept_version ? { keptVersion: true } : {}),
    observedAt: iso(row.observed_at)!,
    ...(row.trace_context ? { traceparent: row.trace_context } : {}),
    ...(row.promotion_hotfix
      ? { hotfix: JSON.parse(row.promotion_hotfix).reason }
      : {}),
    ...(row.author ? { author: row.author } : {}),
    ...(row.promotion_approved_by
      ? { approvedBy: JSON.parse(row.promotion_approved_by) }
      : {}),
    ...(row.promotion_reason ? { reason: row.promotion_reason } : {}),
  };
}

/** A row of an update of several, by its key, and what its update sets. */
export interface RowUpdate {
  key: string[];
  columns: Record<string, unknown>;
}

/** The columns whose values PostgreSQL must be told the type of. */
const COLUMN_TYPES: Record<string, 'bigint' | 'timestamptz' | undefined> = {
  state_id: 'bigint',
  changed_at: 'timestamptz',
  refreshed_at: 'timestamptz',
  finished_at: 'timestamptz',
};

/** Whether two column values are the same (dates by their time). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date)
    return a.getTime() === b.getTime();
  return a === b;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Whether the database is SQLite (which needs no casts, and binds at most 999 values). */
export function isSqlite(db: Knex | Knex.Transaction): boolean {
  return String(db.client.config.client).includes('sqlite');
}

/**
 * One update of several rows, each changed as its own update would change
 * it: a column every row sets to the same value is set to it, any other
 * is each row's own (`CASE WHEN <key> = ? THEN ? … ELSE <column> END`).
 * PostgreSQL is told the type of a value that is not text.
 */
export function updateOfEach(
  db: Knex | Knex.Transaction,
  keys: string[],
  rows: RowUpdate[],
): Record<string, unknown> {
  const sqlite = isSqlite(db);
  const update: Record<string, unknown> = {};
  for (const column of new Set(rows.flatMap(r => Object.keys(r.columns)))) {
    const setting = rows.filter(row => column in row.columns);
    const first = setting[0].columns[column];
    if (
      setting.length === rows.length &&
      setting.every(row => sameValue(row.columns[column], first))
    ) {
      update[column] = first;
      continue;
    }
    const type = COLUMN_TYPES[column];
    const value = type && !sqlite ? `CAST(? AS ${type})` : '?';
    const when = `WHEN ${keys.map(() => '?? = ?').join(' AND ')} THEN ${value}`;
    const bindings: unknown[] = [];
    for (const row of setting) {
      keys.forEach((name, k) => bindings.push(name, row.key[k]));
      bindings.push(row.columns[column] ?? null);
    }
    update[column] = db.raw(
      `CASE ${setting.map(() => when).join(' ')} ELSE ?? END`,
      [...bindings, column] as Knex.RawBinding[],
    );
  }
  return update;
}

/**
 * What identifies where a phase reads: its source definition, whatever the
 * type, without how often it is looked at.
 */
export function sourceKeyOf(source: {
  type: string;
  [key: string]: unknown;
}): string {
  const { interval: _interval, ...where } = source;
  return createHash('sha256').update(stableJson(where)).digest('hex');
}

/** JSON with the keys of every object in order, so equal values compare equal. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        key =>
          `${JSON.stringify(key)}:${stableJson(
            (value as Record<string, unknown>)[key],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
