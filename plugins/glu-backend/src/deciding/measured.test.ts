import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GLU_GATE_MEASUREMENTS,
  GluGate,
  GluGateContext,
  gluGatesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { healthGatedPipeline } from '../__testUtils__/pipelines';
import { keptMetrics } from '../followUps/GateChecker';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_18'] });

/**
 * A gate that measures a metric of its own: each check adds a measurement
 * to those it was handed back, and reads the file the test names.
 */
function measuringGate(type: string, asked: GluGateContext[]): GluGate {
  return {
    type,
    observes: true,
    async evaluate(config, context) {
      asked.push(context);
      const before = context.previous?.metrics?.[0]?.measurements ?? [];
      const file = (config as { file?: string }).file;
      const read = file ? await context.readFile?.(file) : undefined;
      return {
        passed: true,
        reason: `measured ${before.length + 1} times${
          read ? `, read ${read.trim()}` : ''
        }`,
        metrics: [
          {
            name: 'errors',
            condition: '< 0.01',
            measurements: [
              ...before,
              {
                at: new Date().toISOString(),
                value: 0.001 * (before.length + 1),
                outcome: 'successful' as const,
              },
            ],
          },
        ],
      };
    },
  };
}

describe.each(databases.eachSupportedId())(
  'gates that measure, on %s',
  databaseId => {
    let repo: GitFixture;

    beforeEach(async () => {
      repo = await createGitFixture({
        'staging.yaml': 'version: 1.0.0\n',
        'production.yaml': 'version: 1.0.0\n',
        'analysis/rate.yaml': 'a template\n',
      });
    });

    afterEach(async () => {
      await repo.cleanup();
    });

    it('keep their measurements, hand them back, read files of the upstream’s repository, follow an interval and show the metrics with the edge', async () => {
      const often: GluGateContext[] = [];
      const seldom: GluGateContext[] = [];
      const gates = createBackendModule({
        pluginId: 'glu',
        moduleId: 'measuring-test',
        register(env) {
          env.registerInit({
            deps: { gates: gluGatesExtensionPoint },
            async init({ gates: registry }) {
              registry.addGate(
                measuringGate('often', often),
                measuringGate('seldom', seldom),
              );
            },
          });
        },
      });
      const pipeline = healthGatedPipeline(repo.url, {
        often: { file: 'analysis/rate.yaml' },
      });
      pipeline.metadata.labels = { app: 'checkout' };
      (pipeline.spec as any).phases[2].promotion.gates.push({
        seldom: { interval: '1h' },
      });
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [pipeline],
        waitFor: ['staging', 'production'],
        features: [gates],
        config: { gates: { checkInterval: { seconds: 1 } } },
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const base = '/api/glu/pipelines/default/checkout';
      try {
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '1.1.0' });
        await eventually(
          async () =>
            (await repo.show('staging.yaml')) === 'version: 1.1.0\n' ||
            undefined,
          'staging to take 1.1.0',
        );
        const staged = (await repo.log())[0].sha;
        // Three checks of 1.1.0: each is handed the measurements before it.
        await eventually(
          async () =>
            often.filter(c => c.from.version === '1.1.0').length >= 3 ||
            undefined,
          'three checks of staging at 1.1.0',
        );
        const ofNew = often.filter(c => c.from.version === '1.1.0');
        expect(ofNew[0].previous?.metrics).toBeUndefined();
        expect(
          ofNew[2].previous?.metrics?.[0].measurements.map(m => m.value),
        ).toEqual([0.001, 0.002]);
        expect(ofNew[0].from.revision).toBe(staged);
        expect(ofNew[0].labels).toEqual({ app: 'checkout' });
        expect(await ofNew[0].readFile!('analysis/rate.yaml')).toBe(
          'a template\n',
        );
        expect(await ofNew[0].readFile!('analysis/none.yaml')).toBeUndefined();
        await expect(ofNew[0].readFile!('../outside.yaml')).rejects.toThrow(
          /not a path inside the repository/,
        );
        // The gate with an interval of an hour was asked once about 1.1.0.
        expect(seldom.filter(c => c.from.version === '1.1.0')).toHaveLength(1);

        const edge = await eventually(async () => {
          const body = (
            await request(glu.server).get(base).set('authorization', alice)
          ).body;
          const found = body.edges.find((e: any) => e.to === 'production');
          return found?.gates[0].metrics ? found : undefined;
        }, 'the metrics with the edge');
        expect(edge.gates[0].reason).toMatch(
          /^measured \d+ times, read a template$/,
        );
        expect(edge.gates[0].metrics[0]).toMatchObject({
          name: 'errors',
          condition: '< 0.01',
        });
        expect(edge.gates[0].metrics[0].measurements[0].outcome).toBe(
          'successful',
        );
      } finally {
        await glu.stop();
      }
    });
  },
);

describe('the metrics a gate’s answer keeps', () => {
  it('are at most ten, each with its last measurements, words cut and values only when finite', () => {
    const measurements = Array.from(
      { length: GLU_GATE_MEASUREMENTS + 5 },
      (_, i) => ({
        at: new Date(Date.UTC(2026, 11, 7, 10, 0, i)).toISOString(),
        value: i,
        outcome: 'successful' as const,
      }),
    );
    const kept = keptMetrics([
      ...Array.from({ length: 12 }, (_, i) => ({
        name: `m${i}`,
        condition: '< 1',
        measurements,
      })),
    ])!;
    expect(kept).toHaveLength(10);
    expect(kept[0].measurements).toHaveLength(GLU_GATE_MEASUREMENTS);
    expect(kept[0].measurements[0].value).toBe(5);
    const [odd] = keptMetrics([
      {
        name: 'x'.repeat(2000),
        condition: '< 1',
        measurements: [
          {
            at: '2026-12-07T10:00:00Z',
            value: NaN,
            outcome: 'inconclusive',
            message: 'NaN',
          },
        ],
      },
    ])!;
    expect(odd.name).toHaveLength(500);
    expect(odd.measurements[0]).toEqual({
      at: '2026-12-07T10:00:00.000Z',
      outcome: 'inconclusive',
      message: 'NaN',
    });
    const [timeless] = keptMetrics([
      {
        name: 'm',
        condition: '< 1',
        measurements: [
          { at: 'yesterday', value: 1, outcome: 'failed' },
          { at: '2026-12-07T10:00:00Z', value: 0.5, outcome: 'successful' },
          { at: '2026-12-07T10:01:00Z', value: 0.7, outcome: 'odd' as any },
        ],
      },
    ])!;
    expect(timeless.measurements.map(m => [m.value, m.outcome])).toEqual([
      [0.5, 'successful'],
      [0.7, 'error'],
    ]);
    expect(keptMetrics([])).toBeUndefined();
  });
});
