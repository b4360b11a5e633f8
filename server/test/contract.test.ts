/**
 * The API contract and the one error shape: the OpenAPI document at /docs lists every route with its schemas;
 * JSON bodies are validated as sent (no coercion, no unknown field); whatever a client sends that Fastify or Node
 * refuse before a route runs is still answered `{error: {code, message}}`, through real sockets where it matters.
 */
import net from 'node:net';
import path from 'node:path';
import type { RouteOptions } from 'fastify';
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import {
  CALLBACK_SECRET,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';

interface ErrorBody {
  error: { code: string; message: string };
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, unknown>;
  additionalProperties?: boolean;
}
interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}
interface OpenApi {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
}
type RouteSchema = {
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  response?: Record<string, unknown>;
  hide?: boolean;
};

const routes: RouteOptions[] = [];
let server: TestServer;
let db: { file: string; cleanup: () => void };
let now = Date.parse('2026-06-01T12:00:00Z');

beforeAll(async () => {
  db = tempDbFile();
  // No console folder: its static files would take the paths no route matches (an over-long parameter included).
  server = await startServer(testConfig(db.file), {
    onRoute: (route) => routes.push(route),
    now: () => now,
    publicDir: path.join(db.file, 'no-console'),
  });
});
afterAll(async () => {
  await server.close();
  db.cleanup();
});

/** Sends raw bytes on a fresh connection and returns everything the server wrote before closing it. */
function rawHttp(text: string): Promise<{ status: number; body: unknown }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (got += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0);
      const body = got.slice(got.indexOf('\r\n\r\n') + 4);
      resolve({ status, body: body ? JSON.parse(body) : null });
    });
    socket.write(text);
  });
}

/** The document's path for a Fastify URL (`/rooms/:id` -> `/rooms/{id}`). */
const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the OpenAPI document (/docs/json)', () => {
  let doc: OpenApi;
  beforeAll(async () => {
    doc = (await server.request<OpenApi>('GET', '/docs/json')).body;
  });

  /** The API's routes: not HEAD twins, not the docs' own, not the console's static files. */
  const apiRoutes = (): { method: string; url: string; schema: RouteSchema }[] =>
    routes.flatMap((route) =>
      [route.method]
        .flat()
        .filter((method) => method !== 'HEAD')
        .map((method) => ({ method, url: route.url, schema: (route.schema ?? {}) as RouteSchema }))
        .filter(({ url, schema }) => !schema.hide && !url.startsWith('/docs') && !url.includes('*')),
    );

  test('every route is in it, with its path and query parameters, body and responses', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const checked = apiRoutes();
    expect(checked.length).toBeGreaterThanOrEqual(25);
    for (const { method, url, schema } of checked) {
      const where = `${method} ${url}`;
      const operation = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      expect({ where, listed: operation !== undefined }).toEqual({ where, listed: true });
      if (!operation) continue;
      const parameters = (operation.parameters ?? []).map((p) => `${p.in}:${p.name}`);
      const pathNames = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => `path:${m[1]}`);
      // A route with a path parameter declares it (and its limits) in a params schema.
      expect({ where, params: Object.keys(schema.params?.properties ?? {}).map((n) => `path:${n}`) }).toEqual(
        {
          where,
          params: pathNames,
        },
      );
      for (const name of [
        ...pathNames,
        ...Object.keys(schema.querystring?.properties ?? {}).map((n) => `query:${n}`),
      ])
        expect({ where, parameters }).toEqual({ where, parameters: expect.arrayContaining([name]) });
      if (schema.body) {
        const documented = operation.requestBody?.content['application/json']?.schema;
        expect({ where, fields: Object.keys(documented?.properties ?? {}) }).toEqual({
          where,
          fields: Object.keys(schema.body.properties ?? {}),
        });
      }
      // Every route says what it answers on success; every status it declares is documented.
      expect({ where, ok: Object.keys(schema.response ?? {}).includes('200') }).toEqual({ where, ok: true });
      for (const status of Object.keys(schema.response ?? {}))
        expect({ where, status, documented: status.toUpperCase() in operation.responses }).toEqual({
          where,
          status,
          documented: true,
        });
    }
  });

  test('every JSON body takes exactly its fields (ZEGO callbacks excepted), and the document says so', () => {
    const bodies = apiRoutes().filter(({ schema }) => schema.body);
    expect(bodies.length).toBeGreaterThanOrEqual(8);
    for (const { method, url, schema } of bodies) {
      const expected = url.includes('/zego/callback/');
      expect({ route: `${method} ${url}`, open: schema.body?.additionalProperties }).toEqual({
        route: `${method} ${url}`,
        open: expected,
      });
    }
    expect(doc.info.description).toMatch(/a field the route does not take/);
    expect(doc.info.description).toMatch(/never coerced/);
    expect(doc.info.description).toMatch(/ZEGO callbacks .* ignored/);
  });

  test('/docs is a page served from here, not from a CDN', async () => {
    const page = await fetch(`${server.url}/docs/static/index.html`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/swagger-ui/i);
    expect(html).not.toMatch(/src="https?:\/\//);
    const bundle = await fetch(`${server.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    // Read to the end: an unread body keeps the connection busy and the server's close waiting.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});

describe('strict JSON bodies', () => {
  test('a wrong type is a 400 naming the field, never coerced', async () => {
    const { token } = await devLogin(server, 'strict-typer');
    const five = await server.request<ErrorBody>('POST', '/api/rooms', { token, body: { title: 5 } });
    expect(five.status).toBe(400);
    expect(five.body.error).toEqual({ code: 'BAD_REQUEST', message: 'body/title must be string' });
    const list = await server.request<{ rooms: unknown[] }>('GET', '/api/rooms?status=idle');
    expect(list.body.rooms).toEqual([]);

    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token,
      body: { title: 'strict' },
    });
    const stats = await server.request<ErrorBody>('POST', `/api/rooms/${created.body.room.id}/stats`, {
      token,
      body: { viewers: '5', likes: 0, messages: 0 },
    });
    expect(stats.status).toBe(400);
    expect(stats.body.error.message).toBe('body/viewers must be integer');
  });

  test('an unknown field is a 400 naming it (a typo never silently makes a different room)', async () => {
    const { token } = await devLogin(server, 'strict-typo');
    const typo = await server.request<ErrorBody>('POST', '/api/rooms', {
      token,
      body: { title: 'a call', knd: 'call' },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toEqual({
      code: 'BAD_REQUEST',
      message: 'body/knd is not a field this route takes',
    });
    const missing = await server.request<ErrorBody>('POST', '/api/auth/dev', { body: {} });
    expect(missing.body.error.message).toBe('body/nickname is required');
  });

  test('the query string is still coerced from text', async () => {
    const page = await server.request<{ rooms: unknown[] }>('GET', '/api/rooms?limit=2');
    expect(page.status).toBe(200);
    const bad = await server.request<ErrorBody>('GET', '/api/rooms?limit=many');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('querystring/limit must be integer');
  });
});

describe('every refusal in the one error shape', () => {
  const shape = { error: { code: expect.any(String), message: expect.any(String) } };

  test.each([
    ['a malformed percent-escape in the path', 'GET', '/api/rooms/%E0%A4%A', undefined, 400, 'BAD_REQUEST'],
    ['an unknown route', 'GET', '/api/nothing-here', undefined, 404, 'NOT_FOUND'],
    ['a method the route does not have', 'DELETE', '/healthz', undefined, 404, 'NOT_FOUND'],
    [
      'a path parameter over the length limit',
      'GET',
      `/api/rooms/${'r'.repeat(250)}`,
      undefined,
      414,
      'URI_TOO_LONG',
    ],
    [
      'malformed JSON',
      'POST',
      '/api/auth/dev',
      { raw: '{"nickname":', type: 'application/json' },
      400,
      'BAD_REQUEST',
    ],
    [
      'an unsupported content type',
      'POST',
      '/api/auth/dev',
      { raw: '<a/>', type: 'application/xml' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body over the limit',
      'POST',
      '/api/auth/dev',
      { raw: `{"nickname":"${'n'.repeat(20_000)}"}`, type: 'application/json' },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('%s', async (_what, method, urlPath, body, status, code) => {
    const answer = await server.request<ErrorBody>(method, urlPath, {
      ...(body ? { raw: body.raw, headers: { 'content-type': body.type } } : {}),
    });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(shape);
    expect(answer.body.error.code).toBe(code);
  });

  test('a 128-character room ID reaches the route (404 for an unknown room, not 414)', async () => {
    const answer = await server.request<ErrorBody>('GET', `/api/rooms/${'r'.repeat(128)}`);
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });

  test('oversize headers: 431 in the error shape (written by the server before Fastify)', async () => {
    const answer = await rawHttp(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toEqual({
      status: 431,
      body: { error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } },
    });
  });

  test('an HTTP/1.1 request without Host: 400 in the error shape; HTTP/1.0 needs none', async () => {
    const answer = await rawHttp('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(answer).toEqual({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: expect.stringMatching(/Host/) } },
    });
    const old = await rawHttp('GET /healthz HTTP/1.0\r\n\r\n');
    expect(old.body).toEqual({ ok: true });
  });

  test('a request line that is not HTTP: 400 in the error shape', async () => {
    expect(await rawHttp('hello there\r\n\r\n')).toEqual({ status: 400, body: shape });
  });
});

describe('ZEGO callbacks: a window and a nonce', () => {
  const signedAt = (at: number, nonce: string, fields: Record<string, string> = {}) => {
    const timestamp = String(Math.floor(at / 1000));
    return {
      ...fields,
      timestamp,
      nonce,
      signature: zegoCallbackSignature(CALLBACK_SECRET, timestamp, nonce),
    };
  };

  test('a callback older or newer than 5 minutes is refused, however well signed', async () => {
    const old = await server.request<ErrorBody>('POST', '/api/zego/callback/stream-create', {
      body: signedAt(now - 400 * 24 * 3600_000, 'n-old'),
    });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('CALLBACK_EXPIRED');
    const ahead = await server.request<ErrorBody>('POST', '/api/zego/callback/stream-create', {
      body: signedAt(now + 6 * 60_000, 'n-ahead'),
    });
    expect(ahead.body.error.code).toBe('CALLBACK_EXPIRED');
    const edge = await server.request('POST', '/api/zego/callback/stream-create', {
      body: signedAt(now - 4 * 60_000, 'n-edge'),
    });
    expect(edge.status).toBe(200);
  });

  test('a replayed callback is refused on another instance too, and cannot move another room', async () => {
    const { token } = await devLogin(server, 'cb-replay');
    const room = (
      await server.request<{ room: { id: string; streamID: string } }>('POST', '/api/rooms', {
        token,
        body: { title: 'replayed' },
      })
    ).body.room;
    const other = (
      await server.request<{ room: { id: string; streamID: string } }>('POST', '/api/rooms', {
        token,
        body: { title: 'other' },
      })
    ).body.room;
    const callback = signedAt(now, 'n-replay', { room_id: room.id, stream_id: room.streamID });
    const first = await server.request('POST', '/api/zego/callback/stream-create', { body: callback });
    expect(first.body).toEqual({ ok: true, roomID: room.id });

    const second = await startServer(testConfig(db.file), { now: () => now });
    try {
      const replayed = await second.request<ErrorBody>('POST', '/api/zego/callback/stream-close', {
        body: callback,
      });
      expect(replayed.status).toBe(409);
      expect(replayed.body.error.code).toBe('CALLBACK_REPLAYED');
      const elsewhere = await second.request<ErrorBody>('POST', '/api/zego/callback/stream-create', {
        body: { ...callback, room_id: other.id, stream_id: other.streamID },
      });
      expect(elsewhere.body.error.code).toBe('CALLBACK_REPLAYED');
    } finally {
      await second.close();
    }
    const read = async (id: string) =>
      (await server.request<{ room: { status: string } }>('GET', `/api/rooms/${id}`)).body.room.status;
    expect(await read(room.id)).toBe('live');
    expect(await read(other.id)).toBe('idle');
  });

  test('nonces are forgotten once their callbacks are past the window', async () => {
    expect(
      (await server.request('POST', '/api/zego/callback/stream-create', { body: signedAt(now, 'n-again') }))
        .status,
    ).toBe(200);
    now += 11 * 60_000;
    const later = await server.request('POST', '/api/zego/callback/stream-create', {
      body: signedAt(now, 'n-again'),
    });
    expect(later.status).toBe(200);
  });
});
