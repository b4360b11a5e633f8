/** A loopback TCP proxy a test cuts to play an outage of what is behind it (PostgreSQL, Redis). */
import net from 'node:net';

/** A TCP proxy to host:port that can cut every connection (down) and accept again (up). */
export async function cuttableProxy(
  host: string,
  port: number,
): Promise<{ port: number; down(): void; hang(): void; up(): void; close(): Promise<void> }> {
  let open = true;
  let hung = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    if (hung) {
      // Accepted, never answered: a database that stopped responding.
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => client.destroy());
      return;
    }
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    down: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    hang: () => {
      hung = true;
      for (const s of sockets) s.pause();
    },
    up: () => {
      open = true;
      if (hung) {
        // The stalled connections are dropped (the pool replaces them); new ones are forwarded again.
        hung = false;
        for (const s of sockets) s.destroy();
      }
    },
    close: async () => {
      open = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
