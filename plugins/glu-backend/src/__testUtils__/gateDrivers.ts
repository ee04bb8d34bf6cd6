/**
 * The drivers of the shared gate scenarios (`gateScenarios.ts`), one per
 * gate that observes: what each starts and how it makes it healthy, broken
 * or unreachable.
 */
import gluModuleArgocd from '@glu-dev/plugin-glu-backend-module-argocd';
import gluModulePrometheus from '@glu-dev/plugin-glu-backend-module-prometheus';
import { FakeApplicationState, FakeArgoCd } from '@internal/glu-argocd-fake';
import {
  startExporter,
  startPrometheus,
  TestCounts,
} from '@internal/glu-test-prometheus';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { JsonObject } from '@backstage/types';
import { startGlu } from './backend';

/** What the suite tells a driver of the version it speaks of. */
export interface GateScenarioContext {
  /**
   * The commit that made staging hold the version: what a deployment tool
   * (Argo CD) syncs to.
   */
  revision: string;
}

/**
 * Drives one gate that observes the running system (`observes: true`) for
 * the shared scenarios: starts what the gate looks at (an endpoint, an
 * Argo CD, a Prometheus), tells Glu how to reach it, and makes it say that
 * the deployment of staging runs a version healthily, runs it broken, or
 * cannot be asked at all. The gate watches staging, on the edge into
 * production.
 */
export interface GateDriver {
  /** The gate's type, as its key in a pipeline and in reasons: `http`. */
  type: string;
  /**
   * The gate's definition on the edge into production, with the options
   * Glu reads itself: e.g. `{ http: { url, soak: '2s', rollback: true } }`.
   */
  gate(options: { soak?: string; rollback?: boolean }): JsonObject;
  /** What Glu needs to ask it: more features, `glu:` settings, top-level settings. */
  startOptions?: {
    features?: Parameters<typeof startGlu>[0]['features'];
    config?: Record<string, any>;
    rootConfig?: Record<string, any>;
  };
  /** From now on, staging's deployment runs `version`, healthy. */
  healthy(version: string, ctx: GateScenarioContext): Promise<void>;
  /** From now on, staging's deployment runs `version`, broken. */
  broken(version: string, ctx: GateScenarioContext): Promise<void>;
  /** From now on, what the gate asks cannot be reached. */
  unreachable(): Promise<void>;
  /** What the gate asks can be reached again, saying what it said before. */
  reachable(): Promise<void>;
  /** Stops it; throws when it saw Glu do what it should not. */
  stop(): Promise<void>;
  /** The gate's reason while the deployment still runs the version before. */
  pendingReason: RegExp;
  /** Its reason for a broken deployment. */
  brokenReason: RegExp;
  /** Its reason when it cannot ask. */
  unreachableReason: RegExp;
  /**
   * The gate asks the deployment itself (`http`): when it stops answering
   * after it was healthy, the deployment is broken, and a gate with
   * `rollback: true` rolls it back. Gates that ask a system beside it
   * (Argo CD, Prometheus) wait out its outage instead, which the suite
   * checks for them.
   */
  asksTheDeployment?: boolean;
}

/** A port on this machine that nothing listens at. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * `http`: staging's deployment answers its health endpoint with its
 * version (`{ status: 'UP', version }`), or 500 when broken; unreachable,
 * nothing listens at its port.
 */
export async function httpDriver(): Promise<GateDriver> {
  const state = { status: 200, version: '1.0.0' };
  const server = http.createServer((req, res) => {
    if (req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(state.status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'UP', version: state.version }));
  });
  const listen = (port: number) =>
    new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  const close = async () => {
    if (!server.listening) return;
    const closed = new Promise(resolve => server.close(resolve));
    // Glu's client keeps its connections alive: they end too.
    server.closeAllConnections();
    await closed;
  };
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    type: 'http',
    gate: options => ({
      http: {
        url: `http://${host}/health`,
        json: { path: 'version', equals: '$version' },
        ...options,
      },
    }),
    startOptions: { config: { gates: { http: { allow: [{ host }] } } } },
    async healthy(version) {
      state.status = 200;
      state.version = version;
    },
    async broken(version) {
      state.status = 500;
      state.version = version;
    },
    unreachable: close,
    reachable: () => listen(port),
    stop: close,
    pendingReason: new RegExp(
      `^${host}/health answers version "1\\.0\\.0", not "1\\.1\\.0"$`,
    ),
    brokenReason: new RegExp(`^${host}/health answers 500, not 2xx$`),
    unreachableReason: new RegExp(
      `^${host}/health did not answer: ECONNREFUSED$`,
    ),
    asksTheDeployment: true,
  };
}

/**
 * `argocd`: the Argo CD application `checkout-staging` deploys staging; it
 * is Synced at the commit it is given, Healthy or Degraded. Unreachable,
 * the fake is stopped and nothing listens at its address; reachable, a
 * fake at the same address answers again, as the application was. Every
 * request and answer must be as Argo CD describes them.
 */
export async function argocdDriver(): Promise<GateDriver> {
  const url = `http://127.0.0.1:${await closedPort()}`;
  let argocd: FakeArgoCd | undefined = await FakeArgoCd.start({ url });
  const token = argocd.token;
  const violations: string[] = [];
  let application: FakeApplicationState = {};
  const set = (state: FakeApplicationState) => {
    application = state;
    argocd?.setApplication('checkout-staging', state);
  };
  const down = async () => {
    if (!argocd) return;
    violations.push(...argocd.violations);
    await argocd.stop();
    argocd = undefined;
  };
  return {
    type: 'argocd',
    gate: options => ({
      argocd: { application: 'checkout-staging', ...options },
    }),
    startOptions: {
      features: [gluModuleArgocd],
      rootConfig: {
        argocd: {
          appLocatorMethods: [
            {
              type: 'config',
              instances: [{ name: 'argocd-main', url, token }],
            },
          ],
        },
      },
    },
    async healthy(_version, { revision }) {
      set({ revision, sync: 'Synced', health: 'Healthy' });
    },
    async broken(_version, { revision }) {
      set({
        revision,
        sync: 'Synced',
        health: 'Degraded',
        healthMessage: 'Deployment/checkout exceeded its progress deadline',
      });
    },
    unreachable: down,
    async reachable() {
      if (argocd) return;
      argocd = await FakeArgoCd.start({ url, token });
      argocd.setApplication('checkout-staging', application);
    },
    async stop() {
      await down();
      if (violations.length > 0) {
        throw new Error(`Not as Argo CD describes:\n${violations.join('\n')}`);
      }
    },
    pendingReason:
      /^checkout-staging is synced at [0-9a-f]{7}, which does not hold Glu's [0-9a-f]{7} yet$/,
    brokenReason:
      /^checkout-staging is Degraded: Deployment\/checkout exceeded its progress deadline$/,
    unreachableReason: new RegExp(
      `^the gate argocd failed: Argo CD argocd-main \\(${url.replace(
        /\./g,
        '\\.',
      )}\\) did not answer GET /api/v1/applications/checkout-staging`,
    ),
  };
}

/** The error rate of a version, from the counters of its requests. */
const ERROR_RATE = (version: string) =>
  `sum(glu_test_errors_total{version="${version}"}) / sum(glu_test_requests_total{version="${version}"})`;

/**
 * A real Prometheus (`main`) scraping every second an application's
 * counters of requests and errors per version: healthy, a version serves
 * 1000 more requests with 10 more errors (1%); broken, 1000 more with 900
 * more errors. Unreachable, Prometheus is down (its storage kept);
 * reachable, up again at the same address.
 */
async function startMetrics() {
  const exporter = await startExporter();
  const prometheus = await startPrometheus({ targets: [exporter.host] }).catch(
    async error => {
      await exporter.stop();
      throw error;
    },
  );
  const counts = new Map<string, TestCounts>();
  const serve = (version: string, more: TestCounts) => {
    const before = counts.get(version) ?? { requests: 0, errors: 0 };
    const after = {
      requests: before.requests + more.requests,
      errors: before.errors + more.errors,
    };
    counts.set(version, after);
    exporter.serve(version, after);
  };
  let down = false;
  return {
    prometheus,
    startOptions: {
      features: [gluModulePrometheus],
      config: {
        gates: {
          prometheus: { servers: [{ name: 'main', url: prometheus.url }] },
        },
      },
    },
    async healthy(version: string) {
      serve(version, { requests: 1000, errors: 10 });
    },
    async broken(version: string) {
      serve(version, { requests: 1000, errors: 900 });
    },
    async unreachable() {
      down = true;
      await prometheus.down();
    },
    async reachable() {
      if (!down) return;
      down = false;
      await prometheus.up();
    },
    async stop() {
      try {
        await prometheus.stop();
      } finally {
        await exporter.stop();
      }
    },
  };
}

/** `prometheus`: the error rate of staging's version, below 5%. */
export async function prometheusDriver(): Promise<GateDriver> {
  const { prometheus: _, ...metrics } = await startMetrics();
  return {
    ...metrics,
    type: 'prometheus',
    gate: options => ({
      prometheus: {
        name: 'error rate',
        query: ERROR_RATE('$version'),
        condition: '< 0.05',
        ...options,
      },
    }),
    pendingReason: /^no data for error rate$/,
    // Healthy (1000 requests, 10 errors), then broken (1000, 900 more).
    brokenReason:
      /^error rate 0\.455, not < 0\.05 \(1 failed measurement, 0 allowed\)$/,
    unreachableReason: /^Prometheus main did not answer: connection refused$/,
  };
}

/**
 * `analysis`: an Argo Rollouts AnalysisTemplate, inline, with one
 * Prometheus metric measured every second, its address the server's url.
 */
export async function analysisDriver(): Promise<GateDriver> {
  const { prometheus, ...metrics } = await startMetrics();
  const template = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'error-rate' },
    spec: {
      args: [{ name: 'version' }],
      metrics: [
        {
          name: 'error-rate',
          interval: '1s',
          successCondition: 'result[0] < 0.05',
          provider: {
            prometheus: {
              address: prometheus.url,
              query: ERROR_RATE('{{args.version}}'),
            },
          },
        },
      ],
    },
  };
  return {
    ...metrics,
    type: 'analysis',
    gate: options => ({
      analysis: { template, args: { version: '$version' }, ...options },
    }),
    pendingReason:
      /^error-rate could not be measured: no data: the query answered no series$/,
    brokenReason:
      /^error-rate failed: 0\.455, not result\[0\] < 0\.05 \(1 failed measurement, 0 allowed\)$/,
    unreachableReason:
      /^error-rate could not be measured: Prometheus main did not answer: connection refused$/,
  };
}
