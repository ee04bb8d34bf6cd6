import { parsePipelineEntity } from './validation';
import {
  gitSource,
  issuesOf,
  pipeline,
  valid,
} from '../__testUtils__/pipelines';

describe('parsePipelineEntity', () => {
  it('turns a valid entity into the definition the engine uses', () => {
    const definition = parsePipelineEntity(pipeline(valid));
    expect(definition).toEqual({
      ref: 'pipeline:default/checkout',
      name: 'checkout',
      namespace: 'default',
      owner: 'group:default/team-checkout',
      components: ['component:default/checkout'],
      phases: [
        {
          name: 'staging',
          source: {
            type: 'git',
            repository: 'https://github.com/acme/gitops',
            branch: 'main',
            path: 'env/staging/deployment.yaml',
            format: { type: 'kubernetes' },
          },
          edges: [],
        },
        {
          name: 'production',
          source: {
            type: 'git',
            repository: 'https://github.com/acme/gitops',
            branch: 'main',
            path: 'env/production/deployment.yaml',
            format: { type: 'kubernetes' },
          },
          edges: [
            {
              from: 'staging',
              strategy: 'commit',
              auto: false,
              gates: [{ soak: '30m' }],
            },
          ],
        },
      ],
    });
  });

  it('orders phases so that upstreams come first, with fan-out and fan-in', () => {
    const definition = parsePipelineEntity(
      pipeline({
        owner: 'group:default/team-checkout',
        phases: [
          {
            name: 'production',
            source: gitSource('prod.yaml'),
            promotion: [{ from: 'staging-eu' }, { from: 'staging-us' }],
          },
          {
            name: 'staging-eu',
            source: gitSource('eu.yaml'),
            promotion: { from: 'build' },
          },
          {
            name: 'staging-us',
            source: gitSource('us.yaml'),
            promotion: { from: 'build' },
          },
          { name: 'build', source: gitSource('build.yaml') },
        ],
      }),
    );
    expect(definition.phases.map(p => p.name)).toEqual([
      'build',
      'staging-eu',
      'staging-us',
      'production',
    ]);
  });

  it('refuses an unknown source type, naming the field', () => {
    const spec = structuredClone(valid);
    (spec.phases[0] as any).source = { type: 'ftp', url: 'ftp://x' };
    expect(issuesOf(spec)).toEqual([
      'spec.phases[0].source.type: unknown source type "ftp" (known: api, git, helm, oci)',
    ]);
  });

  it('accepts a source type or format that a module registered', () => {
    const spec = structuredClone(valid);
    (spec.phases[0] as any).source = gitSource('VERSION', {
      format: 'version-file',
    });
    expect(() =>
      parsePipelineEntity(pipeline(spec), {
        sourceTypes: ['git'],
        formatTypes: ['kubernetes', 'version-file'],
      }),
    ).not.toThrow();
    expect(issuesOf(spec)).toEqual([
      'spec.phases[0].source.format: unknown format "version-file" (known: helm-values, kubernetes, kustomize, yaml-path)',
    ]);
  });

  it('checks the options of oci, helm and api sources', () => {
    const withSource = (source: Record<string, unknown>) => {
      const spec = structuredClone(valid);
      (spec.phases[0] as any).source = source;
      return spec;
    };
    expect(() =>
      parsePipelineEntity(
        pipeline(
          withSource({
            type: 'oci',
            repository: 'ghcr.io/acme/checkout',
            semver: '^1.2.0',
            interval: '5m',
          }),
        ),
      ),
    ).not.toThrow();
    expect(
      issuesOf(
        withSource({
          type: 'oci',
          repository: 'ghcr.io/acme/checkout',
          tag: 'latest',
          semver: 'not a range',
        }),
      ),
    ).toEqual([
      'spec.phases[0].source.semver: must be a semver range, e.g. ^1.2.0 or >=2 <3',
      'spec.phases[0].source: choose one of tag, semver and pattern',
    ]);
    expect(
      issuesOf(
        withSource({
          type: 'oci',
          repository: 'ghcr.io/acme/checkout',
          tag: 'latest',
          semver: '^1',
        }),
      ),
    ).toEqual(['spec.phases[0].source: choose one of tag, semver and pattern']);
    expect(
      issuesOf(
        withSource({
          type: 'helm',
          repository: 'ftp://charts',
          chart: 'x',
          interval: 'often',
        }),
      ),
    ).toEqual([
      'spec.phases[0].source.repository: must be an http(s):// or oci:// chart repository',
      'spec.phases[0].source.interval: must be a duration like 30s, 5m or 1h',
    ]);
    expect(issuesOf(withSource({ type: 'api', repository: 'x' }))).toEqual([
      'spec.phases[0].source: Unrecognized key: "repository"',
    ]);
  });

  it('reads how DORA figures are counted, and refuses what cannot be', () => {
    const definition = parsePipelineEntity(
      pipeline({
        ...valid,
        dora: { production: ['production'], failureWindow: '2d', fix: '^fix' },
      }),
    );
    expect(definition.dora).toEqual({
      production: ['production'],
      failureWindow: '2d',
      fix: '^fix',
    });
    expect(parsePipelineEntity(pipeline(valid)).dora).toBeUndefined();
    expect(
      issuesOf({
        ...valid,
        dora: { production: ['prod'], failureWindow: 'a day', fix: '(' },
      }),
    ).toEqual([
      'spec.dora.failureWindow: must be a duration like 30s, 5m or 1h',
      'spec.dora.fix: must be a regular expression, e.g. ^(fix|hotfix)\\b',
    ]);
    expect(issuesOf({ ...valid, dora: { production: ['prod'] } })).toEqual([
      'spec.dora.production[0]: there is no phase named "prod"',
    ]);
  });

  it('refuses a promotion from a phase that does not exist', () => {
    const spec = structuredClone(valid);
    (spec.phases[1] as any).promotion = { from: 'stagin' };
    expect(issuesOf(spec)).toEqual([
      'spec.phases[1].promotion.from: there is no phase named "stagin"',
    ]);
  });

  it('refuses a cycle and shows it', () => {
    const spec = structuredClone(valid);
    (spec.phases[0] as any).promotion = { from: 'production' };
    expect(issuesOf(spec)).toEqual([
      'spec.phases: the promotions form a cycle: staging -> production -> staging',
    ]);
  });

  it.each([
    ['../secrets.yaml', '"../secrets.yaml" leaves the repository'],
    ['env/../../etc/passwd', '"env/../../etc/passwd" leaves the repository'],
    [
      '/etc/passwd',
      '"/etc/passwd" is absolute; it must be relative to the repository root',
    ],
    ['.git/config', '".git/config" is inside .git'],
  ])('refuses the path %p', (path, problem) => {
    const spec = structuredClone(valid);
    (spec.phases[0] as any).source = gitSource(path);
    expect(issuesOf(spec)).toEqual([`spec.phases[0].source.path: ${problem}`]);
  });

  it('reads pull-request options, and refuses them or the checks gate without pull requests', () => {
    const spec = structuredClone(valid) as any;
    spec.phases[1].promotion = {
      from: 'staging',
      strategy: 'pull-request',
      gates: [{ checks: ['build'] }],
      pullRequest: { labels: ['glu'], autoMerge: true },
    };
    const definition = parsePipelineEntity(pipeline(spec));
    expect(definition.phases[1].edges[0]).toEqual({
      from: 'staging',
      strategy: 'pull-request',
      auto: false,
      gates: [{ checks: ['build'] }],
      pullRequest: { labels: ['glu'], draft: false, autoMerge: 'merge' },
    });

    spec.phases[1].promotion = {
      from: 'staging',
      gates: [{ checks: 'all' }],
      pullRequest: { labels: ['glu'] },
    };
    expect(issuesOf(spec)).toEqual([
      'spec.phases[1].promotion.pullRequest: only applies to strategy: pull-request (the strategy is commit)',
      'spec.phases[1].promotion.gates: the checks gate needs strategy: pull-request, since checks run on the pull request',
    ]);

    spec.phases[1].promotion = {
      from: 'staging',
      strategy: 'pull-request',
      pullRequest: { autoMerge: 'fast-forward' },
    };
    expect(issuesOf(spec)[0]).toMatch(
      /^spec\.phases\[1\]\.promotion\.pullRequest\.autoMerge: /,
    );
  });

  it('checks the configuration of built-in gates, and asks the backend about those of modules', () => {
    const withGates = (gates: unknown[]) => ({
      ...valid,
      phases: [
        valid.phases[0],
        { ...valid.phases[1], promotion: { from: 'staging', gates } },
      ],
    });
    expect(
      issuesOf(
        withGates([
          { soak: 'a while' },
          { approvals: -2 },
          { window: { deny: [{ days: ['someday'], from: '9am' }] } },
          { window: { timezone: 'Mars/Olympus' } },
        ]),
      ),
    ).toEqual([
      'spec.phases[1].promotion.gates[0].soak: must be a duration like 30m, 2h or 1d',
      'spec.phases[1].promotion.gates[1].approvals: must be how many people must approve, e.g. 2, or a policy, e.g. { from: [{ group: sre, count: 2 }], notBy: [requester, author] }',
      'spec.phases[1].promotion.gates[2].window: "someday" is not a day of the week',
      'spec.phases[1].promotion.gates[2].window: "9am" is not a time like 09:00',
      'spec.phases[1].promotion.gates[3].window: must have allow or deny slots',
      'spec.phases[1].promotion.gates[3].window: timezone "Mars/Olympus" is unknown',
    ]);
    expect(
      issuesOf(withGates([{ canary: { percent: 200 } }]), {
        gateTypes: ['canary'],
        gateProblems: (type: string, config: any) =>
          type === 'canary' && config.percent > 100
            ? ['percent must be at most 100']
            : [],
      }),
    ).toEqual([
      'spec.phases[1].promotion.gates[0].canary: percent must be at most 100',
    ]);
  });

  it('refuses a promotion into a phase whose source Glu cannot write', () => {
    expect(
      issuesOf({
        ...valid,
        phases: [
          valid.phases[0],
          {
            name: 'build',
            source: { type: 'api' },
            promotion: { from: 'staging' },
          },
        ],
      }),
    ).toEqual([
      'spec.phases[1].promotion: Glu cannot write into a phase whose source is api; only phases with a git source can be promoted into',
    ]);
  });

  it('refuses a missing owner', () => {
    const { owner: _owner, ...spec } = valid;
    expect(issuesOf(spec)).toEqual([
      'spec.owner: Invalid input: expected string, received undefined',
    ]);
  });

  it('refuses credentials in a repository URL, which belong in integrations', () => {
    const spec = structuredClone(valid);
    (spec.phases[0] as any).source = {
      ...gitSource('a.yaml'),
      repository: 'https://user:secret@github.com/acme/gitops',
    };
    expect(issuesOf(spec)).toEqual([
      'spec.phases[0].source.repository: must not hold credentials; they come from the integrations config',
    ]);
  });

  it.each([
    ['-upload-pack=evil', 'branch', 'starts with "-"'],
    ['release/../main', 'branch', 'holds ".."'],
    ['main branch', 'branch', 'holds a space'],
    ['feature.lock', 'branch', 'is not a valid branch name'],
    [
      '-uhttps://github.com/acme/gitops',
      'repository',
      'starts with "-"; it must be a repository URL',
    ],
    [
      'ssh://-oProxyCommand=touch%20pwned/acme/gitops',
      'repository',
      'names a host that starts with "-", which git would take for an option',
    ],
    [
      '-oProxyCommand=x@github.com:acme/gitops',
      'repository',
      'starts with "-"',
    ],
  ])(
    'refuses %p as the %s, before git ever sees it',
    (value, field, message) => {
      const spec = structuredClone(valid) as any;
      spec.phases[1].source[field] = value;
      expect(issuesOf(spec)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^spec\\.phases\\[1\\]\\.source\\.${field}: .*${message.replace(
              /[.*+?^${}()|[\]\\]/g,
              '\\$&',
            )}`,
          ),
        ),
      ]);
    },
  );

  it.each([
    ['group:default/', 'spec.owner'],
    ['group:default/team checkout', 'spec.owner'],
    [':default/x', 'spec.owner'],
  ])('refuses the malformed owner %p', (owner, field) => {
    expect(issuesOf({ ...valid, owner })).toEqual([
      `${field}: "${owner}" is not an entity reference like group:default/name`,
    ]);
  });

  it('limits the size of a definition, saying by how much it is over', () => {
    const many = {
      ...valid,
      phases: Array.from({ length: 101 }, (_, i) => ({
        name: `p${i}`,
        source: gitSource(`env/p${i}.yaml`),
        ...(i > 0 ? { promotion: { from: `p${i - 1}` } } : {}),
      })),
    };
    expect(issuesOf(many)).toEqual([
      'spec.phases: at most 100 phases, not 101',
    ]);
    const entity = pipeline(valid);
    entity.metadata.title = 'x'.repeat(1_000_000);
    expect(() => parsePipelineEntity(entity)).toThrow(
      'metadata.title: at most 200 characters, not 1000000',
    );
  });

  it('checks the options of built-in formats', () => {
    const spec = structuredClone(valid);
    (spec.phases[0] as any).source = gitSource('values.yaml', {
      format: { type: 'yaml-path' },
    });
    expect(issuesOf(spec)).toEqual([
      'spec.phases[0].source.format.key: Invalid input: expected string, received undefined',
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      issuesOf({
        owner: 'team-checkout',
        phases: [
          { name: 'Staging!', source: gitSource('a.yaml') },
          {
            name: 'production',
            source: { type: 'git' },
            promotion: { from: 'x', strategy: 'yolo' },
          },
        ],
      }),
    ).toEqual([
      'spec.phases[0].name: must be lowercase letters, digits and dashes, at most 63 characters',
      'spec.phases[1].source.repository: Invalid input: expected string, received undefined',
      'spec.phases[1].source.path: Invalid input: expected string, received undefined',
      'spec.phases[1].source.format: Invalid input',
      'spec.phases[1].promotion.strategy: Invalid option: expected one of "commit"|"pull-request"',
    ]);
  });

  it('has a message that names the pipeline and the problems', () => {
    const spec = structuredClone(valid);
    (spec.phases[1] as any).promotion = { from: 'stagin' };
    expect(() => parsePipelineEntity(pipeline(spec))).toThrow(
      'Invalid pipeline pipeline:default/checkout: spec.phases[1].promotion.from: there is no phase named "stagin"',
    );
  });
});
