import { createServer } from 'node:net';

/** The machine's own servers; a harness must never bind, stop or flush them. */
export const RESERVED_PORTS: ReadonlySet<number> = new Set([4222, 6379]);

// The kernel may hand the same ephemeral port to two quick calls once the first probe is
// closed; remembering what this process handed out keeps parallel harnesses apart.
const handedOut = new Set<number>();

const probePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => {
        if (port === undefined) reject(new Error('free-port: the probe socket has no TCP address'));
        else resolve(port);
      });
    });
  });

/**
 * A loopback TCP port that was free a moment ago. Another process may still take it
 * before the server binds; the server harnesses retry on "address already in use".
 */
export const freePort = async (): Promise<number> => {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await probePort();
    if (!handedOut.has(port) && !RESERVED_PORTS.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('free-port: no unused loopback port after 20 attempts');
};
