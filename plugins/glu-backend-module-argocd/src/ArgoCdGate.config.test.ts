import { ConfigReader } from '@backstage/config';
import { ArgoCdGate } from './ArgoCdGate';
import {
  app,
  argocdConfig,
  gate,
  main,
  startFake,
  useArgoCdGate,
} from './__testUtils__/argoCdGate';

describe('ArgoCdGate', () => {
  useArgoCdGate();

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
        '"app" is not application, instance, appNamespace, soak, interval or rollback',
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
