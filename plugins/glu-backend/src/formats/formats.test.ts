import { helmValuesFormat } from './helmValues';
import { kubernetesFormat } from './kubernetes';
import { kustomizeFormat } from './kustomize';
import { yamlPathFormat } from './yamlPath';

/** The lines that differ between two texts of the same line count. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, i) => line !== a[i]);
}

const deployment = `# The checkout service in production.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout   # keep this comment
  labels: { app: checkout, tier: "web" }
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: sidecar
          image: envoyproxy/envoy:v1.30.1
        - name: app
          image: "registry.example.com/acme/checkout:1.4.0" # pinned by Glu
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: checkout
`;

describe('kubernetes format', () => {
  const config = { type: 'kubernetes', container: 'app' };

  it('reads the image of the named container', async () => {
    await expect(
      kubernetesFormat.read({ content: deployment, config }),
    ).resolves.toEqual({
      repository: 'registry.example.com/acme/checkout',
      tag: '1.4.0',
    });
  });

  it('reads the first container by default', async () => {
    await expect(
      kubernetesFormat.read({
        content: deployment,
        config: { type: 'kubernetes' },
      }),
    ).resolves.toEqual({ repository: 'envoyproxy/envoy', tag: 'v1.30.1' });
  });

  it('changes only the image value, keeping quotes and comments', async () => {
    const after = await kubernetesFormat.write({
      content: deployment,
      fields: {
        repository: 'registry.example.com/acme/checkout',
        tag: '1.5.0',
        digest: 'sha256:0123456789abcdef',
      },
      config,
    });
    expect(changedLines(deployment, after)).toEqual([
      '          image: "registry.example.com/acme/checkout:1.5.0@sha256:0123456789abcdef" # pinned by Glu',
    ]);
  });

  it.each([
    [
      'StatefulSet',
      'spec:\n  template:\n    spec:\n      containers:\n        - image: a:1\n',
    ],
    [
      'DaemonSet',
      'spec:\n  template:\n    spec:\n      containers:\n        - image: a:1\n',
    ],
    [
      'Job',
      'spec:\n  template:\n    spec:\n      containers:\n        - image: a:1\n',
    ],
    [
      'CronJob',
      'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - image: a:1\n',
    ],
    ['Pod', 'spec:\n  containers:\n    - image: a:1\n'],
  ])('finds the containers of a %s', async (kind, body) => {
    const content = `kind: ${kind}\n${body}`;
    await expect(
      kubernetesFormat.read({ content, config: { type: 'kubernetes' } }),
    ).resolves.toEqual({ repository: 'a', tag: '1' });
    const after = await kubernetesFormat.write({
      content,
      fields: { repository: 'a', tag: '2' },
      config: { type: 'kubernetes' },
    });
    expect(after).toBe(content.replace('a:1', 'a:2'));
  });

  it('picks a workload by name in a multi-document file', async () => {
    const content = `kind: Deployment\nmetadata: { name: api }\nspec: { template: { spec: { containers: [{ image: "api:1" }] } } }\n---\nkind: Deployment\nmetadata: { name: web }\nspec: { template: { spec: { containers: [{ image: "web:1" }] } } }\n`;
    const config2 = { type: 'kubernetes', workload: 'web' };
    await expect(
      kubernetesFormat.read({ content, config: config2 }),
    ).resolves.toEqual({ repository: 'web', tag: '1' });
    const after = await kubernetesFormat.write({
      content,
      fields: { repository: 'web', tag: '2' },
      config: config2,
    });
    expect(changedLines(content, after)).toEqual([
      'spec: { template: { spec: { containers: [{ image: "web:2" }] } } }',
    ]);
  });

  it('explains what is missing', async () => {
    await expect(
      kubernetesFormat.read({
        content: deployment,
        config: { type: 'kubernetes', container: 'db' },
      }),
    ).rejects.toThrow('the Deployment has no container named "db"');
    await expect(
      kubernetesFormat.read({ content: 'kind: Service\n', config: {} }),
    ).rejects.toThrow('no workload');
    await expect(
      kubernetesFormat.read({ content: 'kind: [\n', config: {} }),
    ).rejects.toThrow('the file is not valid YAML');
  });
});

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
    expect(changedLines(kustomization, after)).toEqual(['    newTag: 1.5.0']);
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
    expect(after).toContain('  - name: checkout # the service');
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
    expect(changedLines(values, after)).toEqual([
      "    tag: '1.5.0'  # single-quoted on purpose",
    ]);
  });

  it('holds a digest only when a digest key is configured', () => {
    const fields = { repository: 'r', tag: '1', digest: 'sha256:abc' };
    expect(helmValuesFormat.project!(fields, config)).toEqual({
      repository: 'r',
      tag: '1',
    });
    expect(
      helmValuesFormat.project!(fields, {
        ...config,
        digestKey: 'app.image.digest',
      }),
    ).toEqual(fields);
  });
});

describe('yaml-path format', () => {
  const file = `settings:
  - name: version
    value: 1.2   # a number in YAML
`;

  it('reads and writes any scalar, quoting what YAML would misread', async () => {
    const config = { type: 'yaml-path', key: 'settings[0].value' };
    await expect(
      yamlPathFormat.read({ content: file, config }),
    ).resolves.toEqual({
      value: '1.2',
    });
    const after = await yamlPathFormat.write({
      content: file,
      fields: { value: '1.3' },
      config,
    });
    expect(changedLines(file, after)).toEqual([
      '    value: "1.3"   # a number in YAML',
    ]);
    const plain = await yamlPathFormat.write({
      content: file,
      fields: { value: '1.3.0' },
      config,
    });
    expect(changedLines(file, plain)).toEqual([
      '    value: 1.3.0   # a number in YAML',
    ]);
  });
});
