import {
  deployment,
  kubernetesFormat,
  lineDiff,
} from '../__testUtils__/formats';

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
