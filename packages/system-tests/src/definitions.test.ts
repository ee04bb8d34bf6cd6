/*
 * The reliability suite, malformed definitions: Pipeline entities broken in
 * every way a person or a template can break them, refused by the catalog
 * with an error that names the exact field to fix, never a 5xx.
 */
import { call, Tally } from './harness/client';
import { pipeline } from './harness/entities';
import { TOKENS, useSuite } from './harness/suite';

/**
 * Whether an error message names this very field, as Glu names them
 * (`spec.phases[1].source.path: …`) or as the catalog's envelope check does
 * (`/spec must be object`): not a field inside it, nor around it.
 */
function namesField(message: string, field: string): boolean {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s(])${escaped}(:|\\s)`).test(message);
}

describe('reliability: malformed definitions', () => {
  const suite = useSuite({
    name: 'definitions',
    replicas: 1,
    repositories: { steady: { 'env/version.yaml': 'version: 1.0.0\n' } },
    entities: ({ host }) => [
      pipeline('steady', host.url('steady'), 'env/version.yaml'),
    ],
    ready: ['steady'],
  });

  type Case = [string, string, (entity: any) => void];
  const gitPhase = (spec: any) => spec.phases[1];

  /**
   * Asks the catalog to validate each broken definition: the cases whose
   * answer is not a 400 naming the field, with what came back instead.
   */
  async function unclearOf(cases: Case[], statuses: Tally) {
    const { host, replicas } = suite;
    const unclear: string[] = [];
    for (const [what, field, breakIt] of cases) {
      const entity = pipeline(
        'broken',
        host.url('steady'),
        'env/version.yaml',
      ) as any;
      breakIt(entity);
      const answer = await call(
        statuses,
        `${replicas[0].url}/api/catalog/validate-entity`,
        {
          token: TOKENS.operator,
          body: {
            location: `url:${host.url('steady')}/catalog-info.yaml`,
            entity,
          },
        },
      );
      suite.tally.record(answer.status);
      const messages: string[] = (answer.body?.errors ?? []).map((e: any) =>
        String(e?.message),
      );
      if (
        answer.status !== 400 ||
        !messages.some(message => namesField(message, field))
      ) {
        unclear.push(
          `${what} (${field}): ${answer.status} ${JSON.stringify(
            messages,
          ).slice(0, 300)}`,
        );
      }
    }
    return unclear;
  }

  it('malformed definitions are catalog errors that name the field, never 5xx', async () => {
    const { host } = suite;
    const cases: Case[] = [
      ['no spec', 'spec.owner', e => delete e.spec],
      ['spec a string', '/spec', e => (e.spec = 'phases')],
      ['no owner', 'spec.owner', e => delete e.spec.owner],
      [
        'an owner that is no ref',
        'spec.owner',
        e => (e.spec.owner = 'team checkout!'),
      ],
      ['an empty owner', 'spec.owner', e => (e.spec.owner = '')],
      ['no phases', 'spec.phases', e => (e.spec.phases = [])],
      ['phases an object', 'spec.phases', e => (e.spec.phases = { build: {} })],
      [
        '2,000 phases',
        'spec.phases',
        e => {
          e.spec.phases = Array.from({ length: 2000 }, (_, i) => ({
            name: `p${i}`,
            source: { type: 'api' },
          }));
        },
      ],
      [
        'a phase without a name',
        'spec.phases[0].name',
        e => delete e.spec.phases[0].name,
      ],
      [
        'a phase name with a slash',
        'spec.phases[0].name',
        e => (e.spec.phases[0].name = 'a/b'),
      ],
      [
        'a phase name of dots',
        'spec.phases[0].name',
        e => (e.spec.phases[0].name = '..'),
      ],
      [
        'a phase name of 1,000 characters',
        'spec.phases[0].name',
        e => (e.spec.phases[0].name = 'p'.repeat(1000)),
      ],
      [
        'two phases of one name',
        'spec.phases[1].name',
        e => (gitPhase(e.spec).name = 'build'),
      ],
      [
        'a phase without a source',
        'spec.phases[0].source',
        e => delete e.spec.phases[0].source,
      ],
      [
        'an unknown source type',
        'spec.phases[0].source.type',
        e => (e.spec.phases[0].source = { type: 'ftp' }),
      ],
      [
        'a source that is a string',
        'spec.phases[0].source',
        e => (e.spec.phases[0].source = 'api'),
      ],
      [
        'a git source without a repository',
        'spec.phases[1].source.repository',
        e => delete gitPhase(e.spec).source.repository,
      ],
      [
        'a git source without a path',
        'spec.phases[1].source.path',
        e => delete gitPhase(e.spec).source.path,
      ],
      [
        'an unknown format',
        'spec.phases[1].source.format',
        e => (gitPhase(e.spec).source.format = { type: 'toml' }),
      ],
      [
        'a yaml-path format without a key',
        'spec.phases[1].source.format.key',
        e => (gitPhase(e.spec).source.format = { type: 'yaml-path' }),
      ],
      [
        'a path that leaves the repository',
        'spec.phases[1].source.path',
        e => (gitPhase(e.spec).source.path = '../../etc/passwd'),
      ],
      [
        'a path through .. inside',
        'spec.phases[1].source.path',
        e => (gitPhase(e.spec).source.path = 'env/../../x.yaml'),
      ],
      [
        'an absolute path',
        'spec.phases[1].source.path',
        e => (gitPhase(e.spec).source.path = '/etc/passwd'),
      ],
      [
        'a path into .git',
        'spec.phases[1].source.path',
        e => (gitPhase(e.spec).source.path = '.git/config'),
      ],
      [
        'a path with a NUL byte',
        'spec.phases[1].source.path',
        e => (gitPhase(e.spec).source.path = 'env/a\u0000.yaml'),
      ],
      [
        'a path of a folder',
        'spec.phases[1].source',
        e => (gitPhase(e.spec).source.path = 'env/'),
      ],
      [
        'a branch that git takes for an option',
        'spec.phases[1].source.branch',
        e => (gitPhase(e.spec).source.branch = '--upload-pack=touch'),
      ],
      [
        'a branch with ..',
        'spec.phases[1].source.branch',
        e => (gitPhase(e.spec).source.branch = 'main..other'),
      ],
      [
        'a branch with a space',
        'spec.phases[1].source.branch',
        e => (gitPhase(e.spec).source.branch = 'ma in'),
      ],
      [
        'a repository that git takes for an option',
        'spec.phases[1].source.repository',
        e => (gitPhase(e.spec).source.repository = '-oProxyCommand=touch'),
      ],
      [
        'an ssh repository with an option for a host',
        'spec.phases[1].source.repository',
        e =>
          (gitPhase(e.spec).source.repository = 'ssh://-oProxyCommand=touch/x'),
      ],
      [
        'an ext:: transport',
        'spec.phases[1].source.repository',
        e =>
          (gitPhase(e.spec).source.repository = 'ext::sh -c touch% /tmp/pwned'),
      ],
      [
        'a repository with credentials',
        'spec.phases[1].source.repository',
        e =>
          (gitPhase(e.spec).source.repository = host
            .url('steady')
            .replace('http://', 'http://user:secret@')),
      ],
      [
        'a repository outside the write scopes',
        'spec.phases[1].source',
        e =>
          (gitPhase(e.spec).source.repository =
            'https://github.com/someone-else/gitops'),
      ],
      [
        'a path outside the write scopes',
        'spec.phases[1].source',
        e => (gitPhase(e.spec).source.path = 'prod/version.yaml'),
      ],
      [
        'a branch outside the write scopes',
        'spec.phases[1].source',
        e => (gitPhase(e.spec).source.branch = 'release'),
      ],
      [
        'a promotion from a missing phase',
        'spec.phases[1].promotion.from',
        e => (gitPhase(e.spec).promotion.from = 'qa'),
      ],
      [
        'a promotion from itself',
        'spec.phases[1].promotion.from',
        e => (gitPhase(e.spec).promotion.from = 'staging'),
      ],
      [
        'a cycle',
        'spec.phases',
        e => {
          // staging from production, production from staging
          e.spec.phases.push({
            ...gitPhase(e.spec),
            name: 'production',
            promotion: { from: 'staging' },
          });
          gitPhase(e.spec).promotion.from = 'production';
        },
      ],
      [
        'an unknown strategy',
        'spec.phases[1].promotion.strategy',
        e => (gitPhase(e.spec).promotion.strategy = 'rebase'),
      ],
      [
        'auto that is not a boolean',
        'spec.phases[1].promotion.auto',
        e => (gitPhase(e.spec).promotion.auto = 'yes'),
      ],
      [
        'a promotion into an api phase',
        'spec.phases[0].promotion',
        e => {
          e.spec.phases[0].promotion = { from: 'staging' };
          delete gitPhase(e.spec).promotion;
        },
      ],
      [
        'an unknown gate',
        'spec.phases[1].promotion.gates[0]',
        e => (gitPhase(e.spec).promotion.gates = [{ prayer: true }]),
      ],
      [
        'a soak that is no duration',
        'spec.phases[1].promotion.gates[0].soak',
        e => (gitPhase(e.spec).promotion.gates = [{ soak: 'a while' }]),
      ],
      [
        'a window that is no window',
        'spec.phases[1].promotion.gates[0].window',
        e =>
          (gitPhase(e.spec).promotion.gates = [
            { window: { days: ['someday'] } },
          ]),
      ],
      [
        'approvals that are no count',
        'spec.phases[1].promotion.gates[0].approvals',
        e => (gitPhase(e.spec).promotion.gates = [{ approvals: -2 }]),
      ],
      [
        'checks without a pull request',
        'spec.phases[1].promotion.gates',
        e => (gitPhase(e.spec).promotion.gates = [{ checks: ['build'] }]),
      ],
      [
        'pull-request options on a commit',
        'spec.phases[1].promotion.pullRequest',
        e => (gitPhase(e.spec).promotion.pullRequest = { labels: ['x'] }),
      ],
      [
        'an interval that is no duration',
        'spec.phases[1].source.interval',
        e => (gitPhase(e.spec).source.interval = 'often'),
      ],
      [
        'an oci source without a repository',
        'spec.phases[0].source.repository',
        e => (e.spec.phases[0].source = { type: 'oci', tag: 'latest' }),
      ],
      [
        'an oci source with tag and semver',
        'spec.phases[0].source',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            tag: 'x',
            semver: '^1',
          }),
      ],
      [
        'an oci semver that is no range',
        'spec.phases[0].source.semver',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            semver: 'newest',
          }),
      ],
      [
        'an oci pattern that is no expression',
        'spec.phases[0].source.pattern',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            pattern: '([',
          }),
      ],
      [
        'a helm source without a chart',
        'spec.phases[0].source.chart',
        e =>
          (e.spec.phases[0].source = {
            type: 'helm',
            repository: 'https://charts.example.com',
          }),
      ],
      [
        'a title of 50,000 characters',
        'metadata.title',
        e => (e.metadata.title = 't'.repeat(50_000)),
      ],
      [
        'a description of 50,000 characters',
        'metadata.description',
        e => (e.metadata.description = 'd'.repeat(50_000)),
      ],
      [
        'a phase title of 5,000 characters',
        'spec.phases[1].title',
        e => (gitPhase(e.spec).title = 'p'.repeat(5000)),
      ],
      [
        'components that are no refs',
        'spec.components[0]',
        e => (e.spec.components = ['not a ref!']),
      ],
    ];
    const statuses = new Tally();
    expect(await unclearOf(cases, statuses)).toEqual([]);
    expect(statuses.count(s => s >= 500)).toBe(0);
    suite.figure(
      'malformed definitions',
      `${
        cases.length
      } refused by the catalog with an error that names the exact field: ${statuses.summary()}`,
    );
  });

  it('a Pipeline whose owner is not in the catalog is refused, naming spec.owner', async () => {
    const cases: Case[] = [
      [
        'a group that does not exist',
        'spec.owner',
        e => (e.spec.owner = 'group:default/nobody-here'),
      ],
      [
        "an existing group's name in another namespace",
        'spec.owner',
        e => (e.spec.owner = 'group:elsewhere/team-reliability'),
      ],
      [
        'a component, which owns nothing',
        'spec.owner',
        e => (e.spec.owner = 'component:default/x'),
      ],
    ];
    const statuses = new Tally();
    expect(await unclearOf(cases, statuses)).toEqual([]);
    suite.figure(
      'owners not in the catalog',
      `${
        cases.length
      } refused by the catalog naming spec.owner: ${statuses.summary()}`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
