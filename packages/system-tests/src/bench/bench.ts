/*
 * `npm run bench`: what a user gets from Glu, side by side with the floor —
 * git from a shell doing the same work on the same repositories, the
 * catalog's own endpoints on the same backend read with the same user's
 * token, the entity's Overview tab in the same browser — as ratios with
 * their run-to-run spread. The production build of the example backend and
 * app (scripts/bench.js builds and unpacks it; its folder is
 * GLU_BENCH_BACKEND) at its default intervals, on SQLite and on
 * PostgreSQL, with repositories of thousands of files and a long history
 * served over HTTP by `git http-backend` on loopback, and headless Chromium
 * (GLU_CHROMIUM). It prints one table per database and writes them to
 * test-results/bench.md; it fails only when it cannot run: the goals are
 * there to read, not asserted.
 *
 * GLU_BENCH_PIPELINES (1000): the fleet that reads and polls run across.
 * GLU_BENCH_FIGURES: which figures (promotion, concurrent, read, polling,
 * interval, portal, fleet, fleet-portal; all by default), comma-separated.
 * GLU_BENCH_POSTGRES: a PostgreSQL server to run on (a connection string)
 * rather than one of the bench's own; the run drops its databases on it.
 * GLU_BENCH_ROUNDS (5): samples of each figure, alternating Glu and floor.
 * GLU_BENCH_DATABASES (sqlite,postgres): which databases, one after the other.
 * GLU_BENCH_VARIANTS: a YAML or JSON file (or inline JSON) mapping a
 * variant's name to an app-config overlay; each variant runs as a backend of
 * its own next to the current code's, measured in turn within every round.
 * GLU_BENCH_BASELINE_BACKEND (set by scripts/bench.js from
 * GLU_BENCH_BASELINE=<revision>): another revision's build, the variant
 * `baseline`.
 * GLU_BENCH_NODE_OPTIONS adds options to the backends' Node (`--cpu-prof
 * --cpu-prof-dir=…` to profile them).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { GitHost } from '../harness/gitHost';
import { resultsDir } from '../harness/paths';
import { BenchBackend, Database, Variant } from './backend';
import { fleetFigures } from './fleet';
import { fleetPortalFigures } from './fleetPortal';
import { createTemplate } from './fixtures';
import { FloorShell } from './floor';
import { intervalFigure, pollingFigures } from './polling';
import { portalFigures } from './portal';
import { BenchPostgres, benchPostgres } from './postgres';
import { concurrentFigure, FigureContext, promotionFigure } from './promotion';
import { readFigures } from './reads';
import { Table, writeTables } from './table';

const ROUNDS = Number(process.env.GLU_BENCH_ROUNDS ?? 5);
/** Every figure, in the order they are measured. */
export const ALL_FIGURES = [
  'promotion',
  'concurrent',
  'read',
  'polling',
  'interval',
  'portal',
  'fleet',
  'fleet-portal',
];

/** The figures GLU_BENCH_FIGURES names: every one by default. */
export function figures(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const named = (env.GLU_BENCH_FIGURES ?? ALL_FIGURES.join(','))
    .split(',')
    .map(f => f.trim())
    .filter(Boolean);
  for (const figure of named) {
    if (!ALL_FIGURES.includes(figure)) {
      throw new Error(
        `GLU_BENCH_FIGURES: "${figure}" is not a figure (${ALL_FIGURES.join(
          ', ',
        )})`,
      );
    }
  }
  return new Set(named);
}
const FIGURES = figures();
const DATABASES = (process.env.GLU_BENCH_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .filter(Boolean) as Database[];

/** The variants of this run: the current code first, then the others. */
export function variants(
  bundle: string,
  env: NodeJS.ProcessEnv = process.env,
): Variant[] {
  const all: Variant[] = [{ name: 'current', bundle, overlay: {} }];
  const source = env.GLU_BENCH_VARIANTS?.trim();
  if (source) {
    const overlays = parse(
      /^[[{]/.test(source) ? source : fs.readFileSync(source, 'utf8'),
    );
    if (!overlays || typeof overlays !== 'object' || Array.isArray(overlays)) {
      throw new Error(
        'GLU_BENCH_VARIANTS must map variant names to app-config overlays, e.g. {"limits-small": {"glu": {"limits": {"yamlDepth": 50}}}}',
      );
    }
    for (const [name, overlay] of Object.entries(overlays)) {
      if (
        !/^[a-z0-9-]+$/i.test(name) ||
        ['current', 'baseline'].includes(name)
      ) {
        throw new Error(
          `GLU_BENCH_VARIANTS: "${name}" is not a variant's name (letters, digits and dashes; not current or baseline)`,
        );
      }
      if (!overlay || typeof overlay !== 'object' || Array.isArray(overlay)) {
        throw new Error(
          `GLU_BENCH_VARIANTS: the overlay of "${name}" must be a mapping of app-config`,
        );
      }
      all.push({ name, bundle, overlay: overlay as Record<string, unknown> });
    }
  }
  const baseline = env.GLU_BENCH_BASELINE_BACKEND;
  if (baseline) {
    if (!fs.existsSync(baseline)) {
      throw new Error(`GLU_BENCH_BASELINE_BACKEND: no build at ${baseline}`);
    }
    all.push({ name: 'baseline', bundle: baseline, overlay: {} });
  }
  return all;
}

async function measure(context: FigureContext) {
  const { backends } = context;
  if (FIGURES.has('promotion')) await promotionFigure(context);
  if (FIGURES.has('concurrent')) await concurrentFigure(context);
  if (FIGURES.has('read')) await readFigures(context);
  if (FIGURES.has('polling')) await pollingFigures(context);
  if (FIGURES.has('interval')) await intervalFigure(context);
  if (FIGURES.has('portal')) {
    for (const b of backends) {
      const rows = await portalFigures({
        baseUrl: b.url,
        api: b.api,
        token: b.serviceToken,
        rounds: context.rounds,
        variant: b.variant.name,
      });
      rows.forEach(row => context.table.add(row));
    }
  }
  if (FIGURES.has('fleet')) await fleetFigures(context);
  if (FIGURES.has('fleet-portal')) {
    for (const b of backends) {
      const rows = await fleetPortalFigures({
        baseUrl: b.url,
        rounds: context.rounds,
        variant: b.variant.name,
      });
      rows.forEach(row => context.table.add(row));
    }
  }
}

async function main() {
  const bundle = process.env.GLU_BENCH_BACKEND;
  if (!bundle || !fs.existsSync(bundle)) {
    throw new Error(
      'GLU_BENCH_BACKEND names no production build of the backend: run `npm run bench`, which builds it',
    );
  }
  const all = variants(bundle);
  for (const database of DATABASES) {
    if (!['sqlite', 'postgres'].includes(database)) {
      throw new Error(
        `GLU_BENCH_DATABASES: "${database}" is neither sqlite nor postgres`,
      );
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-bench-'));
  fs.mkdirSync(resultsDir, { recursive: true });
  const host = await GitHost.start(dir);
  const shell = new FloorShell();
  const tables: Table[] = [];
  let postgres: BenchPostgres | undefined;
  let backends: BenchBackend[] = [];
  try {
    const template = path.join(dir, 'template.git');
    createTemplate(template);
    if (DATABASES.includes('postgres')) postgres = await benchPostgres();
    for (const database of DATABASES) {
      const table = new Table(database === 'sqlite' ? 'SQLite' : 'PostgreSQL');
      tables.push(table);
      backends = [];
      // The variants' backends run side by side, each idle while another
      // is measured: their background work is noise that all of them see.
      for (const variant of all) {
        backends.push(
          await BenchBackend.start({
            variant,
            database,
            host,
            root: dir,
            template,
            logDir: resultsDir,
            postgres,
          }),
        );
      }
      await measure({ backends, table, shell, rounds: ROUNDS, dir });
      await withDeadline(Promise.all(backends.map(b => b.stop())));
      backends = [];
    }
  } finally {
    // The tables first, what there is of them: a teardown that hangs or
    // fails must not lose a run's figures.
    const described = (v: Variant) => {
      if (v.name === 'baseline') {
        return `baseline (${
          process.env.GLU_BENCH_BASELINE ?? 'another build'
        })`;
      }
      return Object.keys(v.overlay).length
        ? `${v.name} ${JSON.stringify(v.overlay)}`
        : v.name;
    };
    writeTables(
      tables,
      resultsDir,
      `Variants: ${all.map(described).join('; ')}. ${ROUNDS} rounds; ${
        process.env.GLU_BENCH_PIPELINES ?? 1000
      } pipelines in the fleet.`,
    );
    await withDeadline(Promise.all(backends.map(b => b.stop())));
    shell.close();
    await withDeadline(host.close());
    await withDeadline(postgres?.close());
    // Hundreds of thousands of files (every clone holds thousands): rm
    // removes them in a fraction of the time fs.rm takes.
    await promisify(execFile)('rm', ['-rf', dir], { timeout: 1_800_000 });
  }
}

/** Waits for a step of the teardown, a minute at most. */
async function withDeadline(step: Promise<unknown> | undefined) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    step,
    new Promise(resolve => {
      timer = setTimeout(resolve, 60_000);
    }),
  ]);
  clearTimeout(timer);
}

if (require.main === module) {
  main().then(
    // What a backend or a load left open must not keep the bench waiting.
    () => process.exit(0),
    error => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
