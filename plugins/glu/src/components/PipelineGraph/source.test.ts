import { describeSource, gitFileUrl, imageUrl } from './source';

describe('gitFileUrl', () => {
  it('links to the file on the branch in the URL scheme of the host', () => {
    expect(
      gitFileUrl('https://github.com/acme/gitops', 'main', 'env/prod/app.yaml'),
    ).toBe('https://github.com/acme/gitops/blob/main/env/prod/app.yaml');
    expect(
      gitFileUrl('https://github.com/acme/gitops.git', 'release/1', 'a b.yaml'),
    ).toBe('https://github.com/acme/gitops/blob/release%2F1/a%20b.yaml');
    expect(
      gitFileUrl('https://gitlab.com/acme/gitops', 'main', 'env/app.yaml'),
    ).toBe('https://gitlab.com/acme/gitops/-/blob/main/env/app.yaml');
    expect(
      gitFileUrl('https://bitbucket.org/acme/gitops', 'main', 'app.yaml'),
    ).toBe('https://bitbucket.org/acme/gitops/src/main/app.yaml');
  });

  it('has no link for repositories without a web page', () => {
    expect(gitFileUrl('file:///srv/git/gitops.git', 'main', 'a.yaml')).toBe(
      undefined,
    );
    expect(gitFileUrl('git@github.com:acme/gitops.git', 'main', 'a.yaml')).toBe(
      undefined,
    );
  });
});

describe('imageUrl', () => {
  it('links Docker Hub images to Docker Hub and others to their registry', () => {
    expect(imageUrl('nginx')).toBe('https://hub.docker.com/_/nginx');
    expect(imageUrl('acme/checkout')).toBe(
      'https://hub.docker.com/r/acme/checkout',
    );
    expect(imageUrl('docker.io/acme/checkout')).toBe(
      'https://hub.docker.com/r/acme/checkout',
    );
    expect(imageUrl('ghcr.io/acme/checkout')).toBe(
      'https://ghcr.io/acme/checkout',
    );
    expect(imageUrl('localhost:5000/acme/checkout')).toBe(undefined);
  });
});

describe('describeSource', () => {
  it('describes git, oci and api sources', () => {
    expect(
      describeSource({
        type: 'git',
        repository: 'https://github.com/acme/gitops',
        path: 'env/production/deployment.yaml',
      }),
    ).toEqual({
      label: 'env/production/deployment.yaml @ main',
      url: 'https://github.com/acme/gitops/blob/main/env/production/deployment.yaml',
      detail:
        'https://github.com/acme/gitops main:env/production/deployment.yaml',
    });
    expect(
      describeSource({
        type: 'oci',
        repository: 'ghcr.io/acme/checkout',
        semver: '^1.2.0',
      }),
    ).toMatchObject({
      label: 'ghcr.io/acme/checkout (semver ^1.2.0)',
      url: 'https://ghcr.io/acme/checkout',
    });
    const api = describeSource({ type: 'api' });
    expect(api.label).toBe('published through the API');
    expect(api.url).toBeUndefined();
  });
});
