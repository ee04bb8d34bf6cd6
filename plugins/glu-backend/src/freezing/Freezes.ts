import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Freeze,
  FreezeScope,
  PipelineDefinition,
  PipelineFreeze,
} from '@glu-dev/plugin-glu-common';
import { GluStore } from '../store/GluStore';
import { StoredFreeze } from '../store/FreezeStore';
import { ConfiguredFreeze } from './recurrence';
import { coveredPhases, normalizeScope } from './scope';

/** How long a replica goes on from the freezes it last read. */
export const FREEZE_READ_MILLIS = 2_000;

/** At most this many freezes set at run time hold at once. */
export const MAX_FREEZES = 100;

/** A freeze that holds now. */
export interface ActiveFreeze {
  id: string;
  reason: string;
  scope: FreezeScope;
  rollbacks: boolean;
  setBy: string;
  startsAt: string;
  endsAt?: string;
  origin: Freeze['origin'];
}

/** The freezes that hold at one moment, and what tells that set apart. */
export interface FreezesNow {
  active: ActiveFreeze[];
  /** The ids of the active freezes: views are kept by it. */
  epoch: string;
}

/** The words that say why a frozen phase is held. */
export function frozenMessage(freeze: Omit<PipelineFreeze, 'phases'>): string {
  const until = freeze.endsAt ? `, until ${freeze.endsAt}` : '';
  return `frozen: ${freeze.reason} (freeze ${freeze.id} by ${freeze.setBy}${until})`;
}

/**
 * Freezes: holds on promotions into the phases they cover, set at run time
 * (stored, so every replica reads them within FREEZE_READ_MILLIS) or
 * recurring from app-config. The edge decision asks which hold a phase;
 * only a hotfix goes through.
 */
export class Freezes {
  private read?: { at: number; freezes: Promise<StoredFreeze[]> };

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'freezes'>;
      configured: ConfiguredFreeze[];
      clock?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** The stored freezes, read again at most every FREEZE_READ_MILLIS. */
  private stored(now: Date): Promise<StoredFreeze[]> {
    const at = now.getTime();
    if (
      !this.read ||
      at - this.read.at >= FREEZE_READ_MILLIS ||
      at < this.read.at
    ) {
      const freezes = this.deps.store.freezes.listFreezes(now);
      this.read = { at, freezes };
      // A failed read is not kept.
      freezes.catch(() => {
        if (this.read?.freezes === freezes) this.read = undefined;
      });
    }
    return this.read.freezes;
  }

  /** Every freeze that holds now or will, active ones first. */
  async list(): Promise<Freeze[]> {
    const now = this.now();
    const stored: Freeze[] = (
      await this.deps.store.freezes.listFreezes(now)
    ).map(f => ({
      ...f,
      origin: 'api',
      active: Date.parse(f.startsAt) <= now.getTime(),
    }));
    const configured = this.deps.configured.flatMap(f => {
      const occurrence = f.occurrenceAt(now);
      if (!occurrence) return [];
      const freeze: Freeze = {
        id: f.id,
        reason: f.reason,
        scope: f.scope,
        rollbacks: f.rollbacks,
        setBy: 'app-config',
        startsAt: occurrence.start.toISOString(),
        endsAt: occurrence.end.toISOString(),
        origin: 'config',
        active: occurrence.start <= now,
        recurrence: f.recurrence,
      };
      return [freeze];
    });
    return [...stored, ...configured].sort(
      (a, b) =>
        Number(b.active) - Number(a.active) ||
        Date.parse(a.startsAt) - Date.parse(b.startsAt),
    );
  }

  /** The freezes that hold now. */
  async current(): Promise<FreezesNow> {
    return this.at(this.now());
  }

  /** The freezes that hold at a moment. */
  async at(now: Date): Promise<FreezesNow> {
    const active: ActiveFreeze[] = [];
    for (const f of await this.stored(now)) {
      const ended = f.endsAt && Date.parse(f.endsAt) <= now.getTime();
      if (Date.parse(f.startsAt) <= now.getTime() && !ended) {
        active.push({ ...f, origin: 'api' });
      }
    }
    for (const f of this.deps.configured) {
      const occurrence = f.occurrenceAt(now);
      if (occurrence && occurrence.start <= now) {
        active.push({
          id: f.id,
          reason: f.reason,
          scope: f.scope,
          rollbacks: f.rollbacks,
          setBy: 'app-config',
          startsAt: occurrence.start.toISOString(),
          endsAt: occurrence.end.toISOString(),
          origin: 'config',
        });
      }
    }
    return { active, epoch: active.map(f => f.id).join(',') };
  }

  /** The active freezes that cover phases of a pipeline, with those phases. */
  holding(
    active: ActiveFreeze[],
    pipeline: PipelineDefinition,
  ): PipelineFreeze[] {
    return active.flatMap(freeze => {
      const phases = coveredPhases(freeze.scope, pipeline);
      if (phases.length === 0) return [];
      const { scope: _scope, ...rest } = freeze;
      return [{ ...rest, phases }];
    });
  }

  async set(
    request: {
      reason: string;
      scope?: FreezeScope;
      startsAt?: string;
      endsAt?: string;
      rollbacks?: boolean;
    },
    setBy: string,
  ): Promise<Freeze> {
    const now = this.now();
    const reason = request.reason.trim();
    if (!reason) throw new InputError('Say why promotions are frozen');
    const startsAt = request.startsAt ? new Date(request.startsAt) : now;
    const endsAt = request.endsAt ? new Date(request.endsAt) : undefined;
    if (endsAt && endsAt <= now) {
      throw new InputError(
        `The end of a freeze (${request.endsAt}) is in the past`,
      );
    }
    if (endsAt && endsAt <= startsAt) {
      throw new InputError(
        `The end of a freeze (${request.endsAt}) is not after its start`,
      );
    }
    const held = await this.deps.store.freezes.listFreezes(now);
    if (held.length >= MAX_FREEZES) {
      throw new ConflictError(
        `There are ${held.length} freezes already, the most there may be; lift one first`,
      );
    }
    const stored = await this.deps.store.freezes.setFreeze({
      reason,
      scope: normalizeScope(request.scope),
      rollbacks: request.rollbacks ?? false,
      setBy,
      startsAt: startsAt.toISOString(),
      ...(endsAt ? { endsAt: endsAt.toISOString() } : {}),
    });
    // This replica sees it at once; the others within FREEZE_READ_MILLIS.
    this.read = undefined;
    return {
      ...stored,
      origin: 'api',
      active: startsAt <= now,
    };
  }

  /** Lifts a freeze set at run time; answers what it covered. */
  async lift(id: string, liftedBy: string): Promise<StoredFreeze> {
    if (this.deps.configured.some(f => f.id === id)) {
      throw new ConflictError(
        `The freeze ${id} is set in app-config (glu.freezes); change it there`,
      );
    }
    const now = this.now();
    const freeze = (await this.deps.store.freezes.listFreezes(now)).find(
      f => f.id === id,
    );
    if (
      !freeze ||
      !(await this.deps.store.freezes.liftFreeze(id, liftedBy, now))
    ) {
      throw new NotFoundError(`There is no freeze ${id} to lift`);
    }
    this.read = undefined;
    return freeze;
  }
}
