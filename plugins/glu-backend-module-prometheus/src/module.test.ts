import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { GluGate, gluGatesExtensionPoint } from '@glu-dev/plugin-glu-node';
import { gluModulePrometheus } from './module';

describe('gluModulePrometheus', () => {
  it('registers the prometheus and analysis gates, observing, on the servers of the config', async () => {
    const gates: GluGate[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          gluGatesExtensionPoint,
          { addGate: (...added) => gates.push(...added) },
        ],
      ],
      features: [
        gluModulePrometheus,
        mockServices.rootConfig.factory({
          data: {
            glu: {
              gates: {
                prometheus: {
                  servers: [
                    {
                      name: 'main',
                      url: 'https://prometheus.example.com/',
                      addresses: ['http://prometheus.monitoring:9090'],
                      token: 'secret',
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
    });

    expect(gates.map(g => [g.type, g.observes, g.cacheable])).toEqual([
      ['prometheus', true, false],
      ['analysis', true, false],
    ]);
    const [prometheus, analysis] = gates;
    expect(
      prometheus.validate!({ query: 'sum(up)', condition: '>= 1' }),
    ).toEqual([]);
    expect(
      analysis.validate!({
        template: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ClusterAnalysisTemplate',
          metadata: { name: 'up' },
          spec: {
            metrics: [
              {
                name: 'up',
                successCondition: 'result == 1',
                provider: {
                  prometheus: {
                    address: 'http://prometheus.monitoring:9090',
                    query: 'sum(up)',
                  },
                },
              },
            ],
          },
        },
      }),
    ).toEqual([]);
  });

  it('refuses a server whose url holds credentials', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [[gluGatesExtensionPoint, { addGate: () => {} }]],
        features: [
          gluModulePrometheus,
          mockServices.rootConfig.factory({
            data: {
              glu: {
                gates: {
                  prometheus: {
                    servers: [
                      {
                        name: 'main',
                        url: 'https://glu:pw@prometheus.example.com',
                      },
                    ],
                  },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'The url of the Prometheus server main must not hold credentials',
    );
  });
});
