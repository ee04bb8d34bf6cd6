import http from 'node:http';
import net from 'node:net';

/** A request as a recording server saw it. */
export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * The loopback address that stands for another host: a server there is not
 * the host that credentials are for, whatever its port.
 */
export const OTHER_HOST = '127.0.0.2';

/**
 * An HTTP server on loopback that records every request it receives, and
 * answers it with `answer`, or by forwarding it to `forward` (another
 * server's origin) and passing back what that said.
 */
export class Recorder {
  readonly requests: Recorded[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly host: string,
  ) {}

  static async start(options: {
    address?: string;
    forward?: string;
    answer?(req: http.IncomingMessage, res: http.ServerResponse): void;
  }): Promise<Recorder> {
    const ref: { recorder?: Recorder } = {};
    const server = http.createServer((req, res) => {
      ref.recorder!.requests.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
      });
      if (options.forward) {
        const target = new URL(req.url ?? '/', options.forward);
        const upstream = http.request(
          target,
          {
            method: req.method,
            headers: { ...req.headers, host: target.host },
          },
          answer => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
        return;
      }
      if (options.answer) {
        options.answer(req, res);
        return;
      }
      res.writeHead(404).end();
    });
    const address = options.address ?? '127.0.0.1';
    await new Promise<void>(resolve => server.listen(0, address, resolve));
    const { port } = server.address() as net.AddressInfo;
    ref.recorder = new Recorder(server, `${address}:${port}`);
    return ref.recorder;
  }

  get origin(): string {
    return `http://${this.host}`;
  }

  /** The requests that carry any of these texts, in a header or the URL. */
  carrying(secrets: string[]): Recorded[] {
    return this.requests.filter(request => {
      const text = `${request.url}\n${JSON.stringify(request.headers)}`;
      return secrets.some(secret => text.includes(secret));
    });
  }

  close(): Promise<void> {
    return new Promise(resolve => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
