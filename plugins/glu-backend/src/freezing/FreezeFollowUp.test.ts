import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FreezeFollowUp } from './FreezeFollowUp';
import { FREEZE_READ_MILLIS, Freezes } from './Freezes';
import { readConfiguredFreezes } from './recurrence';
import { StoredFreeze } from '../store/FreezeStore';

/** Pipelines whose staging waits for a version that arrived at `arrived`. */
function pipeline(name: string, owner: string) {
  return {
    ref: `pipeline:default/${name}`,
    name,
    namespace: 'default',
    owner,
    components: [],
    phases: [
      { name: 'build', source: { type: 'api' }, edges: [] },
      {
        name: 'staging',
        source: { type: 'api' },
        edges: [{ from: 'build', auto: true, gates: [] }],
      },
    ],
  } as any;
}

describe('following up freezes', () => {
  const pipelines = [
    pipeline('late', 'group:default/team-a'),
    pipeline('early', 'group:default/team-a'),
    pipeline('other', 'group:default/team-b'),
    pipeline('middle', 'group:default/team-a'),
  ];
  const arrived: Record<string, string> = {
    late: '2026-12-07T10:30:00Z',
    early: '2026-12-07T09:00:00Z',
    other: '2026-12-07T08:00:00Z',
    middle: '2026-12-07T10:00:00Z',
  };

  function setUp(options: {
    stored?: StoredFreeze[];
    now: () => Date;
    config?: unknown[];
  }) {
    let stored = options.stored ?? [];
    const freezes = new Freezes({
      store: {
        freezes: {
          listFreezes: async () => stored,
          setFreeze: async f => ({ ...f, id: '1' }),
          liftFreeze: async () => true,
        },
      },
      configured: readConfiguredFreezes(
        new ConfigReader({ glu: { freezes: (options.config ?? []) as any } }),
      ),
      clock: options.now,
    });
    const changed: string[][] = [];
    const signalled: string[][] = [];
    const followUp = new FreezeFollowUp({
      freezes,
      store: {
        pipelines: {
          listPipelines: async () => ({
            items: pipelines.map(definition => ({ definition })),
          }),
        },
      } as any,
      decisions: {
        snapshots: async (ps: any[]) =>
          ps.map(p => ({
            pipeline: p,
            states: new Map([
              ['build', { heldSince: arrived[p.name] }],
              ['staging', {}],
            ]),
          })),
      } as any,
      changes: {
        changed: async (refs: string[]) => {
          changed.push(refs);
        },
        signal: (refs: string[]) => signalled.push(refs),
      } as any,
      logger: mockServices.logger.mock(),
    });
    return {
      followUp,
      changed,
      signalled,
      setStored: (next: StoredFreeze[]) => {
        stored = next;
      },
    };
  }

  const freeze: StoredFreeze = {
    id: '7',
    reason: 'release',
    scope: { owners: ['group:default/team-a'] },
    rollbacks: false,
    setBy: 'user:default/alice',
    startsAt: '2026-12-07T00:00:00Z',
  };

  it('resumes what a freeze held in the order its versions arrived, once it ends', async () => {
    let now = new Date('2026-12-07T11:00:00Z');
    const { followUp, changed, signalled, setStored } = setUp({
      stored: [],
      now: () => now,
    });
    const later = (millis: number) => {
      now = new Date(now.getTime() + millis);
    };
    // The first look takes note.
    await followUp.look();
    setStored([freeze]);
    // Seen once the freezes read last are old enough.
    later(FREEZE_READ_MILLIS - 1);
    await followUp.look();
    expect(signalled).toEqual([]);
    later(1);
    await followUp.look();
    expect(signalled).toEqual([
      [
        'pipeline:default/late',
        'pipeline:default/early',
        'pipeline:default/middle',
      ],
    ]);
    setStored([]);
    later(FREEZE_READ_MILLIS);
    await followUp.look();
    expect(changed).toEqual([
      [
        'pipeline:default/early',
        'pipeline:default/middle',
        'pipeline:default/late',
      ],
    ]);
  });

  it('follows a freeze from app-config that ends by itself', async () => {
    let now = new Date('2026-12-20T12:00:00Z');
    const { followUp, changed } = setUp({
      now: () => now,
      config: [
        {
          name: 'year-end',
          reason: 'year end',
          scope: { owners: ['team-b'] },
          dates: [{ from: '2026-12-20', to: '2027-01-03' }],
        },
      ],
    });
    await followUp.look();
    now = new Date('2027-01-03T23:59:00Z');
    await followUp.look();
    expect(changed).toEqual([]);
    now = new Date('2027-01-04T00:00:00Z');
    await followUp.look();
    expect(changed).toEqual([['pipeline:default/other']]);
  });
});
