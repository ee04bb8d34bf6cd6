import { ConfigReader } from '@backstage/config';
import { GluWriteScopes, normalizeRepositoryUrl } from './writeScopes';

const pipeline = (owner: string, namespace = 'default') => ({
  ref: `pipeline:${namespace}/checkout`,
  name: 'checkout',
  namespace,
  owner,
});
const at = (
  path: string,
  branch = 'main',
  repository = 'https://github.com/acme/gitops',
) => ({
  repository,
  branch,
  path,
});

describe('GluWriteScopes', () => {
  const scopes = GluWriteScopes.fromConfig(
    new ConfigReader({
      glu: {
        writeScopes: [
          // Every team writes its own folder of the shared repository.
          {
            repository: 'https://github.com/acme/gitops.git',
            branches: ['main', 'release-*'],
            paths: ['teams/{owner}/**'],
          },
          // Only the platform team writes the shared ingress.
          {
            repository: 'https://GitHub.com/acme/gitops/',
            paths: ['ingress/*.yaml'],
            owners: ['group:default/team-platform'],
          },
          // Each team's own repository, by name.
          {
            repository: 'https://github.com/acme/{owner}-config',
            paths: ['**'],
          },
        ],
      },
    }),
  );

  it('lets a team write its own folder, on the branches it names', () => {
    const checkout = pipeline('group:default/team-checkout');
    expect(
      scopes.problem(checkout, at('teams/team-checkout/prod/app.yaml')),
    ).toBeUndefined();
    expect(
      scopes.problem(checkout, at('teams/team-checkout/app.yaml', 'release-2')),
    ).toBeUndefined();
    expect(
      scopes.problem(checkout, at('teams/team-checkout/app.yaml', 'feature')),
    ).toBe(
      'teams/team-checkout/app.yaml on feature of https://github.com/acme/gitops is outside the write scopes of group:default/team-checkout (glu.writeScopes)',
    );
    expect(
      scopes.problem(checkout, at('teams/team-payments/app.yaml')),
    ).toBeDefined();
  });

  it('keeps a scope to the owners it names', () => {
    expect(
      scopes.problem(
        pipeline('group:default/team-platform'),
        at('ingress/public.yaml'),
      ),
    ).toBeUndefined();
    expect(
      scopes.problem(
        pipeline('group:default/team-checkout'),
        at('ingress/public.yaml'),
      ),
    ).toBeDefined();
    // Owner refs compare as entity refs: kind and namespace by default.
    expect(
      scopes.problem(
        pipeline('group:default/TEAM-PLATFORM'),
        at('ingress/public.yaml'),
      ),
    ).toBeUndefined();
    for (const other of [
      'user:default/team-platform',
      'group:evil/team-platform',
    ]) {
      expect(
        scopes.problem(pipeline(other), at('ingress/public.yaml')),
      ).toBeDefined();
    }
  });

  it('matches repositories by pattern, not by how their URL is written', () => {
    expect(normalizeRepositoryUrl('git@github.com:acme/gitops.git')).toBe(
      normalizeRepositoryUrl('https://GitHub.com/acme/gitops/'),
    );
    expect(
      scopes.problem(
        pipeline('group:default/team-checkout'),
        at(
          'teams/team-checkout/x.yaml',
          'main',
          'git@github.com:acme/gitops.git',
        ),
      ),
    ).toBeUndefined();
    // A team's own repository, by its name.
    const teamRepository = at(
      'deploy.yaml',
      'main',
      'https://github.com/acme/team-checkout-config',
    );
    expect(
      scopes.problem(pipeline('group:default/team-checkout'), teamRepository),
    ).toBeUndefined();
    expect(
      scopes.problem(pipeline('group:default/team-payments'), teamRepository),
    ).toBeDefined();
  });

  it('writes nowhere when no scope is configured, and says so', () => {
    const none = GluWriteScopes.fromConfig(new ConfigReader({}));
    expect(none.configured).toBe(false);
    expect(
      none.problem(
        pipeline('group:default/team-checkout'),
        at('teams/team-checkout/x.yaml'),
      ),
    ).toBe(
      'teams/team-checkout/x.yaml on main of https://github.com/acme/gitops is outside every write scope: none is configured (glu.writeScopes), so Glu writes nowhere',
    );
  });

  it('keeps {owner} to groups of the default namespace: a group of another namespace or a user of the same name is not the team whose folder it is', () => {
    const folder = at('teams/team-platform/app.yaml');
    expect(
      scopes.problem(pipeline('group:default/team-platform'), folder),
    ).toBeUndefined();
    expect(scopes.problem(pipeline('group:evil/team-platform'), folder)).toBe(
      'teams/team-platform/app.yaml on main of https://github.com/acme/gitops is outside the write scopes of group:evil/team-platform (glu.writeScopes): teams/{owner}/** covers groups of the default namespace only, and group:evil/team-platform is not one (name {owner.namespace} in it to cover such owners)',
    );
    expect(scopes.problem(pipeline('user:default/team-platform'), folder)).toBe(
      'teams/team-platform/app.yaml on main of https://github.com/acme/gitops is outside the write scopes of user:default/team-platform (glu.writeScopes): teams/{owner}/** covers groups of the default namespace only, and user:default/team-platform is not one (name {owner.kind} in it to cover such owners)',
    );
    // A scope that names its owners covers exactly them, whatever their kind.
    const named = GluWriteScopes.of([
      { repository: '*', paths: ['teams/{owner}/**'], owners: ['user:ana'] },
    ]);
    expect(
      named.problem(pipeline('user:default/ana'), at('teams/ana/a.yaml')),
    ).toBeUndefined();
    expect(
      scopes.problem(
        pipeline('user:evil/team-platform'),
        at(
          'deploy.yaml',
          'main',
          'https://github.com/acme/team-platform-config',
        ),
      ),
    ).toContain(
      'https://github.com/acme/{owner}-config with ** covers groups of the default namespace only, and user:evil/team-platform is not one (name {owner.kind} and {owner.namespace} in it to cover such owners)',
    );
  });

  it('gives every owner its own place when the patterns name its kind and namespace, in the repository and the path together', () => {
    const everyone = GluWriteScopes.of([
      {
        repository: 'https://github.com/acme/{owner.namespace}-gitops',
        paths: ['{owner.kind}s/{owner}/**'],
      },
    ]);
    const at2 = (repository: string, path: string) =>
      at(path, 'main', `https://github.com/acme/${repository}`);
    expect(
      everyone.problem(
        pipeline('group:evil/team-platform'),
        at2('evil-gitops', 'groups/team-platform/app.yaml'),
      ),
    ).toBeUndefined();
    expect(
      everyone.problem(
        pipeline('user:default/team-platform'),
        at2('default-gitops', 'users/team-platform/app.yaml'),
      ),
    ).toBeUndefined();
    // Neither reaches the place of the group of default.
    for (const owner of [
      'group:evil/team-platform',
      'user:default/team-platform',
    ]) {
      expect(
        everyone.problem(
          pipeline(owner),
          at2('default-gitops', 'groups/team-platform/app.yaml'),
        ),
      ).toBe(
        `groups/team-platform/app.yaml on main of https://github.com/acme/default-gitops is outside the write scopes of ${owner} (glu.writeScopes)`,
      );
    }
  });

  it('keeps {pipeline} to pipelines of the default namespace unless the pattern names {namespace}', () => {
    const apps = GluWriteScopes.of([
      { repository: '*', paths: ['apps/{pipeline}/**'] },
      { repository: '*', paths: ['ns/{namespace}/{pipeline}/**'] },
    ]);
    const team = 'group:default/team-checkout';
    expect(
      apps.problem(pipeline(team), at('apps/checkout/app.yaml')),
    ).toBeUndefined();
    expect(
      apps.problem(pipeline(team, 'payments'), at('apps/checkout/app.yaml')),
    ).toBe(
      'apps/checkout/app.yaml on main of https://github.com/acme/gitops is outside the write scopes of group:default/team-checkout (glu.writeScopes): apps/{pipeline}/** covers pipelines of the default namespace only, and pipeline:payments/checkout is not one (name {namespace} in it to cover such pipelines)',
    );
    expect(
      apps.problem(
        pipeline(team, 'payments'),
        at('ns/payments/checkout/a.yaml'),
      ),
    ).toBeUndefined();
    expect(
      apps.problem(
        pipeline(team, 'payments'),
        at('ns/default/checkout/a.yaml'),
      ),
    ).toBeDefined();
  });

  it.each([
    [
      'https://github.com/acme/{owner}-*',
      ['**'],
      'glu.writeScopes[0].repository: "{owner}-*" puts a placeholder beside a wildcard, so it would match the names of other owners or pipelines too',
    ],
    [
      '*',
      ['teams/{owner}-{pipeline}/**'],
      'glu.writeScopes[0].paths[0]: "{owner}-{pipeline}" puts a placeholder beside another placeholder',
    ],
    [
      '*',
      ['teams/{team}/**'],
      'glu.writeScopes[0].paths[0]: {team} is not a placeholder; use {owner}, {owner.namespace}, {owner.kind}, {pipeline}, {namespace}',
    ],
  ])(
    'refuses the pattern %p %p, which could match for more than one owner or pipeline',
    (repository, paths, message) => {
      expect(() =>
        GluWriteScopes.fromConfig(
          new ConfigReader({ glu: { writeScopes: [{ repository, paths }] } }),
        ),
      ).toThrow(message);
    },
  );

  it('refuses owners that are not refs of groups or users, naming the setting', () => {
    expect(() =>
      GluWriteScopes.fromConfig(
        new ConfigReader({
          glu: {
            writeScopes: [
              { repository: '*', paths: ['**'], owners: ['component:x'] },
            ],
          },
        }),
      ),
    ).toThrow(
      'glu.writeScopes[0].owners[0]: component:default/x is not a group or a user; only they own pipelines',
    );
  });
});
