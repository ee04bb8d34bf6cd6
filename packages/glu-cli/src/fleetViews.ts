/*
 * The fleet as `glu fleet` prints it: a row a pipeline and a column an
 * environment, or a CSV record a pipeline and environment; and two
 * environments compared (`glu fleet diff`), with what promoting did.
 */
import {
  FleetCell,
  FleetDiff,
  FleetDiffItem,
  FleetPage,
  FleetPromotionResult,
} from '@glu-dev/plugin-glu-common';
import { csv, Palette, table } from './output';
import { duration, promotionLine } from './views';

/** A pipeline as the tables name it: `default/checkout`. */
function nameOf(ref: string): string {
  return ref.replace(/^pipeline:/, '');
}

/** How long since an instant: `45s`, `3h 5m`, `2d 4h`. */
function since(iso: string, now: number): string {
  return duration(Math.max(0, (now - Date.parse(iso)) / 1000));
}

/** How far a cell lags its upstream: `3 (2d 4h)`. */
function lagOf(cell: FleetCell, now: number): string {
  return cell.behind
    ? ` ${cell.behind.versions} (${since(cell.behind.since, now)})`
    : '';
}

/**
 * What an environment of a pipeline holds, in a few words: `1.4.2` when
 * nothing waits, `1.4.2 · behind 3 (2d)`, `1.4.2 · pinned`; `—` when the
 * pipeline has no phase there.
 */
export function cellText(
  p: Palette,
  cell: FleetCell | undefined,
  now = Date.now(),
): string {
  if (!cell) return p.dim('—');
  if (cell.status === 'empty' || !cell.version) return p.dim('empty');
  const version = cell.version;
  switch (cell.status) {
    case 'up-to-date':
      return version;
    case 'behind':
      return `${version} · ${p.yellow(`behind${lagOf(cell, now)}`)}`;
    case 'blocked':
      return `${version} · ${p.red(
        `blocked${cell.behind ? `, behind${lagOf(cell, now)}` : ''}`,
      )}`;
    case 'pinned':
    case 'frozen':
      return `${version} · ${p.magenta(cell.status)}`;
    case 'promoting':
      return `${version} · ${p.cyan('promoting')}`;
    case 'refresh-failing':
      return `${version} · ${p.red('refresh failing')}`;
    default:
      return `${version} · ${p.red(cell.status)}`;
  }
}

/**
 * The fleet, a row a pipeline: its owner (and system, when any pipeline
 * has one), then what each environment holds, upstream first.
 */
export function fleetTable(
  p: Palette,
  fleet: FleetPage,
  now = Date.now(),
): string {
  if (fleet.items.length === 0) {
    return p.dim('No pipelines that this token may read.');
  }
  const systems = fleet.items.some(row => row.system);
  return table(
    p,
    [
      'PIPELINE',
      'OWNER',
      ...(systems ? ['SYSTEM'] : []),
      ...fleet.environments,
    ],
    fleet.items.map(row => [
      nameOf(row.ref),
      row.owner,
      ...(systems ? [row.system ?? ''] : []),
      ...fleet.environments.map(environment =>
        cellText(
          p,
          row.cells.find(cell => cell.environment === environment),
          now,
        ),
      ),
    ]),
  );
}

const FLEET_CSV = [
  'pipeline',
  'owner',
  'system',
  'environment',
  'phase',
  'version',
  'digest',
  'status',
  'since',
  'behindVersions',
  'behindSince',
  'reasons',
];

/**
 * The fleet as CSV: a record for each phase of each pipeline, under the
 * environment it stands for; reasons are joined with `; `.
 */
export function fleetCsv(fleet: FleetPage): string {
  return csv(
    FLEET_CSV,
    fleet.items.flatMap(row =>
      row.cells.map(cell => [
        row.ref,
        row.owner,
        row.system,
        cell.environment,
        cell.phase,
        cell.version,
        cell.digest,
        cell.status,
        cell.since,
        cell.behind?.versions,
        cell.behind?.since,
        cell.reasons.join('; '),
      ]),
    ),
  );
}

/** How far `to` lags: `3 versions, 2d 4h`. */
function diffLag(item: FleetDiffItem, now: number): string {
  const behind = item.to.behind;
  if (!behind) return '—';
  return `${behind.versions} version${
    behind.versions === 1 ? '' : 's'
  }, ${since(behind.since, now)}`;
}

/** Whether it may be promoted now: `yes`, or `no: ` and why. */
function promotableText(p: Palette, item: FleetDiffItem): string {
  if (item.promotable) return p.green('yes');
  // Without reasons, the status of `to` says why: e.g. up-to-date, when it
  // holds the version under a digest of its own.
  return p.red(
    `no: ${item.reasons.length ? item.reasons.join('; ') : item.to.status}`,
  );
}

/**
 * The pipelines where one environment lags another: the versions each
 * holds, how far behind, and whether it may be promoted now or why not.
 */
export function fleetDiffTable(
  p: Palette,
  diff: FleetDiff,
  now = Date.now(),
): string {
  if (diff.items.length === 0) {
    return p.dim(`No pipeline where ${diff.to} lags ${diff.from}.`);
  }
  return table(
    p,
    ['PIPELINE', diff.from, diff.to, 'LAG', 'PROMOTABLE'],
    diff.items.map(item => [
      nameOf(item.pipeline.ref),
      item.from.version ?? p.dim('empty'),
      item.to.version ?? p.dim('empty'),
      diffLag(item, now),
      promotableText(p, item),
    ]),
  );
}

const DIFF_CSV = [
  'pipeline',
  'owner',
  'system',
  'from',
  'fromPhase',
  'fromVersion',
  'fromDigest',
  'to',
  'toPhase',
  'toVersion',
  'toDigest',
  'toStatus',
  'behindVersions',
  'behindSince',
  'promotable',
  'reasons',
];

/** What promoting one item of a diff did: the answer, and why it was refused. */
export type Outcome = { result: FleetPromotionResult; refusal?: string };

/**
 * A diff as CSV, a record a pipeline; with the outcomes of `--promote`, the
 * promotion, its status and the refusal of each item promoted.
 */
export function fleetDiffCsv(
  diff: FleetDiff,
  outcomes?: Map<FleetDiffItem, Outcome>,
): string {
  return csv(
    [
      ...DIFF_CSV,
      ...(outcomes ? ['promotion', 'promotionStatus', 'error'] : []),
    ],
    diff.items.map(item => {
      const outcome = outcomes?.get(item);
      return [
        item.pipeline.ref,
        item.pipeline.owner,
        item.pipeline.system,
        diff.from,
        item.from.phase,
        item.from.version,
        item.from.digest,
        diff.to,
        item.to.phase,
        item.to.version,
        item.to.digest,
        item.to.status,
        item.to.behind?.versions,
        item.to.behind?.since,
        item.promotable,
        item.reasons.join('; '),
        ...(outcomes
          ? [
              outcome?.result.promotion?.id,
              outcome?.result.promotion?.status,
              outcome?.refusal,
            ]
          : []),
      ];
    }),
  );
}

/**
 * What promoting did, a line each: the promotion and where it stands, or
 * why it was refused.
 */
export function outcomesText(p: Palette, outcomes: Outcome[]): string {
  return outcomes
    .map(({ result, refusal }) => {
      const name = nameOf(result.pipeline);
      if (result.promotion) {
        return `${name}: ${promotionLine(p, result.promotion)}`;
      }
      return `${name}: ${p.red(
        `not promoted into ${result.phase}: ${refusal ?? 'refused'}`,
      )}`;
    })
    .join('\n');
}

/** For a terminal: how many were promoted, and how many refused. */
export function outcomesSummary(outcomes: Outcome[]): string {
  const refused = outcomes.filter(outcome => !outcome.result.promotion).length;
  return `Promoted ${outcomes.length - refused} of ${outcomes.length}${
    refused ? `; ${refused} refused` : ''
  }.`;
}
