/* eslint-disable jest/no-export -- a suite shared by test files, which call describeGateScenarios */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { GLU_AUTO_ROLLBACK_ACTOR } from '@glu-dev/plugin-glu-common';
import { ciAuthorization, eventually, LogRecord, startGlu } from './backend';
import { createGitFixture, GitFixture } from './git';
import { GateDriver } from './gateDrivers';
import { healthGatedPipeline, teamEntities } from './pipelines';

jest.setTimeout(300_000);

/**
 * How long a wait on the gates' checker (every second here) may take: on a
 * busy machine its loop, the refreshes and the writes it starts are slow.
 */
const CHECKER_MILLIS = 120_000;

/** How many checks a gate that cannot ask is watched for, waiting. */
const CHECKS_WATCHED = 3;

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_18'] });
const notificationsDatabases = TestDatabases.create({ ids: ['SQLITE_3'] });

const team = teamEntities('team-checkout', ['alice']);
const alice = mockCredentials.user.header('user:default/alice');
const base = '/api/glu/pipelines/default/checkout';

/**
 * The scenarios every gate that observes the running system goes through,
 * on every database, against what `driver` starts and controls: a version
 * healthy for the soak time is promoted; one that breaks after it was
 * healthy is rolled back, pinned, told and counted; and while what the
 * gate asks cannot be reached, the gate waits and neither passes nor rolls
 * back.
 */
export function describeGateScenarios(
  name: string,
  driver: () => Promise<GateDriver>,
) {
  describe.each(databases.eachSupportedId())(`the ${name} gate, on %s`, id => {
    let repo: GitFixture;
    let gate: GateDriver;
    let logs: LogRecord[];
    let glu: Awaited<ReturnType<typeof startGlu>> | undefined;

    beforeEach(async () => {
      repo = await createGitFixture({
        'staging.yaml': 'version: 1.0.0\n',
        'production.yaml': 'version: 1.0.0\n',
      });
      gate = await driver();
      logs = [];
      glu = undefined;
      // Before any promotion, staging's deployment runs what staging holds.
      await gate.healthy('1.0.0', { revision: (await repo.log())[0].sha });
    });

    afterEach(async () => {
      try {
        await glu?.stop();
      } finally {
        try {
          await gate.stop();
        } finally {
          await repo.cleanup();
        }
      }
    });

    /** Glu with the pipeline whose edge into production has the gate. */
    async function start(options: { soak?: string; rollback?: boolean }) {
      const {
        features = [],
        config = {},
        rootConfig = {},
      } = gate.startOptions ?? {};
      const pipeline = healthGatedPipeline(repo.url, gate.gate(options));
      // The rollbacks happen in staging, where the gate looks: its DORA
      // figures count it with production.
      (pipeline.spec as JsonObject).dora = {
        production: ['staging', 'production'],
      };
      glu = await startGlu({
        knex: await databases.init(id),
        entities: [pipeline, ...team],
        waitFor: ['staging', 'production'],
        // The owners hear of an automatic rollback.
        features: [notificationsBackend, ...features],
        pluginDatabases: {
          notifications: await notificationsDatabases.init('SQLITE_3'),
        },
        rootConfig: {
          app: { baseUrl: 'http://portal.example.com' },
          ...rootConfig,
        },
        logs,
        config: {
          ...config,
          gates: { ...config.gates, checkInterval: { seconds: 1 } },
        },
      });
      return glu;
    }

    const server = () => glu!.server;
    const view = async () =>
      (await request(server()).get(base).set('authorization', alice)).body;
    const phaseOf = (body: any, phase: string) =>
      body.phases.find((p: any) => p.name === phase);
    const edgeInto = (body: any, phase: string) =>
      body.edges.find((e: any) => e.to === phase);
    const holds = async (file: string) =>
      (await repo.show(`${file}.yaml`)).replace(/^version: (.*)\n$/, '$1');
    const publish = async (version: string) => {
      const res = await request(server())
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version });
      expect(res.status).toBeLessThan(300);
    };
    const promotions = async (phase: string) =>
      (
        await request(server())
          .get(`${base}/promotions?phase=${phase}`)
          .set('authorization', alice)
      ).body.items;

    /** What the backend saw, for whoever reads a failure. */
    async function explained<T>(waiting: Promise<T>): Promise<T> {
      try {
        return await waiting;
      } catch (error) {
        const seen = logs
          .filter(l => l.level !== 'info' || /roll|gate/i.test(l.message))
          .map(l => `${l.level}: ${l.message}`);
        const body = await view().catch(() => undefined);
        throw new Error(
          `${(error as Error).message}; the log:\n${seen.join(
            '\n',
          )}\nstaging: ${JSON.stringify(
            body && phaseOf(body, 'staging'),
          )}\nthe edge into production: ${JSON.stringify(
            body && edgeInto(body, 'production'),
          )}`,
        );
      }
    }

    /** Waits for a phase's file to hold a version; answers the commit. */
    async function phaseHolds(phase: string, version: string, what?: string) {
      await explained(
        eventually(
          async () => ((await holds(phase)) === version ? true : undefined),
          what ?? `${phase} to hold ${version}`,
          CHECKER_MILLIS,
        ),
      );
      return { revision: (await repo.log())[0].sha };
    }

    /**
     * Waits until Glu sees staging at `version` and the gate answered for
     * it as `matches` says; answers the edge into production then.
     */
    async function gateAnswers(
      version: string,
      matches: (gate: any) => boolean,
      what: string,
    ) {
      return explained(
        eventually(
          async () => {
            const body = await view();
            const edge = edgeInto(body, 'production');
            return phaseOf(body, 'staging').state?.version === version &&
              edge.gates[0].checkedAt &&
              matches(edge.gates[0])
              ? edge
              : undefined;
          },
          what,
          CHECKER_MILLIS,
        ),
      );
    }

    /**
     * Watches the gate while staging holds `version` until it was checked
     * `CHECKS_WATCHED` times more, each time neither passing nor finding
     * the deployment broken, for a reason that says it cannot ask; staging
     * keeps the version, unpinned, and production does not move.
     */
    async function waitsOutTheOutage(version: string, production: string) {
      const seen = new Set<string>();
      await explained(
        eventually(
          async () => {
            // Production is read first: whatever the view says after held then.
            expect(await holds('production')).toBe(production);
            expect(await holds('staging')).toBe(version);
            const body = await view();
            expect(phaseOf(body, 'staging').pin).toBeUndefined();
            const result = edgeInto(body, 'production').gates[0];
            if (
              phaseOf(body, 'staging').state?.version !== version ||
              !gate.unreachableReason.test(result.reason)
            ) {
              // Not yet checked since it became unreachable.
              expect(seen.size).toBe(0);
              return undefined;
            }
            expect(result).toMatchObject({ type: gate.type, passed: false });
            expect(result.failed).toBeUndefined();
            // A gate that measures measured nothing: an error, not a failure.
            for (const metric of result.metrics ?? []) {
              expect(metric.measurements.at(-1)).toMatchObject({
                outcome: 'error',
              });
            }
            seen.add(result.checkedAt);
            return seen.size > CHECKS_WATCHED ? result : undefined;
          },
          `${CHECKS_WATCHED} checks of the gate that cannot ask`,
          CHECKER_MILLIS,
        ),
      );
      expect(await holds('production')).toBe(production);
      const rollbacks = (await promotions('staging')).filter(
        (p: any) => p.kind === 'rollback',
      );
      expect(rollbacks).toEqual([]);
    }

    it('promotes a version that stays healthy for the soak time, showing the soak until then', async () => {
      await start({ soak: '5s' });

      // Staging takes 1.1.0 at once; its deployment still runs 1.0.0.
      await publish('1.1.0');
      const at = await phaseHolds('staging', '1.1.0');
      const waiting = await gateAnswers(
        '1.1.0',
        result => gate.pendingReason.test(result.reason),
        'the check of staging at 1.1.0, not rolled out yet',
      );
      expect(waiting.status).toBe('blocked');
      expect(waiting.gates[0]).toMatchObject({
        type: gate.type,
        passed: false,
      });
      // Not a failure: the deployment has not rolled out yet.
      expect(waiting.gates[0].failed).toBeUndefined();
      expect(waiting.reasons).toContain(
        `${gate.type}: ${waiting.gates[0].reason}`,
      );

      // Deployed and healthy: it soaks, then production follows.
      await gate.healthy('1.1.0', at);
      const soaking = await explained(
        eventually(
          async () => {
            // Production is read first: whatever the view says after held then.
            const production = await holds('production');
            const edge = edgeInto(await view(), 'production');
            return /; soaking \d+s of 5s$/.test(edge.gates[0].reason)
              ? { edge, production }
              : undefined;
          },
          'the soak of the healthy staging',
          CHECKER_MILLIS,
        ),
      );
      expect(soaking.production).toBe('1.0.0');
      expect(soaking.edge.status).toBe('blocked');
      expect(soaking.edge.gates[0]).toMatchObject({
        type: gate.type,
        passed: false,
      });
      expect(soaking.edge.gates[0].failed).toBeUndefined();
      for (const metric of soaking.edge.gates[0].metrics ?? []) {
        expect(metric.measurements.at(-1)).toMatchObject({
          outcome: 'successful',
        });
      }
      expect(soaking.edge.reasons).toContain(
        `${gate.type}: ${soaking.edge.gates[0].reason}`,
      );
      await phaseHolds(
        'production',
        '1.1.0',
        'production to take 1.1.0 once staging was healthy for 5s',
      );
      // The promotion's record ends once Glu has seen production hold it.
      const passed = await explained(
        eventually(
          async () => {
            const edge = edgeInto(await view(), 'production');
            return edge.status === 'up-to-date' ? edge : undefined;
          },
          'the edge into production to be up to date',
          CHECKER_MILLIS,
        ),
      );
      expect(passed.gates[0].passed).toBe(true);
      expect(passed.gates[0].reason).not.toMatch(/ of 5s$/);
      expect(phaseOf(await view(), 'staging').pin).toBeUndefined();
    });

    it('rolls back a version that breaks after it was healthy, pins it, tells the owners and counts a change failure', async () => {
      // Never soaked through: production keeps 1.0.0 throughout.
      await start({ soak: '30m', rollback: true });
      const soaking = (result: any) =>
        /; soaking \S+ of 30m$/.test(result.reason);

      await publish('1.1.0');
      await gate.healthy('1.1.0', await phaseHolds('staging', '1.1.0'));
      await gateAnswers('1.1.0', soaking, 'staging healthy at 1.1.0');

      // 1.2.0 rolls out to staging and is healthy, then breaks.
      await publish('1.2.0');
      const at = await phaseHolds('staging', '1.2.0');
      await gate.healthy('1.2.0', at);
      await gateAnswers('1.2.0', soaking, 'staging healthy at 1.2.0');
      await gate.broken('1.2.0', at);

      // Rolled back to 1.1.0 by Glu, pinned there, production untouched.
      const rolledBack = await phaseHolds(
        'staging',
        '1.1.0',
        'staging to be rolled back to 1.1.0',
      );
      const staging = await explained(
        eventually(async () => {
          const phase = phaseOf(await view(), 'staging');
          return phase.pin && phase.state?.version === '1.1.0'
            ? phase
            : undefined;
        }, 'the rollback to be seen and pinned'),
      );
      expect(staging.pin).toMatchObject({
        version: '1.1.0',
        pinnedBy: GLU_AUTO_ROLLBACK_ACTOR,
      });
      const prefix = `Rolled back automatically from 1.2.0: ${gate.type}: `;
      expect(staging.pin.reason.startsWith(prefix)).toBe(true);
      const why = staging.pin.reason.slice(prefix.length);
      expect(why).toMatch(gate.brokenReason);
      const [rollback] = await promotions('staging');
      expect(rollback).toMatchObject({
        kind: 'rollback',
        trigger: 'auto',
        triggeredBy: GLU_AUTO_ROLLBACK_ACTOR,
        status: 'succeeded',
        before: { version: '1.2.0' },
        after: { version: '1.1.0' },
      });
      expect(await holds('production')).toBe('1.0.0');

      // The owners are told.
      const [told] = await eventually(async () => {
        const found = (
          await request(server())
            .get('/api/notifications/notifications')
            .set('authorization', alice)
        ).body.notifications;
        return found?.length ? found : undefined;
      }, 'the owners to be told');
      expect(told.payload).toMatchObject({
        title: 'staging of checkout was rolled back to 1.1.0',
        description: `Glu rolled staging back from 1.2.0 and pinned it there: ${gate.type}: ${why}. Unpin it once the cause is fixed.`,
        severity: 'critical',
        link: '/catalog/default/pipeline/checkout/glu#phase-staging',
      });

      // DORA counts the deployment of 1.2.0 into staging as a change
      // failure, restored by the rollback; the rollback deploys nothing.
      const dora = await eventually(async () => {
        const body = (
          await request(server())
            .get(`${base}/dora`)
            .set('authorization', alice)
        ).body;
        return body.figures?.failedDeployments > 0 ? body : undefined;
      }, 'the change failure to be counted');
      expect(dora.figures).toMatchObject({
        deployments: 2,
        failedDeployments: 1,
        changeFailureRate: 0.5,
      });
      expect(
        dora.deployments.map((d: any) => [d.phase, d.version, d.failed]),
      ).toEqual([
        ['staging', '1.2.0', true],
        ['staging', '1.1.0', false],
      ]);
      expect(dora.deployments[0].restoredAt).toEqual(expect.any(String));

      // The pin holds: 1.2.0 is not promoted into staging again, however
      // often the gate is checked, healthy.
      await gate.healthy('1.1.0', rolledBack);
      const checked = new Set<string>();
      await eventually(
        async () => {
          const result = edgeInto(await view(), 'production').gates[0];
          if (result.checkedAt && result.passed === false && soaking(result)) {
            checked.add(result.checkedAt);
          }
          return checked.size >= CHECKS_WATCHED || undefined;
        },
        'the gate to be checked, healthy, several times',
        CHECKER_MILLIS,
      );
      const after = await view();
      expect(edgeInto(after, 'staging').status).toBe('blocked');
      expect(edgeInto(after, 'staging').reasons.join(' ')).toMatch(/pinned/);
      expect((await promotions('staging'))[0]).toMatchObject({
        kind: 'rollback',
        trigger: 'auto',
      });
      expect(await holds('staging')).toBe('1.1.0');
      expect(await holds('production')).toBe('1.0.0');
    });

    it('waits, neither passing nor rolling back, while what the gate asks cannot be reached, and goes on once it can', async () => {
      await start({ soak: '1s', rollback: true });

      // Unreachable before the version arrives.
      await gate.unreachable();
      await publish('1.1.0');
      const at = await phaseHolds('staging', '1.1.0');
      await waitsOutTheOutage('1.1.0', '1.0.0');
      const edge = edgeInto(await view(), 'production');
      expect(edge.status).toBe('blocked');
      expect(edge.reasons).toContain(`${gate.type}: ${edge.gates[0].reason}`);

      // Reachable again, and healthy: production follows.
      await gate.healthy('1.1.0', at);
      await gate.reachable();
      await phaseHolds(
        'production',
        '1.1.0',
        'production to take 1.1.0 once the gate can ask again',
      );

      if (gate.asksTheDeployment) return;
      // Unreachable after the version was healthy: the outage is not the
      // deployment's failure. Production is pinned meanwhile, so that the
      // soak cannot end before the outage begins.
      const pinned = await request(server())
        .post(`${base}/phases/production/pin`)
        .set('authorization', alice)
        .send({ reason: 'held while the gate cannot ask' });
      expect(pinned.status).toBe(200);
      await publish('1.2.0');
      const next = await phaseHolds('staging', '1.2.0');
      await gate.healthy('1.2.0', next);
      await gateAnswers(
        '1.2.0',
        result => result.passed,
        'staging healthy at 1.2.0',
      );
      await gate.unreachable();
      await waitsOutTheOutage('1.2.0', '1.1.0');

      // Reachable again: it passes again, and production follows once free.
      await gate.reachable();
      await gateAnswers(
        '1.2.0',
        result => result.passed,
        'the gate to pass again at 1.2.0',
      );
      const unpinned = await request(server())
        .delete(`${base}/phases/production/pin`)
        .set('authorization', alice);
      expect(unpinned.status).toBe(204);
      await phaseHolds('production', '1.2.0');
      expect(phaseOf(await view(), 'staging').pin).toBeUndefined();
    });
  });
}
