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

/**
 * A TCP server on loopback that passes connections through to a port (a
 * plain TCP proxy), until it is silenced: then it accepts every connection
 * and never says a word, as a host behind a firewall that drops its answers
 * or a wedged process does. Unlike an HTTP server that hangs, not even the
 * request is read. Without a port to pass to, it is silent from the start.
 */
export class Blackhole {
  private readonly sockets = new Set<net.Socket>();
  private silent: boolean;
  /** Connections it accepted while silent. */
  swallowed = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly forward: number | undefined,
  ) {
    this.silent = forward === undefined;
  }

  static async start(options: { forward?: number } = {}): Promise<Blackhole> {
    const ref: { hole?: Blackhole } = {};
    const server = net.createServer(socket => ref.hole!.accept(socket));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    ref.hole = new Blackhole(server, options.forward);
    return ref.hole;
  }

  private accept(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    if (this.silent) {
      this.swallowed++;
      socket.pause();
      return;
    }
    const upstream = net.connect(this.forward!, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  }

  /** From now on, connections are accepted and never answered. */
  silence(): void {
    this.silent = true;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}
