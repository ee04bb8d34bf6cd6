import { kustomizeFormat, lineDiff } from '../__testUtils__/formats';

describe('kustomize format', () => {
  const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: postgres
    newTag: "16"
  - name: checkout # the service
    newName: registry.example.com/acme/checkout
    newTag: 1.4.0
`;

  it('reads the named images entry', async () => {
    await expect(
      kustomizeFormat.read({
        content: kustomization,
        config: { type: 'kustomize', image: 'checkout' },
      }),
    ).resolves.toEqual({
      repository: 'registry.example.com/acme/checkout',
      tag: '1.4.0',
    });
  });

  it('changes only the tag', async () => {
    const after = await kustomizeFormat.write({
      content: kustomization,
      fields: {
        repository: 'registry.example.com/acme/checkout',
        tag: '1.5.0',
      },
      config: { type: 'kustomize', image: 'checkout' },
    });
    expect(lineDiff(kustomization, after)).toEqual([
      '-    newTag: 1.4.0',
      '+    newTag: 1.5.0',
    ]);
  });

  it('adds a digest when the version has one, and keeps the comments', async () => {
    const after = await kustomizeFormat.write({
      content: kustomization,
      fields: {
        repository: 'registry.example.com/acme/checkout',
        tag: '1.5.0',
        digest: 'sha256:abc',
      },
      config: { type: 'kustomize', image: 'checkout' },
    });
    expect(lineDiff(kustomization, after)).toEqual([
      '-    newTag: 1.4.0',
      '+    newTag: 1.5.0',
      '+    digest: sha256:abc',
    ]);
    await expect(
      kustomizeFormat.read({
        content: after,
        config: { type: 'kustomize', image: 'checkout' },
      }),
    ).resolves.toEqual({
      repository: 'registry.example.com/acme/checkout',
      tag: '1.5.0',
      digest: 'sha256:abc',
    });
  });
});
