import { Freeze, FreezeScope } from '@glu-dev/plugin-glu-common';
import { absoluteTime } from '../format';

/** How the backend starts the reason of an edge that a freeze blocks. */
export const FROZEN_PREFIX = 'frozen: ';

/** Whether a reason that blocks an edge is a freeze's. */
export function isFreezeReason(reason: string): boolean {
  return reason.startsWith(FROZEN_PREFIX);
}

const phaseList = new Intl.ListFormat('en', { type: 'conjunction' });

/** `production`, `staging and production`. */
export function phasesLabel(phases: string[]): string {
  return phases.length ? phaseList.format(phases) : 'every phase';
}

/** `since <start>, until <end>` or `until lifted`; `from <start>` when it is still to come. */
export function periodLabel(
  freeze: { startsAt: string; endsAt?: string },
  now: number = Date.now(),
): string {
  const upcoming = new Date(freeze.startsAt).getTime() > now;
  const start = `${upcoming ? 'from' : 'since'} ${absoluteTime(
    freeze.startsAt,
  )}`;
  return freeze.endsAt
    ? `${start}, until ${absoluteTime(freeze.endsAt)}`
    : `${start}, until lifted`;
}

/** What a freeze covers, in words: `every phase of every pipeline`, or each part of its scope. */
export function scopeLabel(scope: FreezeScope): string {
  const parts: string[] = [];
  if (scope.pipelines?.length) {
    parts.push(`pipelines ${scope.pipelines.join(', ')}`);
  }
  if (scope.owners?.length) {
    parts.push(`pipelines owned by ${scope.owners.join(', ')}`);
  }
  if (scope.namespaces?.length) {
    parts.push(`namespaces ${scope.namespaces.join(', ')}`);
  }
  const phases = scope.phases?.length
    ? `phases ${phaseList.format(scope.phases)}`
    : 'every phase';
  if (parts.length === 0) return `${phases} of every pipeline`;
  return `${phases} of ${parts.join('; ')}`;
}

/** The active freezes first, then those to come by their start. */
export function splitFreezes(freezes: Freeze[]): {
  active: Freeze[];
  upcoming: Freeze[];
} {
  return {
    active: freezes.filter(f => f.active),
    upcoming: freezes
      .filter(f => !f.active)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
  };
}

/** A comma-separated list as typed, without blanks and repeats. */
export function parseList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map(item => item.trim())
        .filter(Boolean),
    ),
  ];
}
