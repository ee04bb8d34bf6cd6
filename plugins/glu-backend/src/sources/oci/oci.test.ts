import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { eventually, startGlu } from '../../__testUtils__/backend';
import {
  createGitFixture,
  deploymentManifest,
  GitFixture,
} from '../../__testUtils__/git';
import { startTestRegistry, TestRegistry } from '../../__testUtils__/registry';
import { OciRegistryClient, parseRepository } from './OciRegistryClient';
import { createOciSource, selectTag } from './ociSource';

jest.setTimeout(120_000);

describe('parseRepository', () => {
  it.each([
    ['ghcr.io/acme/checkout', 'ghcr.io', 'acme/checkout'],
    ['127.0.0.1:5000/checkout', '127.0.0.1:5000', 'checkout'],
    ['nginx', 'registry-1.docker.io', 'library/nginx'],
    ['docker.io/nginx', 'registry-1.docker.io', 'library/nginx'],
    ['bitnami/redis', 'registry-1.docker.io', 'bitnami/redis'],
    [
      'oci://registry.example.com/charts/app',
      'registry.example.com',
      'charts/app',
    ],
  ])('reads %p', (repository, registry, name) => {
    expect(parseRepository(repository)).toEqual({ registry, name });
  });

  it.each([
    ['ghcr.io/Acme/checkout', '"Acme" is not a path component'],
    ['bad_host.io/acme', '"bad_host.io" is not a registry host[:port]'],
  ])('refuses %p, saying why', (repository, why) => {
    expect(() => parseRepository(repository)).toThrow(why);
  });
});

describe('selectTag', () => {
  const tags = [
    '1.0.0',
    'v1.2.0',
    '1.10.0',
    '2.0.0-rc.1',
    'latest',
    'main-0002',
    'main-0010',
  ];

  it('picks the highest tag in a semver range, leaving prereleases out unless asked', () => {
    expect(selectTag({ repository: 'r', semver: '^1.0.0' }, tags)).toBe(
      '1.10.0',
    );
    expect(
      selectTag(
        { repository: 'r', semver: '>=2.0.0-0', prerelease: true },
        tags,
      ),
    ).toBe('2.0.0-rc.1');
    expect(selectTag({ repository: 'r', semver: '^3' }, tags)).toBeUndefined();
  });

  it('picks the highest tag that matches a pattern, or the fixed tag', () => {
    expect(selectTag({ repository: 'r', pattern: '^main-' }, tags)).toBe(
      'main-0010',
    );
    expect(selectTag({ repository: 'r' }, undefined)).toBe('latest');
    expect(selectTag({ repository: 'r', tag: 'stable' }, undefined)).toBe(
      'stable',
    );
  });
});

describe('the oci source against a real registry', () => {
  let registry: TestRegistry;

  beforeEach(async () => {
    registry = await startTestRegistry();
  });

  afterEach(async () => {
    await registry.stop();
  });

  function source() {
    return createOciSource(
      new OciRegistryClient({
        registries: [{ host: registry.host, insecure: true }],
      }),
    );
  }

  const phase = (config: Record<string, unknown>) => ({
    pipelineRef: 'pipeline:default/checkout',
    phase: 'build',
    config: {
      type: 'oci',
      repository: `${registry.host}/acme/checkout`,
      ...config,
    },
  });

  it('reports the digest of the highest tag in the range, and moves with new tags', async () => {
    await registry.push('acme/checkout', '1.0.0');
    const v110 = await registry.push('acme/checkout', '1.1.0');
    await registry.push('acme/checkout', '2.0.0');
    const oci = source();

    const [first] = await oci.observe!([phase({ semver: '^1.0.0' })]);
    expect(first).toEqual({
      fields: {
        repository: `${registry.host}/acme/checkout`,
        tag: '1.1.0',
        digest: v110,
      },
    });

    const v120 = await registry.push('acme/checkout', '1.2.0');
    const [second] = await oci.observe!([phase({ semver: '^1.0.0' })]);
    expect(second).toMatchObject({ fields: { tag: '1.2.0', digest: v120 } });
  });

  it('reports a multi-arch image by the digest of its index', async () => {
    const index = await registry.push('acme/checkout', 'latest', {
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    const manifest = await fetch(
      `http://${registry.host}/v2/acme/checkout/manifests/latest`,
      { headers: { accept: 'application/vnd.oci.image.index.v1+json' } },
    );
    expect((await manifest.json()).mediaType).toBe(
      'application/vnd.oci.image.index.v1+json',
    );
    const [observation] = await source().observe!([phase({ tag: 'latest' })]);
    expect(observation).toMatchObject({
      fields: { tag: 'latest', digest: index },
    });
  });

  it('follows a fixed tag as its digest changes', async () => {
    const first = await registry.push('acme/checkout', 'latest', {
      content: 'one',
    });
    const oci = source();
    expect((await oci.observe!([phase({})]))[0]).toMatchObject({
      fields: { digest: first },
    });
    const second = await registry.push('acme/checkout', 'latest', {
      content: 'two',
    });
    expect(second).not.toBe(first);
    expect((await oci.observe!([phase({})]))[0]).toMatchObject({
      fields: { digest: second },
    });
  });

  it('pages through long tag lists', async () => {
    for (let i = 0; i < 5; i++) {
      await registry.push('acme/checkout', `1.0.${i}`);
    }
    const client = new OciRegistryClient({
      registries: [{ host: registry.host, insecure: true }],
    });
    // Ask for pages of two, as a registry with a small page size answers.
    const pagedFetch: typeof fetch = (input, init) =>
      fetch(String(input).replace('n=1000', 'n=2'), init);
    const paged = new OciRegistryClient({
      registries: [{ host: registry.host, insecure: true }],
      fetch: pagedFetch,
    });
    const ref = parseRepository(`${registry.host}/acme/checkout`);
    expect((await paged.listTags(ref)).sort()).toEqual(
      (await client.listTags(ref)).sort(),
    );
    expect(await paged.listTags(ref)).toHaveLength(5);
  });

  it('says what to set when a plain-HTTP registry is spoken to over HTTPS', async () => {
    await registry.push('acme/checkout', '1.0.0');
    const strict = createOciSource(new OciRegistryClient({ registries: [] }));
    const [observation] = await strict.observe!([phase({ tag: '1.0.0' })]);
    expect(observation).toBeInstanceOf(Error);
    const message = (observation as Error).message;
    expect(message).toContain(`${registry.host} does not answer over HTTPS (`);
    expect(message).toContain(
      'if it speaks plain HTTP, set insecure: true for it under glu.registries',
    );
  });

  it('says why when the registry is down, as a registry that could not be reached', async () => {
    await registry.push('acme/checkout', '1.0.0');
    await registry.pause();
    const [observation] = await source().observe!([phase({ semver: '^1' })]);
    expect(observation).toBeInstanceOf(Error);
    expect((observation as Error).name).toBe('ServiceUnavailableError');
    expect((observation as Error).message).toContain(
      `${registry.host} cannot be reached`,
    );
    await registry.resume();
  });

  it('tells a tag that is not there from a registry that could not be reached', async () => {
    await registry.push('acme/checkout', '1.0.0');
    const [observation] = await source().observe!([phase({ tag: '9.9.9' })]);
    expect(observation).toMatchObject({
      name: 'RegistryError',
      message: `${registry.host}/acme/checkout has no tag 9.9.9`,
    });
  });
});

describe('registry credentials', () => {
  /** A registry that sends clients to a token service on another host (port). */
  async function tokenRegistry() {
    const sentToRealm: (string | undefined)[] = [];
    const realm = http.createServer((req, res) => {
      sentToRealm.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: 'registry-token' }));
    });
    await new Promise<void>(resolve => realm.listen(0, '127.0.0.1', resolve));
    const realmHost = `127.0.0.1:${(realm.address() as AddressInfo).port}`;
    const registry = http.createServer((req, res) => {
      if (req.headers.authorization === 'Bearer registry-token') {
        res.setHeader('docker-content-digest', `sha256:${'c'.repeat(64)}`);
        res.end();
        return;
      }
      res.statusCode = 401;
      res.setHeader(
        'www-authenticate',
        `Bearer realm="http://${realmHost}/token",service="registry"`,
      );
      res.end();
    });
    await new Promise<void>(resolve =>
      registry.listen(0, '127.0.0.1', resolve),
    );
    const host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
    return {
      host,
      realmHost,
      sentToRealm,
      close: async () => {
        realm.close();
        registry.close();
      },
    };
  }

  it('go to a token service on another host only when it is configured for the registry', async () => {
    const fake = await tokenRegistry();
    try {
      const credentials = { username: 'ci', password: 'registry-secret' };
      const ref = parseRepository(`${fake.host}/acme/checkout`);
      const unlisted = new OciRegistryClient({
        registries: [{ host: fake.host, insecure: true, ...credentials }],
      });
      await expect(unlisted.resolveTag(ref, 'latest')).resolves.toMatchObject({
        digest: `sha256:${'c'.repeat(64)}`,
      });
      // An anonymous token: the password stayed home.
      expect(fake.sentToRealm).toEqual([undefined]);

      const listed = new OciRegistryClient({
        registries: [
          {
            host: fake.host,
            insecure: true,
            tokenHosts: [fake.realmHost],
            ...credentials,
          },
        ],
      });
      await listed.resolveTag(ref, 'latest');
      expect(fake.sentToRealm[1]).toBe(
        `Basic ${Buffer.from('ci:registry-secret').toString('base64')}`,
      );
    } finally {
      await fake.close();
    }
  });
});

describe('an oci phase in a pipeline', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  let repo: GitFixture;

  beforeEach(async () => {
    registry = await startTestRegistry();
    repo = await createGitFixture({
      'env/staging/deployment.yaml': deploymentManifest('staging', '1.0.0'),
    });
  });

  afterEach(async () => {
    await registry.stop();
    await repo.cleanup();
  });

  function pipeline(): Entity {
    return {
      apiVersion: 'glu.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: {
        owner: 'group:default/team-checkout',
        phases: [
          {
            name: 'build',
            source: {
              type: 'oci',
              repository: `${registry.host}/acme/checkout`,
              semver: '^1.0.0',
            },
          },
          {
            name: 'staging',
            source: {
              type: 'git',
              repository: repo.url,
              path: 'env/staging/deployment.yaml',
              format: 'kubernetes',
            },
            promotion: { from: 'build', auto: true },
          },
        ],
      },
    };
  }

  it('promotes a new image into Git by itself within a poll, and says when the registry is down', async () => {
    await registry.push('acme/checkout', '1.0.0');
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline()],
      config: {
        registries: [{ host: registry.host, insecure: true }],
      },
    });
    const get = () =>
      request(glu.server)
        .get('/api/glu/pipelines/default/checkout')
        .set(
          'authorization',
          mockCredentials.user.header('user:default/alice'),
        );
    try {
      const digest = await registry.push('acme/checkout', '1.1.0');
      // Within one poll interval, staging gets a commit with the new image.
      await eventually(async () => {
        const content = await repo.show('env/staging/deployment.yaml');
        return content.includes(`checkout:1.1.0@${digest}`) ? true : undefined;
      }, 'the automatic promotion');
      const commits = await repo.log();
      expect(commits[0].subject).toBe('glu: promote checkout staging to 1.1.0');
      const view = await eventually(async () => {
        const res = await get();
        return res.body.edges[0].status === 'up-to-date' ? res.body : undefined;
      }, 'staging to be up to date');
      expect(view.phases[1].state).toMatchObject({
        version: '1.1.0',
        digest,
        cause: 'promotion',
        actor: 'glu:auto-promotion',
      });

      // The registry goes down: the phase says so, and keeps what it had.
      await registry.pause();
      const failing = await eventually(async () => {
        const res = await get();
        return res.body.phases[0].refreshError ? res.body : undefined;
      }, 'the refresh error');
      expect(failing.phases[0].refreshError).toContain('cannot be reached');
      expect(failing.phases[0].state.version).toBe('1.1.0');
      // The list of pipelines says which phase fails, and why.
      const list = await request(glu.server)
        .get('/api/glu/pipelines')
        .set(
          'authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(list.body.items[0].phases).toEqual([
        {
          name: 'build',
          version: '1.1.0',
          digest,
          refreshError: failing.phases[0].refreshError,
        },
        { name: 'staging', version: '1.1.0', digest },
      ]);

      // Back up: the error clears, nothing was lost.
      await registry.resume();
      const recovered = await eventually(async () => {
        const res = await get();
        return res.body.phases[0].refreshError ? undefined : res.body;
      }, 'the recovery');
      expect(recovered.phases[0].state.version).toBe('1.1.0');
      const history = await request(glu.server)
        .get('/api/glu/pipelines/default/checkout/phases/build/history')
        .set(
          'authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(history.body.items.map((e: any) => e.version)).toEqual([
        '1.1.0',
        '1.0.0',
      ]);
    } finally {
      await glu.stop();
    }
  });
});

describe('registry answers over glu.limits.answerBytes', () => {
  /**
   * A registry whose tag list never ends and whose token service answers
   * without end (`/token-registry/…` asks for a token first), each written
   * as long as it is read, without a length. `closed(n)` resolves once n
   * endless answers' connections were closed.
   */
  async function endlessRegistry() {
    let closed = 0;
    const waiting: Array<{ n: number; resolve(): void }> = [];
    const endless = (res: http.ServerResponse, start: string) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(start);
      const more = () => {
        while (!res.destroyed && res.write(`"${'1'.repeat(1000)}",`));
      };
      res.on('drain', more);
      res.on('close', () => {
        closed++;
        waiting.filter(w => w.n <= closed).forEach(w => w.resolve());
      });
      more();
    };
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith('/token')) {
        endless(res, '{"token":"');
      } else if (req.url?.startsWith('/v2/token-registry/')) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="registry"`,
        });
        res.end();
      } else {
        endless(res, '{"tags":[');
      }
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return {
      host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      closed: (n: number) =>
        new Promise<void>(resolve => {
          if (closed >= n) resolve();
          else waiting.push({ n, resolve });
        }),
      stop: () =>
        new Promise<void>(resolve => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  it('stops reading a tag list or a token answer that never ends, and closes its connection', async () => {
    const fake = await endlessRegistry();
    try {
      const client = new OciRegistryClient({
        registries: [{ host: fake.host, insecure: true }],
        maxAnswerBytes: 64 * 1024,
      });
      await expect(
        client.listTags(parseRepository(`${fake.host}/acme/checkout`)),
      ).rejects.toThrow(
        `the answer of ${fake.host}/v2/acme/checkout/tags/list is longer than 64 KB, over glu.limits.answerBytes (64 KB)`,
      );
      await expect(
        client.resolveTag(
          parseRepository(`${fake.host}/token-registry/app`),
          'latest',
        ),
      ).rejects.toThrow(
        `the answer of ${fake.host}/token is longer than 64 KB, over glu.limits.answerBytes (64 KB)`,
      );
      // Both connections were closed, not read to their ends.
      await fake.closed(2);
    } finally {
      await fake.stop();
    }
  });
});
