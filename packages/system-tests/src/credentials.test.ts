/*
 * The reliability suite, credentials: they go only to the host they are
 * for. A real registry that sends Glu for its token to a realm on another
 * host, a registry that redirects to another host, a Git host that
 * redirects to another host: a second loopback server, on another address,
 * records every request it receives, and none carries a credential. The
 * same server does receive them when the platform names it (a registry's
 * `tokenHosts`), so it would see them if they leaked.
 */
import path from 'node:path';
import { eventually } from './harness/client';
import { OWNER, pipeline } from './harness/entities';
import { TokenRegistry } from './harness/registry';
import { OTHER_HOST, Recorder } from './harness/servers';
import { useSuite } from './harness/suite';

const REGISTRY_USER = 'suite';
const REGISTRY_PASSWORD = `registry-password-${process.pid}-${Date.now()}`;
const REGISTRY_TOKEN = `registry-token-${process.pid}-${Date.now()}`;
const GIT_TOKEN = `git-token-${process.pid}-${Date.now()}`;

const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString('base64');
const REGISTRY_SECRETS = [
  REGISTRY_PASSWORD,
  basic(REGISTRY_USER, REGISTRY_PASSWORD),
  REGISTRY_TOKEN,
];
const GIT_SECRETS = [GIT_TOKEN, basic('oauth2', GIT_TOKEN)];
const FILE = 'env/version.yaml';

/** Answers every request with a redirect to the same path on `target`. */
const redirectTo =
  (target: () => string, status: number) => (req: any, res: any) =>
    res.writeHead(status, { location: `${target()}${req.url}` }).end();

describe('reliability: credentials', () => {
  /** The realm of the registry's tokens, on another host. */
  let realm: Recorder;
  let registry: TokenRegistry;
  /** The same registry under another address, whose config names the realm. */
  let granted: Recorder;
  /** A registry that redirects to another host. */
  let redirecting: Recorder;
  let redirectedTo: Recorder;
  /** A Git host that redirects to another host, which serves the repository. */
  let gitRedirecting: Recorder;
  let gitRedirectedTo: Recorder;

  const suite = useSuite({
    name: 'credentials',
    repositories: {
      steady: { [FILE]: 'version: 1.0.0\n' },
      redirected: { [FILE]: 'version: 1.0.0\n' },
    },
    prepare: async ({ dir, host }) => {
      realm = await Recorder.start({
        address: OTHER_HOST,
        answer: (_req, res) => res.writeHead(401).end(),
      });
      registry = await TokenRegistry.start(
        path.join(dir, 'registry'),
        `${realm.origin}/token`,
      );
      granted = await Recorder.start({ forward: registry.origin });
      redirectedTo = await Recorder.start({ address: OTHER_HOST });
      redirecting = await Recorder.start({
        answer: redirectTo(() => redirectedTo.origin, 307),
      });
      gitRedirectedTo = await Recorder.start({
        address: OTHER_HOST,
        forward: `http://127.0.0.1:${host.port}`,
      });
      gitRedirecting = await Recorder.start({
        answer: redirectTo(() => gitRedirectedTo.origin, 302),
      });
    },
    entities: ({ host }) => {
      const oci = (registryHost: string, name: string) => ({
        type: 'oci',
        repository: `${registryHost}/suite/${name}`,
        tag: 'latest',
      });
      return [
        pipeline('realm-elsewhere', host.url('steady'), FILE, {
          upstream: oci(registry.host, 'elsewhere'),
        }),
        pipeline('realm-granted', host.url('steady'), FILE, {
          upstream: oci(granted.host, 'granted'),
        }),
        pipeline('registry-redirect', host.url('steady'), FILE, {
          upstream: oci(redirecting.host, 'redirected'),
        }),
        pipeline(
          'git-redirect',
          `${gitRedirecting.origin}/redirected.git`,
          FILE,
        ),
      ];
    },
    config: () => ({
      integrations: {
        gitlab: [
          {
            host: gitRedirecting.host,
            apiBaseUrl: `${gitRedirecting.origin}/api/v4`,
            baseUrl: gitRedirecting.origin,
            token: GIT_TOKEN,
          },
        ],
      },
      glu: {
        registries: [
          {
            host: registry.host,
            insecure: true,
            username: REGISTRY_USER,
            password: REGISTRY_PASSWORD,
          },
          {
            host: granted.host,
            insecure: true,
            username: REGISTRY_USER,
            password: REGISTRY_PASSWORD,
            tokenHosts: [realm.host],
          },
          { host: redirecting.host, insecure: true, token: REGISTRY_TOKEN },
        ],
        writeScopes: [
          {
            repository: '*',
            branches: ['main'],
            paths: ['env/**'],
            owners: [OWNER],
          },
        ],
      },
    }),
  });

  afterAll(async () => {
    for (const server of [
      realm,
      granted,
      redirecting,
      redirectedTo,
      gitRedirecting,
      gitRedirectedTo,
    ]) {
      await server?.close();
    }
    await registry?.stop();
  });

  /** The token requests the realm received for one repository. */
  const tokenRequests = (name: string) =>
    realm.requests.filter(r =>
      decodeURIComponent(r.url).includes(`repository:suite/${name}:pull`),
    );

  it("a registry's token realm on another host never receives the registry's credentials", async () => {
    await eventually('the registry to send Glu to its realm', async () =>
      tokenRequests('elsewhere').length > 0 ? true : undefined,
    );
    const build = await eventually(
      'the phase to fail its refresh',
      async () => {
        const phase = await suite.phase(
          suite.replicas[0],
          'realm-elsewhere',
          'build',
        );
        return phase?.refreshError ? phase : undefined;
      },
    );
    // Nothing the realm received carried them, but for the registry whose
    // config names it (below).
    expect(
      realm
        .carrying(REGISTRY_SECRETS)
        .filter(r => !tokenRequests('granted').includes(r)),
    ).toEqual([]);
    // The platform may name the realm for a registry: then, and only then,
    // it receives them (which shows they would be seen above).
    await eventually(
      'the granted registry to send Glu to its realm',
      async () => (tokenRequests('granted').length > 0 ? true : undefined),
    );
    expect(
      tokenRequests('granted').map(r => r.headers.authorization),
    ).toContain(`Basic ${basic(REGISTRY_USER, REGISTRY_PASSWORD)}`);
    suite.figure(
      'foreign token realm',
      `${
        tokenRequests('elsewhere').length
      } token requests to a realm on another host, none with the credentials (refresh error: "${build.refreshError.slice(
        0,
        60,
      )}"); the realm named in tokenHosts got them`,
    );
  });

  it('a registry that redirects to another host: its token does not follow', async () => {
    await eventually('the redirect to be followed', async () =>
      redirectedTo.requests.length > 0 ? true : undefined,
    );
    const build = await eventually(
      'the phase to fail its refresh',
      async () => {
        const phase = await suite.phase(
          suite.replicas[0],
          'registry-redirect',
          'build',
        );
        return phase?.refreshError ? phase : undefined;
      },
    );
    // The registry itself was sent its token; the other host never.
    expect(redirecting.carrying([REGISTRY_TOKEN]).length).toBeGreaterThan(0);
    expect(redirectedTo.carrying(REGISTRY_SECRETS)).toEqual([]);
    suite.figure(
      'registry redirect',
      `${
        redirectedTo.requests.length
      } requests followed to another host, none with the token (refresh error: "${build.refreshError.slice(
        0,
        60,
      )}")`,
    );
  });

  it('a Git host that redirects to another host: the Git credentials do not follow', async () => {
    const staging = await eventually(
      'the Git phase to be refreshed',
      async () => {
        const phase = await suite.phase(suite.replicas[0], 'git-redirect');
        return phase?.state || phase?.refreshError ? phase : undefined;
      },
    );
    // The Git host itself was sent its credentials; the other host never.
    expect(gitRedirecting.carrying(GIT_SECRETS).length).toBeGreaterThan(0);
    expect(
      gitRedirectedTo.carrying(GIT_SECRETS).map(r => `${r.method} ${r.url}`),
    ).toEqual([]);
    suite.figure(
      'Git redirect',
      `${
        gitRedirectedTo.requests.length
      } requests reached the other host, none with the credentials; the phase ${
        staging.state
          ? `read ${staging.state.version}`
          : `failed: "${staging.refreshError.slice(0, 60)}"`
      }`,
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
