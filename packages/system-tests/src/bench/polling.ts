/*
 * What polling costs: the CPU of an unchanged minute of the backend, and
 * the reads of a portal user during a poll of the fleet (a burst of a
 * second or a few), against the same reads with no poll.
 */
import { BenchBackend, PIPELINES, REPOSITORIES } from './backend';
import { FLEET_PHASES } from './fixtures';
import { quote } from './floor';
import {
  cpuSeconds,
  load,
  longestPauseBetween,
  now,
  perSecondBetween,
} from './load';
import { FigureContext } from './promotion';
import { alternate, ms, ratio, rotate, spread } from './table';

/**
 * A window of the interval's figure: one minute, Glu's default refresh
 * interval, so that each window holds one refresh of every phase.
 */
const WINDOW_MILLIS = 60_000;
const CONCURRENCY = 10;
/** How long an idle sample of the polling figures reads. */
const IDLE_MILLIS = 3_000;

const percent = (value: number) => `${value.toFixed(1)} %`;

/**
 * An unchanged interval: the CPU of each backend's process tree (the
 * backend, the process that starts its git, the git it ran) over windows
 * of a minute with nothing new, as % of one core; all backends over the
 * same windows. The floor: the fetches of the fleet's repositories that a
 * minute needs, from a shell, the CPU of the git they ran as % of a core.
 */
export async function intervalFigure(context: FigureContext) {
  const { backends, rounds, shell } = context;
  // A first minute, in which the refresh sees what the figures before wrote.
  await new Promise(resolve => setTimeout(resolve, WINDOW_MILLIS));
  const bare = `${context.dir}/floor-fetches.git`;
  await shell.run(context.dir, [`git init --quiet --bare ${quote(bare)}`]);
  const fetches = (b: BenchBackend) =>
    Array.from(
      { length: REPOSITORIES },
      (_, r) =>
        `git fetch --quiet ${quote(
          b.repositoryUrl(`fleet-${r}`),
        )} +refs/heads/main:refs/${b.repository(`fleet-${r}`)}`,
    );
  // Once to bring them in: a minute's fetches find nothing new.
  for (const b of backends) await shell.run(bare, fetches(b));
  const glu = new Map(backends.map(b => [b, [] as number[]]));
  const floor = new Map(backends.map(b => [b, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    const before = await Promise.all(
      backends.map(b => cpuSeconds(b.replica.pid!)),
    );
    const t0 = performance.now();
    await new Promise(resolve => setTimeout(resolve, WINDOW_MILLIS));
    const after = await Promise.all(
      backends.map(b => cpuSeconds(b.replica.pid!)),
    );
    const seconds = (performance.now() - t0) / 1000;
    backends.forEach((b, i) =>
      glu.get(b)!.push(((after[i] - before[i]) / seconds) * 100),
    );
    // After the window: the floor's git would take the cores from it.
    for (const b of backends) {
      const { cpuSeconds: used } = await shell.measure(bare, fetches(b));
      floor.get(b)!.push(((used * 1000) / WINDOW_MILLIS) * 100);
    }
  }
  for (const b of backends) {
    context.table.add({
      figure: `an unchanged minute, ${PIPELINES} pipelines × ${
        FLEET_PHASES.length + 1
      } phases in ${REPOSITORIES} repositories (CPU of the backend's processes)`,
      variant: b.variant.name,
      glu: `${spread(glu.get(b)!, percent)} of a core`,
      floor: `${spread(
        floor.get(b)!,
        percent,
      )} of a core (${REPOSITORIES} fetches a minute of unchanged repositories, git from a shell)`,
      ratio: ratio(glu.get(b)!, floor.get(b)!, 1),
      goal: '≤ 5 % of a core',
    });
  }
}

/**
 * Reads a user makes across the fleet while `work` runs: the rate and the
 * longest pause between answers from its start to its end.
 */
async function readWhile(
  b: BenchBackend,
  token: string,
  work: () => Promise<void>,
) {
  const ended = new AbortController();
  let loadStarted!: () => void;
  const running = new Promise<void>(resolve => {
    loadStarted = resolve;
  });
  const loading = load({
    onStart: () => loadStarted(),
    urls: b.fleet().map(n => `${b.api}/${n}`),
    token,
    concurrency: CONCURRENCY,
    millis: 600_000,
    signal: ended.signal,
  });
  let from = 0;
  let to = 0;
  const working = (async () => {
    // A second of load first, then the work, then a second more.
    await running;
    await new Promise(resolve => setTimeout(resolve, 1_000));
    from = now();
    try {
      await work();
    } finally {
      to = now();
      setTimeout(() => ended.abort(), 1_000);
    }
  })();
  const [loaded] = await Promise.all([loading, working]);
  if (loaded.errors > 0) {
    throw new Error(`${loaded.errors} reads during a poll failed`);
  }
  return {
    perSecond: perSecondBetween(loaded, from, to),
    millis: to - from,
    pause: longestPauseBetween(loaded, from, to),
  };
}

/**
 * A user's reads across the fleet during a poll of it, against the same
 * reads with no poll, alternating: with nothing new in the repositories
 * (what every poll does), and after a person changed every file of the
 * fleet's (pushed before the sample, from the shell).
 */
export async function pollingFigures(context: FigureContext) {
  const { backends, rounds, shell } = context;
  const series = () => new Map(backends.map(b => [b, [] as number[]]));
  const kinds = ['unchanged', 'changed'] as const;
  const burst = { unchanged: series(), changed: series() };
  const idle = { unchanged: series(), changed: series() };
  const spans = { unchanged: series(), changed: series() };
  const pauses = { unchanged: series(), changed: series() };
  const clones = new Map<BenchBackend, string[]>();
  for (const b of backends) {
    const of: string[] = [];
    for (let r = 0; r < REPOSITORIES; r++) {
      const clone = `${context.dir}/floor-${b.repository(`fleet-${r}`)}`;
      await shell.run(context.dir, [
        `git clone --quiet ${quote(b.repositoryUrl(`fleet-${r}`))} ${quote(
          clone,
        )}`,
      ]);
      of.push(clone);
    }
    clones.set(b, of);
  }
  for (let round = 0; round < rounds; round++) {
    for (const b of rotate(backends, round)) {
      const token = await b.userToken();
      for (const kind of kinds) {
        const version = `3.${round}.0`;
        for (const pollFirst of alternate(round)) {
          if (!pollFirst) {
            const r = await load({
              urls: b.fleet().map(n => `${b.api}/${n}`),
              token,
              concurrency: CONCURRENCY,
              millis: IDLE_MILLIS,
            });
            idle[kind].get(b)!.push(r.perSecond);
            continue;
          }
          if (kind === 'changed') {
            for (const clone of clones.get(b)!) {
              await shell.run(clone, [
                'git pull --quiet --ff-only origin main',
                `for f in env/p*/*.yaml; do printf 'version: ${version}\\n' > "$f"; done`,
                `git commit --quiet -am ${quote(`Fleet ${version}`)}`,
                'git push --quiet origin HEAD:main',
              ]);
            }
          }
          const since = new Date().toISOString();
          const measured = await readWhile(b, token, async () => {
            await b.webhooks();
            await b.fleetUntil(
              kind === 'changed'
                ? 'every change seen'
                : 'every phase refreshed',
              kind === 'changed'
                ? p => p.state?.version === version
                : p => p.lookedAt && p.lookedAt >= since,
              kind === 'changed' ? 'view' : 'refresh',
            );
          });
          burst[kind].get(b)!.push(measured.perSecond);
          spans[kind].get(b)!.push(measured.millis);
          pauses[kind].get(b)!.push(measured.pause);
        }
      }
    }
  }
  for (const kind of kinds) {
    for (const b of backends) {
      context.table.add({
        figure:
          kind === 'unchanged'
            ? `GET one pipeline across ${PIPELINES} during a poll of them (nothing new)`
            : `GET one pipeline across ${PIPELINES} while ${
                PIPELINES * FLEET_PHASES.length
              } changed files of theirs are read`,
        variant: b.variant.name,
        glu: `${spread(
          burst[kind].get(b)!,
          v => `${v.toFixed(0)} req/s`,
        )} for the ${spread(
          spans[kind].get(b)!,
          v => `${(v / 1000).toFixed(1)} s`,
        )} from the webhooks to ${
          kind === 'changed' ? 'every change seen' : 'every phase refreshed'
        } (longest pause ${spread(pauses[kind].get(b)!, ms)})`,
        floor: `${spread(
          idle[kind].get(b)!,
          v => `${v.toFixed(0)} req/s`,
        )} with no poll`,
        ratio: ratio(burst[kind].get(b)!, idle[kind].get(b)!),
        goal: '≥ 0.5×',
      });
    }
  }
}
