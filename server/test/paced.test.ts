import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerEnd, paced, type PacedResult } from '../bench/paced';

/**
 * A loopback server whose answer to the n-th request (from 1) waits delayMs(n) milliseconds; a negative delay
 * drops the connection instead of answering.
 */
async function serve(
  delayMs: (n: number) => number,
): Promise<{ url: string; seen: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((request, response) => {
    n += 1;
    const status = request.url === '/fail' ? 503 : 200;
    const delay = delayMs(n);
    if (delay < 0) request.socket.destroy();
    // Odd requests get a Content-Length answer, even ones a chunked one: Node's and Fastify's two kinds.
    else if (n % 2 === 1)
      setTimeout(() => response.writeHead(status, { 'content-length': 2 }).end('{}'), delay);
    else
      setTimeout(() => {
        response.writeHead(status).write('{');
        response.end('}');
      }, delay);
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
  test('finds the end of an answer with a Content-Length or a chunked body, and not before it has all arrived', () => {
    const sized = Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello', 'latin1');
    expect(answerEnd(sized)).toEqual({ end: sized.length, status: 201 });
    expect(answerEnd(sized.subarray(0, sized.length - 1)).end).toBe(-1);
    expect(answerEnd(sized.subarray(0, 20)).end).toBe(-1);
    const chunked = Buffer.from(
      'HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n',
      'latin1',
    );
    expect(answerEnd(chunked)).toEqual({ end: chunked.length, status: 503 });
    expect(answerEnd(chunked.subarray(0, chunked.length - 2)).end).toBe(-1);
    // Another answer already behind this one (it never is, without pipelining) is not swallowed.
    const two = Buffer.concat([sized, sized]);
    expect(answerEnd(two).end).toBe(sized.length);
    const empty = Buffer.from('HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n', 'latin1');
    expect(answerEnd(empty)).toEqual({ end: empty.length, status: 204 });
  });

  test('a server that cannot be reached fails the run at once, with the reason', async () => {
    const server = await serve(() => 0);
    const { url } = server;
    await server.close();
    await expect(
      paced(url, { method: 'GET', path: '/', headers: () => ({}) }, { rate: 10, seconds: 1, connections: 2 }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a warm-up is sent at the same rate and not counted', async () => {
    const server = await serve(() => 0);
    try {
      const started = Date.now();
      const result = await paced(
        server.url,
        { method: 'GET', path: '/', headers: () => ({}) },
        { rate: 100, seconds: 0.5, connections: 4, warmupSeconds: 0.5 },
      );
      expect(result.sent).toBe(50);
      expect(server.seen()).toBe(100);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await server.close();
    }
  });

  test('a connection the server drops fails its request, and the run goes on over a new one', async () => {
    // Every 10th request loses its connection; with 2 connections the run still sends and answers every request.
    const { result, seen } = await pacedAgainst((n) => (n % 10 === 0 ? -1 : 0), {
      rate: 200,
      seconds: 0.5,
      connections: 2,
    });
    expect(result.sent).toBe(100);
    expect(seen).toBe(100);
    expect(result.failed).toBe(10);
  });

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
