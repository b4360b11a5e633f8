import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';

/** A valid 32-character ZEGO ServerSecret for tests. */
export const ZEGO_SECRET = 'ZegoTestSecret0123456789abcdefXY';
export const ZEGO_APP_ID = 1234567890;
export const CONSOLE_TOKEN = 'console-token-for-tests';
export const CALLBACK_SECRET = 'callback-secret-for-tests';
export const WECHAT_APPID = 'wx0123456789abcdef';
export const WECHAT_SECRET = 'wechatsecret0123456789abcdef0123';

/** A fresh temp folder holding the test's SQLite file. */
export function tempDbFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'live-server-test-'));
  return { file: path.join(dir, 'live.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The configuration tests use: ZEGO (server API off), console and callback configured, dev sign-in, the given DB file. */
export function testConfig(database: string, env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    ZEGO_APP_ID: String(ZEGO_APP_ID),
    ZEGO_SERVER_SECRET: ZEGO_SECRET,
    ZEGO_SERVER: 'wss://wssliveroom-test.example.com/ws,wss://wssliveroom-test-bak.example.com/ws',
    ZEGO_CALLBACK_SECRET: CALLBACK_SECRET,
    CONSOLE_TOKEN,
    DATABASE: database,
    // Never ZEGO's real server API from a test: suites that need it point it at the loopback fake.
    ZEGO_SERVER_API: 'off',
    ...env,
  });
}

/** Collects every log line the app writes. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A running app on 127.0.0.1 with a tiny JSON client. */
export interface TestServer {
  app: FastifyInstance;
  url: string;
  config: Config;
  request<T = Record<string, unknown>>(
    method: string,
    urlPath: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string },
  ): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** Builds the app with this config and deps and listens on an ephemeral loopback port. */
export async function startServer(config: Config, deps: AppDeps = {}): Promise<TestServer> {
  // Generous limits unless a test sets its own: one loopback address signs in many users.
  const generous = { max: 10_000, timeWindow: 60_000 };
  const app = await buildApp(config, {
    logStream: false,
    // Tests sweep by hand with their fake clock.
    sweepIntervalMs: false,
    ...deps,
    rateLimits: {
      auth: generous,
      token: generous,
      claim: generous,
      write: generous,
      list: generous,
      chat: generous,
      likes: generous,
      reports: generous,
      ...deps.rateLimits,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    async request(method, urlPath, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(url + urlPath, { method, headers, body });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return {
        status: response.status,
        body: (type.includes('json') && text ? JSON.parse(text) : text) as never,
        headers: response.headers,
      };
    },
    close: () => app.close(),
  };
}

/** Signs in a development user and returns its session token and user ID. */
export async function devLogin(
  server: TestServer,
  nickname: string,
): Promise<{ token: string; userId: string }> {
  const answer = await server.request<{ sessionToken: string; user: { id: string } }>(
    'POST',
    '/api/auth/dev',
    {
      body: { nickname },
    },
  );
  if (answer.status !== 200)
    throw new Error(`dev login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { token: answer.body.sessionToken, userId: answer.body.user.id };
}

/** The environment of a service on the loopback fakes of ZEGO's server API and WeChat (dev sign-in kept too). */
export const fakesEnv = (zegoUrl: string, wechatUrl: string): Record<string, string> => ({
  ZEGO_SERVER_API: 'on',
  ZEGO_SERVER_API_URL: zegoUrl,
  WECHAT_APPID,
  WECHAT_SECRET,
  WECHAT_API_BASE: wechatUrl,
  // Dev sign-in too, for the anchor and for a user without an openid.
  AUTH_MODE: 'dev',
});

/** A development anchor's room, live: its ID and the anchor's session token. */
export async function devLiveRoom(
  server: TestServer,
  title: string,
): Promise<{ id: string; anchorToken: string }> {
  const anchor = await devLogin(server, 'anchor');
  const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
    token: anchor.token,
    body: { title },
  });
  const { id } = created.body.room;
  const live = await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token });
  if (live.status !== 200) throw new Error(`go live failed: ${live.status}`);
  return { id, anchorToken: anchor.token };
}
