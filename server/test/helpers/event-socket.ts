/** A test app's end of the event channel: a real WebSocket on loopback that collects what the service pushes. */
import WebSocket from 'ws';
import { startServer, tempDbFile, testConfig, type TestServer } from './server';
import { describeWith, freshRedisPrefix, TEST_REDIS_URL } from './services';

/** One open socket, its frames so far and how it closed. */
export interface EventSocket {
  socket: WebSocket;
  frames: Array<Record<string, unknown>>;
  /** Resolves with the close code (1006 when the service dropped the connection). */
  closed: Promise<number>;
  /** Resolves with the first frame (already received or to come) that matches. */
  next(
    match: (frame: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  send(frame: unknown): void;
  close(): Promise<void>;
}

/** Opens a socket to the service's /api/events and, with a session token, signs in and waits for 'ready'. */
export async function openEventSocket(baseUrl: string, sessionToken?: string): Promise<EventSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/events`);
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data: Buffer) => {
    frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next: EventSocket['next'] = (match, timeoutMs = 3000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames)}`)),
        timeoutMs,
      );
      const look = (): void => {
        const found = frames.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(look);
      };
      look();
    });
  const events: EventSocket = {
    socket,
    frames,
    closed,
    next,
    send: (frame) => socket.send(JSON.stringify(frame)),
    close: async () => {
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      await closed;
    },
  };
  if (sessionToken !== undefined) {
    events.send({ type: 'hello', sessionToken });
    await next((frame) => frame.type === 'ready');
  }
  return events;
}

/** Resolves once check() holds (polled), or rejects after timeoutMs. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A suite on two instances of the service sharing one SQLite file, their events through the test Redis (a fresh
 * key prefix); skipped with a message without TEST_REDIS_URL. The servers are read inside the tests.
 */
export function describeTwoInstances(
  file: string,
  title: string,
  tests: (servers: { a: TestServer; b: TestServer }) => void,
): void {
  describeWith({ redis: true }, `${file} (Redis)`)(title, () => {
    const db = tempDbFile();
    const servers = {} as { a: TestServer; b: TestServer };
    beforeAll(async () => {
      const config = testConfig(db.file, { REDIS_URL: TEST_REDIS_URL ?? undefined });
      const redisKeyPrefix = freshRedisPrefix();
      servers.a = await startServer(config, { redisKeyPrefix });
      servers.b = await startServer(config, { redisKeyPrefix });
    });
    afterAll(async () => {
      await Promise.all([servers.a.close(), servers.b.close()]);
      db.cleanup();
    });
    tests(servers);
  });
}
