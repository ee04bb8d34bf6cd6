import { Quarantine } from '@glu-dev/plugin-glu-common';
import { sameEntityRef, shortDigest } from '../format';

/** What a quarantine holds back: `2.0.0`, or a short digest `4f1c0a9b2e3d`. */
export function quarantinedLabel(quarantine: {
  version?: string;
  digest?: string;
}): string {
  if (quarantine.version) return quarantine.version;
  return quarantine.digest ? shortDigest(quarantine.digest) : 'a version';
}

/** Where a quarantine applies: `in this pipeline`, `in every pipeline`. */
export function scopeLabel(quarantine: Quarantine): string {
  return quarantine.pipelineRef
    ? 'in this pipeline'
    : 'in every pipeline (by digest)';
}

/**
 * A phase in words, seen from one pipeline: `staging`, or, in another
 * pipeline, `staging of pipeline:default/payments`.
 */
export function phaseLabel(
  at: { pipelineRef: string; phase: string },
  pipelineRef?: string,
): string {
  return pipelineRef && sameEntityRef(at.pipelineRef, pipelineRef)
    ? at.phase
    : `${at.phase} of ${at.pipelineRef}`;
}

type Rollback = NonNullable<Quarantine['rollbacks']>[number];

/** What became of a holder's rollback: done, proposed, under way, failed, or why there was none. */
export function rollbackLabel(rollback: Rollback): {
  ok: boolean;
  text: string;
} {
  if (rollback.error) {
    return { ok: false, text: `not rolled back: ${rollback.error}` };
  }
  const promotion = rollback.promotionId
    ? ` (promotion ${rollback.promotionId})`
    : '';
  switch (rollback.status) {
    case 'failed':
      return { ok: false, text: `the rollback failed${promotion}` };
    case 'open':
      return {
        ok: true,
        text: `rollback proposed in a pull request, pinned${promotion}`,
      };
    case 'succeeded':
    case 'up-to-date':
    case 'merged':
      return { ok: true, text: `rolled back and pinned${promotion}` };
    case 'pending':
    case 'running':
    case undefined:
      return { ok: true, text: `rolling back, pinned${promotion}` };
    default:
      return { ok: false, text: `rollback ${rollback.status}${promotion}` };
  }
}
