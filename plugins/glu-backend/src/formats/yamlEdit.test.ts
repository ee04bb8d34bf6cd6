import {
  helmValuesFormat,
  kustomizeFormat,
  lineDiff,
  yamlPathFormat,
} from '../__testUtils__/formats';

describe('adding and removing keys changes only their own lines', () => {
  /** A production overlay, with its images list at the given indentation. */
  const kustomization = (
    indent: string,
  ) => `# Production overlay of the checkout service.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: checkout
labels: {}
commonAnnotations: {}
resources:
${indent === '' ? '  ' : ''}- ../../base
${indent === '' ? '  ' : ''}- ingress.yaml
images:
${indent}- name: postgres
${indent}  newTag: "16"
${indent}# The service itself, promoted by Glu.
${indent}- name: checkout
${indent}  newName: registry.example.com/acme/checkout
${indent}  newTag: 1.4.0 # promoted by Glu
${indent}# The proxy, pinned by hand.
${indent}- name: envoyproxy/envoy
${indent}  newTag: v1.30.1

patches:
- path: replicas.yaml # fewer replicas at night
---
# A second document in the same file.
apiVersion: v1
kind: ConfigMap
metadata: {name: checkout-extra, annotations: {}}
data:
  LOG_LEVEL: info
`;

  it.each([
    ['at the key', ''],
    ['indented', '  '],
  ])(
    'a kustomization gains and loses a digest line, images list %s',
    async (_, indent) => {
      const before = kustomization(indent);
      const config = { type: 'kustomize', image: 'checkout' };
      const image = {
        repository: 'registry.example.com/acme/checkout',
        tag: '1.5.0',
      };
      const pinned = await kustomizeFormat.write({
        content: before,
        fields: { ...image, digest: 'sha256:0123abcd' },
        config,
      });
      expect(lineDiff(before, pinned)).toEqual([
        `-${indent}  newTag: 1.4.0 # promoted by Glu`,
        `+${indent}  newTag: 1.5.0 # promoted by Glu`,
        `+${indent}  digest: sha256:0123abcd`,
      ]);
      const unpinned = await kustomizeFormat.write({
        content: pinned,
        fields: image,
        config,
      });
      expect(lineDiff(pinned, unpinned)).toEqual([
        `-${indent}  digest: sha256:0123abcd`,
      ]);
    },
  );

  it('a kustomization entry gains newName and digest after its last line, before the comment that follows', async () => {
    const before = kustomization('');
    const after = await kustomizeFormat.write({
      content: before,
      fields: {
        repository: 'envoyproxy/envoy',
        tag: 'v1.31.0',
        digest: 'sha256:0123abcd',
      },
      config: { type: 'kustomize', image: 'postgres' },
    });
    expect(lineDiff(before, after)).toEqual([
      '-  newTag: "16"',
      '+  newTag: "v1.31.0"',
      '+  newName: envoyproxy/envoy',
      '+  digest: sha256:0123abcd',
    ]);
    expect(after).toContain(
      '  digest: sha256:0123abcd\n# The service itself, promoted by Glu.\n',
    );
  });

  const values = `# Default values for checkout.
replicaCount: 2

image:
  repository: registry.example.com/acme/checkout
  pullPolicy: IfNotPresent
  # Overrides the image tag whose default is the chart appVersion.
  tag: "1.4.0"

imagePullSecrets: []
nameOverride: ""

podAnnotations: {}
podLabels: {}

securityContext: {}
  # capabilities:
  #   drop:
  #   - ALL

ingress:
  enabled: false
  hosts:
    - host: chart-example.local
      paths:
        - path: /
          pathType: ImplementationSpecific
  tls: []

resources: {}
  # limits:
  #   cpu: 100m

env:
- name: LOG_LEVEL
  value: info
`;

  it('a Helm values file gains a digest key, then loses its tag for a digest-only version', async () => {
    const config = { type: 'helm-values', digestKey: 'image.digest' };
    const repository = 'registry.example.com/acme/checkout';
    const pinned = await helmValuesFormat.write({
      content: values,
      fields: { repository, tag: '1.5.0', digest: 'sha256:0123abcd' },
      config,
    });
    expect(lineDiff(values, pinned)).toEqual([
      '-  tag: "1.4.0"',
      '+  tag: "1.5.0"',
      '+  digest: sha256:0123abcd',
    ]);
    const digestOnly = await helmValuesFormat.write({
      content: pinned,
      fields: { repository, digest: 'sha256:0123abcd' },
      config,
    });
    expect(lineDiff(pinned, digestOnly)).toEqual(['-  tag: "1.5.0"']);
    await expect(
      helmValuesFormat.read({ content: digestOnly, config }),
    ).resolves.toEqual({ repository, digest: 'sha256:0123abcd' });
  });

  it('an image in a flow map gains and loses keys inside its braces', async () => {
    const before = `image: { repository: acme/checkout, tag: "1.4.0" } # one line\nextra: {}\n`;
    const config = { type: 'helm-values', digestKey: 'image.digest' };
    const pinned = await helmValuesFormat.write({
      content: before,
      fields: {
        repository: 'acme/checkout',
        tag: '1.5.0',
        digest: 'sha256:ab',
      },
      config,
    });
    expect(pinned).toBe(
      `image: { repository: acme/checkout, tag: "1.5.0", digest: sha256:ab } # one line\nextra: {}\n`,
    );
    const digestOnly = await helmValuesFormat.write({
      content: pinned,
      fields: { repository: 'acme/checkout', digest: 'sha256:ab' },
      config,
    });
    expect(digestOnly).toBe(
      `image: { repository: acme/checkout, digest: sha256:ab } # one line\nextra: {}\n`,
    );
    const named = await yamlPathFormat.write({
      content: before,
      fields: { value: '1.5.0' },
      config: { type: 'yaml-path', key: 'extra.version' },
    });
    expect(named).toBe(
      `image: { repository: acme/checkout, tag: "1.4.0" } # one line\nextra: {version: 1.5.0}\n`,
    );
  });

  const app = `app:
  name: checkout
  config:
    level: info # noisy
    features: [a, b]
  # end of app
other: 1
`;

  it('a key is added after a nested block that ends its map', async () => {
    const after = await yamlPathFormat.write({
      content: app,
      fields: { value: '1.5.0' },
      config: { type: 'yaml-path', key: 'app.version' },
    });
    expect(lineDiff(app, after)).toEqual(['+  version: 1.5.0']);
    expect(after).toContain(
      '    features: [a, b]\n  version: 1.5.0\n  # end of app',
    );
  });

  it('missing parent maps are added as nested lines', async () => {
    const after = await yamlPathFormat.write({
      content: app,
      fields: { value: '1.5.0' },
      config: { type: 'yaml-path', key: 'app.release.chart.version' },
    });
    expect(lineDiff(app, after)).toEqual([
      '+  release:',
      '+    chart:',
      '+      version: 1.5.0',
    ]);
  });

  it('refuses, in words, a key under a value that is not a map', async () => {
    await expect(
      yamlPathFormat.write({
        content: 'image: nginx:1.27\n',
        fields: { value: '1.28' },
        config: { type: 'yaml-path', key: 'image.tag' },
      }),
    ).rejects.toThrow(
      'cannot add image.tag: image is a single value, not a map',
    );
  });
});
