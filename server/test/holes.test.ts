/**
 * The holes an outside probe found, each as the attacker tried it: a chat limit dodged by spelling "Bearer" another
 * way, likes at any rate, a removed viewer co-hosting, a forged Host in stored file URLs, two files in one upload, a
 * body dripped one byte at a time, the reminders route answering 503 to anybody, and a warning per refused request
 * during a database outage.
 */
import http from 'node:http';
import net from 'node:net';
import { DatabaseUnavailableError } from '../src/store/common';
import { openSqliteStore } from '../src/store/sqlite';
import {
  devLogin,
  LogCapture,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeZegoServerApi } from './helpers/zego-server-api-fake';

interface ErrorBody {
  error: { code: string; message: string };
}
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];

/** The smallest body the service takes for an image: PNG's signature and a few bytes. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(24)]);

async function liveRoom(server: TestServer, anchorToken: string): Promise<string> {
  const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
    token: anchorToken,
    body: { title: 'probe' },
  });
  await server.request('POST', `/api/rooms/${created.body.room.id}/live`, { token: anchorToken });
  return created.body.room.id;
}

/** A multipart body with these files in the field "file", and its content type. */
function multipart(files: Buffer[]): { body: Buffer; type: string } {
  const boundary = 'probe-boundary-7e3';
  const parts = files.map((bytes, i) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f${i}.png"\r\n` +
          'Content-Type: image/png\r\n\r\n',
      ),
      bytes,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/** POST over node:http, which (unlike fetch) sends the Host header it is given. */
function rawPost(
  url: string,
  urlPath: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        path: urlPath,
        method: 'POST',
        headers: { ...headers, 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as never,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('per-session limits are keyed on the session, however Authorization is spelled', () => {
  let server: TestServer;
  const db = tempDbFile();
  const zegoReady = startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);

  beforeAll(async () => {
    const zego = await zegoReady;
    server = await startServer(
      testConfig(db.file, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: zego.url }),
      {
        rateLimits: { chat: { max: 5, timeWindow: 5_000 }, likes: { max: 3, timeWindow: 60_000 } },
      },
    );
  });
  afterAll(async () => {
    await server.close();
    await (await zegoReady).close();
    db.cleanup();
  });

  test('chat: "bearer", "BEARER" and extra spaces are the same session: the 6th line in 5 s is 429', async () => {
    const anchor = await devLogin(server, 'anchor-1');
    const viewer = await devLogin(server, 'viewer-1');
    const id = await liveRoom(server, anchor.token);
    const spellings = [
      `Bearer ${viewer.token}`,
      `bearer ${viewer.token}`,
      `BEARER  ${viewer.token}`,
      `Bearer\t${viewer.token} `,
      `bEaReR ${viewer.token}`,
      `bearer   ${viewer.token}`,
    ];
    const statuses: number[] = [];
    for (const [i, authorization] of spellings.entries()) {
      const answer = await server.request('POST', `/api/rooms/${id}/messages`, {
        headers: { authorization },
        body: { text: `line ${i}` },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  test('likes: one session gets its bound of batches, then 429; another session is not affected', async () => {
    const anchor = await devLogin(server, 'anchor-2');
    const viewer = await devLogin(server, 'viewer-2');
    const other = await devLogin(server, 'viewer-3');
    const id = await liveRoom(server, anchor.token);
    const like = (authorization: string) =>
      server.request<{ likes: number }>('POST', `/api/rooms/${id}/likes`, {
        headers: { authorization },
        body: { count: 100 },
      });
    const statuses: number[] = [];
    for (const a of ['Bearer', 'bearer', 'BEARER ', 'bearer'])
      statuses.push((await like(`${a} ${viewer.token}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const fine = await like(`Bearer ${other.token}`);
    expect(fine.status).toBe(200);
    // Three batches of the first viewer and one of the other: what was refused was not counted.
    expect(fine.body.likes).toBe(400);
  });
});

describe('a viewer removed from a room can do nothing in it', () => {
  test('no co-host request, no acceptance of one made before, no heartbeat as a co-host, never in the mix', async () => {
    const db = tempDbFile();
    const zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    const server = await startServer(
      testConfig(db.file, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: zego.url }),
    );
    try {
      const anchor = await devLogin(server, 'anchor');
      const early = await devLogin(server, 'early');
      const late = await devLogin(server, 'late');
      const id = await liveRoom(server, anchor.token);
      // "early" asks before being removed; "late" is removed first and asks after.
      const asked = await server.request('POST', `/api/rooms/${id}/cohosts/requests`, { token: early.token });
      expect(asked.status).toBe(200);
      for (const userId of [early.userId, late.userId]) {
        const removed = await server.request('POST', `/api/rooms/${id}/removals`, {
          token: anchor.token,
          body: { userId },
        });
        expect(removed.status).toBe(200);
      }
      expect(
        code(await server.request('POST', `/api/rooms/${id}/cohosts/requests`, { token: late.token })),
      ).toEqual([403, 'REMOVED_FROM_ROOM']);
      expect(
        code(
          await server.request('POST', `/api/rooms/${id}/cohosts/requests/${early.userId}/accept`, {
            token: anchor.token,
          }),
        ),
      ).toEqual([403, 'REMOVED_FROM_ROOM']);
      expect(
        code(await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: early.token })),
      ).toEqual([403, 'REMOVED_FROM_ROOM']);
      const seats = await server.request<{ cohosts: unknown[] }>('GET', `/api/rooms/${id}/cohosts`, {
        token: anchor.token,
      });
      expect(seats.body.cohosts).toEqual([]);
      expect(zego.of('StartMix')).toHaveLength(0);
    } finally {
      await server.close();
      await zego.close();
      db.cleanup();
    }
  });
});

describe('stored file URLs come from configuration, never from the request', () => {
  test('an avatar uploaded with Host: evil.example is served under PUBLIC_BASE_URL', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file, { PUBLIC_BASE_URL: 'https://live.example.com/' }));
    try {
      const mallory = await devLogin(server, 'mallory');
      const { body, type } = multipart([PNG]);
      const answer = await rawPost(
        server.url,
        '/api/me/avatar',
        { host: 'evil.example', authorization: `Bearer ${mallory.token}`, 'content-type': type },
        body,
      );
      expect(answer.status).toBe(200);
      expect((answer.body.user as { avatarUrl: string }).avatarUrl).toMatch(
        new RegExp(`^https://live\\.example\\.com/avatars/${mallory.userId}-[A-Za-z0-9]{16}\\.png$`),
      );
    } finally {
      await server.close();
      db.cleanup();
    }
  });

  test('a cover uploaded with a forged Host and X-Forwarded-Host (proxy trusted) names this instance without PUBLIC_BASE_URL', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file, { TRUST_PROXY: '127.0.0.1' }));
    try {
      const anchor = await devLogin(server, 'cover-anchor');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'planned' },
      });
      const { body, type } = multipart([PNG]);
      const answer = await rawPost(
        server.url,
        `/api/rooms/${created.body.room.id}/cover`,
        {
          host: 'evil.example',
          'x-forwarded-host': 'evil.example',
          authorization: `Bearer ${anchor.token}`,
          'content-type': type,
        },
        body,
      );
      expect(answer.status).toBe(200);
      expect((answer.body.room as { coverUrl: string }).coverUrl.startsWith(`${server.url}/covers/`)).toBe(
        true,
      );
    } finally {
      await server.close();
      db.cleanup();
    }
  });

  test('two small files in one upload answer the route\'s own 400, not 413 "larger than"', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file));
    try {
      const user = await devLogin(server, 'two-files');
      const { body, type } = multipart([PNG, PNG]);
      const answer = await rawPost(
        server.url,
        '/api/me/avatar',
        { authorization: `Bearer ${user.token}`, 'content-type': type },
        body,
      );
      expect(code(answer)).toEqual([400, 'BAD_REQUEST']);
      expect((answer.body as unknown as ErrorBody).error.message).toBe(
        'Send exactly one file, in the field "file"',
      );
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});

/** Opens a raw connection, sends `head`, then one byte of `drip` every `everyMs`; resolves with what came back. */
function drip(url: string, head: string, dripped: string, everyMs: number, giveUpMs: number) {
  const { hostname, port } = new URL(url);
  return new Promise<{ answer: string; closedAfterMs: number | null }>((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < dripped.length && socket.writable) socket.write(dripped[i++]);
    }, everyMs);
    const done = (closedAfterMs: number | null) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, closedAfterMs });
    };
    const giveUp = setTimeout(() => done(null), giveUpMs);
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', () => undefined);
    socket.write(head);
  });
}

describe('slow senders are cut off', () => {
  let server: TestServer;
  const db = tempDbFile();
  beforeAll(async () => {
    server = await startServer(testConfig(db.file, { REQUEST_TIMEOUT_MS: '1500' }));
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('a body dripped one byte every 300 ms is answered 408 and closed soon after REQUEST_TIMEOUT_MS', async () => {
    const body = JSON.stringify({ nickname: 'slow-loris-body-that-takes-long' });
    const head =
      'POST /api/auth/dev HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`;
    const result = await drip(server.url, head, body, 300, 8000);
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.closedAfterMs).toBeLessThan(4000);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.answer).toContain('"code":"REQUEST_TIMEOUT"');
  });

  test('headers dripped one byte every 300 ms are cut off too', async () => {
    const result = await drip(
      server.url,
      'GET /healthz HTTP/1.1\r\n',
      'Host: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n',
      300,
      8000,
    );
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.closedAfterMs).toBeLessThan(4000);
    expect(result.answer).not.toMatch(/ 200 /);
  });
});

describe('the reminders route and the outage log', () => {
  test('POST /rooms/:id/reminders asks who is asking before saying reminders are unavailable', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file));
    try {
      const anchor = await devLogin(server, 'planner');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'later' },
      });
      const anonymous = await server.request('POST', `/api/rooms/${created.body.room.id}/reminders`);
      expect(code(anonymous)).toEqual([401, 'UNAUTHORIZED']);
      const signedIn = await server.request('POST', `/api/rooms/${created.body.room.id}/reminders`, {
        token: anchor.token,
      });
      expect(code(signedIn)).toEqual([503, 'REMINDERS_UNAVAILABLE']);
    } finally {
      await server.close();
      db.cleanup();
    }
  });

  test('during a database outage 30 refused requests leave one warning, counting them', async () => {
    const db = tempDbFile();
    const store = await openSqliteStore(db.file);
    const logs = new LogCapture();
    const server = await startServer(testConfig(db.file), { store, logStream: logs, logLevel: 'warn' });
    try {
      store.rooms.get = () => Promise.reject(new DatabaseUnavailableError(new Error('ECONNREFUSED')));
      const statuses = new Set<number>();
      for (let i = 0; i < 30; i += 1)
        statuses.add((await server.request('GET', '/api/rooms/r_missing')).status);
      expect([...statuses]).toEqual([503]);
      const warnings = logs.lines.filter((line) => line.includes('database unavailable'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0])).toMatchObject({ code: 'DATABASE_UNAVAILABLE', refused: 1 });
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});
