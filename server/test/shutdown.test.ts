/**
 * Closing (what SIGTERM does): a request already in flight finishes and its kept-alive connection is closed
 * after the answer, so the close does not wait for the keep-alive timeout; the store closes after it.
 */
import net from 'node:net';
import { startServer, tempDbFile, testConfig } from './helpers/server';

/** Sends raw HTTP on one socket and resolves with everything received until the server closes it. */
function rawExchange(port: number): { sendHead(): void; sendBody(): void; done: Promise<string> } {
  const body = JSON.stringify({ nickname: 'in-flight' });
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  const done = new Promise<string>((resolve) => {
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.on('close', () => resolve(received));
  });
  return {
    sendHead: () =>
      socket.write(
        'POST /api/auth/dev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      ),
    sendBody: () => socket.write(body),
    done,
  };
}

describe('graceful close', () => {
  test('a request in flight completes, gets Connection: close, and the close finishes promptly', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file));
    try {
      const port = Number(new URL(server.url).port);
      const exchange = rawExchange(port);
      // In flight: the server has parsed the request's head (a fixed pause was not enough on a busy machine: the
      // close came first and found an idle connection).
      const headParsed = new Promise((resolve) => server.app.server.once('request', resolve));
      exchange.sendHead();
      await headParsed;
      const started = Date.now();
      const closed = server.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      exchange.sendBody();
      const answer = await exchange.done;
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(answer).toContain('"sessionToken"');
      await closed;
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      db.cleanup();
    }
  });
});
