import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Pin, PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { createHash, randomBytes } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { Batcher } from '../batcher';
import {
  GateCheck,
  HistoryCause,
  HistoryEntry,
  Page,
  PhaseState,
  PromotionRecord,
  RefreshFailure,
  ResourceState,
} from './types';
import { WebhookDeliveries } from './WebhookDeliveries';

const migrationsDir = resolvePackagePath(
  '@glu-dev/plugin-glu-backend',
  'migrations',
);

/** Timestamps come back as Date (PostgreSQL) or number/string (SQLite). */
function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  return new Date(/^\d+$/.test(text) ? Number(text) : text);
}

function iso(value: unknown): string | undefined {
  return toDate(value)?.toISOString();
}

export function contentHash(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * Which pipelines a list may show, e.g. what a permission policy lets the
 * caller read: pipelines of some owners, and combinations of that.
 */
export type PipelineFilter =
  | { all: boolean }
  | { ownerIn: string[] }
  | { allOf: PipelineFilter[] }
  | { anyOf: PipelineFilter[] }
  | { not: PipelineFilter };

/** Narrows a query on glu_pipelines (as `p`) to what a filter lets through. */
function applyFilter(query: Knex.QueryBuilder, filter: PipelineFilter): void {
  if ('all' in filter) {
    if (!filter.all) query.whereRaw('1 = 0');
  } else if ('ownerIn' in filter) {
    query.whereIn(
      'p.owner_ref',
      filter.ownerIn.map(o => o.toLocaleLowerCase('en-US')),
    );
  } else if ('allOf' in filter) {
    for (const inner of filter.allOf) query.where(q => applyFilter(q, inner));
  } else if ('anyOf' in filter) {
    if (filter.anyOf.length === 0) query.whereRaw('1 = 0');
    for (const inner of filter.anyOf) {
      query.orWhere(q => applyFilter(q, inner));
    }
  } else {
    query.whereNot(q => applyFilter(q, filter.not));
  }
}

/** The phase moved on between reading its state and recording a new one. */
class StaleStateError extends Error {}

/** Time-ordered ids, so that newest-first pages can use the id as cursor. */
/** The statuses of promotions that are under way. */
export const ACTIVE_STATUSES = ['pending', 'running', 'open', 'merged'];

export function newPromotionId(): string {
  return `${Date.now().toString(16).padStart(12, '0')}${randomBytes(6).toString(
    'hex',
  )}`;
}

function encodeCursor(value: string | number): string {
  return Buffer.from(String(value), 'utf8').toString('base64url');
}

/** History ids: positive whole numbers, exact in JavaScript. */
const HISTORY_ID = /^[1-9][0-9]{0,14}$/;

/**
 * The position a cursor holds; a cursor that no page of the list gave is bad
 * input, not something for the database to choke on.
 */
function decodeCursor(
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
  observedAt: Date;
  /** The span that made this state (a W3C traceparent). */
  traceparent?: string;
}

type PromotionRow = Record<string, any>;

function promotionFromRow(row: PromotionRow): PromotionRecord {
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
  };
}

function historyFromRow(row: Record<string, any>): HistoryEntry {
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
  };
}

/**
 * A pipeline's revision as the views know it: the counter, and when its
 * definition was stored, so that a pipeline removed and added again never
 * passes for the one before it.
 */
function revisionOf(row: { revision: unknown; updated_at: unknown }): string {
  return `${row.revision}@${iso(row.updated_at)}`;
}

/** The columns that say which version of a definition a row holds. */
interface DefinitionVersionRow {
  entity_ref: string;
  definition_hash: unknown;
  updated_at: unknown;
}

/** A question to `firstHeld`: when some phases first held these versions. */
interface FirstHeldAsk {
  pipelineRef: string;
  phases: string[];
  versions: Array<{ digest: string; version: string }>;
}

/** What a pipeline's row says of its definition's version and its revision. */
interface PipelineRow extends DefinitionVersionRow {
  revision: unknown;
}

/** Which version of a pipeline's definition a row holds. */
function definitionVersionOf(row: {
  definition_hash: unknown;
  updated_at: unknown;
}): string {
  return `${row.definition_hash}\n${iso(row.updated_at)}`;
}

/** The columns a promotion's patch changes, and their new values. */
function promotionUpdateOf(patch: PromotionPatch): Record<string, unknown> {
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

/** What a phase's row holds once it holds a history entry. */
function heldStateOf(
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

/** A row of an update of several, by its key, and what its update sets. */
interface RowUpdate {
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

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** At most this many prepared statements are kept per SQLite connection. */
const KEPT_STATEMENTS = 500;
const TUNED = Symbol('glu.tuned');

/**
 * How the store uses each SQLite connection (better-sqlite3), set on the
 * connection the pool has and on every one it makes from now on:
 *
 * - `synchronous = NORMAL`: with the write-ahead log, a commit appends to the
 *   log and the log is synced at checkpoints, not at every commit. A
 *   committed transaction survives the backend's crash or kill; a power loss
 *   may undo the last ones, never half of one (SQLite's documented guarantee
 *   for WAL mode). With the default (`FULL`), every statement outside a
 *   transaction waits for the disk on the event loop's thread: milliseconds
 *   each, several per promotion.
 * - better-sqlite3 compiles every statement knex runs afresh, though the
 *   store runs the same few dozen again and again: each connection keeps the
 *   statements it compiled, by their SQL, the least recently used dropped.
 *   (A statement runs to its end synchronously, so one is never in use
 *   twice.)
 */
async function tuneSqliteConnections(knex: Knex): Promise<void> {
  type Connection = {
    prepare(sql: string): unknown;
    pragma?(source: string): unknown;
    [TUNED]?: true;
  };
  const keep = (connection: Connection) => {
    if (connection[TUNED] || typeof connection.prepare !== 'function') {
      return;
    }
    connection.pragma?.('synchronous = NORMAL');
    const prepare = connection.prepare.bind(connection);
    const statements = new Map<string, unknown>();
    connection.prepare = (sql: string) => {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = prepare(sql);
        if (statements.size >= KEPT_STATEMENTS) {
          statements.delete(statements.keys().next().value!);
        }
      }
      statements.set(sql, statement);
      return statement;
    };
    connection[TUNED] = true;
  };
  const client = knex.client as {
    pool?: { on(event: string, listener: (...args: any[]) => void): void };
    acquireConnection(): Promise<Connection>;
    releaseConnection(connection: Connection): Promise<unknown>;
  };
  // The connections the pool makes from now on, and the one it has.
  client.pool?.on('createSuccess', (_id: unknown, connection: Connection) =>
    keep(connection),
  );
  const connection = await client.acquireConnection();
  try {
    keep(connection);
  } finally {
    await client.releaseConnection(connection);
  }
}

/** A promotion's row, as it is first stored. */
function promotionRowOf(record: PromotionRecord, leaseHolder?: string) {
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
    created_at: new Date(record.createdAt),
    finished_at: record.finishedAt ? new Date(record.finishedAt) : null,
  };
}

/** The plugin's own tables: pipelines, phase states and history, promotions. */
export class DatabaseGluStore {
  /** Parsed definitions, by pipeline, with the version they were parsed at. */
  private readonly definitions = new Map<
    string,
    { version: string; definition: PipelineDefinition }
  >();

  /** The webhook deliveries received, so that each is acted on once. */
  readonly deliveries: WebhookDeliveries;

  private constructor(private readonly db: Knex) {
    this.deliveries = new WebhookDeliveries(db);
  }

  /**
   * Counts a change to what the views of some pipelines show (see
   * `getPipelineRevision`). Every write that changes a view ends with it,
   * after its change or in its transaction; the rows are changed in the
   * order of their refs, so writers that touch several never wait on each
   * other in a circle.
   */
  private async touch(
    db: Knex | Knex.Transaction,
    refs: string[],
  ): Promise<void> {
    if (refs.length === 0) return;
    await db('glu_pipelines')
      .whereIn('entity_ref', [...new Set(refs)].sort())
      .increment('revision', 1);
  }

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseGluStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    if (String(client.client.config.client).includes('sqlite')) {
      // A write-ahead log: a write is one append rather than a synced
      // rewrite of pages, and reads go on while it happens. The setting
      // stays with the file.
      await client.raw('PRAGMA journal_mode = WAL');
      await tuneSqliteConnections(client);
    }
    return new DatabaseGluStore(client);
  }

  /** Answers when the database does; throws otherwise. */
  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  // Pipelines

  async pipelineHashes(): Promise<Map<string, string>> {
    const rows = await this.db('glu_pipelines').select(
      'entity_ref',
      'definition_hash',
    );
    return new Map(rows.map(r => [r.entity_ref, r.definition_hash]));
  }

  /** Stores a pipeline definition and the phases it has now. */
  async upsertPipeline(definition: PipelineDefinition, hash: string) {
    await this.db.transaction(async tx => {
      const row = {
        entity_ref: definition.ref,
        // Compared with ownership claims, which are lower case.
        owner_ref: definition.owner.toLocaleLowerCase('en-US'),
        definition: JSON.stringify(definition),
        definition_hash: hash,
        updated_at: new Date(),
      };
      await tx('glu_pipelines')
        .insert(row)
        .onConflict('entity_ref')
        .merge(['owner_ref', 'definition', 'definition_hash', 'updated_at']);

      await tx('glu_pipeline_components')
        .where({ pipeline_ref: definition.ref })
        .delete();
      const components = [...new Set(definition.components)];
      if (components.length > 0) {
        await tx('glu_pipeline_components').insert(
          components.map(component_ref => ({
            pipeline_ref: definition.ref,
            component_ref,
          })),
        );
      }

      const existing = await tx('glu_phases')
        .where({ pipeline_ref: definition.ref })
        .select('name', 'source_key');
      const existingKeys = new Map(existing.map(r => [r.name, r.source_key]));
      const names = definition.phases.map(p => p.name);
      await tx('glu_phases')
        .where({ pipeline_ref: definition.ref })
        .whereNotIn('name', names)
        .delete();
      for (const [position, phase] of definition.phases.entries()) {
        const sourceKey = sourceKeyOf(phase.source);
        if (!existingKeys.has(phase.name)) {
          await tx('glu_phases').insert({
            pipeline_ref: definition.ref,
            name: phase.name,
            position,
            source_type: phase.source.type,
            source_key: sourceKey,
          });
          continue;
        }
        const update: Record<string, unknown> = {
          position,
          source_type: phase.source.type,
          source_key: sourceKey,
        };
        if (existingKeys.get(phase.name) !== sourceKey) {
          // A phase that now reads elsewhere is observed afresh.
          Object.assign(update, {
            refreshed_at: null,
            refresh_error: null,
            refresh_failure: null,
          });
        }
        await tx('glu_phases')
          .where({ pipeline_ref: definition.ref, name: phase.name })
          .update(update);
      }
      await this.touch(tx, [definition.ref]);
    });
  }

  async deletePipeline(ref: string) {
    await this.db.transaction(async tx => {
      await tx('glu_phases').where({ pipeline_ref: ref }).delete();
      await tx('glu_pipeline_components').where({ pipeline_ref: ref }).delete();
      await tx('glu_gate_checks').where({ pipeline_ref: ref }).delete();
      await tx('glu_notifications').where({ pipeline_ref: ref }).delete();
      await tx('glu_pipelines').where({ entity_ref: ref }).delete();
    });
  }

  /**
   * A pipeline's revision, which every change to what its view shows moves
   * on: one short question for a read that finds its view computed already.
   */
  async getPipelineRevision(ref: string): Promise<string | undefined> {
    const row = await this.pipelineRows.add(ref);
    return row ? revisionOf(row) : undefined;
  }

  /**
   * The rows of the pipelines asked about at the same moment (one request
   * each, many requests at once): one question for all of them.
   */
  private readonly pipelineRows = new Batcher<string, PipelineRow | undefined>(
    async refs => {
      const rows: PipelineRow[] = (
        await Promise.all(
          chunks([...new Set(refs)], 500).map(chunk =>
            this.db('glu_pipelines')
              .whereIn('entity_ref', chunk)
              .select(
                'entity_ref',
                'definition_hash',
                'updated_at',
                'revision',
              ),
          ),
        )
      ).flat();
      const byRef = new Map(rows.map(row => [row.entity_ref, row]));
      return refs.map(ref => byRef.get(ref));
    },
  );

  /**
   * A pipeline's definition as this store last read it, without asking the
   * database: possibly out of date, so for hints only (what to get ready).
   */
  lastKnownPipeline(ref: string): PipelineDefinition | undefined {
    return this.definitions.get(ref)?.definition;
  }

  /** A pipeline's definition, parsed once per version (frozen: shared). */
  async getPipeline(ref: string): Promise<PipelineDefinition | undefined> {
    return (await this.getPipelineAt(ref))?.definition;
  }

  /**
   * A pipeline's definition and its revision, in one question: what a write
   * is planned on, and how it knows later that nothing changed since.
   */
  async getPipelineAt(
    ref: string,
  ): Promise<{ definition: PipelineDefinition; revision: string } | undefined> {
    const row = await this.pipelineRows.add(ref);
    if (!row) return undefined;
    const [definition] = await this.definitionsOf([row]);
    return definition && { definition, revision: revisionOf(row) };
  }

  /**
   * Every pipeline's definition (or these pipelines'), in the order of their
   * refs. Definitions are parsed once per version and kept (frozen: every
   * caller shares them); what is asked of the database each time is which
   * version each pipeline is at.
   */
  async listPipelineDefinitions(
    refs?: string[],
  ): Promise<PipelineDefinition[]> {
    const select = (query: Knex.QueryBuilder) =>
      query
        .orderBy('entity_ref')
        .select('entity_ref', 'definition_hash', 'updated_at');
    const rows: DefinitionVersionRow[] = refs
      ? (
          await Promise.all(
            chunks([...new Set(refs)], 500).map(chunk =>
              select(this.db('glu_pipelines').whereIn('entity_ref', chunk)),
            ),
          )
        )
          .flat()
          .sort((a, b) => (a.entity_ref < b.entity_ref ? -1 : 1))
      : await select(this.db('glu_pipelines'));
    if (!refs) {
      // Pipelines that are gone are forgotten.
      const present = new Set(rows.map(row => row.entity_ref));
      for (const ref of this.definitions.keys()) {
        if (!present.has(ref)) this.definitions.delete(ref);
      }
    }
    return this.definitionsOf(rows);
  }

  /** The definitions at these versions: parsed once per version, and kept. */
  private async definitionsOf(
    rows: DefinitionVersionRow[],
  ): Promise<PipelineDefinition[]> {
    const versions = rows.map(row => ({
      entity_ref: row.entity_ref,
      version: definitionVersionOf(row),
    }));
    const stale = versions
      .filter(v => this.definitions.get(v.entity_ref)?.version !== v.version)
      .map(v => v.entity_ref);
    for (const chunk of chunks(stale, 500)) {
      const full = await this.db('glu_pipelines')
        .whereIn('entity_ref', chunk)
        .select('entity_ref', 'definition', 'definition_hash', 'updated_at');
      for (const row of full) {
        this.definitions.set(row.entity_ref, {
          version: definitionVersionOf(row),
          definition: deepFreeze(JSON.parse(row.definition)),
        });
      }
    }
    return versions.flatMap(v => {
      const kept = this.definitions.get(v.entity_ref);
      return kept ? [kept.definition] : [];
    });
  }

  async listPipelines(options: {
    component?: string;
    /** Any of these owners. */
    owner?: string[];
    /** Only what this lets through. */
    filter?: PipelineFilter;
    limit: number;
    cursor?: string;
  }): Promise<Page<{ definition: PipelineDefinition; revision: string }>> {
    const query = this.db('glu_pipelines as p')
      .select('p.entity_ref', 'p.definition', 'p.revision', 'p.updated_at')
      .orderBy('p.entity_ref')
      .limit(options.limit + 1);
    if (options.owner?.length) {
      query.whereIn(
        'p.owner_ref',
        options.owner.map(o => o.toLocaleLowerCase('en-US')),
      );
    }
    if (options.filter) {
      const filter = options.filter;
      query.where(q => applyFilter(q, filter));
    }
    if (options.component) {
      query.whereIn(
        'p.entity_ref',
        this.db('glu_pipeline_components')
          .where('component_ref', options.component)
          .select('pipeline_ref'),
      );
    }
    const after = decodeCursor(options.cursor);
    if (after) {
      query.where('p.entity_ref', '>', after);
    }
    const rows = await query;
    const items = rows.slice(0, options.limit);
    return {
      items: items.map(r => ({
        definition: JSON.parse(r.definition),
        revision: revisionOf(r),
      })),
      nextCursor:
        rows.length > options.limit
          ? encodeCursor(items[items.length - 1].entity_ref)
          : undefined,
    };
  }

  // Phases and history

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
        'ph.name',
        'ph.source_type',
        'ph.source_key',
        'ph.changed_at',
        'ph.refreshed_at',
        'ph.refresh_error',
        'ph.refresh_failure',
        'ph.refresh_failing_since',
        'h.id as history_id',
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
      );
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      phase: row.name,
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
      current: row.history_id
        ? historyFromRow({
            ...row,
            id: row.history_id,
            phase: row.name,
          })
        : undefined,
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
    return this.db
      .transaction(async tx => {
        const entry = await this.insertHistoryEntry(tx, input, options);
        await this.touch(tx, [input.pipelineRef]);
        return entry;
      })
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

  private readonly writes = new Batcher<
    { input: HistoryEntryInput; promotion: PromotionMove },
    WriteRecorded
  >(items =>
    this.db.transaction(async tx => {
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
      const entries = await this.insertHistoryRows(
        tx,
        items.map(item => item.input),
      );
      await this.holdStates(
        tx,
        order.map(({ i }) => ({ input: items[i].input, id: entries[i].id })),
      );
      const rows = await this.movePromotions(
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
            : (await this.getPromotion(promotion.id, tx))!,
          moved: Boolean(row),
        };
      }
      await this.touch(
        tx,
        items.map(item => item.input.pipelineRef),
      );
      return results;
    }),
  );

  private async insertHistoryEntry(
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
    const [entry] = await this.insertHistoryRows(tx, [input]);
    await this.holdState(tx, input, entry.id, options.ifStateIs);
    return entry;
  }

  /**
   * History entries and their contents, in a few statements whatever their
   * number; answered in the order given. Several at once are each a
   * promotion's (by which they are told apart).
   */
  private async insertHistoryRows(
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
  private async holdState(
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
  private async holdStates(
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
        .update(this.updateOfEach(keys, chunk));
    }
  }

  /**
   * One update of several rows, each changed as its own update would change
   * it: a column every row sets to the same value is set to it, any other
   * is each row's own (`CASE WHEN <key> = ? THEN ? … ELSE <column> END`).
   * PostgreSQL is told the type of a value that is not text.
   */
  private updateOfEach(
    keys: string[],
    rows: RowUpdate[],
  ): Record<string, unknown> {
    const sqlite = String(this.db.client.config.client).includes('sqlite');
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
      const when = `WHEN ${keys
        .map(() => '?? = ?')
        .join(' AND ')} THEN ${value}`;
      const bindings: unknown[] = [];
      for (const row of setting) {
        keys.forEach((name, k) => bindings.push(name, row.key[k]));
        bindings.push(row.columns[column] ?? null);
      }
      update[column] = this.db.raw(
        `CASE ${setting.map(() => when).join(' ')} ELSE ?? END`,
        [...bindings, column] as Knex.RawBinding[],
      );
    }
    return update;
  }

  /**
   * Promotion records moved as `movePromotion` moves one, in one statement
   * per hundred records that change the same columns from the same
   * statuses; answered in the order given (undefined: not moved). A record
   * given twice is moved one move after another.
   */
  private async movePromotions(
    tx: Knex.Transaction,
    moves: PromotionMove[],
  ): Promise<Array<Record<string, any> | undefined>> {
    const rows: Array<Record<string, any> | undefined> = new Array(
      moves.length,
    );
    const ids = moves.map(move => move.id);
    const groups = new Map<string, Array<RowUpdate & { index: number }>>();
    for (const [index, move] of moves.entries()) {
      if (ids.indexOf(move.id) !== ids.lastIndexOf(move.id)) {
        rows[index] = await this.movePromotion(tx, move);
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
          this.updateOfEach(['id'], chunk),
          '*',
        );
        const byId = new Map(moved.map(row => [String(row.id), row]));
        for (const { index } of chunk) rows[index] = byId.get(ids[index]);
      }
    }
    return rows;
  }

  /** Marks phases refreshed now, without an error: a few statements for many. */
  async markRefreshedMany(
    phases: Array<{ pipelineRef: string; phase: string }>,
  ) {
    const now = new Date();
    for (let i = 0; i < phases.length; i += 400) {
      const chunk = phases.slice(i, i + 400);
      await this.db('glu_phases')
        .whereIn(
          ['pipeline_ref', 'name'],
          chunk.map(p => [p.pipelineRef, p.phase]),
        )
        .update({
          refreshed_at: now,
          refresh_error: null,
          refresh_failure: null,
          refresh_failing_since: null,
        });
      await this.touch(
        this.db,
        chunk.map(p => p.pipelineRef),
      );
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
    await this.db('glu_phases')
      .where({ pipeline_ref: pipelineRef, name: phase })
      .update({
        refreshed_at: now,
        refresh_error: error ?? null,
        refresh_failure: error ? failure : null,
        // Since the first of the failures in a row.
        refresh_failing_since: error
          ? this.db.raw('COALESCE(refresh_failing_since, ?)', [now])
          : null,
      });
    await this.touch(this.db, [pipelineRef]);
  }

  async listHistory(
    pipelineRef: string,
    phase: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>> {
    const query = this.db('glu_history as h')
      .where({ 'h.pipeline_ref': pipelineRef, 'h.phase': phase })
      .orderBy('h.id', 'desc')
      .limit(options.limit + 1)
      .select('h.*');
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

  /**
   * Phases' history around a period: what each held when it began, and its
   * entries from then until `until`, oldest first (for DORA figures).
   */
  async historyAround(
    pipelineRef: string,
    phases: string[],
    from: Date,
    until: Date,
  ): Promise<
    Array<{ phase: string; before?: HistoryEntry; entries: HistoryEntry[] }>
  > {
    return Promise.all(
      phases.map(async phase => {
        const [before] = await this.db('glu_history as h')
          .where({ 'h.pipeline_ref': pipelineRef, 'h.phase': phase })
          .where('h.observed_at', '<', from)
          .orderBy('h.id', 'desc')
          .limit(1)
          .select('h.*');
        const entries = await this.db('glu_history as h')
          .where({ 'h.pipeline_ref': pipelineRef, 'h.phase': phase })
          .where('h.observed_at', '>=', from)
          .where('h.observed_at', '<=', until)
          .orderBy('h.id', 'asc')
          .select('h.*');
        return {
          phase,
          ...(before ? { before: historyFromRow(before) } : {}),
          entries: entries.map(historyFromRow),
        };
      }),
    );
  }

  /**
   * When some phases first held each of these versions, and what that
   * entry said (for lead times: a version's first phase), by the digest
   * asked about. A version is found by its digest or, where the phases'
   * formats hold other fields of it (a tag, not an image), by its name.
   */
  async firstHeld(
    pipelineRef: string,
    phases: string[],
    versions: Array<{ digest: string; version: string }>,
  ): Promise<Map<string, { at: string; message?: string }>> {
    if (phases.length === 0 || versions.length === 0) return new Map();
    // Asked together with the questions of the same moment (the lead times
    // of the promotions of one commit).
    return this.firstHelds.add({ pipelineRef, phases, versions });
  }

  private readonly firstHelds = new Batcher<
    FirstHeldAsk,
    Map<string, { at: string; message?: string }>
  >(asks => this.firstHeldOf(asks));

  /**
   * The answers to `firstHeld` questions: in one statement for all of them,
   * or one per 1,000 versions asked about.
   */
  private async firstHeldOf(
    asks: FirstHeldAsk[],
  ): Promise<Array<Map<string, { at: string; message?: string }>>> {
    type Row = {
      pipeline_ref: string;
      phase: string;
      digest: string;
      version: string;
      observed_at: unknown;
      message: string | null;
    };
    // Each question's versions, by digest and by name, 500 at a time; a
    // statement asks about up to 1,000 digests and names, of any questions.
    const parts: Array<{ ask: number; digests: string[]; names: string[] }> =
      [];
    asks.forEach((ask, index) => {
      const digests = [...new Set(ask.versions.map(v => v.digest))];
      const names = [...new Set(ask.versions.map(v => v.version))];
      for (let i = 0; i < Math.max(digests.length, names.length); i += 500) {
        parts.push({
          ask: index,
          digests: digests.slice(i, i + 500),
          names: names.slice(i, i + 500),
        });
      }
    });
    const rows: Row[][] = asks.map(() => []);
    let statement: typeof parts = [];
    let size = 0;
    const run = async () => {
      if (statement.length === 0) return;
      const these = statement;
      statement = [];
      size = 0;
      const found: Row[] = await this.db('glu_history')
        .where(q => {
          for (const { ask, digests, names } of these) {
            const { pipelineRef, phases } = asks[ask];
            q.orWhere(one =>
              one
                .where('pipeline_ref', pipelineRef)
                .whereIn('phase', phases)
                .where(v =>
                  v.whereIn('digest', digests).orWhereIn('version', names),
                ),
            );
          }
        })
        .orderBy('id', 'asc')
        .select(
          'pipeline_ref',
          'phase',
          'digest',
          'version',
          'observed_at',
          'message',
        );
      // A row answers every question of its pipeline and phase.
      asks.forEach((ask, index) => {
        if (!these.some(part => part.ask === index)) return;
        rows[index].push(
          ...found.filter(
            row =>
              row.pipeline_ref === ask.pipelineRef &&
              ask.phases.includes(row.phase),
          ),
        );
      });
    };
    for (const part of parts) {
      const partSize = part.digests.length + part.names.length;
      if (size + partSize > 1000) await run();
      statement.push(part);
      size += partSize;
    }
    await run();
    return asks.map((ask, index) => {
      const byDigest = new Map<string, { at: string; message?: string }>();
      const byVersion = new Map<string, { at: string; message?: string }>();
      // The first stored wins (in each statement's order of storage).
      for (const row of rows[index]) {
        const origin = {
          at: iso(row.observed_at)!,
          ...(row.message ? { message: row.message } : {}),
        };
        if (!byDigest.has(row.digest)) byDigest.set(row.digest, origin);
        if (!byVersion.has(row.version)) byVersion.set(row.version, origin);
      }
      const first = new Map<string, { at: string; message?: string }>();
      for (const { digest, version } of ask.versions) {
        const origin = byDigest.get(digest) ?? byVersion.get(version);
        if (origin) first.set(digest, origin);
      }
      return first;
    });
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

  // Promotions

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
  private readonly newPromotions = new Batcher<
    { record: PromotionRecord; leaseHolder?: string },
    void
  >(async items => {
    for (const chunk of chunks(items, 100)) {
      await this.db('glu_promotions').insert(
        chunk.map(({ record, leaseHolder }) =>
          promotionRowOf(record, leaseHolder),
        ),
      );
    }
    await this.touch(
      this.db,
      items.map(item => item.record.pipelineRef),
    );
    return items.map(() => undefined);
  });

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
    const row = await this.movePromotion(this.db, { id, patch, onlyIfStatus });
    if (!row) return undefined;
    await this.touch(this.db, [row.pipeline_ref]);
    return promotionFromRow(row);
  }

  /** The row as it is after the change; undefined when it was not made. */
  private async movePromotion(
    db: Knex | Knex.Transaction,
    { id, patch, onlyIfStatus }: PromotionMove,
  ): Promise<Record<string, any> | undefined> {
    const query = db('glu_promotions').where({ id });
    if (onlyIfStatus) query.whereIn('status', onlyIfStatus);
    const [row] = await query.update(promotionUpdateOf(patch), '*');
    return row;
  }

  async getPromotion(
    id: string,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<PromotionRecord | undefined> {
    const row = await db('glu_promotions').where({ id }).first();
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

  // Pins

  async getPins(
    pipelineRefs: string[],
  ): Promise<(Pin & { pipelineRef: string })[]> {
    if (pipelineRefs.length === 0) return [];
    const rows = await this.db('glu_pins').whereIn(
      'pipeline_ref',
      pipelineRefs,
    );
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      phase: row.phase,
      digest: row.digest,
      version: row.version,
      pinnedBy: row.pinned_by,
      reason: row.reason,
      pinnedAt: iso(row.pinned_at)!,
    }));
  }

  async getPin(pipelineRef: string, phase: string): Promise<Pin | undefined> {
    const [pin] = (await this.getPins([pipelineRef])).filter(
      p => p.phase === phase,
    );
    if (!pin) return undefined;
    const { pipelineRef: _ref, ...rest } = pin;
    return rest;
  }

  async setPin(pipelineRef: string, pin: Pin): Promise<void> {
    await this.db('glu_pins')
      .insert({
        pipeline_ref: pipelineRef,
        phase: pin.phase,
        digest: pin.digest,
        version: pin.version,
        pinned_by: pin.pinnedBy,
        reason: pin.reason,
        pinned_at: new Date(pin.pinnedAt),
      })
      .onConflict(['pipeline_ref', 'phase'])
      .merge(['digest', 'version', 'pinned_by', 'reason', 'pinned_at']);
    await this.touch(this.db, [pipelineRef]);
  }

  /** Removes a pin; true when there was one. */
  async deletePin(pipelineRef: string, phase: string): Promise<boolean> {
    const deleted = await this.db('glu_pins')
      .where({ pipeline_ref: pipelineRef, phase })
      .delete();
    if (deleted > 0) await this.touch(this.db, [pipelineRef]);
    return deleted > 0;
  }

  // Gate checks

  async getGateChecks(pipelineRefs: string[]): Promise<GateCheck[]> {
    if (pipelineRefs.length === 0) return [];
    const rows = await this.db('glu_gate_checks').whereIn(
      'pipeline_ref',
      pipelineRefs,
    );
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      gateKey: row.gate_key,
      phase: row.phase,
      digest: row.digest,
      passed: Boolean(row.passed),
      failed: Boolean(row.failed),
      reason: row.reason,
      since: iso(row.since)!,
      checkedAt: iso(row.checked_at)!,
    }));
  }

  /**
   * Keeps gates' latest answers, in one transaction. The pipelines whose
   * answers say something else than before (another version, outcome or
   * reason) move their revision; answers that only say it again do not.
   * Answers which pipelines changed.
   */
  async saveGateChecks(checks: GateCheck[]): Promise<string[]> {
    if (checks.length === 0) return [];
    return this.db.transaction(async tx => {
      const refs = [...new Set(checks.map(c => c.pipelineRef))];
      const before = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < refs.length; i += 500) {
        const rows = await tx('glu_gate_checks')
          .whereIn('pipeline_ref', refs.slice(i, i + 500))
          .select(
            'pipeline_ref',
            'gate_key',
            'digest',
            'passed',
            'failed',
            'reason',
          );
        for (const row of rows) {
          before.set(`${row.pipeline_ref}\n${row.gate_key}`, row);
        }
      }
      const changed = new Set<string>();
      for (const check of checks) {
        const row = before.get(`${check.pipelineRef}\n${check.gateKey}`);
        if (
          !row ||
          row.digest !== check.digest ||
          Boolean(row.passed) !== check.passed ||
          Boolean(row.failed) !== check.failed ||
          row.reason !== check.reason
        ) {
          changed.add(check.pipelineRef);
        }
      }
      for (let i = 0; i < checks.length; i += 100) {
        await tx('glu_gate_checks')
          .insert(
            checks.slice(i, i + 100).map(check => ({
              pipeline_ref: check.pipelineRef,
              gate_key: check.gateKey,
              phase: check.phase,
              digest: check.digest,
              passed: check.passed,
              failed: check.failed,
              reason: check.reason,
              since: new Date(check.since),
              checked_at: new Date(check.checkedAt),
            })),
          )
          .onConflict(['pipeline_ref', 'gate_key'])
          .merge([
            'phase',
            'digest',
            'passed',
            'failed',
            'reason',
            'since',
            'checked_at',
          ]);
      }
      await this.touch(tx, [...changed]);
      return [...changed].sort();
    });
  }

  // Notifications

  /**
   * Claims the sending of a notification: true for the first to ask, once
   * per key and pipeline, whichever replica asks.
   */
  async claimNotification(
    pipelineRef: string,
    key: string,
    kind: string,
  ): Promise<boolean> {
    const inserted = await this.db('glu_notifications')
      .insert({ pipeline_ref: pipelineRef, key, kind, sent_at: new Date() })
      .onConflict(['pipeline_ref', 'key'])
      .ignore()
      .returning('key');
    return inserted.length === 1;
  }

  /** Gives a claim up, so that a notification that could not be sent is sent later. */
  async releaseNotification(pipelineRef: string, key: string): Promise<void> {
    await this.db('glu_notifications')
      .where({ pipeline_ref: pipelineRef, key })
      .delete();
  }

  // Approvals

  async addApproval(input: {
    pipelineRef: string;
    phase: string;
    digest: string;
    approver: string;
  }): Promise<void> {
    await this.db('glu_approvals')
      .insert({
        pipeline_ref: input.pipelineRef,
        phase: input.phase,
        digest: input.digest,
        approver: input.approver,
        approved_at: new Date(),
      })
      .onConflict(['pipeline_ref', 'phase', 'digest', 'approver'])
      .ignore();
    await this.touch(this.db, [input.pipelineRef]);
  }

  /** Who approved a version for a phase. */
  async approvers(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<string[]> {
    const rows = await this.db('glu_approvals')
      .where({ pipeline_ref: pipelineRef, phase, digest })
      .orderBy('approver')
      .select('approver');
    return rows.map(r => r.approver);
  }

  // Leases

  /** Takes a lease if it is free or expired; true when this holder has it. */
  async tryAcquireLease(
    name: string,
    holder: string,
    ttlMillis: number,
  ): Promise<boolean> {
    return this.leaseTakes.add({ name, holder, ttlMillis });
  }

  /**
   * The leases asked for at the same moment, in one statement each time no
   * lease is asked for twice: as if asked one after another, in the order
   * asked. A lease is taken when free, expired, or held by the holder
   * already.
   */
  private readonly leaseTakes = new Batcher<
    { name: string; holder: string; ttlMillis: number },
    boolean
  >(async asks => {
    const taken = asks.map(() => false);
    let rest = asks.map((ask, index) => ({ ...ask, index }));
    while (rest.length > 0) {
      const names = new Set<string>();
      const now: typeof rest = [];
      const later: typeof rest = [];
      for (const ask of rest) {
        (names.has(ask.name) ? later : now).push(ask);
        names.add(ask.name);
      }
      // Rows are locked in the order of their names, whichever statement
      // takes them: two statements never wait on each other in a circle.
      now.sort((a, b) => (a.name < b.name ? -1 : Number(a.name > b.name)));
      for (const chunk of chunks(now, 200)) {
        const at = new Date();
        const rows: Array<{ name: string; holder: string }> = await this.db(
          'glu_leases',
        )
          .insert(
            chunk.map(ask => ({
              name: ask.name,
              holder: ask.holder,
              expires_at: new Date(at.getTime() + ask.ttlMillis),
            })),
          )
          .onConflict('name')
          .merge(['holder', 'expires_at'])
          .where(q =>
            q
              .where('glu_leases.holder', this.db.ref('excluded.holder'))
              .orWhere('glu_leases.expires_at', '<', at),
          )
          .returning(['name', 'holder']);
        const holders = new Map(rows.map(row => [row.name, row.holder]));
        for (const ask of chunk) {
          taken[ask.index] = holders.get(ask.name) === ask.holder;
        }
      }
      rest = later;
    }
    return taken;
  });

  /** Who holds a lease, and until when (epoch milliseconds). */
  async getLease(
    name: string,
  ): Promise<{ holder: string; expiresAt: number } | undefined> {
    const row = await this.db('glu_leases').where({ name }).first();
    return row
      ? { holder: row.holder, expiresAt: toDate(row.expires_at)!.getTime() }
      : undefined;
  }

  async renewLease(name: string, holder: string, ttlMillis: number) {
    const updated = await this.db('glu_leases')
      .where({ name, holder })
      .update({ expires_at: new Date(Date.now() + ttlMillis) });
    return updated === 1;
  }

  async releaseLease(name: string, holder: string) {
    // One lease a statement: a statement that deleted several would lock
    // them in an order of the database's choosing, and could wait in a
    // circle with one that takes several.
    await this.db('glu_leases').where({ name, holder }).delete();
  }
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
