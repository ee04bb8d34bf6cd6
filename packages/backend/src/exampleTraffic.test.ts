/*
 * The example's stand-in traffic: counters for what each phase holds, as
 * Glu's API says, growing by the same amount at each scrape, with more
 * errors for a version made to break.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import exampleTraffic, { ExampleTraffic, isBad } from './exampleTraffic';

const staging = { service: 'search', phase: 'staging', version: '1.3.0' };
const production = { service: 'search', phase: 'production', version: '1.2.0' };

describe('ExampleTraffic', () => {
  it('adds 100 requests a scrape for each holding, errors at 0.5%', () => {
    const traffic = new ExampleTraffic();
    traffic.scrape([staging, production]);
    const text = traffic.scrape([staging, production]);
    expect(text).toContain(
      'glu_example_requests_total{service="search",phase="staging",version="1.3.0"} 200\n',
    );
    expect(text).toContain(
      'glu_example_errors_total{service="search",phase="staging",version="1.3.0"} 1\n',
    );
    expect(text).toContain('# TYPE glu_example_errors_total counter\n');
  });

  it('fails 8% of the requests of a version whose prerelease names bad', () => {
    const traffic = new ExampleTraffic();
    const bad = { ...staging, version: '1.3.0-bad' };
    traffic.scrape([bad]);
    expect(traffic.scrape([bad])).toContain(
      'glu_example_errors_total{service="search",phase="staging",version="1.3.0-bad"} 16\n',
    );
    expect(isBad('1.3.0-bad')).toBe(true);
    expect(isBad('2.0.0-rc.bad.1')).toBe(true);
    expect(isBad('1.3.0')).toBe(false);
    expect(isBad('1.3.0-badge')).toBe(false);
    expect(isBad('1.3.0+bad')).toBe(false);
  });

  it('forgets a version that no phase holds any more, and escapes labels', () => {
    const traffic = new ExampleTraffic();
    traffic.scrape([staging]);
    const text = traffic.scrape([{ ...staging, version: '1.4.0 "x"\\' }]);
    expect(text).not.toContain('version="1.3.0"');
    expect(text).toContain(
      'glu_example_requests_total{service="search",phase="staging",version="1.4.0 \\"x\\"\\\\"} 100\n',
    );
  });
});

describe('the example-traffic plugin', () => {
  it('serves the counters of what Glu says the phases hold, without credentials', async () => {
    const seen: (string | undefined)[] = [];
    // Glu's API, as far as the plugin reads it.
    const glu = createBackendPlugin({
      pluginId: 'glu',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter },
          async init({ httpRouter }) {
            httpRouter.use((req, res, next) => {
              if (req.path !== '/pipelines') {
                next();
                return;
              }
              seen.push(req.headers.authorization);
              res.json({
                items: [
                  {
                    name: 'search',
                    phases: [
                      { name: 'build' },
                      { name: 'staging', version: '1.3.0-bad' },
                    ],
                  },
                ],
              });
            });
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [glu, exampleTraffic],
    });
    const { server } = backend;
    try {
      await request(server).get('/api/example-traffic/metrics').expect(200);
      const res = await request(server)
        .get('/api/example-traffic/metrics')
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain(
        'glu_example_requests_total{service="search",phase="staging",version="1.3.0-bad"} 200\n',
      );
      expect(res.text).toContain(
        'glu_example_errors_total{service="search",phase="staging",version="1.3.0-bad"} 16\n',
      );
      expect(res.text).not.toContain('phase="build"');
      // The plugin asks Glu as itself, a service.
      expect(seen[0]).toMatch(/^Bearer /);
    } finally {
      await backend.stop();
    }
  });
});
