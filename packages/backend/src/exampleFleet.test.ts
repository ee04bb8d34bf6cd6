/*
 * The seeding of the example fleet against a Glu that answers as its API
 * does, as far as the seeding reads it: each seed goes as far as it can in a
 * round, waits for what is not there yet, and leaves alone what is done.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FLEET_SEEDS, FleetSeed, GluCall, seedFleet } from './exampleFleet';

type FakePhase = {
  name: string;
  state?: { version: string };
  pin?: object;
  quarantine?: object;
};

/** Glu's pipelines, by name; `autoInto` follows a publish into the next phase. */
function fakeGlu(
  pipelines: Record<string, FakePhase[]>,
  autoInto: Record<string, string> = {},
) {
  const calls: string[] = [];
  const call: GluCall = async (method, url, body: any) => {
    calls.push(`${method} ${url}`);
    const [, , , name, , phaseName, action] = url.split('/');
    const phases = pipelines[name];
    if (method === 'GET') {
      return phases
        ? { status: 200, body: { phases } }
        : { status: 404, body: {} };
    }
    if (url === '/quarantines') {
      const target = body.pipeline.replace('pipeline:default/', '');
      for (const p of pipelines[target]) {
        if (p.state?.version === body.version)
          p.quarantine = { reason: body.reason };
      }
      return { status: 200, body: {} };
    }
    const phase = phases.find(p => p.name === phaseName)!;
    if (action === 'pin') phase.pin = { reason: body.reason };
    if (action === 'versions') phase.state = { version: body.fields.tag };
    return { status: 200, body: {} };
  };
  /** What an automatic promotion does: the next phase takes the version. */
  const promote = () => {
    for (const [name, into] of Object.entries(autoInto)) {
      const phases = pipelines[name];
      phases.find(p => p.name === into)!.state = phases[0].state;
    }
  };
  return { call, calls, promote };
}

const publish = (until?: string): FleetSeed => ({
  kind: 'publish',
  pipeline: 'fraud',
  phase: 'build',
  versions: ['2.5.0', '2.6.0'],
  ...(until ? { until } : {}),
});

describe('seedFleet', () => {
  it('publishes every version at once, and nothing at the next start', async () => {
    const pipelines = {
      fraud: [
        { name: 'build' },
        { name: 'staging', state: { version: '2.4.0' } },
      ],
    };
    const glu = fakeGlu(pipelines);
    expect(await seedFleet(glu.call, [publish()])).toEqual([]);
    expect(glu.calls.filter(c => c.startsWith('POST'))).toHaveLength(2);
    expect(pipelines.fraud[0].state).toEqual({ version: '2.6.0' });

    glu.calls.length = 0;
    expect(await seedFleet(glu.call, [publish()])).toEqual([]);
    expect(glu.calls).toEqual(['GET /pipelines/default/fraud']);
  });

  it('publishes the next version only once the downstream phase holds the last', async () => {
    const pipelines = {
      fraud: [
        { name: 'build' },
        { name: 'staging', state: { version: '2.4.0' } },
      ],
    };
    const glu = fakeGlu(pipelines, { fraud: 'staging' });
    const seed = publish('staging');
    expect(await seedFleet(glu.call, [seed])).toEqual([seed]);
    // Not promoted yet: nothing more.
    expect(await seedFleet(glu.call, [seed])).toEqual([seed]);
    expect(pipelines.fraud[0].state).toEqual({ version: '2.5.0' });
    glu.promote();
    expect(await seedFleet(glu.call, [seed])).toEqual([seed]);
    expect(pipelines.fraud[0].state).toEqual({ version: '2.6.0' });
    glu.promote();
    expect(await seedFleet(glu.call, [seed])).toEqual([]);
    expect(glu.calls.filter(c => c.startsWith('POST'))).toHaveLength(2);
  });

  it('leaves a phase alone that holds a version published since', async () => {
    const pipelines = {
      fraud: [
        { name: 'build', state: { version: '3.0.0' } },
        { name: 'staging' },
      ],
    };
    const glu = fakeGlu(pipelines);
    expect(await seedFleet(glu.call, [publish()])).toEqual([]);
    expect(glu.calls.filter(c => c.startsWith('POST'))).toEqual([]);
  });

  it('waits for a pipeline that Glu does not know yet, and for a phase to hold something', async () => {
    const pin: FleetSeed = {
      kind: 'pin',
      pipeline: 'gateway',
      phase: 'production',
      reason: 'why',
    };
    const pipelines: Record<string, FakePhase[]> = {};
    const glu = fakeGlu(pipelines);
    expect(await seedFleet(glu.call, [pin])).toEqual([pin]);
    pipelines.gateway = [{ name: 'production' }];
    expect(await seedFleet(glu.call, [pin])).toEqual([pin]);
    pipelines.gateway[0].state = { version: '3.4.0' };
    expect(await seedFleet(glu.call, [pin])).toEqual([]);
    expect(pipelines.gateway[0].pin).toEqual({ reason: 'why' });
    expect(await seedFleet(glu.call, [pin])).toEqual([]);
    expect(glu.calls.filter(c => c.startsWith('POST'))).toHaveLength(1);
  });

  it('quarantines the version a phase holds, once', async () => {
    const seed: FleetSeed = {
      kind: 'quarantine',
      pipeline: 'notifications',
      phase: 'production',
      reason: 'twice',
    };
    const pipelines = {
      notifications: [
        { name: 'staging', state: { version: '2.3.0' } },
        { name: 'production', state: { version: '2.2.0' } },
      ] as FakePhase[],
    };
    const glu = fakeGlu(pipelines);
    expect(await seedFleet(glu.call, [seed])).toEqual([]);
    expect(await seedFleet(glu.call, [seed])).toEqual([]);
    expect(pipelines.notifications[1].quarantine).toEqual({ reason: 'twice' });
    expect(pipelines.notifications[0].quarantine).toBeUndefined();
    expect(glu.calls.filter(c => c.startsWith('POST'))).toEqual([
      'POST /quarantines',
    ]);
  });

  it('seeds phases that the example fleet has, of pipelines its grant covers', () => {
    const root = path.resolve(__dirname, '../../..');
    const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
    const fleet = parseAllDocuments(read('examples/fleet.yaml')).map(
      d => d.toJS() as any,
    );
    const config = parseAllDocuments(read('app-config.yaml'))[0].toJS();
    const grant = config.glu.serviceGrants.find(
      (g: any) => g.subject === 'plugin:example-fleet',
    );
    const phaseOf = (pipeline: string, phase?: string) =>
      fleet
        .find(p => p.metadata.name === pipeline)
        ?.spec.phases.find((p: any) => p.name === phase);
    for (const seed of FLEET_SEEDS) {
      expect(phaseOf(seed.pipeline, seed.phase)).toBeDefined();
      expect(grant.pipelines).toContain(seed.pipeline);
    }
    // Versions are published to api phases, into the phase named `until`.
    for (const seed of FLEET_SEEDS.flatMap(s =>
      s.kind === 'publish' ? [s] : [],
    )) {
      expect(phaseOf(seed.pipeline, seed.phase).source.type).toBe('api');
      expect(phaseOf(seed.pipeline, seed.until ?? seed.phase)).toBeDefined();
    }
  });
});
