/*
 * The reliability suite, malformed definitions: Pipeline entities broken in
 * every way a person or a template can break them, refused by the catalog
 * with an error that names the field, never a 5xx.
 */
import { call, Tally } from './harness/client';
import { pipeline } from './harness/entities';
import { TOKENS, useSuite } from './harness/suite';

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

  it('malformed definitions are catalog errors that name the field, never 5xx', async () => {
    const { host, replicas } = suite;
    const good = () =>
      pipeline('broken', host.url('steady'), 'env/version.yaml') as any;
    const gitPhase = (spec: any) => spec.phases[1];
    const cases: Array<[string, (entity: any) => void]> = [
      ['no spec', e => delete e.spec],
      ['spec a string', e => (e.spec = 'phases')],
      ['no owner', e => delete e.spec.owner],
      ['an owner that is no ref', e => (e.spec.owner = 'team checkout!')],
      ['an empty owner', e => (e.spec.owner = '')],
      [
        'an owner of the wrong kind',
        e => (e.spec.owner = 'component:default/x'),
      ],
      ['no phases', e => (e.spec.phases = [])],
      ['phases an object', e => (e.spec.phases = { build: {} })],
      [
        '2,000 phases',
        e => {
          e.spec.phases = Array.from({ length: 2000 }, (_, i) => ({
            name: `p${i}`,
            source: { type: 'api' },
          }));
        },
      ],
      ['a phase without a name', e => delete e.spec.phases[0].name],
      ['a phase name with a slash', e => (e.spec.phases[0].name = 'a/b')],
      ['a phase name of dots', e => (e.spec.phases[0].name = '..')],
      [
        'a phase name of 1,000 characters',
        e => (e.spec.phases[0].name = 'p'.repeat(1000)),
      ],
      ['two phases of one name', e => (gitPhase(e.spec).name = 'build')],
      ['a phase without a source', e => delete e.spec.phases[0].source],
      [
        'an unknown source type',
        e => (e.spec.phases[0].source = { type: 'ftp' }),
      ],
      ['a source that is a string', e => (e.spec.phases[0].source = 'api')],
      [
        'a git source without a repository',
        e => delete gitPhase(e.spec).source.repository,
      ],
      ['a git source without a path', e => delete gitPhase(e.spec).source.path],
      [
        'an unknown format',
        e => (gitPhase(e.spec).source.format = { type: 'toml' }),
      ],
      [
        'a yaml-path format without a key',
        e => (gitPhase(e.spec).source.format = { type: 'yaml-path' }),
      ],
      [
        'a path that leaves the repository',
        e => (gitPhase(e.spec).source.path = '../../etc/passwd'),
      ],
      [
        'a path through .. inside',
        e => (gitPhase(e.spec).source.path = 'env/../../x.yaml'),
      ],
      ['an absolute path', e => (gitPhase(e.spec).source.path = '/etc/passwd')],
      ['a path into .git', e => (gitPhase(e.spec).source.path = '.git/config')],
      [
        'a path with a NUL byte',
        e => (gitPhase(e.spec).source.path = 'env/a\u0000.yaml'),
      ],
      ['a path of a folder', e => (gitPhase(e.spec).source.path = 'env/')],
      [
        'a branch that git takes for an option',
        e => (gitPhase(e.spec).source.branch = '--upload-pack=touch'),
      ],
      [
        'a branch with ..',
        e => (gitPhase(e.spec).source.branch = 'main..other'),
      ],
      [
        'a branch with a space',
        e => (gitPhase(e.spec).source.branch = 'ma in'),
      ],
      [
        'a repository that git takes for an option',
        e => (gitPhase(e.spec).source.repository = '-oProxyCommand=touch'),
      ],
      [
        'an ssh repository with an option for a host',
        e =>
          (gitPhase(e.spec).source.repository = 'ssh://-oProxyCommand=touch/x'),
      ],
      [
        'an ext:: transport',
        e =>
          (gitPhase(e.spec).source.repository = 'ext::sh -c touch% /tmp/pwned'),
      ],
      [
        'a repository with credentials',
        e =>
          (gitPhase(e.spec).source.repository = host
            .url('steady')
            .replace('http://', 'http://user:secret@')),
      ],
      [
        'a repository outside the write scopes',
        e =>
          (gitPhase(e.spec).source.repository =
            'https://github.com/someone-else/gitops'),
      ],
      [
        'a path outside the write scopes',
        e => (gitPhase(e.spec).source.path = 'prod/version.yaml'),
      ],
      [
        'a branch outside the write scopes',
        e => (gitPhase(e.spec).source.branch = 'release'),
      ],
      [
        'a promotion from a missing phase',
        e => (gitPhase(e.spec).promotion.from = 'qa'),
      ],
      [
        'a promotion from itself',
        e => (gitPhase(e.spec).promotion.from = 'staging'),
      ],
      ['a cycle', e => (e.spec.phases[0].promotion = { from: 'staging' })],
      [
        'an unknown strategy',
        e => (gitPhase(e.spec).promotion.strategy = 'rebase'),
      ],
      [
        'auto that is not a boolean',
        e => (gitPhase(e.spec).promotion.auto = 'yes'),
      ],
      [
        'a promotion into an api phase',
        e => {
          e.spec.phases[0].promotion = { from: 'staging' };
          delete gitPhase(e.spec).promotion;
        },
      ],
      [
        'an unknown gate',
        e => (gitPhase(e.spec).promotion.gates = [{ prayer: true }]),
      ],
      [
        'a soak that is no duration',
        e => (gitPhase(e.spec).promotion.gates = [{ soak: 'a while' }]),
      ],
      [
        'a window that is no window',
        e =>
          (gitPhase(e.spec).promotion.gates = [
            { window: { days: ['someday'] } },
          ]),
      ],
      [
        'approvals that are no count',
        e => (gitPhase(e.spec).promotion.gates = [{ approvals: -2 }]),
      ],
      [
        'checks without a pull request',
        e => (gitPhase(e.spec).promotion.gates = [{ checks: ['build'] }]),
      ],
      [
        'pull-request options on a commit',
        e => (gitPhase(e.spec).promotion.pullRequest = { labels: ['x'] }),
      ],
      [
        'an interval that is no duration',
        e => (gitPhase(e.spec).source.interval = 'often'),
      ],
      [
        'an oci source without a repository',
        e => (e.spec.phases[0].source = { type: 'oci', tag: 'latest' }),
      ],
      [
        'an oci source with tag and semver',
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
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            semver: 'newest',
          }),
      ],
      [
        'an oci pattern that is no expression',
        e =>
          (e.spec.phases[0].source = {
            type: 'oci',
            repository: 'registry.example.com/a',
            pattern: '([',
          }),
      ],
      [
        'a helm source without a chart',
        e =>
          (e.spec.phases[0].source = {
            type: 'helm',
            repository: 'https://charts.example.com',
          }),
      ],
      [
        'a title of 50,000 characters',
        e => (e.metadata.title = 't'.repeat(50_000)),
      ],
      [
        'a description of 50,000 characters',
        e => (e.metadata.description = 'd'.repeat(50_000)),
      ],
      [
        'a phase title of 5,000 characters',
        e => (gitPhase(e.spec).title = 'p'.repeat(5000)),
      ],
      [
        'components that are no refs',
        e => (e.spec.components = ['not a ref!']),
      ],
    ];
    const statuses = new Tally();
    const unclear: string[] = [];
    for (const [what, breakIt] of cases) {
      const entity = good();
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
      const messages = String(
        JSON.stringify(answer.body?.errors ?? answer.body),
      );
      if (
        answer.status !== 400 ||
        !/spec|metadata|phases|Invalid/.test(messages)
      ) {
        unclear.push(`${what}: ${answer.status} ${messages.slice(0, 300)}`);
      }
    }
    expect(unclear).toEqual([]);
    expect(statuses.count(s => s >= 500)).toBe(0);
    suite.figure(
      'malformed definitions',
      `${
        cases.length
      } refused by the catalog with a message that names the field: ${statuses.summary()}`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
