import chalk from 'chalk';
import Table from 'cli-table3';
import { stringify } from 'yaml';
import { ExitCode, GluCliError } from './exits';

/** How results are printed: for people, or for scripts. */
export type Format = 'table' | 'json' | 'yaml' | 'csv';

/** The formats of every command. */
export const FORMATS: Format[] = ['table', 'json', 'yaml'];

/** Every format, for the commands that also print CSV (the fleet's). */
export const ALL_FORMATS: Format[] = [...FORMATS, 'csv'];

/** The format asked for, if the command prints it. */
export function formatOf(
  value: string | undefined,
  formats: readonly string[] = FORMATS,
): Format {
  const format = (value ?? 'table') as Format;
  if (!formats.includes(format)) {
    throw new GluCliError(
      `-o takes ${formats.join(', ')}, not ${value}`,
      ExitCode.usage,
    );
  }
  return format;
}

/**
 * Rows as CSV (RFC 4180): a header, then a record a line, each ending with
 * CRLF; a field is quoted when it holds a comma, a quote or a line break,
 * its quotes doubled.
 */
export function csv(
  head: string[],
  rows: Array<Array<string | number | boolean | undefined>>,
): string {
  const field = (value: string | number | boolean | undefined) => {
    const text = value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [head, ...rows].map(row => `${row.map(field).join(',')}\r\n`).join('');
}

/**
 * Colours for a terminal only: none when the output goes to a file or a
 * pipe, or NO_COLOR is set (FORCE_COLOR forces them).
 */
export function paletteFor(stream: NodeJS.WriteStream, wanted = true) {
  const forced = process.env.FORCE_COLOR !== undefined;
  const terminal = wanted && stream.isTTY && !process.env.NO_COLOR;
  const level = forced || terminal ? chalk.level || 1 : 0;
  return new chalk.Instance({ level: level as chalk.Level });
}

export type Palette = ReturnType<typeof paletteFor>;

/** Aligned columns, no borders, the header dimmed on a terminal. */
export function table(
  palette: Palette,
  head: string[],
  rows: Array<Array<string | number | undefined>>,
): string {
  const t = new Table({
    head: head.map(h => palette.bold(h)),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) t.push(row.map(cell => (cell ?? '').toString()));
  return t
    .toString()
    .split('\n')
    .map(line => line.trimEnd())
    .join('\n');
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `3 minutes ago`, `yesterday`: how long ago, for people. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relative.format(Math.round(seconds / size), unit);
    }
  }
  return iso;
}

/** A digest as people read it: the algorithm's first 12 characters. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '';
  const [, hex = digest] = digest.split(':');
  return hex.slice(0, 12);
}

/** The colour of a status, wherever it is shown. */
export function statusColor(palette: Palette, status: string): string {
  switch (status) {
    case 'up-to-date':
    case 'succeeded':
    case 'merged':
      return palette.green(status);
    case 'promotable':
    case 'pending':
    case 'open':
      return palette.yellow(status);
    case 'blocked':
    case 'failed':
    case 'closed':
      return palette.red(status);
    default:
      return palette.cyan(status);
  }
}

/** Prints a result: its data for scripts, or what `human` makes of it. */
export class Printer {
  readonly palette: Palette;

  constructor(
    readonly format: Format,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
    color = true,
  ) {
    this.palette = paletteFor(out, color);
  }

  /**
   * Prints a result: its data as JSON or YAML, or for people what `human`
   * makes of it, or as CSV what `rows` makes of it (for a command that
   * takes `-o csv`).
   */
  result(data: unknown, human: () => string, rows?: () => string) {
    if (this.format === 'csv') {
      if (!rows) {
        throw new GluCliError(
          'This command does not print CSV',
          ExitCode.usage,
        );
      }
      this.out.write(rows());
    } else if (this.format === 'json') {
      this.out.write(`${JSON.stringify(data, null, 2)}\n`);
    } else if (this.format === 'yaml') {
      this.out.write(stringify(data));
    } else {
      const text = human();
      if (text) this.out.write(`${text}\n`);
    }
  }

  /** A remark for people (on stderr, so that scripts read only results). */
  note(text: string) {
    if (this.format === 'table') this.err.write(`${text}\n`);
  }
}
