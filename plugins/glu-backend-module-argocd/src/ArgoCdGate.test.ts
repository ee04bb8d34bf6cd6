import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { GluGateContext } from '@glu-dev/plugin-glu-node';
import { FakeArgoCd } from '@internal/glu-argocd-fake';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ArgoCdGate } from './ArgoCdGate';

const run = promisify(execFile);

/**
 * A real Git repository: `older`, then `glu` (the commit Glu pushed), then
 * `later` on top of it; `aside` branches off before Glu's commit.
 */
async function repository() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-argocd-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Dana Developer',
    GIT_AUTHOR_EMAIL: 'dana@example.com',
    GIT_COMMITTER_NAME: 'Dana Developer',
    GIT_COMMITTER_EMAIL: 'dana@example.com',
  };
  const git = async (...args: string[]) =>
    (await run('git', args, { cwd: dir, env })).stdout.trim();
  const commit = async (message: string) => {
    await git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  await git('init', '--quiet', '--initial-branch=main');
  const older = await commit('image: app:1.0.0');
  const glu = await commit('glu: promote app:1.1.0');
  const later = await commit('replicas: 3');
  await git('checkout', '--quiet', '-b', 'aside', older);
  const aside = await commit('an unrelated change');
  /** Whether a revision is Glu's commit or descends from it. */
  const includes = async (revision: string) => {
    try {
      await git('merge-base', '--is-ancestor', glu, revision);
      return true;
    } catch {
      // 1: not a descendant; 128: a revision this repository does not have.
      return false;
    }
  };
  return {
    dir,
    commits: { older, glu, later, aside },
    includes: jest.fn(includes),
  };
}

/** A port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

function argocdConfig(instances: object[], extra: object = {}) {
  return new ConfigReader({
    ...extra,
    argocd: {
      ...((extra as any).argocd ?? {}),
      appLocatorMethods: [{ type: 'config', instances }],
    },
  });
}

describe('ArgoCdGate', () => {
  let main: FakeArgoCd;
  let repo: Awaited<ReturnType<typeof repository>>;
  let gate: ArgoCdGate;
  const fakes: FakeArgoCd[] = [];

  async function startFake(options: Parameters<typeof FakeArgoCd.start>[0]) {
    const fake = await FakeArgoCd.start(options);
    fakes.push(fake);
    return fake;
  }

  function context(
    overrides: Partial<GluGateContext['from']> = {},
    includes: GluGateContext['includes'] | null = repo.includes,
  ): GluGateContext {
    return {
      pipelineRef: 'pipeline:default/checkout',
      from: {
        phase: 'staging',
        digest: 'sha256:aaa',
        version: '1.1.0',
        since: new Date('2026-01-01T00:00:00Z'),
        revision: repo.commits.glu,
        ...overrides,
      },
      to: { phase: 'production' },
      approvals: [],
      now: new Date('2026-01-01T01:00:00Z'),
      ...(includes ? { includes } : {}),
    };
  }

  const short = (sha: string) => sha.slice(0, 7);

  beforeAll(async () => {
    repo = await repository();
  });

  afterAll(async () => {
    await fs.rm(repo.dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    main = await startFake({ url: 'https://argocd-main.test' });
    gate = ArgoCdGate.fromConfig(argocdConfig([main.instance('argocd-main')]));
    repo.includes.mockClear();
  });

  afterEach(async () => {
    const violations = fakes.flatMap(f => f.violations);
    await Promise.all(fakes.splice(0).map(f => f.stop()));
    // Every request and answer matched Argo CD's published description.
    if (violations.length > 0) {
      throw new Error(`Not as Argo CD describes:\n${violations.join('\n')}`);
    }
  });

  const app = { application: 'checkout-staging' };

  describe('passes', () => {
    it('when the application is Synced and Healthy at Glu’s commit', async () => {
      main.setApplication('checkout-staging', { revision: repo.commits.glu });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: true,
        reason: `checkout-staging is Synced and Healthy at ${short(
          repo.commits.glu,
        )}`,
      });
      // Its own commit needs no look at the history.
      expect(repo.includes).not.toHaveBeenCalled();
      expect(main.requests).toEqual([
        {
          method: 'GET',
          operation: 'GET /api/v1/applications/{name}',
          url: 'https://argocd-main.test/api/v1/applications/checkout-staging',
          authorization: `Bearer ${main.token}`,
        },
      ]);
    });

    it('at a later commit only when it holds Glu’s', async () => {
      main.setApplication('checkout-staging', {
        revision: repo.commits.later,
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: true,
        reason: `checkout-staging is Synced and Healthy at ${short(
          repo.commits.later,
        )}, which holds Glu's ${short(repo.commits.glu)}`,
      });
      expect(repo.includes).toHaveBeenCalledWith(repo.commits.later);

      // Without a history to ask, a later commit is not known to hold it.
      expect(await gate.evaluate(app, context({}, null))).toEqual({
        passed: false,
        reason: `checkout-staging is synced at ${short(
          repo.commits.later,
        )}, which does not hold Glu's ${short(repo.commits.glu)} yet`,
      });
    });

    it('for a multi-source application with Glu’s commit among its revisions', async () => {
      main.setApplication('checkout-staging', {
        sources: [
          {
            repoURL: 'https://charts.example.com',
            chart: 'checkout',
            targetRevision: '2.0.1',
            revision: '2.0.1',
          },
          {
            repoURL: 'https://git.example.com/acme/gitops.git',
            path: 'env/staging',
            revision: repo.commits.later,
          },
        ],
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: true,
        reason: `checkout-staging is Synced and Healthy at ${short(
          repo.commits.later,
        )}, which holds Glu's ${short(repo.commits.glu)}`,
      });
    });

    it('for an application in another namespace (apps in any namespace)', async () => {
      main.setApplication('checkout-staging', {
        namespace: 'team-checkout',
        revision: repo.commits.glu,
      });
      const namespaced = { ...app, appNamespace: 'team-checkout' };
      expect(await gate.evaluate(namespaced, context())).toMatchObject({
        passed: true,
        reason: `team-checkout/checkout-staging is Synced and Healthy at ${short(
          repo.commits.glu,
        )}`,
      });
      expect(main.requests[0].url).toBe(
        'https://argocd-main.test/api/v1/applications/checkout-staging?appNamespace=team-checkout',
      );
    });
  });

  describe('fails with what to wait for or fix', () => {
    it('at an earlier or an unrelated commit', async () => {
      for (const revision of [repo.commits.older, repo.commits.aside]) {
        main.setApplication('checkout-staging', { revision });
        expect(await gate.evaluate(app, context())).toEqual({
          passed: false,
          reason: `checkout-staging is synced at ${short(
            revision,
          )}, which does not hold Glu's ${short(repo.commits.glu)} yet`,
        });
      }
    });

    it('while it is Progressing', async () => {
      main.setApplication('checkout-staging', {
        revision: repo.commits.glu,
        health: 'Progressing',
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason: `checkout-staging is Progressing at ${short(repo.commits.glu)}`,
      });
    });

    it('when it is Degraded, with why, as broken', async () => {
      main.setApplication('checkout-staging', {
        revision: repo.commits.glu,
        health: 'Degraded',
        resources: [
          {
            kind: 'Deployment',
            name: 'checkout',
            health: 'Degraded',
            message: 'Deployment "checkout" exceeded its progress deadline',
          },
          { kind: 'Service', name: 'checkout', health: 'Healthy' },
        ],
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        failed: true,
        reason:
          'checkout-staging is Degraded: Deployment/checkout: Deployment "checkout" exceeded its progress deadline',
      });

      // Argo CD before 3 also says it on the application itself.
      main.setApplication('checkout-staging', {
        healthMessage: 'the pods crash',
      });
      expect(await gate.evaluate(app, context())).toMatchObject({
        failed: true,
        reason: 'checkout-staging is Degraded: the pods crash',
      });
    });

    it('when it is OutOfSync, and as broken when its sync to Glu’s commit failed', async () => {
      main.setApplication('checkout-staging', {
        revision: repo.commits.glu,
        sync: 'OutOfSync',
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason: 'checkout-staging is OutOfSync',
      });

      main.setApplication('checkout-staging', {
        operation: {
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          revision: repo.commits.later,
        },
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        failed: true,
        reason:
          'checkout-staging is OutOfSync (last sync Failed: one or more objects failed to apply)',
      });

      // A failed sync to an older commit is not Glu's version failing.
      main.setApplication('checkout-staging', {
        operation: { phase: 'Error', revision: repo.commits.older },
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason: 'checkout-staging is OutOfSync (last sync Error)',
      });

      main.setApplication('checkout-staging', {
        sync: 'Unknown',
        operation: undefined,
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason:
          'Argo CD does not know whether checkout-staging is synced (Unknown)',
      });
    });

    it('while an operation is running', async () => {
      main.setApplication('checkout-staging', {
        revision: repo.commits.glu,
        operation: {
          phase: 'Running',
          message: 'waiting for healthy state of apps/Deployment/checkout',
        },
      });
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason:
          'checkout-staging is syncing (operation Running: waiting for healthy state of apps/Deployment/checkout)',
      });
    });

    it('when the application is not there, or its account may not read it', async () => {
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason: 'no Argo CD application checkout-staging on argocd-main',
      });
      main.setApplication('checkout-staging', { revision: repo.commits.glu });
      main.forbid('checkout-staging');
      expect(await gate.evaluate(app, context())).toEqual({
        passed: false,
        reason:
          'no Argo CD application checkout-staging on argocd-main that its account may read',
      });
    });

    it('when the upstream phase has no commit, without asking Argo CD', async () => {
      main.setApplication('checkout-staging', { revision: repo.commits.glu });
      expect(
        await gate.evaluate(app, context({ revision: undefined })),
      ).toEqual({
        passed: false,
        reason:
          'staging has no commit to look for in checkout-staging: the argocd gate needs an upstream phase in Git',
      });
      expect(main.requests).toEqual([]);
    });
  });

  describe('throws, naming the instance and never its token,', () => {
    it('when Argo CD does not answer (a closed port), at once', async () => {
      const port = await closedPort();
      const down = ArgoCdGate.fromConfig(
        argocdConfig([
          {
            name: 'argocd-down',
            url: `http://127.0.0.1:${port}`,
            token: 'secret-token',
          },
        ]),
      );
      const started = Date.now();
      const error = await down.evaluate(app, context()).catch(e => e);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toBe(
        `Argo CD argocd-down (http://127.0.0.1:${port}) did not answer GET /api/v1/applications/checkout-staging: connect ECONNREFUSED 127.0.0.1:${port}`,
      );
    });

    it('when Argo CD answers nothing before the deadline (glu.timeouts.http)', async () => {
      main.setApplication('checkout-staging', { revision: repo.commits.glu });
      main.hang();
      const impatient = ArgoCdGate.fromConfig(
        argocdConfig([main.instance('argocd-main')], {
          glu: { timeouts: { http: { milliseconds: 300 } } },
        }),
      );
      const started = Date.now();
      const error = await impatient.evaluate(app, context()).catch(e => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error.message).toBe(
        'Argo CD argocd-main (https://argocd-main.test) did not answer GET /api/v1/applications/checkout-staging within 300ms',
      );
      expect(error.message).not.toContain(main.token);
    });

    it('when Argo CD answers more than glu.limits.answerBytes', async () => {
      main.setApplication('checkout-staging', {
        revision: repo.commits.glu,
        healthMessage: 'x'.repeat(200 * 1024),
      });
      const strict = ArgoCdGate.fromConfig(
        argocdConfig([main.instance('argocd-main')], {
          glu: { limits: { answerBytes: 100 * 1024 } },
        }),
      );
      await expect(strict.evaluate(app, context())).rejects.toThrow(
        /^Argo CD argocd-main \(https:\/\/argocd-main\.test\): the answer of argocd-main\.test\/api\/v1\/applications\/checkout-staging is (2\d\d KB|longer than 100 KB), over glu\.limits\.answerBytes \(100 KB\)$/,
      );
    });

    it('when Argo CD answers with a server error', async () => {
      main.fail(503);
      await expect(gate.evaluate(app, context())).rejects.toThrow(
        'Argo CD argocd-main answered GET /api/v1/applications/checkout-staging with 503 (the service is unavailable)',
      );
    });

    it('when Argo CD redirects, without following it with the token', async () => {
      const elsewhere = await startFake({ url: 'https://sso.example.test' });
      main.redirectTo(`${elsewhere.url}/api/v1/applications/checkout-staging`);
      const error = await gate.evaluate(app, context()).catch(e => e);
      expect(error.message).toBe(
        "Argo CD argocd-main answered GET /api/v1/applications/checkout-staging with a redirect (302 to https://sso.example.test/api/v1/applications/checkout-staging); Glu sends its credentials to the instance's url only: set it to the address that Argo CD's API answers at",
      );
      expect(elsewhere.requests).toEqual([]);
    });

    it('when Argo CD refuses the token', async () => {
      const wrong = ArgoCdGate.fromConfig(
        argocdConfig([
          main.instance('argocd-main', { token: 'not-its-token' }),
        ]),
      );
      const error = await wrong.evaluate(app, context()).catch(e => e);
      expect(error.message).toBe(
        "Argo CD argocd-main refused the token (401 invalid session: token signature is invalid): check the instance's credentials in argocd.appLocatorMethods",
      );
      expect(error.message).not.toContain('not-its-token');
    });

    it('when the instance has no credentials', async () => {
      const logger = mockServices.logger.mock();
      const bare = ArgoCdGate.fromConfig(
        argocdConfig([{ name: 'argocd-main', url: main.url }]),
        { logger },
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'The Argo CD instance argocd-main has no credentials',
        ),
      );
      await expect(bare.evaluate(app, context())).rejects.toThrow(
        'The Argo CD instance argocd-main has no credentials: give it a token, or a username and password (argocd.appLocatorMethods), or set argocd.username and argocd.password',
      );
      expect(main.requests).toEqual([]);
    });

    it('when the options are not valid', async () => {
      await expect(gate.evaluate({}, context())).rejects.toThrow(
        "The argocd gate's options are not valid: application must name the Argo CD application",
      );
    });
  });

  describe('credentials', () => {
    it('sends each instance’s token to that instance only', async () => {
      const eu = await startFake({ url: 'https://argocd-eu.test' });
      const both = ArgoCdGate.fromConfig(
        argocdConfig([main.instance('argocd-main'), eu.instance('argocd-eu')]),
      );
      main.setApplication('checkout-staging', { revision: repo.commits.glu });
      eu.setApplication('checkout-staging', {
        revision: repo.commits.glu,
        health: 'Progressing',
      });

      expect(
        await both.evaluate({ ...app, instance: 'argocd-main' }, context()),
      ).toMatchObject({ passed: true });
      expect(
        await both.evaluate({ ...app, instance: 'argocd-eu' }, context()),
      ).toMatchObject({
        passed: false,
        reason: `checkout-staging is Progressing at ${short(repo.commits.glu)}`,
      });

      expect(main.requests.map(r => r.authorization)).toEqual([
        `Bearer ${main.token}`,
      ]);
      expect(eu.requests.map(r => r.authorization)).toEqual([
        `Bearer ${eu.token}`,
      ]);
    });

    it('logs in with a username and password, once, and again when the session ends', async () => {
      const sessions = await startFake({
        url: 'https://argocd-sso.test/argocd',
        users: { glu: 'p4ssw0rd' },
      });
      sessions.setApplication('checkout-staging', {
        revision: repo.commits.glu,
      });
      const loggedIn = ArgoCdGate.fromConfig(
        argocdConfig([
          sessions.instance('argocd-sso', {
            username: 'glu',
            password: 'p4ssw0rd',
          }),
        ]),
      );

      await Promise.all([
        loggedIn.evaluate(app, context()),
        loggedIn.evaluate(app, context()),
      ]);
      expect(await loggedIn.evaluate(app, context())).toMatchObject({
        passed: true,
      });
      expect(sessions.sessionsCreated).toBe(1);
      expect(sessions.requests.map(r => r.operation)).toEqual([
        'POST /api/v1/session',
        'GET /api/v1/applications/{name}',
        'GET /api/v1/applications/{name}',
        'GET /api/v1/applications/{name}',
      ]);
      const sessionToken = sessions.requests[1].authorization;
      expect(sessionToken).toMatch(/^Bearer session-1-glu$/);

      // Checks that find the session ended log in again, once.
      sessions.expireSessions();
      const again = await Promise.all([
        loggedIn.evaluate(app, context()),
        loggedIn.evaluate(app, context()),
      ]);
      expect(again.map(a => a.passed)).toEqual([true, true]);
      expect(sessions.sessionsCreated).toBe(2);
    });

    it('uses argocd.username and argocd.password for instances without their own', async () => {
      const sessions = await startFake({
        url: 'https://argocd-shared.test',
        users: { backstage: 'shared-secret' },
      });
      sessions.setApplication('checkout-staging', {
        revision: repo.commits.glu,
      });
      const shared = ArgoCdGate.fromConfig(
        argocdConfig([{ name: 'argocd-shared', url: sessions.url }], {
          argocd: { username: 'backstage', password: 'shared-secret' },
        }),
      );
      expect(await shared.evaluate(app, context())).toMatchObject({
        passed: true,
      });
      expect(sessions.sessionsCreated).toBe(1);
    });

    it('says when Argo CD refuses the username and password, without the password', async () => {
      const sessions = await startFake({
        url: 'https://argocd-sso.test',
        users: { glu: 'right' },
      });
      const wrong = ArgoCdGate.fromConfig(
        argocdConfig([
          sessions.instance('argocd-sso', {
            username: 'glu',
            password: 'wrong-password',
          }),
        ]),
      );
      const error = await wrong.evaluate(app, context()).catch(e => e);
      expect(error.message).toBe(
        'Argo CD argocd-sso refused the username and password of glu (401 Invalid username or password)',
      );
      // The next check logs in again rather than keeping the failure.
      await wrong.evaluate(app, context()).catch(() => undefined);
      expect(
        sessions.requests.filter(r => r.operation === 'POST /api/v1/session'),
      ).toHaveLength(2);
    });
  });

  describe('validate', () => {
    it('accepts the options of a pipeline', () => {
      expect(gate.validate(app)).toEqual([]);
      expect(
        gate.validate({
          application: 'checkout.staging-1',
          instance: 'argocd-main',
          appNamespace: 'team-checkout',
        }),
      ).toEqual([]);
    });

    it('reports every problem in words', () => {
      expect(gate.validate('checkout-staging')).toEqual([
        'must be an object of options, e.g. { application: checkout-staging }',
      ]);
      expect(gate.validate({ app: 'checkout-staging' })).toEqual([
        '"app" is not application, instance, appNamespace, soak or rollback',
        'application must name the Argo CD application that deploys the upstream phase, e.g. checkout-staging',
      ]);
      expect(
        gate.validate({
          application: 'Checkout_Staging',
          appNamespace: 'Team A',
          instance: 'argocd-nowhere',
        }),
      ).toEqual([
        'application must be an Argo CD application\'s name (lowercase letters, digits, "-" and "."), not "Checkout_Staging"',
        'appNamespace must be a Kubernetes namespace\'s name, not "Team A"',
        'instance "argocd-nowhere" is not a configured Argo CD instance (argocd-main)',
      ]);
    });

    it('needs the instance when several are configured', async () => {
      const eu = await startFake({ url: 'https://argocd-eu.test' });
      const both = ArgoCdGate.fromConfig(
        argocdConfig([main.instance('argocd-main'), eu.instance('argocd-eu')]),
      );
      expect(both.validate(app)).toEqual([
        'instance must name the Argo CD instance, as several are configured (argocd-main, argocd-eu)',
      ]);
      expect(both.validate({ ...app, instance: 'argocd-eu' })).toEqual([]);
    });

    it('says when no instance is configured', () => {
      expect(ArgoCdGate.fromConfig(new ConfigReader({})).validate(app)).toEqual(
        [
          'no Argo CD instance is configured (argocd.appLocatorMethods in app-config)',
        ],
      );
    });
  });

  describe('the instances of the config', () => {
    it('are those of the config locator methods', async () => {
      const other = new ConfigReader({
        argocd: {
          appLocatorMethods: [
            { type: 'other', instances: [main.instance('argocd-other')] },
            { type: 'config', instances: [main.instance('argocd-main')] },
          ],
        },
      });
      expect(
        ArgoCdGate.fromConfig(other).validate({
          ...app,
          instance: 'argocd-other',
        }),
      ).toEqual([
        'instance "argocd-other" is not a configured Argo CD instance (argocd-main)',
      ]);
    });

    it('refuses names given twice and URLs with credentials', () => {
      expect(() =>
        ArgoCdGate.fromConfig(
          argocdConfig([main.instance('a'), main.instance('a')]),
        ),
      ).toThrow('The Argo CD instance a is configured twice');
      expect(() =>
        ArgoCdGate.fromConfig(
          argocdConfig([
            { name: 'a', url: 'https://admin:pw@argocd.test', token: 't' },
          ]),
        ),
      ).toThrow(
        'The url of the Argo CD instance a must not hold credentials: give it a token, or a username and password',
      );
      expect(() =>
        ArgoCdGate.fromConfig(
          argocdConfig([{ name: 'a', url: 'argocd.test', token: 't' }]),
        ),
      ).toThrow(
        'The url of the Argo CD instance a must be an http or https address',
      );
    });
  });
});
