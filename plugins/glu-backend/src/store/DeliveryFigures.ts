import { Knex } from 'knex';
import { Batcher, BatcherOptions } from '../batcher';
import { historyFromRow, iso } from './rows';
import { HistoryEntry } from './types';

/** A question to `firstHeld`: when some phases first held these versions. */
interface FirstHeldAsk {
  pipelineRef: string;
  phases: string[];
  versions: Array<{ digest: string; version: string }>;
}

/** A phase of a pipeline, as the bulk reads of history name it. */
export interface PhaseKey {
  pipelineRef: string;
  phase: string;
}

/** An entry of a phase's history, as much as figures and the fleet need of it. */
export interface HistoryMark {
  id: string;
  pipelineRef: string;
  phase: string;
  digest: string;
  version: string;
  observedAt: string;
  keptVersion?: boolean;
}

/** What delivery figures (DORA's) are computed from: phases' history over time. */
export interface DeliveryFigures {
  /**
   * The newest entries of each of these phases (at most `perPhase` each),
   * newest first, in one statement: what the fleet counts versions behind on.
   */
  recentHistory(phases: PhaseKey[], perPhase: number): Promise<HistoryMark[]>;
  /** The entries of these phases observed in a period, oldest first, in one statement. */
  historyBetween(
    phases: PhaseKey[],
    from: Date,
    to: Date,
  ): Promise<HistoryMark[]>;
  /** Phases' history around a period: what each held when it began, and its entries until `until`. */
  historyAround(
    pipelineRef: string,
    phases: string[],
    from: Date,
    until: Date,
  ): Promise<
    Array<{ phase: string; before?: HistoryEntry; entries: HistoryEntry[] }>
  >;
  /** When some phases first held each of these versions, by the digest asked about. */
  firstHeld(
    pipelineRef: string,
    phases: string[],
    versions: Array<{ digest: string; version: string }>,
  ): Promise<Map<string, { at: string; message?: string }>>;
}

/** Delivery figures from `glu_history`. */
export class KnexDeliveryFigures implements DeliveryFigures {
  constructor(private readonly db: Knex, batching: BatcherOptions = {}) {
    this.firstHelds = new Batcher<
      FirstHeldAsk,
      Map<string, { at: string; message?: string }>
    >(asks => this.firstHeldOf(asks), batching);
  }

  async recentHistory(
    phases: PhaseKey[],
    perPhase: number,
  ): Promise<HistoryMark[]> {
    if (phases.length === 0) return [];
    const wanted = new Set(phases.map(keyOf));
    // The pipelines and phases asked about, crossed: a few more rows than
    // asked for at most (a phase of one pipeline named as another's), and a
    // statement whose size does not grow with every pair.
    const refs = [...new Set(phases.map(p => p.pipelineRef))];
    const names = [...new Set(phases.map(p => p.phase))];
    const ranked = this.db('glu_history as h')
      .whereIn('h.pipeline_ref', refs)
      .whereIn('h.phase', names)
      .select(
        'h.id',
        'h.pipeline_ref',
        'h.phase',
        'h.digest',
        'h.version',
        'h.observed_at',
        'h.kept_version',
        this.db.raw(
          'row_number() over (partition by h.pipeline_ref, h.phase order by h.id desc) as nth',
        ),
      )
      .as('r');
    const rows = await this.db
      .from(ranked)
      .where('r.nth', '<=', perPhase)
      .orderBy([
        { column: 'r.pipeline_ref' },
        { column: 'r.phase' },
        { column: 'r.id', order: 'desc' },
      ])
      .select('r.*');
    return rows.map(markOf).filter(mark => wanted.has(keyOf(mark)));
  }

  async historyBetween(
    phases: PhaseKey[],
    from: Date,
    to: Date,
  ): Promise<HistoryMark[]> {
    if (phases.length === 0) return [];
    const wanted = new Set(phases.map(keyOf));
    const rows = await this.db('glu_history as h')
      .whereIn('h.pipeline_ref', [...new Set(phases.map(p => p.pipelineRef))])
      .whereIn('h.phase', [...new Set(phases.map(p => p.phase))])
      .where('h.observed_at', '>=', from)
      .where('h.observed_at', '<=', to)
      .orderBy('h.id', 'asc')
      .select(
        'h.id',
        'h.pipeline_ref',
        'h.phase',
        'h.digest',
        'h.version',
        'h.observed_at',
        'h.kept_version',
      );
    return rows.map(markOf).filter(mark => wanted.has(keyOf(mark)));
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
        // With the hotfix that wrote an entry, if one did.
        const entries = await this.db('glu_history as h')
          .leftJoin('glu_promotions as p', 'p.id', 'h.promotion_id')
          .where({ 'h.pipeline_ref': pipelineRef, 'h.phase': phase })
          .where('h.observed_at', '>=', from)
          .where('h.observed_at', '<=', until)
          .orderBy('h.id', 'asc')
          .select('h.*', 'p.hotfix as promotion_hotfix');
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

  private readonly firstHelds: Batcher<
    FirstHeldAsk,
    Map<string, { at: string; message?: string }>
  >;

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
}

function keyOf(phase: PhaseKey): string {
  return `${phase.pipelineRef}\n${phase.phase}`;
}

function markOf(row: Record<string, any>): HistoryMark {
  return {
    id: String(row.id),
    pipelineRef: row.pipeline_ref,
    phase: row.phase,
    digest: row.digest,
    version: row.version,
    observedAt: iso(row.observed_at)!,
    ...(row.kept_version ? { keptVersion: true } : {}),
  };
}
