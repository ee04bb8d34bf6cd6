import { ConfigReader } from '@backstage/config';
import { gluLimits } from '@glu-dev/plugin-glu-node';
import { parse } from 'yaml';
import { createHelmValuesFormat } from './helmValues';
import { createKubernetesFormat } from './kubernetes';
import { createKustomizeFormat } from './kustomize';
import { createYamlPathFormat } from './yamlPath';
import { parseYamlFile as parseWithin } from './yamlParse';

const limits = gluLimits(new ConfigReader({}));
const kubernetesFormat = createKubernetesFormat(limits);
const kustomizeFormat = createKustomizeFormat(limits);
const helmValuesFormat = createHelmValuesFormat(limits);
const yamlPathFormat = createYamlPathFormat(limits);
const parseYamlFile = (content: string) => parseWithin(content, limits);

/**
 * What a write changed, line by line: `-` for a line taken out, `+` for a
 * line put in, in order. Every line not listed is in both texts, in the same
 * order (a longest-common-subsequence diff).
 */
function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // kept[i][j]: how many lines a[i..] and b[j..] have in common, in order.
  const kept = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      kept[i][j] =
        a[i] === b[j]
          ? kept[i + 1][j + 1] + 1
          : Math.max(kept[i + 1][j], kept[i][j + 1]);
    }
  }
  const diff: string[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length || kept[i + 1][j] >= kept[i][j + 1])
    ) {
      diff.push(`-${a[i++]}`);
    } else {
      diff.push(`+${b[j++]}`);
    }
  }
  return diff;
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

  it('reads an image digest only in the OCI digest form', async () => {
    const image = (reference: string) =>
      kubernetesFormat.read({
        content: `kind: Pod\nspec:\n  containers:\n    - image: ${reference}\n`,
        config: { type: 'kubernetes' },
      });
    const digest = `sha256:${'ab'.repeat(32)}`;
    await expect(image(`nginx:1@${digest}`)).resolves.toEqual({
      repository: 'nginx',
      tag: '1',
      digest,
    });
    await expect(image('nginx:1@md5:abc')).rejects.toThrow(
      '"nginx:1@md5:abc" has an invalid digest: digest "md5:abc" uses the algorithm md5, which is not a registered one',
    );
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
    expect(lineDiff(deployment, after)).toEqual([
      '-          image: "registry.example.com/acme/checkout:1.4.0" # pinned by Glu',
      '+          image: "registry.example.com/acme/checkout:1.5.0@sha256:0123456789abcdef" # pinned by Glu',
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
    expect(lineDiff(content, after)).toEqual([
      '-spec: { template: { spec: { containers: [{ image: "web:1" }] } } }',
      '+spec: { template: { spec: { containers: [{ image: "web:2" }] } } }',
    ]);
  });

  it('explains what is missing', async () => {
    await expect(
      kubernetesFormat.read({
        content: deployment,
        config: { type: 'kubernetes', container: 'db' },
      }),
    ).rejects.toThrow(
      'the Deployment has no container named "db" (containers sidecar, app)',
    );
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
    expect(lineDiff(file, after)).toEqual([
      '-    value: 1.2   # a number in YAML',
      '+    value: "1.3"   # a number in YAML',
    ]);
    const plain = await yamlPathFormat.write({
      content: file,
      fields: { value: '1.3.0' },
      config,
    });
    expect(lineDiff(file, plain)).toEqual([
      '-    value: 1.2   # a number in YAML',
      '+    value: 1.3.0   # a number in YAML',
    ]);
  });
});

describe('kubernetes format, in a file of several workloads', () => {
  const workloads = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/acme/checkout:1.4.0
---
apiVersion: v1
kind: Service
metadata:
  name: api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/acme/checkout:1.4.0
        - name: migrate
          image: registry.example.com/acme/migrate:1.4.0
`;

  it('finds a container named alone in whichever workload has it', async () => {
    const config = { type: 'kubernetes', container: 'migrate' };
    await expect(
      kubernetesFormat.read({ content: workloads, config }),
    ).resolves.toEqual({
      repository: 'registry.example.com/acme/migrate',
      tag: '1.4.0',
    });
    const after = await kubernetesFormat.write({
      content: workloads,
      fields: { repository: 'registry.example.com/acme/migrate', tag: '1.5.0' },
      config,
    });
    expect(lineDiff(workloads, after)).toEqual([
      '-          image: registry.example.com/acme/migrate:1.4.0',
      '+          image: registry.example.com/acme/migrate:1.5.0',
    ]);
  });

  it('refuses a container name that is in several workloads, naming them', async () => {
    const config = { type: 'kubernetes', container: 'app' };
    const problem =
      'the container "app" is in 2 workloads: Deployment/api, Deployment/worker; set workload to one of them';
    await expect(
      kubernetesFormat.read({ content: workloads, config }),
    ).rejects.toThrow(problem);
    await expect(
      kubernetesFormat.write({
        content: workloads,
        fields: { repository: 'registry.example.com/acme/checkout', tag: '2' },
        config,
      }),
    ).rejects.toThrow(problem);
    await expect(
      kubernetesFormat.read({
        content: workloads,
        config: { ...config, workload: 'worker' },
      }),
    ).resolves.toEqual({
      repository: 'registry.example.com/acme/checkout',
      tag: '1.4.0',
    });
  });

  it('still reads the first container of the first workload by default', async () => {
    const after = await kubernetesFormat.write({
      content: workloads,
      fields: { repository: 'registry.example.com/acme/checkout', tag: '2' },
      config: { type: 'kubernetes' },
    });
    expect(after.split('---')[0]).toContain('checkout:2');
    expect(after.split('---')[2]).toBe(workloads.split('---')[2]);
  });

  it('says which workloads and containers it looked in when none has the container', async () => {
    await expect(
      kubernetesFormat.read({
        content: workloads,
        config: { type: 'kubernetes', container: 'db' },
      }),
    ).rejects.toThrow(
      'no workload in the file has a container named "db" (Deployment/api: containers app; Deployment/worker: containers app, migrate)',
    );
  });
});

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

describe('values that YAML 1.1 tools would misread', () => {
  const file = `settings:
  - name: version
    value: 1.2.0   # read by YAML 1.1 and 1.2 tools
`;
  const config = { type: 'yaml-path', key: 'settings[0].value' };

  it.each([
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    'true',
    'True',
    'NO',
    '~',
    'null',
    '1e3',
    '1E3',
    '0x1F',
    '0o17',
    '017',
    '1_000',
    '.inf',
    '-.Inf',
    '.nan',
    '12:30',
    '2001-12-14',
    '1.3',
    '+12',
    '0b101',
  ])('quotes %s, so that both read it back as a string', async value => {
    const after = await yamlPathFormat.write({
      content: file,
      fields: { value },
      config,
    });
    expect(lineDiff(file, after)).toEqual([
      '-    value: 1.2.0   # read by YAML 1.1 and 1.2 tools',
      `+    value: ${JSON.stringify(value)}   # read by YAML 1.1 and 1.2 tools`,
    ]);
    expect(parse(after).settings[0].value).toBe(value);
    expect(parse(after, { version: '1.1' }).settings[0].value).toBe(value);
  });

  it.each(['1.3.0', 'v1.2', '1.2.3-rc.1', 'sha256:0123abcd'])(
    'leaves %s plain',
    async value => {
      const after = await yamlPathFormat.write({
        content: file,
        fields: { value },
        config,
      });
      expect(after).toContain(`    value: ${value}   #`);
    },
  );

  it('keeps the quote style of the value it replaces', async () => {
    const quoted = `single: '1.0'\ndouble: "1.0"\n`;
    const single = await yamlPathFormat.write({
      content: quoted,
      fields: { value: 'yes' },
      config: { type: 'yaml-path', key: 'single' },
    });
    expect(single).toBe(`single: 'yes'\ndouble: "1.0"\n`);
    const double = await yamlPathFormat.write({
      content: quoted,
      fields: { value: '1.3.0' },
      config: { type: 'yaml-path', key: 'double' },
    });
    expect(double).toBe(`single: '1.0'\ndouble: "1.3.0"\n`);
  });
});

describe('parsed YAML files', () => {
  it('parses a text once while it is kept, and every other text for itself', () => {
    const content = 'image: registry/app:1.0.0 # pinned\n';
    const first = parseYamlFile(content);
    // The same text, as another string: what an edit writes and a read
    // reads back.
    expect(parseYamlFile(`image: registry/app:1.0.0${' # pinned\n'}`)).toBe(
      first,
    );
    const other = parseYamlFile('image: registry/app:1.0.1 # pinned\n');
    expect(other).not.toBe(first);
    expect(other.documents[0].toJS()).toEqual({
      image: 'registry/app:1.0.1',
    });
    // What is not YAML is refused every time, never kept.
    for (let i = 0; i < 2; i++) {
      expect(() => parseYamlFile('image: [unclosed\n')).toThrow(
        /not valid YAML/,
      );
    }
  });

  it('edits a kept file without changing it for its other readers', async () => {
    const content = 'app:\n  image:\n    tag: "1.0.0"\n';
    const before = parseYamlFile(content).documents[0].toJS();
    const written = await yamlPathFormat.write({
      content,
      fields: { value: '2.0.0' },
      config: { key: 'app.image.tag' },
    });
    expect(written).toBe('app:\n  image:\n    tag: "2.0.0"\n');
    expect(parseYamlFile(content).documents[0].toJS()).toEqual(before);
    expect(
      await yamlPathFormat.read({ content, config: { key: 'app.image.tag' } }),
    ).toEqual({ value: '1.0.0' });
  });
});
