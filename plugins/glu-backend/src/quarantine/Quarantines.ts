import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  parsePipelineRef,
  Quarantine,
  QuarantineMark,
} from '@glu-dev/plugin-glu-common';
import { requirePipeline } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';
import { HoldingPhase, StoredQuarantine } from '../store/QuarantineStore';

/** How long a replica goes on from the quarantines it last read. */
export const QUARANTINE_READ_MILLIS = 2_000;

/** At most this many quarantines are in force at once. */
export const MAX_QUARANTINES = 500;

/** At most this many phases holding a quarantined version are listed. */
export const MAX_HOLDING = 500;

/** The quarantines in force at one moment, and what tells that set apart. */
export interface QuarantinesNow {
  active: StoredQuarantine[];
  /** The ids of the quarantines in force: views are kept by it. */
  epoch: string;
}

/** A pipeline's ref as quarantines compare it. */
export function quarantinePipelineRef(ref: string): string {
  return stringifyEntityRef(parsePipelineRef(ref)).toLocaleLowerCase('en-US');
}

/** Whether a quarantine applies to a version of a pipeline. */
export function quarantines(
  quarantine: StoredQuarantine,
  pipelineRef: string,
  version: { digest: string; version: string },
): boolean {
  if (quarantine.pipelineRef && quarantine.pipelineRef !== pipelineRef) {
    return false;
  }
  return (
    (quarantine.digest !== undefined && quarantine.digest === version.digest) ||
    (quarantine.version !== undefined && quarantine.version === version.version)
  );
}

/** The quarantine a version of a pipeline is under, as views show it. */
export function quarantineMarkOf(
  active: StoredQuarantine[],
  pipelineRef: string,
  version?: { digest: string; version: string },
): QuarantineMark | undefined {
  if (!version) return undefined;
  const found = active.find(q => quarantines(q, pipelineRef, version));
  return found
    ? { id: found.id, reason: found.reason, quarantinedBy: found.quarantinedBy }
    : undefined;
}

/** The words that say why a quarantined version is not promoted. */
export function quarantinedMessage(
  mark: QuarantineMark,
  version: string,
): string {
  return `quarantined: ${version} — ${mark.reason} (quarantine ${mark.id} by ${mark.quarantinedBy})`;
}

/**
 * Quarantines: versions that nobody may promote again, of one pipeline (by
 * name or digest) or a digest in every pipeline. Stored, so every replica
 * reads them within QUARANTINE_READ_MILLIS; the edge decision asks whether
 * the version a write brings is under one.
 */
export class Quarantines {
  private read?: { at: number; quarantines: Promise<StoredQuarantine[]> };

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'quarantines' | 'pipelines'>;
      clock?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** The quarantines in force, read again at most every QUARANTINE_READ_MILLIS. */
  async current(): Promise<QuarantinesNow> {
    const at = this.now().getTime();
    if (
      !this.read ||
      at - this.read.at >= QUARANTINE_READ_MILLIS ||
      at < this.read.at
    ) {
      const read = this.deps.store.quarantines.listQuarantines();
      this.read = { at, quarantines: read };
      read.catch(() => {
        if (this.read?.quarantines === read) this.read = undefined;
      });
    }
    const active = await this.read.quarantines;
    return { active, epoch: active.map(q => q.id).join(',') };
  }

  /** Those that apply to a pipeline. */
  applying(active: StoredQuarantine[], pipelineRef: string) {
    return active.filter(q => !q.pipelineRef || q.pipelineRef === pipelineRef);
  }

  /** The phases that hold a quarantine's version now. */
  holding(quarantine: StoredQuarantine): Promise<HoldingPhase[]> {
    const { store } = this.deps;
    const { pipelineRef, digest, version } = quarantine;
    // A version by name, or by digest: each is looked for.
    return Promise.all([
      digest
        ? store.quarantines.phasesHolding({ pipelineRef, digest }, MAX_HOLDING)
        : [],
      version
        ? store.quarantines.phasesHolding({ pipelineRef, version }, MAX_HOLDING)
        : [],
    ]).then(([byDigest, byVersion]) => {
      const seen = new Set<string>();
      return [...byDigest, ...byVersion].filter(p => {
        const key = `${p.pipelineRef}\n${p.phase}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    });
  }

  /**
   * The pipelines whose promotions a quarantine may have held back: its
   * pipeline, or, for a digest everywhere, every pipeline (an upstream may
   * hold the version under another digest than the phases it goes to).
   */
  async pipelinesUnder(quarantine: StoredQuarantine): Promise<string[]> {
    if (quarantine.pipelineRef) return [quarantine.pipelineRef];
    const refs: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.pipelines.listPipelines({
        limit: 500,
        cursor,
      });
      refs.push(...page.items.map(item => item.definition.ref));
      cursor = page.nextCursor;
    } while (cursor);
    return refs;
  }

  /** A quarantine as the API shows it, with the phases that hold it. */
  async view(quarantine: StoredQuarantine): Promise<Quarantine> {
    return { ...quarantine, holding: await this.holding(quarantine) };
  }

  /** The quarantines in force, of one pipeline if asked. */
  async list(query: { pipeline?: string }): Promise<Quarantine[]> {
    const ref = query.pipeline
      ? quarantinePipelineRef(query.pipeline)
      : undefined;
    const stored = await this.deps.store.quarantines.listQuarantines();
    const shown = ref ? this.applying(stored, ref) : stored;
    return Promise.all(shown.map(q => this.view(q)));
  }

  async add(
    request: {
      reason: string;
      pipeline?: string;
      version?: string;
      digest?: string;
      rollback?: boolean;
    },
    quarantinedBy: string,
  ): Promise<StoredQuarantine> {
    const reason = request.reason.trim();
    if (!reason) throw new InputError('Say why the version is quarantined');
    const version = request.version?.trim() || undefined;
    const digest = request.digest?.trim() || undefined;
    let pipelineRef: string | undefined;
    if (request.pipeline) {
      pipelineRef = quarantinePipelineRef(request.pipeline);
      await requirePipeline(this.deps.store, pipelineRef);
      if (!version && !digest) {
        throw new InputError(
          `Name the version or the digest of ${pipelineRef} to quarantine`,
        );
      }
    } else {
      if (version) {
        throw new InputError(
          'A version is quarantined by its name only in one pipeline: name the pipeline, or quarantine its digest everywhere',
        );
      }
      if (!digest) {
        throw new InputError(
          'Name the digest to quarantine in every pipeline, or a pipeline and its version',
        );
      }
    }
    const stored = await this.deps.store.quarantines.listQuarantines();
    if (stored.length >= MAX_QUARANTINES) {
      throw new ConflictError(
        `There are ${stored.length} quarantines already, the most there may be; lift one first`,
      );
    }
    const added = await this.deps.store.quarantines.addQuarantine({
      ...(pipelineRef ? { pipelineRef } : {}),
      ...(version ? { version } : {}),
      ...(digest ? { digest } : {}),
      reason,
      quarantinedBy,
      quarantinedAt: this.now().toISOString(),
      rollback: request.rollback ?? false,
    });
    // This replica sees it at once; the others within QUARANTINE_READ_MILLIS.
    this.read = undefined;
    return added;
  }

  /** A quarantine in force, or a 404. */
  async get(id: string): Promise<StoredQuarantine> {
    const found = (await this.deps.store.quarantines.listQuarantines()).find(
      q => q.id === id,
    );
    if (!found) throw new NotFoundError(`There is no quarantine ${id}`);
    return found;
  }

  async lift(id: string, liftedBy: string): Promise<StoredQuarantine> {
    const found = await this.get(id);
    if (
      !(await this.deps.store.quarantines.liftQuarantine(
        id,
        liftedBy,
        this.now(),
      ))
    ) {
      throw new NotFoundError(`There is no quarantine ${id}`);
    }
    this.read = undefined;
    return found;
  }
}
