/*
 * The bench's figures and its table: every figure is measured in several
 * samples that alternate Glu and its floor, and printed as the median of
 * each, the median of the per-pair ratios and their spread (min–max), so
 * that a difference between two variants can be read against the run's own
 * noise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

/** Samples' median and range, e.g. `108 ms (95–130 ms)`. */
export function spread(
  values: number[],
  format: (value: number) => string = ms,
): string {
  return `${format(median(values))} (${format(Math.min(...values))}–${format(
    Math.max(...values),
  )})`;
}

/**
 * The backends in the order a round takes them: each round another first,
 * so that none is always measured on the machine as the last one left it.
 */
export function rotate<T>(items: T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Ratios of paired samples: their median and spread, e.g. `1.21× (1.05–1.40)`.
 * `digits` is how precise (2 for read rates, 1 for times).
 */
export function ratio(glu: number[], floor: number[], digits = 2): string {
  const ratios = glu.map((g, i) => g / floor[i]);
  const fixed = (n: number) => n.toFixed(digits);
  return `${fixed(median(ratios))}× (${fixed(Math.min(...ratios))}–${fixed(
    Math.max(...ratios),
  )}, ${ratios.length} pairs)`;
}

/**
 * The order of Glu (`true`) and the floor (`false`) in the samples of a
 * round: G F, then F G, and so on, so that drift over a figure's run
 * (the machine warming, the database growing) favours neither.
 */
export function alternate(round: number): boolean[] {
  return round % 2 === 0 ? [true, false] : [false, true];
}

/** A measured figure of one variant on one database. */
export interface Row {
  figure: string;
  /** `current`, a variant of GLU_BENCH_VARIANTS, or `baseline`. */
  variant: string;
  glu: string;
  floor: string;
  ratio: string;
  goal: string;
}

/** The rows of one database, in the order they were measured. */
export class Table {
  readonly rows: Row[] = [];

  constructor(readonly database: string) {}

  add(row: Row) {
    this.rows.push(row);
    // As it comes: a long run shows what it has so far.
    process.stdout.write(
      `[${this.database}] ${row.figure} [${row.variant}]: Glu ${row.glu}; floor ${row.floor}; ${row.ratio} (goal ${row.goal})\n`,
    );
  }

  /** The table as Markdown, the variants of a figure next to each other. */
  markdown(): string {
    const variants = new Set(this.rows.map(r => r.variant)).size > 1;
    const figures = [...new Set(this.rows.map(r => r.figure))];
    const rows = figures.flatMap(f => this.rows.filter(r => r.figure === f));
    const header = variants
      ? ['figure', 'variant', 'Glu', 'floor', 'ratio (spread)', 'goal']
      : ['figure', 'Glu', 'floor', 'ratio (spread)', 'goal'];
    const cells = rows.map(r =>
      (variants ? [r.figure, r.variant] : [r.figure])
        .concat(r.glu, r.floor, r.ratio, r.goal)
        .map(c => c.replace(/\|/g, '\\|')),
    );
    const widths = header.map((h, i) =>
      Math.max(h.length, ...cells.map(c => c[i].length)),
    );
    const line = (row: string[]) =>
      `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    return [
      line(header),
      line(widths.map(w => '-'.repeat(w))),
      ...cells.map(line),
    ].join('\n');
  }
}

/** What machine the figures come from, for under the tables. */
export function machine(): string {
  return `${os.cpus().length} cores, ${
    os.cpus()[0]?.model ?? 'unknown CPU'
  }, Node ${process.versions.node}`;
}

/**
 * Prints every database's table and writes them, as Markdown, to
 * `bench.md` in the results folder, for the docs' Performance page.
 */
export function writeTables(tables: Table[], resultsDir: string, note: string) {
  const text = `${tables
    .map(t => `### ${t.database}\n\n${t.markdown()}\n`)
    .join('\n')}\n${note}\n\n${machine()}\n`;
  process.stdout.write(`\n${text}`);
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'bench.md'), text);
}
