import {
  deployment,
  helmValuesFormat,
  kubernetesFormat,
  kustomizeFormat,
  yamlPathFormat,
} from '../__testUtils__/formats';

describe('what each format can hold of a version', () => {
  const image = {
    repository: 'registry.example.com/acme/checkout',
    tag: '1.5.0',
    digest: 'sha256:abc',
  };

  it.each([kubernetesFormat, kustomizeFormat])(
    'the $type format holds an image as given, and nothing without a repository',
    async format => {
      expect(format.project!(image, { type: format.type })).toEqual({
        fields: image,
      });
      const problem = `the ${format.type} format holds container images, and this version has no image repository (it has: version)`;
      expect(
        format.project!({ version: '1.5.0' }, { type: format.type }),
      ).toEqual({ problem });
      await expect(
        format.write({
          content: deployment,
          fields: { version: '1.5.0' },
          config: { type: format.type },
        }),
      ).rejects.toThrow(problem);
    },
  );

  describe('a Helm values file', () => {
    const values = `image:\n  repository: registry.example.com/acme/checkout\n  tag: 1.4.0\n`;
    const config = { type: 'helm-values' };
    const digestOnly = {
      repository: 'registry.example.com/acme/checkout',
      digest: 'sha256:abc',
    };

    it('cannot hold a digest-only version without a digest key, and never drops the tag for it', async () => {
      const problem =
        'the values file has no key for a digest; set digestKey (it has: repository, digest)';
      expect(helmValuesFormat.project!(digestOnly, config)).toEqual({
        problem,
      });
      await expect(
        helmValuesFormat.write({ content: values, fields: digestOnly, config }),
      ).rejects.toThrow(problem);
      expect(
        helmValuesFormat.project!(digestOnly, {
          ...config,
          digestKey: 'image.digest',
        }),
      ).toEqual({ fields: digestOnly });
    });

    it('cannot hold a version with neither tag nor digest', async () => {
      const fields = { repository: 'registry.example.com/acme/checkout' };
      const problem =
        'the values file holds an image by tag or digest, and this version has neither (it has: repository)';
      expect(helmValuesFormat.project!(fields, config)).toEqual({ problem });
      await expect(
        helmValuesFormat.write({ content: values, fields, config }),
      ).rejects.toThrow(problem);
    });

    it('keeps its own repository for a digest published alone, when it has a key for it', async () => {
      const digest = { digest: 'sha256:abc' };
      expect(helmValuesFormat.project!(digest, config)).toEqual({
        problem:
          'the values file has no key for a digest; set digestKey (it has: digest)',
      });
      const withKey = { ...config, digestKey: 'image.digest' };
      expect(helmValuesFormat.project!(digest, withKey)).toEqual({
        fields: digest,
      });
      const after = await helmValuesFormat.write({
        content: values,
        fields: digest,
        config: withKey,
      });
      expect(after).toBe(
        'image:\n  repository: registry.example.com/acme/checkout\n  digest: sha256:abc\n',
      );
    });

    it('needs an image repository like the other image formats', () => {
      expect(helmValuesFormat.project!({ tag: '1' }, config)).toEqual({
        problem:
          'the helm-values format holds container images, and this version has no image repository (it has: tag)',
      });
    });
  });

  it('the yaml-path format holds one value: the value, else the version, else the tag', async () => {
    const config = { type: 'yaml-path', key: 'version' };
    expect(
      yamlPathFormat.project!({ value: 'a', version: 'b' }, config),
    ).toEqual({ fields: { value: 'a' } });
    expect(yamlPathFormat.project!({ version: 'b', tag: 'c' }, config)).toEqual(
      {
        fields: { value: 'b' },
      },
    );
    expect(yamlPathFormat.project!({ tag: 'c' }, config)).toEqual({
      fields: { value: 'c' },
    });
    const problem =
      'the yaml-path format holds one value, and this version has no value, version or tag (it has: digest)';
    expect(yamlPathFormat.project!({ digest: 'sha256:abc' }, config)).toEqual({
      problem,
    });
    await expect(
      yamlPathFormat.write({
        content: 'version: 1.0.0\n',
        fields: { digest: 'sha256:abc' },
        config,
      }),
    ).rejects.toThrow(problem);
  });
});
