import { ConfigReader } from '@backstage/config';
import { GluWriteScopes, normalizeRepositoryUrl } from './writeScopes';

const pipeline = (owner: string) => ({
  ref: 'pipeline:default/checkout',
  name: 'checkout',
  namespace: 'default',
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
          // Each team's own repositories, by name.
          {
            repository: 'https://github.com/acme/{owner}-*',
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
    // A team's own repositories, by their names.
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
});
