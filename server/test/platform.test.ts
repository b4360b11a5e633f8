import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import {
  CALLBACK_SECRET,
  CONSOLE_TOKEN,
  devLogin,
  LogCapture,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeWechat } from './helpers/wechat-fake';

interface ErrorBody {
  error: { code: string; message: string };
}
interface RoomBody {
  id: string;
  status: string;
  streamID: string;
  title: string;
  anchor: { id: string } | null;
}

describe('service basics', () => {
  let server: TestServer;
  const db = tempDbFile();
  beforeAll(async () => {
    server = await startServer(testConfig(db.file));
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('GET /healthz', async () => {
    const answer = await server.request('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true });
  });

  test('GET /api/config gives appID and servers, never the secret', async () => {
    const answer = await server.request('GET', '/api/config');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      appID: ZEGO_APP_ID,
      server: ['wss://wssliveroom-test.example.com/ws', 'wss://wssliveroom-test-bak.example.com/ws'],
      configured: true,
      authMode: 'dev',
      // No WeChat credentials or template here: start reminders are unavailable.
      reminderTemplateId: null,
      callTemplateId: null,
      // No RECORDING_* here: no replays.
      replays: false,
    });
    expect(JSON.stringify(answer.body)).not.toContain(ZEGO_SECRET);
  });

  test('a body over the limit is a 413 JSON error', async () => {
    const answer = await server.request<ErrorBody>('POST', '/api/auth/dev', {
      raw: JSON.stringify({ nickname: 'x'.repeat(20_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('an unsupported content type is a 415 JSON error', async () => {
    const answer = await server.request<ErrorBody>('POST', '/api/auth/dev', {
      raw: '<nickname>x</nickname>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  describe('ZEGO stream callbacks', () => {
    let nonces = 350176;
    const signed = (
      fields: Record<string, string | number>,
      secret = CALLBACK_SECRET,
    ): Record<string, string | number> => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      // A fresh nonce per callback, as ZEGO sends: a nonce seen before is refused as a replay.
      const nonce = String(++nonces);
      return { ...fields, timestamp, nonce, signature: zegoCallbackSignature(secret, timestamp, nonce) };
    };

    test('the signature follows the documented rule: sha1 of sorted [secret, timestamp, nonce]', () => {
      const expected = require('node:crypto')
        .createHash('sha1')
        .update(['b-secret', '1499676978', '350176'].sort().join(''))
        .digest('hex');
      expect(zegoCallbackSignature('b-secret', '1499676978', '350176')).toBe(expected);
    });

    test('stream created marks the room live, stream closed marks it idle; bad signatures are 401', async () => {
      const { token } = await devLogin(server, 'cb-owner');
      const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'cb' },
      });
      const room = created.body.room;
      const base = { appid: String(ZEGO_APP_ID), room_id: room.id, stream_id: room.streamID, user_id: 'u' };

      const forged = await server.request<ErrorBody>('POST', '/api/zego/callback/stream-create', {
        body: signed({ ...base, event: 'stream_create' }, 'wrong-secret-123'),
      });
      expect(forged.status).toBe(401);
      expect(
        (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`)).body.room.status,
      ).toBe('idle');
      const unsigned = await server.request('POST', '/api/zego/callback/stream-create', {
        body: { ...base },
      });
      expect(unsigned.status).toBe(400);

      const ok = await server.request('POST', '/api/zego/callback/stream-create', {
        body: signed({ ...base, event: 'stream_create' }),
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ok: true, roomID: room.id });
      expect(
        (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`)).body.room.status,
      ).toBe('live');

      // Form-encoded, with the older field names (channel_id / stream_alias).
      const form = new URLSearchParams(
        Object.entries(
          signed({ event: 'stream_close', channel_id: room.id, stream_alias: room.streamID, type: '0' }),
        ).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      const closed = await server.request('POST', '/api/zego/callback/stream-close', {
        raw: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(closed.status).toBe(200);
      expect(
        (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`)).body.room.status,
      ).toBe('idle');

      // An unknown room is acknowledged (ZEGO would retry otherwise) and changes nothing.
      const unknown = await server.request('POST', '/api/zego/callback/stream-create', {
        body: signed({ event: 'stream_create', room_id: 'rUnknown', stream_id: 'rUnknown_main' }),
      });
      expect(unknown.body).toEqual({ ok: true, roomID: null });
    });

    test('without ZEGO_CALLBACK_SECRET callbacks are a 503 naming it', async () => {
      const db2 = tempDbFile();
      const bare = await startServer(testConfig(db2.file, { ZEGO_CALLBACK_SECRET: '' }));
      try {
        const answer = await bare.request<ErrorBody>('POST', '/api/zego/callback/stream-create', {
          body: { timestamp: 1, nonce: 2, signature: 'x' },
        });
        expect(answer.status).toBe(503);
        expect(answer.body.error.message).toMatch(/ZEGO_CALLBACK_SECRET/);
      } finally {
        await bare.close();
        db2.cleanup();
      }
    });
  });
});

describe('without ZEGO credentials', () => {
  test('the service starts, /api/config says not configured, tokens are 503 naming the variables', async () => {
    const db = tempDbFile();
    const server = await startServer(
      testConfig(db.file, { ZEGO_APP_ID: '', ZEGO_SERVER_SECRET: '', ZEGO_SERVER: '' }),
    );
    try {
      expect((await server.request('GET', '/api/config')).body).toEqual({
        appID: 0,
        server: [],
        configured: false,
        authMode: 'dev',
        reminderTemplateId: null,
        callTemplateId: null,
        replays: false,
      });
      const { token } = await devLogin(server, 'nozego');
      const room = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'x' },
      });
      const answer = await server.request<ErrorBody>('POST', `/api/rooms/${room.body.room.id}/token`, {
        token,
        body: { role: 'anchor' },
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('ZEGO_NOT_CONFIGURED');
      expect(answer.body.error.message).toMatch(/ZEGO_APP_ID and ZEGO_SERVER_SECRET/);
    } finally {
      await server.close();
      db.cleanup();
    }
  });

  test('without CONSOLE_TOKEN operator actions are refused with a clear message', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file, { CONSOLE_TOKEN: '' }));
    try {
      const { token } = await devLogin(server, 'noconsole');
      const room = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'x' },
      });
      const answer = await server.request<ErrorBody>('POST', `/api/rooms/${room.body.room.id}/invite`, {
        token: CONSOLE_TOKEN,
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toMatch(/CONSOLE_TOKEN/);
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});

test('restart on the same database keeps users, sessions, rooms and invites', async () => {
  const db = tempDbFile();
  try {
    const first = await startServer(testConfig(db.file));
    const { token, userId } = await devLogin(first, 'persistent');
    const mine = await first.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token,
      body: { title: '持久' },
    });
    await first.request('POST', `/api/rooms/${mine.body.room.id}/live`, { token });
    const operator = await first.request<{ room: RoomBody; invite: { code: string } }>('POST', '/api/rooms', {
      token: CONSOLE_TOKEN,
      body: { title: 'to claim later' },
    });
    await first.close();

    const second = await startServer(testConfig(db.file));
    try {
      const me = await second.request<{ user: { id: string; nickname: string } }>('GET', '/api/auth/me', {
        token,
      });
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ id: userId, nickname: 'persistent' });
      const room = await second.request<{ room: RoomBody }>('GET', `/api/rooms/${mine.body.room.id}`);
      expect(room.body.room).toMatchObject({ title: '持久', status: 'live', anchor: { id: userId } });
      const claimed = await second.request<{ room: RoomBody }>(
        'POST',
        `/api/rooms/${operator.body.room.id}/claim`,
        {
          token,
          body: { invite: operator.body.invite.code },
        },
      );
      expect(claimed.status).toBe(200);
      expect((await devLogin(second, 'persistent')).userId).toBe(userId);
    } finally {
      await second.close();
    }
  } finally {
    db.cleanup();
  }
});

test('the console is served from the public folder when it exists', async () => {
  const db = tempDbFile();
  const publicDir = mkdtempSync(path.join(os.tmpdir(), 'live-public-'));
  writeFileSync(path.join(publicDir, 'index.html'), '<!doctype html><title>console</title>');
  const server = await startServer(testConfig(db.file), { publicDir });
  try {
    const page = await server.request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('<title>console</title>');
    expect((await server.request('GET', '/healthz')).status).toBe(200);
    expect((await server.request<ErrorBody>('GET', '/api/missing')).body.error.code).toBe('NOT_FOUND');
  } finally {
    await server.close();
    db.cleanup();
    rmSync(publicDir, { recursive: true, force: true });
  }
});

test('logs never contain the ZEGO secret, the WeChat secret, the console token or a session token', async () => {
  const logs = new LogCapture();
  const wechat = await startFakeWechat();
  const db = tempDbFile();
  const server = await startServer(
    testConfig(db.file, { WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE: wechat.url, AUTH_MODE: 'dev' }),
    { logStream: logs, logLevel: 'trace', wechatTimeoutMs: 200 },
  );
  const secrets: string[] = [ZEGO_SECRET, WECHAT_SECRET, CONSOLE_TOKEN, CALLBACK_SECRET];
  try {
    const signIn = await server.request<{ sessionToken: string }>('POST', '/api/auth/wechat', {
      body: { code: 'good-log' },
    });
    secrets.push(signIn.body.sessionToken);
    for (const code of ['bad', 'busy', 'slow'])
      await server.request('POST', '/api/auth/wechat', { body: { code } });
    const dev = await devLogin(server, 'logger');
    secrets.push(dev.token);
    const room = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token: dev.token,
      body: { title: 'log' },
    });
    const zegoToken = await server.request<{ token: string }>(
      'POST',
      `/api/rooms/${room.body.room.id}/token`,
      {
        token: dev.token,
        body: { role: 'anchor' },
      },
    );
    secrets.push(zegoToken.body.token);
    await server.request('POST', '/api/rooms', { token: CONSOLE_TOKEN, body: { title: 'op' } });
    await server.request('POST', '/api/rooms', { token: 'wrong-token', body: { title: 'x' } });
    await server.request('POST', '/api/auth/logout', { token: signIn.body.sessionToken });
  } finally {
    await server.close();
    await wechat.close();
    db.cleanup();
  }
  expect(logs.lines.length).toBeGreaterThan(10);
  for (const secret of secrets) expect(logs.text).not.toContain(secret);
  expect(logs.text).not.toContain('SESSIONKEY');
});
