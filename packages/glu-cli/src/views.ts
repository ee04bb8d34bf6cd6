import {
  durationWords,
  DoraFigures,
  Freeze,
  FreezeScope,
  HistoryEntry,
  OwnerDora,
  PipelineDora,
  PipelineSummary,
  PipelineRefresh,
  PipelineView,
  Promotion,
  PromotionDryRun,
  QuarantineMark,
} from '@glu-dev/plugin-glu-common';
import { approvalsText } from './approvalViews';
import { ago, Palette, shortDigest, statusColor, table } from './output';

/** Pipelines, one row each, with their phases' versions. */
export function pipelinesTable(p: Palette, items: PipelineSummary[]): string {
  // The API lists only what the caller may read.
  if (items.length === 0)
    return p.dim('No pipelines that this token may read.');
  return table(
    p,
    ['PIPELINE', 'OWNER', 'PHASES', 'BEHIND'],
    items.map(item => [
      item.ref.replace(/^pipeline:/, ''),
      item.owner,
      item.phases
        .map(
          phase =>
            `${phase.name} ${
              phase.refreshError
                ? p.red('(refresh failing)')
                : phase.version ?? p.dim('-')
            }`,
        )
        .join(', '),
      item.behind ? p.yellow(String(item.behind)) : '0',
    ]),
  );
}

/** The quarantine that the version a phase holds is under, if any. */
function quarantineOf(
  phase: PipelineView['phases'][number],
): QuarantineMark | undefined {
  return phase.quarantine ?? phase.state?.quarantine;
}

/** A version, marked when it is quarantined: `1.1.0 (quarantined)`. */
function versionText(
  p: Palette,
  version: string,
  quarantine: QuarantineMark | undefined,
): string {
  return quarantine ? p.red(`${version} (quarantined)`) : version;
}

/** Which quarantine, by whom and why: `quarantine 3 by user:…: leaks`. */
function markText(mark: QuarantineMark): string {
  return `quarantine ${mark.id} by ${mark.quarantinedBy}: ${mark.reason}`;
}

/** Why an edge is where it is: its reasons, or the gates that passed. */
function edgeReasons(edge: PipelineView['edges'][number]): string {
  if (edge.reasons.length) return edge.reasons.join('; ');
  if (edge.pullRequest) return `pull request #${edge.pullRequest.number}`;
  return edge.gates.map(g => `${g.type}: ${g.reason}`).join('; ');
}

/** A pipeline: who owns it, its phases and its edges. */
export function pipelineText(
  p: Palette,
  view: PipelineView,
  options: {
    graph?: boolean;
    /** When each phase was last looked at: a column of its own. */
    refresh?: PipelineRefresh;
  } = {},
): string {
  const lines: string[] = [];
  lines.push(
    `${p.bold(view.title ?? view.name)}  ${p.dim(view.ref)}`,
    `owner ${view.owner}${
      view.components.length ? `   delivers ${view.components.join(', ')}` : ''
    }`,
    '',
  );
  for (const freeze of view.freezes ?? []) {
    lines.push(
      p.red(
        `frozen: ${freeze.phases.join(', ')}, by freeze ${freeze.id} (${
          freeze.setBy
        }: ${freeze.reason})${freeze.endsAt ? ` until ${freeze.endsAt}` : ''}`,
      ),
    );
  }
  if (view.freezes?.length) lines.push('');
  if (options.graph) {
    lines.push(graphText(p, view));
    return lines.join('\n');
  }
  const lookedAt = new Map(
    options.refresh?.phases.map(phase => [phase.name, phase.lookedAt]),
  );
  lines.push(
    table(
      p,
      [
        'PHASE',
        'VERSION',
        'DIGEST',
        'CHANGED',
        ...(options.refresh ? ['LOOKED AT'] : []),
        'NOTE',
      ],
      view.phases.map(phase => [
        phase.name,
        phase.state
          ? versionText(p, phase.state.version, quarantineOf(phase))
          : p.dim('not seen yet'),
        shortDigest(phase.state?.digest),
        ago(phase.state?.observedAt),
        ...(options.refresh ? [ago(lookedAt.get(phase.name))] : []),
        [
          phase.pin
            ? p.magenta(`pinned by ${phase.pin.pinnedBy}: ${phase.pin.reason}`)
            : '',
          quarantineOf(phase) ? p.red(markText(quarantineOf(phase)!)) : '',
          phase.refreshError
            ? p.red(
                `refresh failing${
                  phase.refreshFailingSince
                    ? ` since ${ago(phase.refreshFailingSince)}`
                    : ''
                }: ${phase.refreshError}`,
              )
            : '',
        ]
          .filter(Boolean)
          .join('; '),
      ]),
    ),
  );
  if (view.edges.length) {
    lines.push(
      '',
      table(
        p,
        ['EDGE', 'STRATEGY', 'AUTO', 'STATUS', 'WHY'],
        view.edges.map(edge => [
          `${edge.from} → ${edge.to}`,
          edge.strategy,
          edge.auto ? 'yes' : 'no',
          statusColor(p, edge.status),
          edgeReasons(edge),
        ]),
      ),
    );
  }
  const approvals = approvalsText(p, view);
  if (approvals) lines.push('', approvals);
  return lines.join('\n');
}

/**
 * The pipeline as a small graph: each phase with its version, and each
 * edge with its status, the phases in the order of the definition.
 */
export function graphText(p: Palette, view: PipelineView): string {
  const version = (name: string) => {
    const phase = view.phases.find(each => each.name === name);
    return phase?.state
      ? versionText(p, phase.state.version, quarantineOf(phase))
      : '?';
  };
  const incoming = new Set(view.edges.map(edge => edge.to));
  const lines: string[] = [];
  for (const phase of view.phases) {
    const out = view.edges.filter(edge => edge.from === phase.name);
    if (!incoming.has(phase.name) && out.length === 0) {
      lines.push(`${p.bold(phase.name)} ${version(phase.name)}`);
    }
    for (const edge of out) {
      lines.push(
        `${p.bold(edge.from)} ${version(edge.from)} ──${
          edge.auto ? 'auto ' : ''
        }${statusColor(p, edge.status)}──▶ ${p.bold(edge.to)} ${version(
          edge.to,
        )}${
          edge.reasons.length ? p.dim(`  (${edge.reasons.join('; ')})`) : ''
        }`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * A phase's history, newest first; who made each version (AUTHOR) and who
 * approved it (APPROVED BY) when any entry says.
 */
export function historyTable(p: Palette, items: HistoryEntry[]): string {
  if (items.length === 0) return p.dim('No history yet.');
  const authors = items.some(entry => entry.author);
  const approvers = items.some(entry => entry.approvedBy?.length);
  return table(
    p,
    [
      'ID',
      'VERSION',
      'DIGEST',
      'CAUSE',
      'BY',
      ...(authors ? ['AUTHOR'] : []),
      ...(approvers ? ['APPROVED BY'] : []),
      'WHEN',
      'COMMIT',
    ],
    items.map(entry => [
      entry.id,
      versionText(p, entry.version, entry.quarantine),
      shortDigest(entry.digest),
      entry.hotfix ? `${entry.cause} (hotfix)` : entry.cause,
      entry.actor ?? '',
      ...(authors ? [entry.author ?? ''] : []),
      ...(approvers ? [(entry.approvedBy ?? []).join(', ')] : []),
      ago(entry.observedAt),
      entry.commitSha?.slice(0, 10) ?? '',
    ]),
  );
}

/** What a promotion or a rollback would do: versions, gates and the diff. */
export function dryRunText(p: Palette, plan: PromotionDryRun): string {
  const what = plan.kind === 'rollback' ? 'Rollback of' : 'Promotion';
  const lines = [
    `${what} ${
      plan.kind === 'rollback' ? plan.to : `${plan.from} → ${plan.to}`
    }: ${statusColor(p, plan.status)}`,
    `  ${plan.before?.version ?? p.dim('nothing')} → ${
      plan.after?.version ?? plan.fromVersion.version
    }${plan.path ? p.dim(`  (${plan.path})`) : ''}`,
  ];
  for (const gate of plan.gates) {
    lines.push(
      `  ${gate.passed ? p.green('✓') : p.red('✗')} ${gate.type}: ${
        gate.reason
      }`,
    );
  }
  for (const reason of plan.reasons) lines.push(`  ${p.red('•')} ${reason}`);
  if (plan.pullRequest) {
    lines.push(`  pull request: ${plan.pullRequest.url}`);
  }
  if (plan.diff) lines.push('', diffText(p, plan.diff));
  return lines.join('\n');
}

/** A unified diff, coloured on a terminal. */
export function diffText(p: Palette, diff: string): string {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map(line => {
      if (line.startsWith('+++') || line.startsWith('---')) return p.bold(line);
      if (line.startsWith('+')) return p.green(line);
      if (line.startsWith('-')) return p.red(line);
      if (line.startsWith('@@')) return p.cyan(line);
      return line;
    })
    .join('\n');
}

/** Where a promotion stands, in one line, with its commit or pull request. */
export function promotionLine(p: Palette, promotion: Promotion): string {
  let where = '';
  if (promotion.pullRequest) {
    where = ` pull request #${promotion.pullRequest.number} ${promotion.pullRequest.url}`;
  } else if (promotion.commitSha) {
    where = ` commit ${promotion.commitSha.slice(0, 10)}${
      promotion.commitUrl ? ` ${promotion.commitUrl}` : ''
    }`;
  }
  const versions = `${promotion.before?.version ?? '-'} → ${
    promotion.after?.version ?? promotion.fromVersion?.version ?? '?'
  }`;
  return `${promotion.kind} ${promotion.id} into ${
    promotion.to
  } (${versions}): ${statusColor(p, promotion.status)}${where}${
    promotion.hotfix
      ? `\n  ${p.magenta(
          `hotfix through freeze ${promotion.hotfix.freezes.join(', ')}: ${
            promotion.hotfix.reason
          }`,
        )}`
      : ''
  }${promotion.error ? `\n  ${p.red(promotion.error)}` : ''}`;
}

/** What a freeze covers, in words: `owner group:default/a; phase production`. */
export function scopeText(scope: FreezeScope): string {
  const parts: Array<[string, string[] | undefined]> = [
    ['namespace', scope.namespaces],
    ['owner', scope.owners],
    ['pipeline', scope.pipelines?.map(ref => ref.replace(/^pipeline:/, ''))],
    ['phase', scope.phases],
  ];
  const named = parts
    .filter(([, values]) => values?.length)
    .map(
      ([part, values]) =>
        `${part}${values!.length > 1 ? 's' : ''} ${values!.join(', ')}`,
    );
  return named.length ? named.join('; ') : 'every pipeline';
}

/** Freezes, one row each: what they cover, who set them, from when to when. */
export function freezesTable(p: Palette, items: Freeze[]): string {
  if (items.length === 0) return p.dim('No freezes.');
  return table(
    p,
    ['ID', 'ACTIVE', 'REASON', 'SCOPE', 'SET BY', 'FROM', 'UNTIL'],
    items.map(freeze => [
      freeze.id,
      freeze.active ? p.red('yes') : 'no',
      freeze.reason,
      `${scopeText(freeze.scope)}${freeze.rollbacks ? ', rollbacks too' : ''}`,
      freeze.setBy,
      ago(freeze.startsAt),
      freeze.endsAt ? ago(freeze.endsAt) : p.dim('lifted'),
    ]),
  );
}

/** One freeze: what it covers, when, and who set it. */
export function freezeText(p: Palette, freeze: Freeze): string {
  const when = (iso: string) => `${iso} (${ago(iso)})`;
  return [
    `${p.bold(`Freeze ${freeze.id}`)} (${
      freeze.active ? p.red('active') : p.yellow('scheduled')
    }): ${freeze.reason}`,
    `  covers     ${scopeText(freeze.scope)}`,
    `  from       ${when(freeze.startsAt)}${
      freeze.recurrence ? p.dim(`  (${freeze.recurrence})`) : ''
    }`,
    `  until      ${freeze.endsAt ? when(freeze.endsAt) : 'it is lifted'}`,
    `  rollbacks  ${freeze.rollbacks ? 'held too' : 'go through'}`,
    `  set by     ${freeze.setBy}`,
  ].join('\n');
}

/** A duration in words: `45s`, `12m`, `3h 5m`, `2d 4h`; `-` for none. */
export function duration(seconds: number | undefined): string {
  return seconds === undefined ? '-' : durationWords(seconds);
}

/** The four DORA figures as a row. */
function doraRow(p: Palette, figures: DoraFigures): string[] {
  return [
    `${figures.deployments} (${figures.deploymentsPerWeek}/week)`,
    duration(figures.medianLeadTimeSeconds),
    figures.changeFailureRate === undefined
      ? p.dim('-')
      : `${Math.round(figures.changeFailureRate * 100)}% (${
          figures.failedDeployments
        })`,
    duration(figures.medianTimeToRestoreSeconds),
  ];
}

const DORA_HEADINGS = ['DEPLOYMENTS', 'LEAD TIME', 'FAILED', 'RESTORE'];

/** A pipeline's DORA figures, then its deployments. */
export function pipelineDoraText(p: Palette, dora: PipelineDora): string {
  const period = `${dora.from.slice(0, 10)} to ${dora.to.slice(0, 10)}`;
  const lines = [
    `${p.bold(dora.title ?? dora.pipelineRef)} ${p.dim(
      `${period}, production: ${dora.production.join(', ')}`,
    )}`,
    table(p, DORA_HEADINGS, [doraRow(p, dora.figures)]),
  ];
  if (dora.deployments.length === 0) {
    lines.push(p.dim('No deployments in this period.'));
  } else {
    lines.push(
      table(
        p,
        ['VERSION', 'PHASE', 'DEPLOYED', 'LEAD TIME', 'OUTCOME'],
        dora.deployments.map(d => [
          d.version,
          d.phase,
          ago(d.deployedAt),
          duration(d.leadTimeSeconds),
          d.failed
            ? p.red(`failed, restored ${ago(d.restoredAt)}`)
            : `${d.fix ? 'fix, ' : ''}ok`,
        ]),
      ),
    );
  }
  return lines.join('\n');
}

/** An owner's DORA figures, together and by pipeline. */
export function ownerDoraText(p: Palette, dora: OwnerDora): string {
  return table(
    p,
    ['PIPELINE', ...DORA_HEADINGS],
    [
      [p.bold(dora.owner.join(', ')), ...doraRow(p, dora.figures)],
      ...dora.pipelines.map(item => [
        item.pipelineRef.replace(/^pipeline:/, ''),
        ...doraRow(p, item.figures),
      ]),
    ],
  );
}
