/**
 * An open-loop load generator for the bench's fixed-rate measurement: request i is due at start + i / rate and is
 * sent then, on a pool of keep-alive connections. Its latency runs from when it was sent to the end of its answer,
 * so a wait for a free connection (a server falling behind) counts. Latency does not run from when it was due: the
 * generator's own stalls would be put on the server.
 *
 * Why not autocannon's overallRate: it lets each connection send as fast as it can until it has made its share of
 * the second, then pause until the next second. At "1,000 req/s" over 20 connections that is a burst of 1,000
 * requests at saturation speed once a second, and its histogram then adds back the requests it assumes a 1 ms
 * interval missed. A bare Node server answering a constant showed p99 39 ms that way on this machine.
 *
 * Why raw sockets and not node:http's client: the client's own cost (its agent, its parser, a request object and
 * its listeners per request) and the first second of a fresh process (code still being compiled) showed up as the
 * server's latency. Measured against a bare Node server on this machine, node:http's client gave p99 4-37 ms and a
 * 100-line C client 1.4-3.6 ms; this one stays within that, after its warm-up.
 */
import net from 'node:net';

export interface PacedRequest {
  method: string;
  path: string;
  /** Called once per request: its headers (a new client address, a session). */
  headers: () => Record<string, string>;
  /** The JSON body every request carries (none: Content-Length 0 on a POST). */
  body?: string;
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

export interface PacedOptions {
  rate: number;
  seconds: number;
  connections: number;
  /** Seconds of the same load first, not counted: the generator's own code gets compiled then. Default 0. */
  warmupSeconds?: number;
}

/** How long an answer may take before its request counts as failed (and its connection is replaced). */
const TIMEOUT_NS = 10e9;

/** One keep-alive connection: at most one request in flight (HTTP/1.1 without pipelining). */
interface Connection {
  socket: net.Socket;
  /** When its request was sent (ns since the run's start), or null when it is free. */
  sentAt: number | null;
  /** What has arrived of the current answer. */
  received: Buffer;
}

/**
 * Where the answer in `data` ends (the offset just past it), or -1 while it is incomplete; its status with it.
 * Handles Content-Length and chunked bodies, which is what Node's and Fastify's servers send.
 */
export function answerEnd(data: Buffer): { end: number; status: number } {
  const head = data.indexOf('\r\n\r\n', 0, 'latin1');
  if (head === -1) return { end: -1, status: 0 };
  const headers = data.toString('latin1', 0, head);
  const status = Number(headers.slice(9, 12));
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(headers);
  if (length !== null) {
    const end = head + 4 + Number(length[1]);
    return { end: data.length >= end ? end : -1, status };
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(headers)) {
    // The last chunk is "0\r\n" and, with no trailers, an empty line.
    const last = data.indexOf('\r\n0\r\n\r\n', head, 'latin1');
    return { end: last === -1 ? -1 : last + 7, status };
  }
  return { end: head + 4, status };
}

/** Offers `rate` requests per second for `seconds`, over at most `connections` keep-alive connections. */
export async function paced(url: string, request: PacedRequest, options: PacedOptions): Promise<PacedResult> {
  const warmup = options.warmupSeconds ?? 0;
  if (warmup > 0) await run(url, request, { ...options, seconds: warmup });
  return run(url, request, options);
}

async function run(url: string, request: PacedRequest, options: PacedOptions): Promise<PacedResult> {
  const target = new URL(url);
  const port = Number(target.port);
  const host = target.hostname;
  const head = `${request.method} ${request.path} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n`;
  // A request without a body says so, as wx.request's POST without data does.
  const tail =
    request.body !== undefined
      ? `Content-Length: ${Buffer.byteLength(request.body)}\r\n\r\n${request.body}`
      : request.method === 'GET' || request.method === 'HEAD'
        ? '\r\n'
        : 'Content-Length: 0\r\n\r\n';
  const interval = 1e9 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const latencies = new Float64Array(total);
  let failed = 0;
  let sent = 0;
  let done = 0;
  let waiting = 0; // sent, waiting for a free connection
  const waitingSince: number[] = [];
  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start);
  const free: Connection[] = [];
  const all = new Set<Connection>();

  let resolveRun: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (resolveRun = resolve));

  const finish = (sentAt: number, ok: boolean): void => {
    latencies[done] = (elapsed() - sentAt) / 1e6;
    if (!ok) failed += 1;
    done += 1;
    if (done === total) resolveRun();
  };
  const write = (connection: Connection, sentAt: number): void => {
    connection.sentAt = sentAt;
    const headers = request.headers();
    let text = head;
    for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
    connection.socket.write(text + tail);
  };
  // A request sent while every connection is busy waits for the next free one, its clock already running.
  const release = (connection: Connection): void => {
    if (waiting > 0) {
      waiting -= 1;
      write(connection, waitingSince.shift() as number);
    } else free.push(connection);
  };
  const open = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const connection: Connection = { socket, sentAt: null, received: Buffer.alloc(0) };
      let connected = false;
      socket.on('data', (chunk: Buffer) => {
        connection.received =
          connection.received.length === 0 ? chunk : Buffer.concat([connection.received, chunk]);
        const { end, status } = answerEnd(connection.received);
        if (end === -1 || connection.sentAt === null) return;
        const sentAt = connection.sentAt;
        connection.sentAt = null;
        connection.received = connection.received.subarray(end);
        finish(sentAt, status >= 200 && status < 300);
        release(connection);
      });
      socket.once('connect', () => {
        connected = true;
        all.add(connection);
        release(connection);
        resolve();
      });
      // A connection that fails or closes fails its request in flight, and another takes its place.
      const lost = (error?: Error): void => {
        socket.destroy();
        if (!connected) {
          reject(error ?? new Error(`paced: could not connect to ${url}`));
          return;
        }
        if (!all.delete(connection)) return;
        const index = free.indexOf(connection);
        if (index !== -1) free.splice(index, 1);
        if (connection.sentAt !== null) finish(connection.sentAt, false);
        connection.sentAt = null;
        if (done < total) reopen();
      };
      socket.once('error', lost);
      socket.once('close', () => lost());
    });
  // A replacement that cannot connect is tried again shortly; its requests wait, and time out if it never comes.
  const reopen = (): void => {
    open().catch(() => setTimeout(() => done < total && reopen(), 100).unref());
  };

  await Promise.all(Array.from({ length: options.connections }, open));

  // Every request that is due is sent; then the generator sleeps until the next one is due (a timer, at least
  // 1 ms: never a busy loop, which would take a core from whatever shares it, PostgreSQL included).
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    const now = elapsed();
    while (sent < total && sent * interval <= now) {
      sent += 1;
      const connection = free.pop();
      if (connection !== undefined) write(connection, now);
      else {
        waiting += 1;
        waitingSince.push(now);
      }
    }
    if (sent < total) timer = setTimeout(tick, Math.max(1, (sent * interval - now) / 1e6));
  };
  // An answer that never comes fails its request: its connection is dropped and replaced. So does a wait for a
  // connection that never comes free.
  const watchdog = setInterval(() => {
    const now = elapsed();
    for (const connection of all) {
      if (connection.sentAt !== null && now - connection.sentAt > TIMEOUT_NS) connection.socket.destroy();
    }
    while (waiting > 0 && now - waitingSince[0] > TIMEOUT_NS) {
      waiting -= 1;
      finish(waitingSince.shift() as number, false);
    }
  }, 100);
  tick();
  await finished;
  clearTimeout(timer);
  clearInterval(watchdog);
  const seconds = elapsed() / 1e9;
  for (const connection of all) {
    all.delete(connection);
    connection.socket.destroy();
  }
  latencies.sort();
  const at = (q: number): number => latencies[Math.min(total - 1, Math.floor(q * total))];
  return { sent, rate: done / seconds, p50: at(0.5), p99: at(0.99), max: latencies[total - 1], failed };
}
