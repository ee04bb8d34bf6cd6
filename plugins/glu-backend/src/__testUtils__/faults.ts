import { execFileSync } from 'node:child_process';
import net from 'node:net';

/**
 * A Git host that accepts connections and never answers: the fault that
 * froze Glu when nothing had a deadline.
 */
export async function startSilentGitHost(): Promise<{
  /** The URL of a repository on it. */
  url(name: string): string;
  /** How many connections it has accepted. */
  connections(): number;
  stop(): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer(socket => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: name => `http://127.0.0.1:${port}/${name}.git`,
    connections: () => accepted,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** The git processes that run now with a text in their command line. */
export function gitProcesses(text: string): string[] {
  try {
    return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter(line => /\bgit\b|git-remote/.test(line) && line.includes(text))
      .map(line => line.trim());
  } catch {
    return [];
  }
}
