import { startExporter, TestExporter } from './exporter';
import { startPrometheus, TestPrometheus } from './prometheus';

jest.setTimeout(60_000);

const RATIO =
  'sum(glu_test_errors_total{version="1.2.0"}) / sum(glu_test_requests_total{version="1.2.0"})';

describe('startPrometheus and startExporter', () => {
  let exporter: TestExporter;
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    exporter = await startExporter();
    prometheus = await startPrometheus({ targets: [exporter.host] });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
  });

  it('serves the counters of each version in the text format', async () => {
    exporter.serve('1.2.0', { requests: 1000, errors: 20 });
    exporter.serve('a "quoted" \\ version', { requests: 1, errors: 0 });
    const text = await (await fetch(`http://${exporter.host}/metrics`)).text();
    expect(text).toContain('glu_test_requests_total{version="1.2.0"} 1000');
    expect(text).toContain('glu_test_errors_total{version="1.2.0"} 20');
    expect(text).toContain(
      'glu_test_requests_total{version="a \\"quoted\\" \\\\ version"} 1',
    );
    expect((await fetch(`http://${exporter.host}/other`)).status).toBe(404);
  });

  it('is scraped by Prometheus, which answers a ratio query', async () => {
    exporter.serve('1.2.0', { requests: 1000, errors: 20 });
    expect(await prometheus.scraped(RATIO, v => v === 0.02)).toBe(0.02);
    expect(exporter.scrapes).toBeGreaterThan(0);

    exporter.serve('1.2.0', { requests: 2000, errors: 100 });
    expect(await prometheus.scraped(RATIO, v => v === 0.05)).toBe(0.05);
  });

  it('serves counters that grow with every scrape, for rates', async () => {
    exporter.set(
      'istio_requests_total',
      { destination_service: 'checkout', response_code: '200' },
      scrape => scrape * 10,
    );
    const rate = await prometheus.scraped(
      'sum(irate(istio_requests_total{destination_service="checkout"}[1m]))',
      v => v > 0,
    );
    expect(rate).toBeGreaterThan(0);
  });

  it('goes down and comes back up with its storage', async () => {
    exporter.serve('1.2.0', { requests: 1000, errors: 10 });
    await prometheus.scraped(RATIO, v => v === 0.01);
    await prometheus.down();
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
    await prometheus.up();
    expect(await prometheus.scraped(RATIO, v => v === 0.01)).toBe(0.01);
  });

  it('freezes: it accepts connections and answers nothing until thawed', async () => {
    await prometheus.freeze();
    try {
      await expect(
        fetch(`${prometheus.url}/-/ready`, {
          signal: AbortSignal.timeout(500),
        }),
      ).rejects.toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    } finally {
      prometheus.thaw();
    }
    expect((await fetch(`${prometheus.url}/-/ready`)).status).toBe(200);
  });
});
