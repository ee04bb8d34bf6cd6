import { InputError } from '@backstage/errors';
import {
  GLU_AUTO_ROLLBACK_ACTOR,
  intervalMillis,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { HistoryEntry } from '../store/types';

/** The period that DORA figures are counted over. */
export interface DoraPeriod {
  from: Date;
  to: Date;
}

/** A version that reached a production phase in the period. */
export interface DoraDeployment {
  phase: string;
  version: string;
  digest: string;
  deployedAt: string;
  /** From when it was first seen in a first phase, when it was. */
  leadTimeSeconds?: number;
  /** Followed by a rollback or a fix within the failure window. */
  failed: boolean;
  /** When the rollback or the fix that restored it landed. */
  restoredAt?: string;
  /** Its message, as CI published it, says it is a fix. */
  fix: boolean;
  /** The reason given, when it went through a freeze. */
  hotfix?: string;
}

/** The four DORA figures over a period, with a day-by-day series. */
export interface DoraFigures {
  deployments: number;
  /** Deployments that went through a freeze, counted among the deployments. */
  hotfixes: number;
  deploymentsPerWeek: number;
  medianLeadTimeSeconds?: number;
  failedDeployments: number;
  /** Failed deployments among all, from 0 to 1; none without deployments. */
  changeFailureRate?: number;
  medianTimeToRestoreSeconds?: number;
  days: Array<{ date: string; deployments: number; failures: number }>;
}

/** A production phase's history around a period. */
export interface ProductionHistory {
  phase: string;
  /** What it held when the period began. */
  before?: HistoryEntry;
  /** Its entries from the period's start to the end of the failure window after it, oldest first. */
  entries: HistoryEntry[];
}

/** Where a version came from: when a first phase first held it, and what it said. */
export interface VersionOrigin {
  at: string;
  message?: string;
}

const DAY = 86_400_000;
/** A period is at most this long. */
const MAX_PERIOD_DAYS = 366;

/**
 * The period a request asks for: by default the 30 days up to now. A
 * period that ends before it starts, or is longer than 366 days, is the
 * caller's to fix (400).
 */
export function doraPeriodOf(
  query: { from?: string; to?: string },
  now: Date = new Date(),
): DoraPeriod {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from
    ? new Date(query.from)
    : new Date(to.getTime() - 30 * DAY);
  if (Number.isNaN(to.getTime()) || Number.isNaN(from.getTime())) {
    throw new InputError(
      'from and to must be date-times, e.g. 2026-11-01T00:00:00Z',
    );
  }
  if (from.getTime() >= to.getTime()) {
    throw new InputError(
      `The period must end after it starts: from ${from.toISOString()} is not before to ${to.toISOString()}`,
    );
  }
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY) {
    throw new InputError(
      `A period is at most ${MAX_PERIOD_DAYS} days; ask for a shorter one`,
    );
  }
  return { from, to };
}
/** By default, a deployment followed by a rollback or a fix within a day failed. */
export const DEFAULT_FAILURE_WINDOW = '1d';
/** By default, a version is a fix when its message says so. */
export const DEFAULT_FIX = '^(fix|hotfix)\\b';

/** How a pipeline's figures are counted: its `spec.dora`, or the defaults. */
export function doraSettingsOf(pipeline: PipelineDefinition): {
  production: string[];
  firstPhases: string[];
  failureWindow: string;
  failureWindowMillis: number;
  fix: RegExp;
} {
  const promotedFrom = new Set(
    pipeline.phases.flatMap(p => p.edges.map(e => e.from)),
  );
  const failureWindow = pipeline.dora?.failureWindow ?? DEFAULT_FAILURE_WINDOW;
  return {
    production:
      pipeline.dora?.production ??
      pipeline.phases.filter(p => !promotedFrom.has(p.name)).map(p => p.name),
    firstPhases: pipeline.phases
      .filter(p => p.edges.length === 0)
      .map(p => p.name),
    failureWindow,
    failureWindowMillis: intervalMillis(failureWindow) ?? DAY,
    fix: new RegExp(pipeline.dora?.fix ?? DEFAULT_FIX, 'i'),
  };
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The deployments of a pipeline's production phases in a period: each time
 * a phase came to hold another version, except by a rollback (a rollback
 * restores, it does not deploy) and except its first state ever (where it
 * stood when Glu began to watch it). A deployment failed when the phase's next
 * change, within the failure window, was a rollback or the deployment of a
 * fix; that change restored it.
 */
export function deploymentsOf(input: {
  period: DoraPeriod;
  production: ProductionHistory[];
  origins: Map<string, VersionOrigin>;
  failureWindowMillis: number;
  fix: RegExp;
  /**
   * When a version was quarantined, if it was: a deployment of it before
   * then failed, whenever it is found out.
   */
  quarantinedAt?: (version: {
    digest: string;
    version: string;
  }) => string | undefined;
}): DoraDeployment[] {
  const { period, origins, failureWindowMillis, fix } = input;
  const isFix = (entry: HistoryEntry) =>
    fix.test(origins.get(entry.digest)?.message ?? entry.message ?? '');
  const deployments: DoraDeployment[] = [];
  for (const { phase, before, entries } of input.production) {
    // The changes of version, in order: a change that kept the version is none.
    const changes: HistoryEntry[] = [];
    let held = before?.digest;
    for (const entry of entries) {
      if (entry.digest === held) continue;
      held = entry.digest;
      changes.push(entry);
    }
    changes.forEach((change, index) => {
      const at = Date.parse(change.observedAt);
      if (change.cause === 'rollback') return;
      // The phase's first state ever is where it stood when Glu began.
      if (!before && index === 0) return;
      if (at < period.from.getTime() || at > period.to.getTime()) return;
      const next = changes[index + 1];
      // Glu's own rollback (a gate found the version broken) restores a
      // failure whenever it came; a person's rollback or a fix, within the
      // failure window.
      const restoring =
        next &&
        ((next.cause === 'rollback' &&
          next.actor === GLU_AUTO_ROLLBACK_ACTOR) ||
          (Date.parse(next.observedAt) - at <= failureWindowMillis &&
            (next.cause === 'rollback' || isFix(next))))
          ? next
          : undefined;
      const quarantined = input.quarantinedAt?.(change);
      const failed =
        Boolean(restoring) ||
        (quarantined !== undefined && Date.parse(quarantined) >= at);
      // Restored by what came next, if anything has.
      const restoredBy = restoring ?? (failed ? next : undefined);
      const origin = origins.get(change.digest);
      const lead = origin ? at - Date.parse(origin.at) : undefined;
      deployments.push({
        phase,
        version: change.version,
        digest: change.digest,
        deployedAt: change.observedAt,
        ...(lead !== undefined && lead >= 0
          ? { leadTimeSeconds: Math.round(lead / 1000) }
          : {}),
        failed,
        ...(restoredBy ? { restoredAt: restoredBy.observedAt } : {}),
        fix: isFix(change),
        ...(change.hotfix ? { hotfix: change.hotfix } : {}),
      });
    });
  }
  return deployments.sort((a, b) => b.deployedAt.localeCompare(a.deployedAt));
}

/** The figures of some deployments over a period (of one pipeline or many). */
export function doraFigures(
  deployments: DoraDeployment[],
  period: DoraPeriod,
): DoraFigures {
  const failed = deployments.filter(d => d.failed);
  const weeks = Math.max(
    (period.to.getTime() - period.from.getTime()) / (7 * DAY),
    1 / 7,
  );
  const days = new Map<string, { deployments: number; failures: number }>();
  for (
    let day = Date.UTC(
      period.from.getUTCFullYear(),
      period.from.getUTCMonth(),
      period.from.getUTCDate(),
    );
    day <= period.to.getTime();
    day += DAY
  ) {
    days.set(new Date(day).toISOString().slice(0, 10), {
      deployments: 0,
      failures: 0,
    });
  }
  for (const deployment of deployments) {
    const day = days.get(deployment.deployedAt.slice(0, 10));
    if (!day) continue;
    day.deployments += 1;
    if (deployment.failed) day.failures += 1;
  }
  const leadTime = median(
    deployments.flatMap(d =>
      d.leadTimeSeconds !== undefined ? [d.leadTimeSeconds] : [],
    ),
  );
  const restore = median(
    failed.map(
      d => (Date.parse(d.restoredAt!) - Date.parse(d.deployedAt)) / 1000,
    ),
  );
  return {
    deployments: deployments.length,
    hotfixes: deployments.filter(d => d.hotfix !== undefined).length,
    deploymentsPerWeek: Math.round((deployments.length / weeks) * 100) / 100,
    ...(leadTime !== undefined
      ? { medianLeadTimeSeconds: Math.round(leadTime) }
      : {}),
    failedDeployments: failed.length,
    ...(deployments.length > 0
      ? {
          changeFailureRate:
            Math.round((failed.length / deployments.length) * 1000) / 1000,
        }
      : {}),
    ...(restore !== undefined
      ? { medianTimeToRestoreSeconds: Math.round(restore) }
      : {}),
    days: [...days].map(([date, counts]) => ({ date, ...counts })),
  };
}
