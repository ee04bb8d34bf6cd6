import { builtInGateProblems } from '@glu-dev/plugin-glu-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { httpGateAllows } from '@glu-dev/plugin-glu-node';
import { createHttpGate } from './http';

const context = (previous?: { passed: boolean; failed?: boolean }) => ({
  pipelineRef: 'pipeline:default/checkout',
  from: {
    phase: 'staging',
    digest: 'sha256:a',
    version: '1.5.0',
    since: new Date(),
  },
  to: { phase: 'production' },
  approvals: [] as string[],
  now: new Date(),
  ...(previous
    ? { previous: { ...previous, reason: 'before', since: new Date() } }
    : {}),
});

describe('http', () => {
  let server: http.Server;
  let host: string;
  const answer = { status: 200, body: '{"app":{"version":"1.5.0"}}' };
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        return;
      }
      if (req.url === '/slow') return; // never answers
      if (req.url === '/endless') {
        // JSON that never ends, written as long as it is read.
        res.writeHead(200, { 'content-type': 'application/json' });
        const more = () => {
          while (!res.destroyed && res.write(`"${'x'.repeat(65_536)}",`));
        };
        res.write('[');
        res.on('drain', more);
        more();
        return;
      }
      res.writeHead(answer.status).end(answer.body);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  const gate = () =>
    createHttpGate({
      allow: [{ host }],
      timeoutMillis: 1000,
      maxAnswerBytes: 1024 * 1024,
    });

  it('stops reading an answer that never ends at glu.limits.answerBytes, and says so', async () => {
    await expect(
      gate().evaluate(
        {
          url: `http://${host}/endless`,
          json: { path: 'app.version', equals: '$version' },
        },
        context(),
      ),
    ).resolves.toEqual({
      passed: false,
      reason: `the answer of ${host}/endless is longer than 1 MB, over glu.limits.answerBytes (1 MB)`,
    });
  });

  it('passes when the endpoint answers the status and the field, with $version filled in', async () => {
    answer.status = 200;
    await expect(
      gate().evaluate(
        {
          url: `http://${host}/health`,
          json: { path: 'app.version', equals: '$version' },
        },
        context(),
      ),
    ).resolves.toEqual({
      passed: true,
      reason: `${host}/health answers app.version "1.5.0"`,
    });
    await expect(
      gate().evaluate(
        {
          url: `http://${host}/health`,
          json: { path: 'app.version', equals: '1.4.0' },
        },
        context(),
      ),
    ).resolves.toEqual({
      passed: false,
      reason: `${host}/health answers app.version "1.5.0", not "1.4.0"`,
    });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('waits while the system is not ready, and fails once it breaks after it was healthy', async () => {
    answer.status = 503;
    const config = { url: `http://${host}/health` };
    await expect(gate().evaluate(config, context())).resolves.toEqual({
      passed: false,
      reason: `${host}/health answers 503, not 2xx`,
    });
    await expect(
      gate().evaluate(config, context({ passed: true })),
    ).resolves.toEqual({
      passed: false,
      failed: true,
      reason: `${host}/health answers 503, not 2xx`,
    });
    await expect(
      gate().evaluate({ ...config, status: 503 }, context()),
    ).resolves.toMatchObject({ passed: true });
  });

  it('follows no redirect, asks only allowed addresses, and gives up at its deadline', async () => {
    answer.status = 200;
    await expect(
      gate().evaluate({ url: `http://${host}/redirect` }, context()),
    ).resolves.toEqual({
      passed: false,
      reason: `${host}/redirect answers 302, not 2xx`,
    });
    await expect(
      gate().evaluate({ url: 'http://169.254.169.254/latest' }, context()),
    ).resolves.toEqual({
      passed: false,
      reason:
        'the platform does not let Glu ask 169.254.169.254 (glu.gates.http.allow)',
    });
    await expect(
      gate().evaluate(
        { url: `http://${host}/slow` },
        context({ passed: true }),
      ),
    ).resolves.toEqual({
      passed: false,
      failed: true,
      reason: `${host}/slow did not answer: no answer within 1s`,
    });
  });

  it('matches allowed hosts and paths as the platform wrote them', () => {
    const rules = [
      { host: '*.example.com', paths: ['/health'] },
      { host: 'localhost:7007' },
    ];
    const allows = (url: string) => httpGateAllows(rules, new URL(url));
    expect(allows('https://staging.example.com/health/ready')).toBe(true);
    expect(allows('https://staging.example.com/admin')).toBe(false);
    expect(allows('https://example.com/health')).toBe(false);
    expect(allows('https://evil-example.com/health')).toBe(false);
    expect(allows('http://localhost:7007/anything')).toBe(true);
    expect(allows('http://localhost:7008/')).toBe(false);
  });

  it('says what is wrong with a configuration, its soak and rollback included', () => {
    expect(
      builtInGateProblems('http', {
        url: 'ftp://x',
        status: 42,
        json: { path: 'a' },
        soak: 'soon',
        rollback: 'yes',
        header: 1,
      }),
    ).toEqual([
      'soak must be a duration like 5m or 1h',
      'rollback must be true or false',
      '"header" is not url, status, json, soak, interval or rollback',
      'url must be an http or https address',
      'status must be an HTTP status like 200',
      'json must name a field and its value, e.g. { path: status, equals: UP }',
    ]);
    expect(
      builtInGateProblems('http', {
        url: 'https://user:secret@staging.example.com/health',
      }),
    ).toEqual(['url must not hold credentials']);
    expect(
      builtInGateProblems('http', {
        url: 'https://staging.example.com/health',
        soak: '5m',
        rollback: true,
      }),
    ).toEqual([]);
    expect(builtInGateProblems('http', 'https://x')).toEqual([
      'must be an object of options, e.g. { url: https://… }',
      'url must be an http or https address',
    ]);
  });
});
