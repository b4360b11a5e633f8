import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { paced, type PacedResult } from '../bench/paced';

/** A loopback server whose answer to the n-th request (from 1) waits delayMs(n) milliseconds. */
async function serve(
  delayMs: (n: number) => number,
): Promise<{ url: string; seen: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((request, response) => {
    n += 1;
    const status = request.url === '/fail' ? 503 : 200;
    setTimeout(() => response.writeHead(status).end('{}'), delayMs(n));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs paced GET / against a server answering after delayMs(n), then closes the server. */
async function pacedAgainst(
  delayMs: (n: number) => number,
  options: { rate: number; seconds: number; connections: number },
): Promise<{ result: PacedResult; seen: number; took: number }> {
  const server = await serve(delayMs);
  try {
    const started = Date.now();
    const result = await paced(server.url, { method: 'GET', path: '/', headers: () => ({}) }, options);
    return { result, seen: server.seen(), took: Date.now() - started };
  } finally {
    await server.close();
  }
}

describe("the bench's paced load (bench/paced.ts)", () => {
  test('offers the rate evenly: every request sent once, at the rate asked, not all at once', async () => {
    const { result, seen, took } = await pacedAgainst(() => 0, { rate: 200, seconds: 1, connections: 5 });
    expect(result.sent).toBe(200);
    expect(seen).toBe(200);
    expect(result.failed).toBe(0);
    // Paced: 200 requests at 200/s take about a second (a burst would take a few milliseconds).
    expect(took).toBeGreaterThanOrEqual(950);
    expect(result.rate).toBeGreaterThan(150);
    expect(result.rate).toBeLessThanOrEqual(210);
  });

  test('a slow answer shows in p99 and max, not in p50', async () => {
    // Every 20th answer waits 40 ms: 5% of requests, so p99 sees it and the median does not.
    const { result } = await pacedAgainst((n) => (n % 20 === 0 ? 40 : 0), {
      rate: 200,
      seconds: 1,
      connections: 20,
    });
    expect(result.p50).toBeLessThan(20);
    expect(result.p99).toBeGreaterThanOrEqual(40);
    expect(result.max).toBeGreaterThanOrEqual(40);
  });

  test('a server that falls behind is measured as behind: waiting for a free connection counts', async () => {
    // One connection, every answer 20 ms, 100 requests offered a second: the queue grows, and so does latency.
    const { result } = await pacedAgainst(() => 20, { rate: 100, seconds: 0.5, connections: 1 });
    expect(result.sent).toBe(50);
    expect(result.rate).toBeLessThan(60);
    expect(result.p99).toBeGreaterThan(300);
  });

  test('non-2xx answers are counted as failed, with the headers each request was given', async () => {
    const server = await serve(() => 0);
    try {
      let asked = 0;
      const result = await paced(
        server.url,
        {
          method: 'POST',
          path: '/fail',
          headers: () => {
            asked += 1;
            return { 'x-forwarded-for': `10.0.0.${asked}` };
          },
        },
        { rate: 50, seconds: 0.2, connections: 2 },
      );
      expect(result.sent).toBe(10);
      expect(asked).toBe(10);
      expect(result.failed).toBe(10);
    } finally {
      await server.close();
    }
  });
});
