import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { readSideOf } from '../__testUtils__/engine';
import { storedGitPhase, storedPipeline } from '../__testUtils__/pipelines';
import { createGluStore } from '../store/GluStore';
import { resourceOf } from '../pipelines/resources';

/*
 * A benchmark of the read path that the portal uses, on each database: the
 * view of a 50-phase pipeline, 500 history entries paged through, and a
 * list of 200 pipelines. It prints the figures; it asserts only that the
 * answers are complete and right, never a duration.
 */

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_18'] });
const PHASES = 50;
const HISTORY = 500;
const PIPELINES = 200;

function longPipeline(name: string, phases: number): PipelineDefinition {
  return storedPipeline(
    name,
    Array.from({ length: phases }, (_, i) =>
      storedGitPhase(
        `p${i}`,
        i === 0 ? undefined : `p${i - 1}`,
        i % 5 === 0 ? [{ soak: '10m' }, { approvals: 1 }] : [],
      ),
    ),
    'group:default/team-bench',
  );
}

async function timed<T>(runs: number, work: () => Promise<T>) {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    result = await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return {
    result,
    median: times[Math.floor(times.length / 2)],
    p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))],
  };
}

describe.each(databases.eachSupportedId())('read path on %p', databaseId => {
  it('serves a 50-phase pipeline, 500 history entries and 200 pipelines from the store alone', async () => {
    const store = await createGluStore({
      database: mockServices.database({
        knex: await databases.init(databaseId),
      }),
    });
    const { views } = readSideOf(store);

    const pipeline = longPipeline('long', PHASES);
    await store.pipelines.upsertPipeline(pipeline, 'h');
    const image = (tag: string) =>
      resourceOf({ repository: 'ghcr.io/acme/checkout', tag });
    for (let i = 0; i < PHASES; i++) {
      await store.phases.addHistoryEntry({
        pipelineRef: pipeline.ref,
        phase: `p${i}`,
        resource: image(`1.${PHASES - i}.0`),
        content: `image: ghcr.io/acme/checkout:1.${PHASES - i}.0\n`,
        cause: 'observed',
        observedAt: new Date(),
      });
    }
    for (let i = 0; i < HISTORY; i++) {
      await store.phases.addHistoryEntry({
        pipelineRef: pipeline.ref,
        phase: 'p0',
        resource: image(`2.0.${i}`),
        content: `image: ghcr.io/acme/checkout:2.0.${i}\n`,
        cause: 'commit',
        actor: 'Dana Developer <dana@example.com>',
        commitSha: i.toString(16).padStart(40, '0'),
        observedAt: new Date(Date.now() + i),
      });
    }
    for (let i = 0; i < PIPELINES; i++) {
      await store.pipelines.upsertPipeline(
        longPipeline(`svc-${String(i).padStart(3, '0')}`, 3),
        'h',
      );
    }

    const view = await timed(20, () => views.getPipeline(pipeline.ref));
    expect(view.result.phases).toHaveLength(PHASES);
    expect(view.result.edges).toHaveLength(PHASES - 1);
    expect(view.result.edges[0]).toMatchObject({ status: 'promotable' });

    const history = await timed(5, async () => {
      const versions: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.phases.listHistory(pipeline.ref, 'p0', {
          limit: 50,
          cursor,
        });
        versions.push(...page.items.map(e => e.version));
        cursor = page.nextCursor;
      } while (cursor);
      return versions;
    });
    expect(history.result).toHaveLength(HISTORY + 1);
    expect(history.result[0]).toBe(`2.0.${HISTORY - 1}`);
    expect(new Set(history.result).size).toBe(HISTORY + 1);

    const list = await timed(5, async () => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await views.listPipelines({ limit: 50, cursor });
        count += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      return count;
    });
    expect(list.result).toBe(PIPELINES + 1);

    const row = (what: string, t: { median: number; p95: number }) =>
      `${what.padEnd(58)} median ${t.median
        .toFixed(1)
        .padStart(7)} ms, p95 ${t.p95.toFixed(1).padStart(7)} ms`;
    // eslint-disable-next-line no-console
    console.log(
      [
        `Read path on ${databaseId}:`,
        row(`view of a ${PHASES}-phase pipeline (GET /pipelines/…)`, view),
        row(`${HISTORY + 1} history entries, 50 a page, every page`, history),
        row(`${PIPELINES + 1} pipelines listed, 50 a page, every page`, list),
      ].join('\n'),
    );
  });
});
