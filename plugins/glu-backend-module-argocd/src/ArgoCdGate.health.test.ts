import {
  app,
  context,
  gate,
  main,
  repo,
  short,
  useArgoCdGate,
} from './__testUtils__/argoCdGate';

describe('ArgoCdGate', () => {
  useArgoCdGate();

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
});
