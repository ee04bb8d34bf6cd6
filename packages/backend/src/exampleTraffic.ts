/*
 * Stands in for the traffic of the example services, so that the example's
 * prometheus and analysis gates have something real to measure: Prometheus
 * (started by `npm start`) scrapes GET /api/example-traffic/metrics, and
 * each scrape adds 100 requests for each version that a phase of an example
 * pipeline holds now, as Glu's API says, with errors at 0.5%; at 8% for a
 * version whose prerelease names `bad` (1.3.0-bad), to show one breaking.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';

/** What a phase holds now: the labels of its traffic. */
export interface Holding {
  service: string;
  phase: string;
  version: string;
}

const REQUESTS_PER_SCRAPE = 100;
/** Errors per thousand requests: normally, and for a bad version. */
const ERRORS_PER_MILLE = 5;
const BAD_ERRORS_PER_MILLE = 80;

/** Whether a version is made to break: its prerelease names `bad`. */
export function isBad(version: string): boolean {
  const prerelease = /^[^-+]*-([^+]+)/.exec(version)?.[1] ?? '';
  return prerelease.split(/[.-]/).includes('bad');
}

const escape = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** A counter in Prometheus' text format, a line for each labels' value. */
const counter = (name: string, help: string, values: [string, number][]) => [
  `# HELP ${name} ${help}`,
  `# TYPE ${name} counter`,
  ...values.map(([labels, value]) => `${name}${labels} ${value}`),
];

/**
 * The counters of the example's traffic, kept for what the phases hold: a
 * version that a phase no longer holds is forgotten (its series ends).
 */
export class ExampleTraffic {
  private requests = new Map<string, { total: number; bad: boolean }>();

  /** Adds one scrape's traffic; answers the counters as Prometheus reads them. */
  scrape(holdings: Holding[]): string {
    const next = new Map<string, { total: number; bad: boolean }>();
    for (const { service, phase, version } of holdings) {
      const key = `{service="${escape(service)}",phase="${escape(
        phase,
      )}",version="${escape(version)}"}`;
      const total = (this.requests.get(key)?.total ?? 0) + REQUESTS_PER_SCRAPE;
      next.set(key, { total, bad: isBad(version) });
    }
    this.requests = next;
    const rows = [...next].sort(([a], [b]) => a.localeCompare(b));
    return [
      ...counter(
        'glu_example_requests_total',
        'Requests served by the example services, by the version a phase holds.',
        rows.map(([key, { total }]) => [key, total]),
      ),
      ...counter(
        'glu_example_errors_total',
        'Requests of them that failed.',
        rows.map(([key, { total, bad }]) => [
          key,
          Math.floor(
            (total * (bad ? BAD_ERRORS_PER_MILLE : ERRORS_PER_MILLE)) / 1000,
          ),
        ]),
      ),
      '',
    ].join('\n');
  }
}

/** What the phases of the pipelines hold (the first 500: plenty here). */
async function readHoldings(
  baseUrl: string,
  token: string,
): Promise<Holding[]> {
  const response = await fetch(`${baseUrl}/pipelines?limit=500`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`Glu answered ${response.status}`);
  const { items } = (await response.json()) as {
    items: { name: string; phases: { name: string; version?: string }[] }[];
  };
  return items.flatMap(pipeline =>
    pipeline.phases.flatMap(({ name: phase, version }) =>
      version ? [{ service: pipeline.name, phase, version }] : [],
    ),
  );
}

export default createBackendPlugin({
  pluginId: 'example-traffic',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ httpRouter, discovery, auth, logger }) {
        const traffic = new ExampleTraffic();
        // Prometheus scrapes without credentials.
        httpRouter.addAuthPolicy({
          path: '/metrics',
          allow: 'unauthenticated',
        });
        httpRouter.use(async (req, res, next) => {
          if (req.method !== 'GET' || req.path !== '/metrics') {
            next();
            return;
          }
          try {
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'glu',
            });
            const holdings = await readHoldings(
              await discovery.getBaseUrl('glu'),
              token,
            );
            res
              .type('text/plain; version=0.0.4')
              .send(traffic.scrape(holdings));
          } catch (error) {
            logger.warn(`No example traffic: ${error}`);
            res.status(503).type('text/plain').send(`${error}\n`);
          }
        });
      },
    });
  },
});
