import { mockServices } from '@backstage/backend-test-utils';
import { ArgoCdGate } from './ArgoCdGate';
import {
  app,
  argocdConfig,
  closedPort,
  context,
  gate,
  main,
  repo,
  startFake,
  useArgoCdGate,
} from './__testUtils__/argoCdGate';

describe('ArgoCdGate', () => {
  useArgoCdGate();

  describe('throws, naming the instance and never its token,', () => {
    it('when Argo CD does not answer (a closed port): refused, not waited for', async () => {
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
      const error = await down.evaluate(app, context()).catch(e => e);
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
      const error = await impatient.evaluate(app, context()).catch(e => e);
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
});
