/*
 * Seeds the states of the example fleet (examples/fleet.yaml) that files
 * alone cannot: the versions that CI would have published over time, a pin
 * and a quarantine. Through Glu's own API, as the service plugin:example-fleet
 * with a grant of its own (glu.serviceGrants in app-config.yaml): at each
 * start it does what is not done yet, once the catalog has handed Glu the
 * pipelines, and stops. What a phase holds already is left alone, so a
 * restart changes nothing, and neither does a version published since.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';

/** One call of Glu's API: its status and its parsed body. */
export type GluCall = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: any }>;

export type FleetSeed =
  /**
   * Versions published to an api phase, oldest first; with `until`, each
   * only once that downstream phase holds the one before (an automatic
   * promotion), so that it holds each of them in turn.
   */
  | {
      kind: 'publish';
      pipeline: string;
      phase: string;
      versions: string[];
      until?: string;
    }
  /** The phase pinned at what it holds. */
  | { kind: 'pin'; pipeline: string; phase: string; reason: string }
  /** The version that the phase holds, quarantined in its pipeline. */
  | { kind: 'quarantine'; pipeline: string; phase: string; reason: string };

export const FLEET_SEEDS: FleetSeed[] = [
  // Staging holds 1.8.0; three versions wait in build.
  {
    kind: 'publish',
    pipeline: 'inventory',
    phase: 'build',
    versions: ['1.8.0', '1.9.0', '1.10.0', '1.11.0'],
  },
  // Staging holds 0.5.0; two versions wait in build.
  {
    kind: 'publish',
    pipeline: 'feature-flags',
    phase: 'build',
    versions: ['0.5.0', '0.6.0', '0.7.0'],
  },
  // Staging takes each by itself; production stays at 2.4.0, two behind.
  {
    kind: 'publish',
    pipeline: 'fraud',
    phase: 'build',
    versions: ['2.5.0', '2.6.0'],
    until: 'staging',
  },
  {
    kind: 'pin',
    pipeline: 'gateway',
    phase: 'production',
    reason: 'Holds 3.4.0 until the new TLS certificates are out',
  },
  {
    kind: 'quarantine',
    pipeline: 'notifications',
    phase: 'production',
    reason: 'Sends every e-mail twice',
  },
];

const IMAGES = 'registry.example.com/acme';

type Phase = {
  name: string;
  state?: { version?: string };
  pin?: unknown;
  quarantine?: unknown;
};

/**
 * Takes each seed one step further; answers the seeds that are not done yet
 * (their pipeline not in Glu yet, or a promotion to wait for).
 */
export async function seedFleet(
  glu: GluCall,
  seeds: FleetSeed[] = FLEET_SEEDS,
): Promise<FleetSeed[]> {
  const pending: FleetSeed[] = [];
  for (const seed of seeds) {
    if (!(await seedOne(glu, seed))) pending.push(seed);
  }
  return pending;
}

/** Whether the seed is done. */
async function seedOne(glu: GluCall, seed: FleetSeed): Promise<boolean> {
  const base = `/pipelines/default/${seed.pipeline}`;
  const { status, body } = await glu('GET', base);
  if (status === 404) return false; // not in Glu yet
  if (status !== 200) throw new Error(`GET ${base} answered ${status}`);
  const phases: Phase[] = body.phases ?? [];
  const phase = phases.find(p => p.name === seed.phase);
  if (!phase) throw new Error(`${seed.pipeline} has no phase ${seed.phase}`);
  const held = phase.state?.version;

  if (seed.kind === 'publish') {
    const index = held === undefined ? -1 : seed.versions.indexOf(held);
    // Something else published since: leave it.
    if (held !== undefined && index < 0) return true;
    if (seed.until && index >= 0) {
      const until = phases.find(p => p.name === seed.until);
      if (until?.state?.version !== held) return false;
    }
    for (const version of seed.versions.slice(index + 1)) {
      const published = await glu(
        'POST',
        `${base}/phases/${seed.phase}/versions`,
        {
          fields: { repository: `${IMAGES}/${seed.pipeline}`, tag: version },
          message: 'Built by CI',
        },
      );
      if (published.status !== 200) {
        throw new Error(
          `Publishing ${seed.pipeline} ${version} answered ${published.status}`,
        );
      }
      // The next once the downstream phase holds this one.
      if (seed.until) return false;
    }
    return true;
  }

  // A pin or a quarantine needs what the phase holds.
  if (held === undefined) return false;
  if (seed.kind === 'pin') {
    if (phase.pin) return true;
    const pinned = await glu('POST', `${base}/phases/${seed.phase}/pin`, {
      reason: seed.reason,
    });
    if (pinned.status !== 200 && pinned.status !== 409) {
      throw new Error(`Pinning ${seed.pipeline} answered ${pinned.status}`);
    }
    return true;
  }
  if (phase.quarantine) return true;
  const quarantined = await glu('POST', '/quarantines', {
    pipeline: `pipeline:default/${seed.pipeline}`,
    version: held,
    reason: seed.reason,
  });
  if (quarantined.status !== 200 && quarantined.status !== 409) {
    throw new Error(
      `Quarantining ${seed.pipeline} ${held} answered ${quarantined.status}`,
    );
  }
  return true;
}

/** How often the seeds are taken further, and for how long at most. */
const ROUND_MILLIS = 3_000;
const ROUNDS = 100;

export default createBackendPlugin({
  pluginId: 'example-fleet',
  register(env) {
    env.registerInit({
      deps: {
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ discovery, auth, logger, lifecycle }) {
        const glu: GluCall = async (method, path, body) => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'glu',
          });
          const response = await fetch(
            `${await discovery.getBaseUrl('glu')}${path}`,
            {
              method,
              headers: {
                authorization: `Bearer ${token}`,
                ...(body ? { 'content-type': 'application/json' } : {}),
              },
              body: body ? JSON.stringify(body) : undefined,
              signal: AbortSignal.timeout(10_000),
            },
          );
          const text = await response.text();
          return {
            status: response.status,
            body: text ? JSON.parse(text) : undefined,
          };
        };
        let timer: NodeJS.Timeout | undefined;
        let seeds = FLEET_SEEDS;
        let round = 0;
        const next = async () => {
          round += 1;
          try {
            seeds = await seedFleet(glu, seeds);
          } catch (error) {
            logger.warn(`The example fleet is not seeded: ${error}`);
            return;
          }
          if (seeds.length === 0) {
            logger.info('The example fleet is seeded');
          } else if (round < ROUNDS) {
            timer = setTimeout(next, ROUND_MILLIS);
          } else {
            logger.warn(
              `The example fleet is not seeded: ${seeds
                .map(s => s.pipeline)
                .join(', ')} did not come`,
            );
          }
        };
        lifecycle.addStartupHook(() => {
          timer = setTimeout(next, ROUND_MILLIS);
        });
        lifecycle.addShutdownHook(() => clearTimeout(timer));
      },
    });
  },
});
