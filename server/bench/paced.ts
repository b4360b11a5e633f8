/**
 * An open-loop load generator for the bench's fixed-rate measurement: request i is due at start + i / rate and is
 * sent then, on a pool of keep-alive connections. Its latency runs from when it was sent to the end of its answer,
 * so a wait for a free connection (a server falling behind) counts. Latency does not run from when it was due: the
 * generator's own stalls (this VM stalls either core for 5-10 ms every few seconds) would be put on the server.
 *
 * Why not autocannon's overallRate: it lets each connection send as fast as it can until it has made its share of
 * the second, then pause until the next second. At "1,000 req/s" over 20 connections that is a burst of 1,000
 * requests at saturation speed once a second, and its histogram then adds back the requests it assumes a 1 ms
 * interval missed. A bare Node server answering a constant showed p99 39 ms that way on this machine, 1-2 ms paced.
 */
import http from 'node:http';

export interface PacedRequest {
  method: string;
  path: string;
  /** Called once per request: its headers (a new client address, a session). */
  headers: () => Record<string, string>;
}

export interface PacedResult {
  sent: number;
  /** Requests per second actually completed over the run. */
  rate: number;
  /** Milliseconds, from when each request was sent to the end of its answer. */
  p50: number;
  p99: number;
  max: number;
  /** Non-2xx answers and failed requests (connection errors, timeouts). */
  failed: number;
}

/** Offers `rate` requests per second for `seconds`, over at most `connections` keep-alive connections. */
export async function paced(
  url: string,
  request: PacedRequest,
  options: { rate: number; seconds: number; connections: number },
): Promise<PacedResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const interval = 1e9 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  let done = 0;
  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start);

  await new Promise<void>((resolve) => {
    const finish = (sentAt: number, ok: boolean): void => {
      latencies.push((elapsed() - sentAt) / 1e6);
      if (!ok) failed += 1;
      done += 1;
      if (done === total) resolve();
    };
    const send = (): void => {
      const sentAt = elapsed();
      const call = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          headers: request.headers(),
          agent,
          timeout: 10_000,
        },
        (response) => {
          response.on('data', () => undefined);
          response.on('end', () => finish(sentAt, (response.statusCode ?? 0) < 300));
        },
      );
      call.on('timeout', () => call.destroy(new Error('timeout')));
      call.on('error', () => finish(sentAt, false));
      call.end();
    };
    // Every request that is due is sent; then the generator sleeps until the next one is due (a timer, at least
    // 1 ms: never a busy loop, which would take a core from whatever shares it, PostgreSQL included).
    const tick = (): void => {
      const now = elapsed();
      while (sent < total && sent * interval <= now) {
        send();
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(1, (sent * interval - now) / 1e6));
    };
    tick();
  });
  const seconds = elapsed() / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    sent,
    rate: done / seconds,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1],
    failed,
  };
}
