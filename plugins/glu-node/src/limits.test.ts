import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { fetchWithDeadline } from './deadlines';
import { fetchWithinLimit, formatBytes, gluLimits } from './limits';

/**
 * A server whose `/endless` answer never ends (it writes as long as it is
 * read, without a length), `/declared` says it is 100 MB, and `/small`
 * answers a little JSON. `closed` resolves once the endless answer's
 * connection is closed, with how much it had written.
 */
async function startServer() {
  let closed!: (written: number) => void;
  const endlessClosed = new Promise<number>(resolve => (closed = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/small') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ tags: ['1.0.0'] }));
    } else if (req.url === '/declared') {
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
      res.write('x'.repeat(1024));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      let written = 0;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const write = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', write);
      res.on('close', () => closed(written));
      write();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    endlessClosed,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('gluLimits', () => {
  it('gives every limit its default when glu.limits is left out', () => {
    expect(gluLimits(new ConfigReader({}))).toEqual({
      fileBytes: 4 * 1024 * 1024,
      answerBytes: 8 * 1024 * 1024,
      chartIndexBytes: 64 * 1024 * 1024,
      yamlDepth: 100,
      yamlNodes: 1_000_000,
    });
  });

  it('takes what is configured, and refuses a limit that is not a positive whole number', () => {
    expect(
      gluLimits(new ConfigReader({ glu: { limits: { fileBytes: 1024 } } }))
        .fileBytes,
    ).toBe(1024);
    expect(() =>
      gluLimits(new ConfigReader({ glu: { limits: { yamlDepth: 0 } } })),
    ).toThrow('glu.limits.yamlDepth must be a positive whole number, not 0');
  });

  it('writes sizes for people', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5.2 * 1024 * 1024)).toBe('5.2 MB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MB');
  });
});

describe('fetchWithinLimit', () => {
  const limit = { bytes: 1024 * 1024, setting: 'glu.limits.answerBytes' };
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(() => server.stop());

  it('reads an answer under the limit as it is', async () => {
    const response = await fetchWithinLimit(limit)(server.url('/small'));
    expect(response.url).toBe(server.url('/small'));
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ tags: ['1.0.0'] });
  });

  it('refuses an answer that says it is over the limit before reading it', async () => {
    await expect(
      fetchWithinLimit(limit)(server.url('/declared')),
    ).rejects.toThrow(
      `the answer of ${
        new URL(server.url('/')).host
      }/declared is 100 MB, over glu.limits.answerBytes (1 MB)`,
    );
  });

  it('stops reading an endless answer once it is over the limit, and closes its connection', async () => {
    await expect(
      fetchWithinLimit(
        limit,
        fetchWithDeadline(60_000),
      )(server.url('/endless')),
    ).rejects.toThrow(
      `the answer of ${
        new URL(server.url('/')).host
      }/endless is longer than 1 MB, over glu.limits.answerBytes (1 MB)`,
    );
    // The server learns that no one reads any more: it wrote the limit and
    // what the connection's buffers hold, not what it would have gone on to.
    expect(await server.endlessClosed).toBeLessThan(64 * 1024 * 1024);
  });
});
