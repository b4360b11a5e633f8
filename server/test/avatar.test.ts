import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PNG } from 'pngjs';
import { sniffImage } from '../src/http/image-upload';
import { AVATAR_MAX_BYTES, avatarDir } from '../src/features/avatar/service';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';

interface UserBody {
  id: string;
  nickname: string;
  avatarUrl: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface RoomBody {
  id: string;
  anchor: UserBody | null;
}

/** A real w x h PNG of one colour. */
function tinyPng(w = 2, h = 2, rgb: [number, number, number] = [255, 45, 85]): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) png.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(png);
}

/** What wx.uploadFile sends: multipart/form-data with the file under `name`. */
function form(bytes: Buffer, filename = 'avatar.png', name = 'file', type = 'image/png'): FormData {
  const body = new FormData();
  body.append(name, new Blob([new Uint8Array(bytes)], { type }), filename);
  return body;
}

/** GET over a raw socket, so the path reaches the server exactly as written (fetch would normalise `..`). */
function rawGet(url: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('avatar upload', () => {
  let server: TestServer;
  const db = tempDbFile();
  const dir = (): string => avatarDir(server.config.database);

  const upload = async (
    token: string | undefined,
    body: FormData | string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${server.url}/api/me/avatar`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as { user: UserBody } & ErrorBody };
  };

  beforeAll(async () => {
    server = await startServer(testConfig(db.file));
  });

  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('a PNG becomes the user avatar, served back byte-identical with an immutable cache', async () => {
    const alice = await devLogin(server, 'alice');
    const png = tinyPng();
    const answer = await upload(alice.token, form(png, 'tmp_abc.png', 'file', 'application/octet-stream'));
    expect(answer.status).toBe(200);
    expect(answer.body.user).toEqual({
      id: alice.userId,
      nickname: 'alice',
      avatarUrl: expect.stringMatching(
        new RegExp(`^${server.url}/avatars/${alice.userId}-[A-Za-z0-9]{16}\\.png$`),
      ),
    });
    // Stored next to the SQLite file.
    expect(dir()).toBe(path.join(path.dirname(db.file), 'avatars'));
    expect(readdirSync(dir())).toEqual([path.basename(answer.body.user.avatarUrl)]);

    const image = await fetch(answer.body.user.avatarUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);

    const me = await server.request<{ user: UserBody }>('GET', '/api/auth/me', { token: alice.token });
    expect(me.body.user.avatarUrl).toBe(answer.body.user.avatarUrl);
  });

  test('JPEG and WebP are recognised by their bytes; a replaced avatar file is removed', async () => {
    const bob = await devLogin(server, 'bob');
    const first = await upload(bob.token, form(tinyPng()));
    const firstFile = path.join(dir(), path.basename(first.body.user.avatarUrl));
    expect(existsSync(firstFile)).toBe(true);

    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
    const second = await upload(bob.token, form(jpeg, 'avatar.png', 'file', 'image/png'));
    expect(second.status).toBe(200);
    expect(second.body.user.avatarUrl).toMatch(/\.jpg$/);
    expect(existsSync(firstFile)).toBe(false);
    const served = await fetch(second.body.user.avatarUrl);
    expect(served.headers.get('content-type')).toBe('image/jpeg');

    const webp = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.alloc(4),
      Buffer.from('WEBPVP8 '),
      Buffer.alloc(32),
    ]);
    expect(sniffImage(webp)).toBe('webp');
    const third = await upload(bob.token, form(webp, 'a.webp', 'file', 'image/webp'));
    expect(third.body.user.avatarUrl).toMatch(/\.webp$/);
    expect((await fetch(third.body.user.avatarUrl)).headers.get('content-type')).toBe('image/webp');
    expect(readdirSync(dir()).filter((f) => f.startsWith(bob.userId))).toEqual([
      path.basename(third.body.user.avatarUrl),
    ]);
  });

  test('without a session: 401, nothing stored', async () => {
    const before = existsSync(dir()) ? readdirSync(dir()).length : 0;
    const answer = await upload(undefined, form(tinyPng()));
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('UNAUTHORIZED');
    expect(existsSync(dir()) ? readdirSync(dir()).length : 0).toBe(before);
  });

  test('larger than 512 KB: 413 with the error body', async () => {
    const carol = await devLogin(server, 'carol');
    // A PNG signature followed by noise: only its size is wrong.
    const big = Buffer.concat([tinyPng(), Buffer.alloc(AVATAR_MAX_BYTES + 1, 7)]);
    const answer = await upload(carol.token, form(big));
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The avatar is larger than 512 KB',
    });

    // Just over the limit without an oversize Content-Length: caught while reading the part.
    const edge = Buffer.concat([tinyPng(), Buffer.alloc(AVATAR_MAX_BYTES - 20, 7)]);
    expect(edge.length).toBeGreaterThan(AVATAR_MAX_BYTES);
    const edgeAnswer = await upload(carol.token, form(edge));
    expect(edgeAnswer.status).toBe(413);
    expect(edgeAnswer.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const me = await server.request<{ user: UserBody }>('GET', '/api/auth/me', { token: carol.token });
    expect(me.body.user.avatarUrl).toBe('');
  });

  test('not an image (a text file named .png, image/png): 400; not multipart: 415; wrong field: 400', async () => {
    const dave = await devLogin(server, 'dave');
    const text = await upload(dave.token, form(Buffer.from('hello, I am not a picture\n'), 'evil.png'));
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('BAD_REQUEST');
    expect(text.body.error.message).toMatch(/PNG, JPEG or WebP/);

    const json = await upload(dave.token, JSON.stringify({ file: 'x' }), {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const wrongField = await upload(dave.token, form(tinyPng(), 'a.png', 'avatar'));
    expect(wrongField.status).toBe(400);
    const empty = await upload(dave.token, new FormData());
    expect(empty.status).toBe(400);

    const me = await server.request<{ user: UserBody }>('GET', '/api/auth/me', { token: dave.token });
    expect(me.body.user.avatarUrl).toBe('');
  });

  test('serving: strict file names, no path traversal', async () => {
    const eve = await devLogin(server, 'eve');
    const ok = await upload(eve.token, form(tinyPng()));
    const name = path.basename(ok.body.user.avatarUrl);
    expect(await rawGet(server.url, `/avatars/${name}`)).toBe(200);

    expect(await rawGet(server.url, '/avatars/..%2Flive.db')).toBe(400);
    expect(await rawGet(server.url, '/avatars/%2e%2e%2f%2e%2e%2fpackage.json')).toBe(400);
    expect(await rawGet(server.url, '/avatars/live.db')).toBe(400);
    expect(await rawGet(server.url, `/avatars/${name.replace('.png', '.txt')}`)).toBe(400);
    // Raw `..` never reaches the avatar folder (the console's static files refuse climbing out with 403).
    expect([400, 403, 404]).toContain(await rawGet(server.url, '/avatars/../live.db'));
    expect([400, 403, 404]).toContain(await rawGet(server.url, '/avatars/../../package.json'));
    // Well-formed but never stored.
    const missing = await server.request<ErrorBody>('GET', `/avatars/${eve.userId}-AAAAAAAAAAAAAAAA.png`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  test("the room's anchor shows the uploaded avatar (created and claimed rooms)", async () => {
    const frank = await devLogin(server, 'frank');
    const uploaded = await upload(frank.token, form(tinyPng(3, 3, [0, 128, 255])));
    const avatarUrl = uploaded.body.user.avatarUrl;

    const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token: frank.token,
      body: { title: 'frank live' },
    });
    expect(created.body.room.anchor).toEqual({ id: frank.userId, nickname: 'frank', avatarUrl });

    const made = await server.request<{ room: RoomBody; invite: { code: string } }>('POST', '/api/rooms', {
      token: CONSOLE_TOKEN,
      body: { title: 'operator room' },
    });
    const claimed = await server.request<{ room: RoomBody }>(
      'POST',
      `/api/rooms/${made.body.room.id}/claim`,
      {
        token: frank.token,
        body: { invite: made.body.invite.code },
      },
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body.room.anchor?.avatarUrl).toBe(avatarUrl);
    const viewer = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${made.body.room.id}`);
    expect(viewer.body.room.anchor?.avatarUrl).toBe(avatarUrl);
  });
});

describe('avatar URL behind a reverse proxy', () => {
  test('the URL uses the public https host PUBLIC_BASE_URL names, whatever the proxy forwards', async () => {
    const db = tempDbFile();
    const server = await startServer(
      testConfig(db.file, { TRUST_PROXY: '127.0.0.1', PUBLIC_BASE_URL: 'https://live.example.com' }),
    );
    try {
      const henry = await devLogin(server, 'henry');
      const response = await fetch(`${server.url}/api/me/avatar`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${henry.token}`,
          'x-forwarded-proto': 'http',
          'x-forwarded-host': 'other.example.com',
        },
        body: form(tinyPng()),
      });
      const body = (await response.json()) as { user: UserBody };
      expect(body.user.avatarUrl).toMatch(
        new RegExp(`^https://live\\.example\\.com/avatars/${henry.userId}-[A-Za-z0-9]{16}\\.png$`),
      );
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});

describe('avatar upload rate limit', () => {
  test('limited like the sign-in routes', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file), {
      rateLimits: { auth: { max: 2, timeWindow: 60_000 } },
    });
    try {
      // devLogin spends the auth routes' own budget; the avatar route counts separately.
      const grace = await devLogin(server, 'grace');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const body = new FormData();
        body.append('file', new Blob([new Uint8Array(tinyPng())]), 'a.png');
        const response = await fetch(`${server.url}/api/me/avatar`, {
          method: 'POST',
          headers: { authorization: `Bearer ${grace.token}` },
          body,
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(((await response.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
        }
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});
