import { spawn } from 'node:child_process';
import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/**
 * What a Git host does wrong, for the reliability tests:
 * - `hang`: accepts the request and never answers;
 * - `die-mid-push`: starts taking a push, then dies (its `git http-backend`
 *   and `git receive-pack` killed, the connection dropped) with only part of
 *   the pack received, so the branch is not updated;
 * - `die-after-push`: takes the whole push (the branch is updated), then
 *   drops the connection before answering.
 */
export type GitHostFault = 'hang' | 'die-mid-push' | 'die-after-push';

/** A request to the server, as a fault decides on it. */
export interface GitHostRequest {
  /** The repository's path under the root, e.g. `gitops.git`. */
  repository: string;
  /** `upload-pack` (fetch) or `receive-pack` (push). */
  service: 'upload-pack' | 'receive-pack';
  /** Whether this is the transfer itself rather than the ref advertisement. */
  transfer: boolean;
  /** The client's port, which tells the process that asks. */
  remotePort: number;
}

/**
 * Git's own smart HTTP server (`git http-backend`) for the bare repositories
 * under a folder, on loopback. With `authorization`, refuses requests without
 * that `Authorization` header, as GitHub refuses a push without a token. With
 * `fault`, misbehaves as it says for the requests it picks; a fault that
 * answers a promise holds the request until it settles.
 */
export async function startGitHttpServer(options: {
  root: string;
  authorization?: string;
  fault?(
    request: GitHostRequest,
  ): GitHostFault | undefined | Promise<GitHostFault | undefined>;
}): Promise<{
  port: number;
  /** Drops the connections that a `hang` holds. */
  releaseHung(): void;
  close(): Promise<void>;
}> {
  const hung = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    if (
      options.authorization !== undefined &&
      req.headers.authorization !== options.authorization
    ) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake github"' });
      res.end('Authentication required');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathInfo = decodeURIComponent(url.pathname);
    const match = pathInfo.match(
      /^\/(.+?)\/(?:info\/refs|git-(upload-pack|receive-pack))$/,
    );
    const fault =
      match &&
      (await options.fault?.({
        repository: match[1],
        service: (match[2] ??
          url.searchParams.get('service')?.replace(/^git-/, '') ??
          'upload-pack') as GitHostRequest['service'],
        transfer: match[2] !== undefined,
        remotePort: req.socket.remotePort ?? 0,
      }));
    if (fault === 'hang') {
      hung.add(req.socket);
      req.socket.on('close', () => hung.delete(req.socket));
      return;
    }
    const child = spawn('git', ['http-backend'], {
      // Its own process group, so that a host that dies takes the
      // `git receive-pack` it started along.
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        // Set, so that pushes are allowed.
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        PATH_INFO: pathInfo,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length']
          ? { CONTENT_LENGTH: req.headers['content-length'] }
          : {}),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    child.stdin.on('error', () => undefined);
    if (fault === 'die-mid-push') {
      // The first part of the push reaches git, then the host dies.
      req.once('data', (chunk: Buffer) => {
        child.stdin.write(
          chunk.subarray(0, Math.floor(chunk.length / 2)),
          () => {
            process.kill(-child.pid!, 'SIGKILL');
            req.socket.destroy();
          },
        );
      });
      return;
    }
    req.pipe(child.stdin);
    if (fault === 'die-after-push') {
      // The push is taken in full; the answer never leaves.
      child.stdout.resume();
      child.on('close', () => req.socket.destroy());
      return;
    }
    let head = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = head.subarray(0, end).toString('utf8').split('\r\n');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(end + 4));
    });
    child.stderr.resume();
    child.on('close', () => {
      if (!headersSent) {
        res.writeHead(500);
      }
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const releaseHung = () => {
    for (const socket of hung) socket.destroy();
    hung.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    releaseHung,
    close: () =>
      new Promise<void>(resolve => {
        releaseHung();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
