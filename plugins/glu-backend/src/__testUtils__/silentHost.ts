import net from 'node:net';

/** A TCP server that takes connections and never says a word. */
export async function silentHost() {
  const sockets: net.Socket[] = [];
  const connected: Array<(socket: net.Socket) => void> = [];
  const server = net.createServer(socket => {
    // What it is sent is read and dropped, so that its end is seen.
    socket.resume();
    sockets.push(socket);
    connected.shift()?.(socket);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/repo.git`,
    /** The next connection (or the first, if it came already). */
    connection: () =>
      sockets.length > 0
        ? Promise.resolve(sockets[0])
        : new Promise<net.Socket>(resolve => connected.push(resolve)),
    close: () => {
      sockets.forEach(s => s.destroy());
      return new Promise(resolve => server.close(resolve));
    },
  };
}
