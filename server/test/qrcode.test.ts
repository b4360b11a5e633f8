// Scan to go live: the anchor and audience QR codes, decoded the way a phone would read them.
import http from 'node:http';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { SCENE_MAX_LENGTH, anchorLink, encodeAnchorScene, parseAnchorLaunch } from '@zego-live/contract';
import { AccessTokenCache } from '../src/wechat/access-token';
import {
  CONSOLE_TOKEN,
  WECHAT_APPID,
  WECHAT_SECRET,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';

const LINK_BASE_URL = 'https://live.example.com';

/** Reads the QR code in a PNG the way a phone camera would; null when there is none. */
function readQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return (
    jsQR(new Uint8ClampedArray(image.data), image.width, image.height, { inversionAttempts: 'dontInvert' })
      ?.data ?? null
  );
}

/** GETs a path and returns status, content type and raw bytes. */
async function getBytes(
  server: TestServer,
  urlPath: string,
  token?: string,
): Promise<{
  status: number;
  type: string;
  bytes: Buffer;
  json: () => { error: { code: string; message: string } };
}> {
  const response = await fetch(server.url + urlPath, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    bytes,
    json: () => JSON.parse(bytes.toString('utf8')),
  };
}

/** Creates a room as the operator and returns its ID and invite code. */
async function createRoom(server: TestServer, title = 'QR test'): Promise<{ id: string; invite: string }> {
  const answer = await server.request<{ room: { id: string }; invite: { code: string } }>(
    'POST',
    '/api/rooms',
    {
      token: CONSOLE_TOKEN,
      body: { title },
    },
  );
  expect(answer.status).toBe(200);
  return { id: answer.body.room.id, invite: answer.body.invite.code };
}

describe('scene and link codec (shared with the anchor page)', () => {
  test('a room and invite of the service fit in 32 characters and decode back', () => {
    const scene = encodeAnchorScene('rAbCdEfGhIjK', 'x1Y2z3W4v5');
    expect(scene).toBe('rAbCdEfGhIjK.x1Y2z3W4v5');
    expect(scene.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH);
    expect(parseAnchorLaunch({ scene })).toEqual({
      ok: true,
      entry: { roomID: 'rAbCdEfGhIjK', invite: 'x1Y2z3W4v5', source: 'scene' },
    });
    expect(encodeAnchorScene('rAbCdEfGhIjK')).toBe('rAbCdEfGhIjK');
  });

  test('refuses scenes WeChat would reject', () => {
    expect(() => encodeAnchorScene('r'.repeat(30), 'abcdef')).toThrow(/32/);
    expect(() => encodeAnchorScene('bad-room', 'x')).toThrow(/room ID/);
    expect(() => encodeAnchorScene('room', 'in%valid')).toThrow(/invite/);
  });

  test('the page decoder reads scene, q and plain query the way WeChat delivers them', () => {
    // mini-program code: WeChat hands `scene` URL-encoded
    expect(parseAnchorLaunch({ scene: encodeURIComponent('r1.inv'), scancode_time: '1' })).toEqual({
      ok: true,
      entry: { roomID: 'r1', invite: 'inv', source: 'scene' },
    });
    // plain link QR: `q` is the encoded link
    const link = anchorLink(`${LINK_BASE_URL}/`, 'r_2', 'inv2');
    expect(link).toBe(`${LINK_BASE_URL}/anchor?roomID=r_2&invite=inv2`);
    expect(parseAnchorLaunch({ q: encodeURIComponent(link), scancode_time: '1' })).toEqual({
      ok: true,
      entry: { roomID: 'r_2', invite: 'inv2', source: 'link' },
    });
    // shared path / DevTools
    expect(parseAnchorLaunch({ roomID: 'r3', invite: 'i3' })).toEqual({
      ok: true,
      entry: { roomID: 'r3', invite: 'i3', source: 'query' },
    });
    expect(parseAnchorLaunch({ roomID: 'r3' })).toEqual({
      ok: true,
      entry: { roomID: 'r3', invite: null, source: 'query' },
    });
    // not ours or malformed: refused, each with its reason
    expect(parseAnchorLaunch({})).toMatchObject({ ok: false, refusal: { code: 'MISSING' } });
    expect(parseAnchorLaunch({ scene: '%E0%A4%A' })).toMatchObject({
      ok: false,
      refusal: { code: 'MALFORMED' },
    });
    expect(
      parseAnchorLaunch({ q: encodeURIComponent('https://other.example.com/x?roomID=a-b') }),
    ).toMatchObject({ ok: false, refusal: { code: 'BAD_ROOM_ID' } });
    expect(parseAnchorLaunch({ roomID: 'has space' })).toMatchObject({
      ok: false,
      refusal: { code: 'BAD_ROOM_ID' },
    });
  });
});

describe('plain link QR codes (no WeChat credentials)', () => {
  let server: TestServer;
  let cleanup: () => void;

  beforeAll(async () => {
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file, { LINK_BASE_URL }));
  });

  afterAll(async () => {
    await server.close();
    cleanup();
  });

  test('only the operator may fetch the anchor QR code', async () => {
    const { id } = await createRoom(server);
    const viewer = await devLogin(server, 'viewer');
    expect((await getBytes(server, `/api/rooms/${id}/anchor-qrcode`)).status).toBe(401);
    expect((await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, 'not-the-token')).status).toBe(401);
    const asUser = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, viewer.token);
    expect(asUser.status).toBe(403);
    expect(asUser.json().error.code).toBe('FORBIDDEN');
  });

  test('an unknown room is 404', async () => {
    const answer = await getBytes(server, '/api/rooms/rNoSuchRoom1/anchor-qrcode', CONSOLE_TOKEN);
    expect(answer.status).toBe(404);
    expect(answer.json().error.code).toBe('NOT_FOUND');
  });

  test('the PNG decodes to the anchor link with the room and its invite', async () => {
    const { id, invite } = await createRoom(server);
    const answer = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('image/png');
    const text = readQr(answer.bytes);
    expect(text).toBe(`${LINK_BASE_URL}/anchor?roomID=${id}&invite=${invite}`);
    // What the anchor page will read from `q`, and the invite really makes the scanner the anchor.
    const launch = parseAnchorLaunch({ q: encodeURIComponent(text ?? '') });
    expect(launch).toEqual({ ok: true, entry: { roomID: id, invite, source: 'link' } });
    const anchor = await devLogin(server, 'anchor');
    const claim = await server.request('POST', `/api/rooms/${id}/claim`, {
      token: anchor.token,
      body: { invite },
    });
    expect(claim.status).toBe(200);
  });

  test('once the room has an anchor the QR carries the room only; an ended room has none', async () => {
    const { id, invite } = await createRoom(server);
    const anchor = await devLogin(server, 'anchor2');
    await server.request('POST', `/api/rooms/${id}/claim`, { token: anchor.token, body: { invite } });
    const claimed = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(readQr(claimed.bytes)).toBe(`${LINK_BASE_URL}/anchor?roomID=${id}`);

    await server.request('POST', `/api/rooms/${id}/end`, { token: CONSOLE_TOKEN });
    const ended = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(ended.status).toBe(409);
    expect(ended.json().error.code).toBe('ROOM_ENDED');
  });

  test('the audience QR code is public and opens the watch link; share lists both entries', async () => {
    const { id } = await createRoom(server);
    const answer = await getBytes(server, `/api/rooms/${id}/audience-qrcode`);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('image/png');
    expect(readQr(answer.bytes)).toBe(`${LINK_BASE_URL}/watch?roomID=${id}`);
    const share = await server.request('GET', `/api/rooms/${id}/share`);
    expect(share.body).toEqual({
      audienceLink: `${LINK_BASE_URL}/watch?roomID=${id}`,
      audiencePath: `pages/audience/index?roomID=${id}`,
    });
    expect((await getBytes(server, '/api/rooms/rNoSuchRoom1/audience-qrcode')).status).toBe(404);
  });

  test('the console sign-in check accepts only the console token', async () => {
    expect((await server.request('GET', '/api/operator/session', { token: CONSOLE_TOKEN })).status).toBe(200);
    expect((await server.request('GET', '/api/operator/session', { token: 'wrong-token' })).status).toBe(401);
    expect((await server.request('GET', '/api/operator/session')).status).toBe(401);
  });
});

test('without WeChat credentials and LINK_BASE_URL the QR routes answer 503 naming LINK_BASE_URL', async () => {
  const db = tempDbFile();
  const server = await startServer(testConfig(db.file));
  try {
    const { id } = await createRoom(server);
    for (const urlPath of [`/api/rooms/${id}/anchor-qrcode`, `/api/rooms/${id}/audience-qrcode`]) {
      const answer = await getBytes(server, urlPath, CONSOLE_TOKEN);
      expect(answer.status).toBe(503);
      expect(answer.json().error.code).toBe('LINK_BASE_URL_NOT_CONFIGURED');
      expect(answer.json().error.message).toMatch(/LINK_BASE_URL/);
    }
    expect((await server.request('GET', `/api/rooms/${id}/share`)).body).toEqual({
      audienceLink: null,
      audiencePath: `pages/audience/index?roomID=${id}`,
    });
  } finally {
    await server.close();
    db.cleanup();
  }
});

/** A loopback fake of WeChat's stable_token and getwxacodeunlimit that counts calls. */
interface FakeWxaCode {
  url: string;
  tokenCalls: number;
  codeCalls: { accessToken: string | null; body: Record<string, unknown> }[];
  /** What the next getwxacodeunlimit answers: the image, or a JSON error. */
  nextErrors: { errcode: number; errmsg: string }[];
  image: Buffer;
  close(): Promise<void>;
}

async function startFakeWxaCode(): Promise<FakeWxaCode> {
  const fake: FakeWxaCode = {
    url: '',
    tokenCalls: 0,
    codeCalls: [],
    nextErrors: [],
    image: await QRCode.toBuffer('fake-wxacode-image', { type: 'png', width: 200 }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
        fake.tokenCalls += 1;
        const ok = body.appid === WECHAT_APPID && body.secret === WECHAT_SECRET;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            ok
              ? { access_token: `ACCESS_TOKEN_${fake.tokenCalls}`, expires_in: 7200 }
              : { errcode: 40013, errmsg: 'invalid appid' },
          ),
        );
      } else if (req.method === 'POST' && url.pathname === '/wxa/getwxacodeunlimit') {
        fake.codeCalls.push({ accessToken: url.searchParams.get('access_token'), body });
        const error = fake.nextErrors.shift();
        if (error) {
          // WeChat answers errors with 200 and a JSON body.
          res
            .writeHead(200, { 'content-type': 'application/json; encoding=utf-8' })
            .end(JSON.stringify(error));
        } else {
          res.writeHead(200, { 'content-type': 'image/png' }).end(fake.image);
        }
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  fake.url = `http://127.0.0.1:${address.port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

describe('mini-program codes (WeChat credentials, loopback fake WeChat)', () => {
  let fake: FakeWxaCode;
  let server: TestServer;
  let cleanup: () => void;

  beforeAll(async () => {
    fake = await startFakeWxaCode();
    const db = tempDbFile();
    cleanup = db.cleanup;
    const config = testConfig(db.file, {
      WECHAT_ENV_VERSION: 'trial',
      WECHAT_APPID,
      WECHAT_SECRET,
      AUTH_MODE: 'dev',
      LINK_BASE_URL,
    });
    server = await startServer(config, { wechatApiBase: fake.url, wechatTimeoutMs: 2000 });
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
    cleanup();
  });

  test('returns the image WeChat made, for a scene of at most 32 characters that decodes to room and invite', async () => {
    const { id, invite } = await createRoom(server);
    const answer = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('image/png');
    expect(answer.bytes.equals(fake.image)).toBe(true);

    const call = fake.codeCalls[fake.codeCalls.length - 1];
    expect(call.accessToken).toBe('ACCESS_TOKEN_1');
    expect(call.body).toMatchObject({ page: 'pages/anchor/index', check_path: false, env_version: 'trial' });
    const scene = String(call.body.scene);
    expect(scene.length).toBeLessThanOrEqual(32);
    expect(scene).toMatch(/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/);
    // The page receives the scene URL-encoded and decodes it with the shared decoder.
    expect(parseAnchorLaunch({ scene: encodeURIComponent(scene) })).toEqual({
      ok: true,
      entry: { roomID: id, invite, source: 'scene' },
    });
  });

  test('the access token is fetched once and reused', async () => {
    const { id } = await createRoom(server);
    const answers = await Promise.all(
      [1, 2, 3].map(() => getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(fake.tokenCalls).toBe(1);
    expect(new Set(fake.codeCalls.map((c) => c.accessToken))).toEqual(new Set(['ACCESS_TOKEN_1']));
  });

  test('a token WeChat calls invalid is renewed once and the code still arrives', async () => {
    const { id } = await createRoom(server);
    const tokensBefore = fake.tokenCalls;
    fake.nextErrors.push({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid' });
    const answer = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.bytes.equals(fake.image)).toBe(true);
    expect(fake.tokenCalls).toBe(tokensBefore + 1);
  });

  test('a JSON error from getwxacodeunlimit is a 502 with WeChat’s reason, never an image', async () => {
    const { id } = await createRoom(server);
    fake.nextErrors.push({ errcode: 41030, errmsg: 'invalid page rid: 1234' });
    const answer = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(502);
    expect(answer.type).toMatch(/json/);
    expect(answer.json().error).toEqual({
      code: 'WECHAT_UNAVAILABLE',
      message: expect.stringMatching(/getwxacodeunlimit.*41030.*invalid page/),
    });
  });

  test('WeChat busy is a 503', async () => {
    const { id } = await createRoom(server);
    fake.nextErrors.push({ errcode: 45009, errmsg: 'reach max api daily quota limit' });
    const answer = await getBytes(server, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(503);
    expect(answer.json().error.message).toMatch(/45009/);
  });
});

test('WeChat unreachable is a 503 that says so; bad credentials are a 502 naming stable_token', async () => {
  const db = tempDbFile();
  const fake = await startFakeWxaCode();
  const closedPort = `http://127.0.0.1:1`;
  const unreachable = await startServer(
    testConfig(db.file, { WECHAT_APPID, WECHAT_SECRET, AUTH_MODE: 'dev' }),
    {
      wechatApiBase: closedPort,
      wechatTimeoutMs: 1000,
    },
  );
  try {
    const { id } = await createRoom(unreachable);
    const answer = await getBytes(unreachable, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(503);
    expect(answer.json().error.message).toMatch(/unreachable/);
  } finally {
    await unreachable.close();
  }
  const db2 = tempDbFile();
  const wrongSecret = await startServer(
    testConfig(db2.file, { WECHAT_APPID, WECHAT_SECRET: 'wrongsecret0123456789', AUTH_MODE: 'dev' }),
    { wechatApiBase: fake.url },
  );
  try {
    const { id } = await createRoom(wrongSecret);
    const answer = await getBytes(wrongSecret, `/api/rooms/${id}/anchor-qrcode`, CONSOLE_TOKEN);
    expect(answer.status).toBe(502);
    expect(answer.json().error.message).toMatch(/stable_token.*40013/);
    expect(answer.json().error.message).not.toContain('wrongsecret');
  } finally {
    await wrongSecret.close();
    await fake.close();
    db.cleanup();
    db2.cleanup();
  }
});

test('the access token is renewed shortly before WeChat says it expires', async () => {
  let clock = 0;
  let calls = 0;
  const fakeFetch = (async () => {
    calls += 1;
    return new Response(JSON.stringify({ access_token: `T${calls}`, expires_in: 7200 }));
  }) as typeof fetch;
  const tokens = new AccessTokenCache(
    { appID: WECHAT_APPID, secret: WECHAT_SECRET, apiBase: 'http://x' },
    fakeFetch,
    () => clock,
  );
  expect(await tokens.get()).toBe('T1');
  clock = (7200 - 5 * 60) * 1000 - 1; // still inside the 5-minute safety margin
  expect(await tokens.get()).toBe('T1');
  clock += 1;
  expect(await tokens.get()).toBe('T2');
  expect(calls).toBe(2);
});
