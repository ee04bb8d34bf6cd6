/*
 * The promotion figures: one promotion, API call to pushed commit, and 100
 * concurrent promotions into one repository, each against git from a shell
 * doing the same work on a clone of the same repository. Round by round,
 * Glu and the floor alternate, and the backends take turns going first.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BenchBackend, CONCURRENT } from './backend';
import { FloorShell, quote } from './floor';
import { alternate, ratio, rotate, spread, Table } from './table';

export interface FigureContext {
  backends: BenchBackend[];
  table: Table;
  shell: FloorShell;
  rounds: number;
  /** A scratch folder of the run. */
  dir: string;
}

/** A clone of a backend's repository for the floor, in the scratch folder. */
async function floorClone(
  context: FigureContext,
  backend: BenchBackend,
  name: string,
): Promise<string> {
  const clone = path.join(context.dir, `floor-${backend.repository(name)}`);
  await context.shell.run(context.dir, [
    `git clone --quiet ${quote(backend.repositoryUrl(name))} ${quote(clone)}`,
  ]);
  return clone;
}

/** The commits of a repository's main, read from its bare repository. */
async function commits(backend: BenchBackend, name: string): Promise<number> {
  const { stdout } = await promisify(execFile)(
    'git',
    ['rev-list', '--count', 'main'],
    { cwd: backend.bare(name), timeout: 60_000 },
  );
  return Number(stdout);
}

/** The floor's steps: what a person does to change files and push them. */
function floorSteps(edits: string[], round: number): string[] {
  return [
    'git fetch --quiet origin',
    'git reset --quiet --hard origin/main',
    ...edits,
    `git commit --quiet -am ${quote(`Floor ${round}`)}`,
    'git push --quiet origin HEAD:main',
  ];
}

const timed = async (work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};

export async function promotionFigure(context: FigureContext) {
  const { backends, shell, rounds } = context;
  const clones = new Map<BenchBackend, string>();
  for (const b of backends) clones.set(b, await floorClone(context, b, 'one'));
  const glu = new Map(backends.map(b => [b, [] as number[]]));
  const floor = new Map(backends.map(b => [b, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const b of rotate(backends, round)) {
      await b.publish('one', `1.0.${round + 1}`);
      for (const gluFirst of alternate(round)) {
        if (gluFirst) {
          let answer: any;
          glu.get(b)!.push(
            await timed(async () => {
              answer = await b.promote('one');
            }),
          );
          if (answer.body?.status !== 'succeeded') {
            throw new Error(
              `A promotion did not succeed: ${JSON.stringify(answer.body)}`,
            );
          }
        } else {
          floor
            .get(b)!
            .push(
              await shell.run(
                clones.get(b)!,
                floorSteps(
                  [`printf 'version: 2.0.${round}\\n' > env/one/version.yaml`],
                  round,
                ),
              ),
            );
        }
      }
    }
  }
  for (const b of backends) {
    context.table.add({
      figure: 'one promotion, API call to pushed commit',
      variant: b.variant.name,
      glu: spread(glu.get(b)!),
      floor: `${spread(
        floor.get(b)!,
      )} (git from a shell: fetch + edit + commit + push)`,
      ratio: ratio(glu.get(b)!, floor.get(b)!, 1),
      goal: '≤ 1.5×',
    });
  }
}

export async function concurrentFigure(context: FigureContext) {
  const { backends, shell, rounds } = context;
  const clones = new Map<BenchBackend, string>();
  for (const b of backends) clones.set(b, await floorClone(context, b, 'many'));
  const series = () => new Map(backends.map(b => [b, [] as number[]]));
  const glu = series();
  const floor = series();
  const dryRuns = series();
  const catalog = series();
  const commitsOf = series();
  const names = Array.from({ length: CONCURRENT }, (_, i) => `m${i}`);
  for (let round = 0; round < rounds; round++) {
    for (const b of rotate(backends, round)) {
      await Promise.all(names.map(n => b.publish(n, `1.0.${round + 1}`)));
      for (const gluFirst of alternate(round)) {
        if (!gluFirst) {
          floor
            .get(b)!
            .push(
              await shell.run(
                clones.get(b)!,
                floorSteps(
                  [
                    `for i in $(seq 0 ${
                      CONCURRENT - 1
                    }); do printf 'version: 2.0.${round}\\n' > env/m$i/version.yaml; done`,
                  ],
                  round,
                ),
              ),
            );
          continue;
        }
        // The same requests, planned and answered but not written: what the
        // HTTP stack, authentication, audit and the plan cost on their own.
        let plans: any[] = [];
        dryRuns.get(b)!.push(
          await timed(async () => {
            plans = await Promise.all(names.map(n => b.promote(n, true)));
          }),
        );
        if (plans.some(p => p.body?.status !== 'promotable')) {
          throw new Error(
            `A dry run was not promotable: ${JSON.stringify(
              plans.find(p => p.body?.status !== 'promotable')?.body,
            )}`,
          );
        }
        // The backend's own floor for 100 concurrent requests: the catalog
        // answering the same entities, a POST with a body, authenticated
        // and validated the same way.
        catalog.get(b)!.push(
          await timed(() =>
            Promise.all(
              names.map(async n => {
                const found = await fetch(`${b.catalogApi}/entities/by-refs`, {
                  method: 'POST',
                  headers: {
                    authorization: `Bearer ${b.serviceToken}`,
                    'content-type': 'application/json',
                  },
                  body: JSON.stringify({
                    entityRefs: [`pipeline:default/${n}`],
                  }),
                  signal: AbortSignal.timeout(60_000),
                });
                if (!found.ok || !(await found.json()).items?.[0]) {
                  throw new Error('The catalog did not answer every entity');
                }
              }),
            ),
          ),
        );
        const before = await commits(b, 'many');
        let answers: any[] = [];
        glu.get(b)!.push(
          await timed(async () => {
            answers = await Promise.all(names.map(n => b.promote(n)));
          }),
        );
        const failed = answers.filter(a => a.body?.status !== 'succeeded');
        if (failed.length) {
          throw new Error(
            `${failed.length} promotions did not succeed: ${JSON.stringify(
              failed[0].body,
            )}`,
          );
        }
        commitsOf.get(b)!.push((await commits(b, 'many')) - before);
      }
    }
  }
  const floorText = (b: BenchBackend) =>
    `${spread(floor.get(b)!)} (git from a shell: one commit of all 100 edits)`;
  for (const b of backends) {
    const variant = b.variant.name;
    context.table.add({
      figure: `${CONCURRENT} concurrent promotions into one repository`,
      variant,
      glu: `${spread(glu.get(b)!)}, ${Math.min(
        ...commitsOf.get(b)!,
      )}–${Math.max(...commitsOf.get(b)!)} commits a round`,
      floor: floorText(b),
      ratio: ratio(glu.get(b)!, floor.get(b)!, 1),
      goal: '≤ 2×',
    });
    context.table.add({
      figure: `${CONCURRENT} concurrent dry runs of the same promotions (nothing written)`,
      variant,
      glu: spread(dryRuns.get(b)!),
      floor: floorText(b),
      ratio: ratio(dryRuns.get(b)!, floor.get(b)!, 1),
      goal: '—',
    });
    context.table.add({
      figure: `${CONCURRENT} concurrent requests to the catalog's by-refs, one entity each`,
      variant,
      glu: spread(catalog.get(b)!),
      floor: floorText(b),
      ratio: ratio(catalog.get(b)!, floor.get(b)!, 1),
      goal: '—',
    });
  }
}
