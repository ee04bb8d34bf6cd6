/*
 * Quarantines as `glu quarantine` prints them: a table of those in force,
 * and one quarantine with the phases that hold it and its rollbacks.
 */
import { Quarantine } from '@glu-dev/plugin-glu-common';
import { ago, Palette, shortDigest, statusColor, table } from './output';

/** A pipeline as people read it: `default/checkout`. */
const pipelineName = (ref: string) => ref.replace(/^pipeline:/, '');

/** What a quarantine applies to, in words: `1.1.0 (1a2b3c4d5e6f)`. */
function quarantinedText(quarantine: Quarantine): string {
  const { version, digest } = quarantine;
  if (version && digest) return `${version} (${shortDigest(digest)})`;
  return version ?? `digest ${shortDigest(digest)}`;
}

/** A phase that holds a quarantined version, as a quarantine lists it. */
function holderText(
  quarantine: Quarantine,
  holder: { pipelineRef: string; phase: string },
): string {
  return quarantine.pipelineRef
    ? holder.phase
    : `${pipelineName(holder.pipelineRef)} ${holder.phase}`;
}

/** At most this many phases in a row of `glu quarantine list`. */
const HOLDERS_IN_A_ROW = 5;

/** Quarantines, one row each: what, where, why, who, when, and who holds it. */
export function quarantinesTable(p: Palette, items: Quarantine[]): string {
  if (items.length === 0) return p.dim('No quarantines.');
  return table(
    p,
    ['ID', 'PIPELINE', 'VERSION', 'REASON', 'BY', 'WHEN', 'HELD IN'],
    items.map(quarantine => {
      const held = quarantine.holding.map(h => holderText(quarantine, h));
      return [
        quarantine.id,
        quarantine.pipelineRef
          ? pipelineName(quarantine.pipelineRef)
          : p.yellow('every pipeline'),
        quarantinedText(quarantine),
        quarantine.reason,
        quarantine.quarantinedBy,
        ago(quarantine.quarantinedAt),
        held.length
          ? p.red(
              `${held.slice(0, HOLDERS_IN_A_ROW).join(', ')}${
                held.length > HOLDERS_IN_A_ROW
                  ? ` and ${held.length - HOLDERS_IN_A_ROW} more`
                  : ''
              }`,
            )
          : p.dim('none'),
      ];
    }),
  );
}

/** What became of one rollback of a quarantine: its promotion, or why none. */
function rollbackText(
  p: Palette,
  quarantine: Quarantine,
  rollback: NonNullable<Quarantine['rollbacks']>[number],
): string {
  const where = holderText(quarantine, rollback);
  if (!rollback.promotionId) {
    return `${where}: ${p.yellow('not rolled back')}${
      rollback.error ? `: ${rollback.error}` : ''
    }`;
  }
  return `${where}: rollback ${rollback.promotionId} ${statusColor(
    p,
    rollback.status ?? 'pending',
  )}${rollback.error ? `: ${p.red(rollback.error)}` : ''}`;
}

/**
 * One quarantine: what, where, why and who; the phases that hold it and,
 * when it was set with rollback, what became of each.
 */
export function quarantineText(p: Palette, quarantine: Quarantine): string {
  const lines = [
    `${p.bold(`Quarantine ${quarantine.id}`)}: ${quarantine.reason}`,
    `  version    ${quarantine.version ?? p.dim('any with this digest')}${
      quarantine.digest
        ? `
  digest     ${quarantine.digest}`
        : ''
    }`,
    `  pipeline   ${
      quarantine.pipelineRef
        ? pipelineName(quarantine.pipelineRef)
        : p.yellow('every pipeline')
    }`,
    `  by         ${quarantine.quarantinedBy}, ${
      quarantine.quarantinedAt
    } (${ago(quarantine.quarantinedAt)})`,
  ];
  /** Items under a label: the first beside it, the others below. */
  const listed = (label: string, items: string[], none: string) =>
    (items.length ? items : [p.dim(none)]).forEach((item, i) =>
      lines.push(`  ${(i ? '' : label).padEnd(9)}  ${item}`),
    );
  listed(
    'held in',
    quarantine.holding.map(h => `${holderText(quarantine, h)} (${h.version})`),
    'no phase',
  );
  if (quarantine.rollback) {
    listed(
      'rollbacks',
      (quarantine.rollbacks ?? []).map(r => rollbackText(p, quarantine, r)),
      'none: no writable phase held it',
    );
  }
  return lines.join('\n');
}
