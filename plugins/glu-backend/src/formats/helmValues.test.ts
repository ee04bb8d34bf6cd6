import { helmValuesFormat, lineDiff } from '../__testUtils__/formats';

describe('helm-values format', () => {
  const values = `# Values for production
replicaCount: 3
app:
  image:
    repository: registry.example.com/acme/checkout
    tag: '1.4.0'  # single-quoted on purpose
    pullPolicy: IfNotPresent
`;
  const config = {
    type: 'helm-values',
    repositoryKey: 'app.image.repository',
    tagKey: 'app.image.tag',
  };

  it('reads repository and tag at the configured keys', async () => {
    await expect(
      helmValuesFormat.read({ content: values, config }),
    ).resolves.toEqual({
      repository: 'registry.example.com/acme/checkout',
      tag: '1.4.0',
    });
  });

  it('changes only the tag, in its quote style', async () => {
    const after = await helmValuesFormat.write({
      content: values,
      fields: {
        repository: 'registry.example.com/acme/checkout',
        tag: '1.5.0',
      },
      config,
    });
    expect(lineDiff(values, after)).toEqual([
      "-    tag: '1.4.0'  # single-quoted on purpose",
      "+    tag: '1.5.0'  # single-quoted on purpose",
    ]);
  });

  it('holds a digest only when a digest key is configured', () => {
    const fields = { repository: 'r', tag: '1', digest: 'sha256:abc' };
    expect(helmValuesFormat.project!(fields, config)).toEqual({
      fields: { repository: 'r', tag: '1' },
    });
    expect(
      helmValuesFormat.project!(fields, {
        ...config,
        digestKey: 'app.image.digest',
      }),
    ).toEqual({ fields });
  });
});
