import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { GluGate, gluGatesExtensionPoint } from '@glu-dev/plugin-glu-node';
import { FakeArgoCd } from '@internal/glu-argocd-fake';
import { gluModuleArgocd } from './module';

describe('gluModuleArgocd', () => {
  let argocd: FakeArgoCd;

  beforeEach(async () => {
    argocd = await FakeArgoCd.start({ url: 'https://argocd.example.test' });
  });

  afterEach(async () => {
    const violations = [...argocd.violations];
    await argocd.stop();
    if (violations.length > 0) {
      throw new Error(`Not as Argo CD describes:\n${violations.join('\n')}`);
    }
  });

  it('registers the argocd gate, observing, on the instances of the config', async () => {
    const gates: GluGate[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          gluGatesExtensionPoint,
          { addGate: (...added) => gates.push(...added) },
        ],
      ],
      features: [
        gluModuleArgocd,
        mockServices.rootConfig.factory({
          data: {
            argocd: {
              appLocatorMethods: [
                {
                  type: 'config',
                  instances: [argocd.instance('argocd-main')],
                },
              ],
            },
          },
        }),
      ],
    });

    expect(gates.map(g => [g.type, g.observes])).toEqual([['argocd', true]]);
    const [gate] = gates;
    argocd.setApplication('checkout-staging', { revision: 'a'.repeat(40) });
    expect(gate.validate!({ application: 'checkout-staging' })).toEqual([]);
    expect(
      await gate.evaluate(
        { application: 'checkout-staging' },
        {
          pipelineRef: 'pipeline:default/checkout',
          from: {
            phase: 'staging',
            digest: 'sha256:aaa',
            version: '1.1.0',
            since: new Date(),
            revision: 'a'.repeat(40),
          },
          to: { phase: 'production' },
          approvals: [],
          now: new Date(),
        },
      ),
    ).toEqual({
      passed: true,
      reason: 'checkout-staging is Synced and Healthy at aaaaaaa',
    });
  });
});
