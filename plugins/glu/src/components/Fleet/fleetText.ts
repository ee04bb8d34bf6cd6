import {
  FleetCell,
  FleetCellStatus,
  FleetRow,
} from '@glu-dev/plugin-glu-common';
import { shortDigest } from '../format';

/** A duration in one unit, the way a fleet cell says it: `3d`, `5h`, `12m`, `<1m`. */
export function shortDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 60) return '<1m';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 60 * 86_400) return `${Math.floor(seconds / 86_400)}d`;
  return `${Math.floor(seconds / (30 * 86_400))}mo`;
}

/** How long ago a time was, as {@link shortDuration}; undefined without one. */
export function heldFor(
  since: string | undefined,
  now: number,
): string | undefined {
  if (!since) return undefined;
  const time = Date.parse(since);
  if (Number.isNaN(time)) return undefined;
  return shortDuration(Math.max(0, (now - time) / 1000));
}

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/** The status of a cell in a few words: `up to date`, `behind 3 versions for 2d`. */
export function statusLabel(cell: FleetCell, now: number): string {
  switch (cell.status) {
    case 'up-to-date':
      return 'up to date';
    case 'behind': {
      if (!cell.behind) return 'behind';
      const lag = heldFor(cell.behind.since, now);
      return `behind ${plural(cell.behind.versions, 'version', 'versions')}${
        lag ? ` for ${lag}` : ''
      }`;
    }
    case 'refresh-failing':
      return 'refresh failing';
    default:
      return cell.status;
  }
}

/** What a cell holds: its version, else its short digest, else nothing. */
export function cellVersion(cell: FleetCell): string | undefined {
  if (cell.version) return cell.version;
  return cell.digest ? shortDigest(cell.digest) : undefined;
}

/** Everything a cell says, in one sentence, for screen readers. */
export function cellDescription(
  cell: FleetCell,
  now: number,
  pipeline?: string,
): string {
  const version = cellVersion(cell);
  const held = heldFor(cell.since, now);
  const holds = version
    ? `${version}${held ? ` for ${held}` : ''}`
    : 'nothing yet';
  const where = pipeline
    ? `${pipeline} in ${cell.environment}`
    : cell.environment;
  const reasons = cell.reasons.length ? `. ${cell.reasons.join('; ')}` : '';
  return `${where}: ${holds}, ${statusLabel(cell, now)}${reasons}`;
}

/** The statuses, in the order a legend lists them. */
export const FLEET_STATUSES: FleetCellStatus[] = [
  'up-to-date',
  'behind',
  'promoting',
  'blocked',
  'pinned',
  'frozen',
  'quarantined',
  'refresh-failing',
  'empty',
];

/**
 * The columns of several pages of the fleet, in one list: each page lists
 * its environments upstream first; one missing from the list so far goes in
 * after the environment it follows on its page.
 */
export function mergeEnvironments(lists: string[][]): string[] {
  const merged: string[] = [];
  for (const list of lists) {
    list.forEach((environment, i) => {
      if (merged.includes(environment)) return;
      // After the nearest one before it that is known, else before the
      // nearest one after it, else last.
      const before = list
        .slice(0, i)
        .reverse()
        .find(e => merged.includes(e));
      const after = list.slice(i + 1).find(e => merged.includes(e));
      if (before !== undefined) {
        merged.splice(merged.indexOf(before) + 1, 0, environment);
      } else if (after !== undefined) {
        merged.splice(merged.indexOf(after), 0, environment);
      } else {
        merged.push(environment);
      }
    });
  }
  return merged;
}

/** What the compare view compares first: staging → production, else the last two. */
export function defaultComparison(
  environments: string[],
): { from: string; to: string } | undefined {
  if (environments.includes('staging') && environments.includes('production')) {
    return { from: 'staging', to: 'production' };
  }
  if (environments.length < 2) return undefined;
  return {
    from: environments[environments.length - 2],
    to: environments[environments.length - 1],
  };
}

export type FleetGroupBy = 'owner' | 'system';

/** The group of the pipelines without a system. */
export const NO_SYSTEM = 'No system';

/** A group of the fleet: its owner's or system's ref (or {@link NO_SYSTEM}), its rows. */
export type FleetGroup = { key: string; rows: FleetRow[] };

/** Whether a pipeline's name or title holds the text, ignoring case. */
export function matchesText(row: FleetRow, text: string): boolean {
  const needle = text.trim().toLocaleLowerCase('en-US');
  if (!needle) return true;
  return (
    row.name.toLocaleLowerCase('en-US').includes(needle) ||
    (row.title ?? '').toLocaleLowerCase('en-US').includes(needle)
  );
}

/**
 * The rows grouped by owner or by system, groups in order of their ref
 * ({@link NO_SYSTEM} last), rows in order of title or name.
 */
export function groupFleet(rows: FleetRow[], by: FleetGroupBy): FleetGroup[] {
  const groups = new Map<string, FleetRow[]>();
  for (const row of rows) {
    const key = (by === 'owner' ? row.owner : row.system) ?? NO_SYSTEM;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  const name = (row: FleetRow) => row.title ?? row.name;
  return [...groups.entries()]
    .sort(([a], [b]) => {
      if (a === NO_SYSTEM) return 1;
      if (b === NO_SYSTEM) return -1;
      return a.localeCompare(b);
    })
    .map(([key, list]) => ({
      key,
      rows: list.sort((a, b) => name(a).localeCompare(name(b))),
    }));
}

/** A row of the table: a group's heading, or a pipeline. */
export type FleetTableLine =
  | { type: 'group'; key: string; count: number }
  | { type: 'pipeline'; row: FleetRow };

/**
 * One page of the grouped table: `size` pipelines from the `page`th on,
 * each under the heading of its group (repeated atop a page that starts
 * inside a group).
 */
export function fleetTablePage(
  groups: FleetGroup[],
  page: number,
  size: number,
): FleetTableLine[] {
  const lines: FleetTableLine[] = [];
  let skip = page * size;
  let left = size;
  for (const group of groups) {
    if (left === 0) break;
    if (skip >= group.rows.length) {
      skip -= group.rows.length;
      continue;
    }
    const rows = group.rows.slice(skip, skip + left);
    skip = 0;
    left -= rows.length;
    lines.push({ type: 'group', key: group.key, count: group.rows.length });
    for (const row of rows) lines.push({ type: 'pipeline', row });
  }
  return lines;
}

/** The cell of each environment of a row, by environment. */
export function cellsByEnvironment(row: FleetRow): Map<string, FleetCell> {
  return new Map(row.cells.map(cell => [cell.environment, cell]));
}
