import { ArgoCdGate } from './ArgoCdGate';
import {
  app,
  argocdConfig,
  context,
  main,
  repo,
  short,
  startFake,
  useArgoCdGate,
} from './__testUtils__/argoCdGate';

describe('ArgoCdGate', () => {
  useArgoCdGate();

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
});
