/*
 * The reliability suite, write scopes and owners: with the platform's scopes
 * `teams/{owner}/**` and `apps/{pipeline}/**`, a scope matches only the one
 * owner entity (or pipeline) it was written for, and an owner that is not in
 * the catalog owns nothing. Pipelines whose owner merely shares a name with
 * team-platform (a group in another namespace that does not exist, a User
 * named like the team), or that share a name with team-platform's pipeline
 * in another namespace, are refused in the catalog and never write into
 * team-platform's files: not automatically from an upstream their authors
 * control, not by hand.
 */
import { eventually } from './harness/client';
import { gitSource, pipeline } from './harness/entities';
import { ask, writeRoutes } from './harness/routes';
import { TOKENS, useSuite } from './harness/suite';

const PLATFORM_FILE = 'teams/team-platform/payments.yaml';
const APP_FILE = 'apps/payments/version.yaml';
const ATTACKER_FILE = 'teams/team-attacker/app.yaml';
const SEED = 'version: 1.0.0\n';

/** The pipelines that must never write, each with the identity that owns it. */
const COLLISIONS: Array<{
  namespace: string;
  name: string;
  owner: string;
  file: string;
  /** The user who, by the owner's name, would own it. */
  user: string;
  /** The field the catalog's refusal names. */
  field: string;
}> = [
  {
    namespace: 'default',
    name: 'evil-group',
    owner: 'group:evil/team-platform',
    file: PLATFORM_FILE,
    user: 'olivia',
    field: 'spec.owner',
  },
  {
    namespace: 'default',
    name: 'evil-user',
    owner: 'user:default/team-platform',
    file: PLATFORM_FILE,
    user: 'team-platform',
    field: 'spec.phases[1].source',
  },
  {
    namespace: 'evil',
    name: 'payments',
    owner: 'group:default/team-attacker',
    file: APP_FILE,
    user: 'mallory',
    field: 'spec.phases[1].source',
  },
];

/** team-platform's own pipeline, in both of its places. */
function platformPipeline(repository: string) {
  const entity = pipeline('payments', repository, PLATFORM_FILE, {
    owner: 'group:default/team-platform',
  });
  entity.spec.phases.push({
    name: 'production',
    source: gitSource(repository, APP_FILE),
    promotion: { from: 'staging', auto: false },
  } as any);
  return entity;
}

describe('reliability: write scopes and owners', () => {
  const suite = useSuite({
    name: 'owner-scopes',
    repositories: {
      gitops: {
        [PLATFORM_FILE]: SEED,
        [APP_FILE]: SEED,
        [ATTACKER_FILE]: SEED,
      },
      // An upstream that the attackers control.
      attacker: { 'version.yaml': SEED },
    },
    entities: ({ host }) => {
      const upstream = gitSource(host.url('attacker'), 'version.yaml');
      return [
        platformPipeline(host.url('gitops')),
        ...COLLISIONS.map(c =>
          pipeline(c.name, host.url('gitops'), c.file, {
            namespace: c.namespace,
            owner: c.owner,
            upstream,
            auto: true,
          }),
        ),
        // The attackers' own pipeline, where they may write: it shows when
        // their upstream's change has been seen and acted on.
        pipeline('attacker-app', host.url('gitops'), ATTACKER_FILE, {
          owner: 'group:default/team-attacker',
          upstream,
          auto: true,
        }),
      ];
    },
    config: ({ host }) => ({
      glu: {
        writeScopes: [
          {
            repository: `http://127.0.0.1:${host.port}/*`,
            branches: ['main'],
            paths: ['teams/{owner}/**', 'apps/{pipeline}/**'],
          },
        ],
      },
    }),
    ready: ['payments', 'attacker-app'],
  });

  /** The commits of team-platform's files since the seed. */
  const platformCommits = () =>
    [PLATFORM_FILE, APP_FILE].map(
      file => suite.host.commitsOf('gitops', file).length - 1,
    );

  it('the catalog refuses each pipeline whose owner or name only collides with team-platform, naming the field', async () => {
    const { host, replicas } = suite;
    const refusals: string[] = [];
    for (const c of COLLISIONS) {
      const entity = pipeline(c.name, host.url('gitops'), c.file, {
        namespace: c.namespace,
        owner: c.owner,
      });
      const answer = await suite.call(
        `${replicas[0].url}/api/catalog/validate-entity`,
        {
          token: TOKENS.operator,
          body: {
            location: `url:${host.url('gitops')}/catalog-info.yaml`,
            entity,
          },
        },
      );
      const messages = JSON.stringify(answer.body?.errors ?? []);
      if (answer.status !== 400 || !messages.includes(`${c.field}:`)) {
        refusals.push(
          `${c.namespace}/${c.name} (owner ${c.owner}): ${
            answer.status
          } ${messages.slice(0, 200)}`,
        );
      }
    }
    expect(refusals).toEqual([]);
    suite.figure(
      'refused in the catalog',
      `${COLLISIONS.length} pipelines (an owner group that does not exist, a User named like the team, a pipeline of the same name in another namespace), each refused naming its field`,
    );
  });

  it("a change upstream that their authors control never moves into team-platform's files automatically", async () => {
    const { host, replicas } = suite;
    const [a] = replicas;
    host.commit('attacker', { 'version.yaml': 'version: 6.6.6\n' }, 'Ours now');
    // The attackers' own pipeline takes it: the change was seen and acted on.
    await eventually(
      'the attackers to promote into their own folder',
      async () =>
        (await suite.phase(a, 'attacker-app'))?.state?.version === '6.6.6'
          ? true
          : undefined,
    );
    expect(host.read('gitops', ATTACKER_FILE)).toBe('version: 6.6.6\n');
    // Each collision is settled: unknown to Glu, or its edge held back.
    for (const c of COLLISIONS) {
      await eventually(`${c.namespace}/${c.name} to be settled`, async () => {
        const view = await suite.call(suite.url(a, c.name, '', c.namespace), {
          token: TOKENS.operator,
        });
        if (view.status === 404) return true;
        const edge = view.body.edges?.[0];
        return edge && !['promotable', 'in-progress'].includes(edge.status)
          ? true
          : undefined;
      });
    }
    expect(platformCommits()).toEqual([0, 0]);
    expect([
      host.read('gitops', PLATFORM_FILE),
      host.read('gitops', APP_FILE),
    ]).toEqual([SEED, SEED]);
    suite.figure(
      'automatic promotion',
      "an upstream change the attackers pushed reached their own folder and none of team-platform's files",
    );
  });

  it('the users those owners name cannot write to the collisions by hand: every write route is refused', async () => {
    const { replicas } = suite;
    const wrong: string[] = [];
    let asked = 0;
    for (const c of COLLISIONS) {
      const token = await suite.userToken(c.user);
      for (const route of writeRoutes(c.namespace, c.name)) {
        const answer = await ask(suite, replicas[asked++ % 2], route, token);
        // Glu does not know the pipeline (404), or, since anyone signed in
        // may read, the write is not the user's to make (403).
        const refused = route.read ? [404] : [403, 404];
        if (!refused.includes(answer.status)) {
          wrong.push(
            `${c.user} × ${c.namespace}/${c.name} × ${route.name}: ${answer.status}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(platformCommits()).toEqual([0, 0]);
    suite.figure(
      'by hand',
      `${asked} attempts on every write route by the users the collisions name: each refused (403 or 404), no commit into team-platform's files`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
