/**
 * The real live service (server/) on loopback for the journeys: AUTH_MODE=dev, an operator token, made-up ZEGO
 * credentials (tokens are minted locally; the cloud is faked or real depending on the runner), a temp SQLite file.
 * E2E_SERVICE_URL (+ E2E_CONSOLE_TOKEN) uses one that is already running instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const SERVER_DIR = path.resolve(__dirname, '../../server');

/** A room as the service returns it (the fields journeys look at). */
export interface ServiceRoom {
  id: string;
  title: string;
  status: 'idle' | 'live' | 'paused' | 'ended';
  streamID?: string;
  anchor: { id: string; nickname: string } | null;
  kind?: 'live' | 'call';
  members?: { id: string; nickname: string }[];
}

/** A token as the service issues it (the fields journeys look at). */
export interface ServiceToken {
  token: string;
  userID: string;
  streamID?: string;
}

/** A JSON answer: status and body. */
export interface ServiceAnswer {
  status: number;
  body: unknown;
}

/** Plain HTTP JSON against the service (Node's http: jest's jsdom has no fetch). */
export function httpJson(
  baseUrl: string,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ServiceAnswer> {
  const url = new URL(urlPath, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The service, as journeys arrange things on it (what an operator or another phone would do). */
export class LiveService {
  private child: ChildProcess | null = null;
  private tmp: string | null = null;
  private output = '';

  constructor(
    readonly baseUrl: string,
    readonly consoleToken: string,
  ) {}

  /** Starts server/src/main.ts on `port` (0: a free one), or attaches to E2E_SERVICE_URL. */
  static async start(port = 0, extraEnv: Record<string, string> = {}): Promise<LiveService> {
    if (process.env.E2E_SERVICE_URL) {
      const service = new LiveService(process.env.E2E_SERVICE_URL, process.env.E2E_CONSOLE_TOKEN ?? '');
      await service.waitHealthy(5_000);
      return service;
    }
    const chosen = port || (await freePort());
    const consoleToken = 'e2e-operator-token';
    const service = new LiveService(`http://127.0.0.1:${chosen}`, consoleToken);
    service.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-service-'));
    const tsx = createRequire(path.join(SERVER_DIR, 'package.json')).resolve('tsx/cli');
    service.child = spawn(process.execPath, [tsx, 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: String(chosen),
        HOST: '127.0.0.1',
        AUTH_MODE: 'dev',
        CONSOLE_TOKEN: consoleToken,
        DATABASE: path.join(service.tmp, 'live.db'),
        // Made-up credentials: tokens are minted (and never accepted by a real ZEGO cloud).
        ZEGO_APP_ID: '1234567890',
        ZEGO_SERVER_SECRET: '0123456789abcdef0123456789abcdef',
        // No ZEGO server API here (there is no ZEGO to reach): the apps signal co-hosting with the SDK themselves.
        ZEGO_SERVER_API: 'off',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.child.stdout?.on('data', (d: Buffer) => (service.output = (service.output + d).slice(-4000)));
    service.child.stderr?.on('data', (d: Buffer) => (service.output = (service.output + d).slice(-4000)));
    await service.waitHealthy(30_000);
    return service;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child && this.child.exitCode !== null) {
        throw new Error(`the live service exited (${this.child.exitCode}):\n${this.output}`);
      }
      try {
        const res = await httpJson(this.baseUrl, 'GET', '/healthz');
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline)
        throw new Error(`the live service at ${this.baseUrl} did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops the service it started and removes its database. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    if (this.tmp) fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  private async call<T>(method: string, urlPath: string, body?: unknown, bearer?: string): Promise<T> {
    const res = await httpJson(
      this.baseUrl,
      method,
      urlPath,
      body,
      bearer ? { authorization: `Bearer ${bearer}` } : {},
    );
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${urlPath} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body as T;
  }

  /** The operator creates a room with a one-time invite (what the console does before printing the QR code). */
  async createRoomWithInvite(title: string): Promise<{ room: ServiceRoom; invite: string }> {
    const res = await this.call<{ room: ServiceRoom; invite?: { code: string } }>(
      'POST',
      '/api/rooms',
      { title },
      this.consoleToken,
    );
    if (!res.invite) throw new Error('the service created a room without an invite');
    return { room: res.room, invite: res.invite.code };
  }

  /** Signs a user in by nickname (AUTH_MODE=dev). */
  signIn(nickname: string): Promise<{ sessionToken: string; user: { id: string; nickname: string } }> {
    return this.call('POST', '/api/auth/dev', { nickname });
  }

  /** A signed-in user claims a room with its invite (the anchor's phone after scanning). */
  claim(sessionToken: string, roomID: string, invite: string): Promise<{ room: ServiceRoom }> {
    return this.call('POST', `/api/rooms/${roomID}/claim`, { invite }, sessionToken);
  }

  /** The owner marks the room live (what the anchor page does once publishing). */
  markLive(sessionToken: string, roomID: string): Promise<{ room: ServiceRoom }> {
    return this.call('POST', `/api/rooms/${roomID}/live`, undefined, sessionToken);
  }

  /** A signed-in user starts a 1v1 call (what 发起视频通话 does). */
  createCall(sessionToken: string, title: string): Promise<{ room: ServiceRoom }> {
    return this.call('POST', '/api/rooms', { title, kind: 'call' }, sessionToken);
  }

  /** A call member's token: the service gives it a seat (or answers 409 CALL_FULL). */
  callToken(sessionToken: string, roomID: string): Promise<ServiceToken> {
    return this.call('POST', `/api/rooms/${roomID}/token`, { role: 'call' }, sessionToken);
  }

  /** A member hangs up (or the owner ends the room). */
  end(sessionToken: string, roomID: string): Promise<{ room: ServiceRoom }> {
    return this.call('POST', `/api/rooms/${roomID}/end`, undefined, sessionToken);
  }

  /** The room's co-hosting as the caller sees it (anonymous without a session). */
  cohosts(roomID: string, sessionToken?: string): Promise<ServiceCohosts> {
    return this.call('GET', `/api/rooms/${roomID}/cohosts`, undefined, sessionToken);
  }

  /** A viewer asks to co-host. */
  requestCohost(
    sessionToken: string,
    roomID: string,
  ): Promise<{ cohosts: ServiceCohosts; signalled: boolean }> {
    return this.call('POST', `/api/rooms/${roomID}/cohosts/requests`, undefined, sessionToken);
  }

  /** The anchor accepts a request. */
  acceptCohost(
    sessionToken: string,
    roomID: string,
    userID: string,
  ): Promise<{ cohosts: ServiceCohosts; signalled: boolean }> {
    return this.call(
      'POST',
      `/api/rooms/${roomID}/cohosts/requests/${userID}/accept`,
      undefined,
      sessionToken,
    );
  }

  /** The anchor removes a co-host, or a co-host ends its own. */
  endCohost(
    sessionToken: string,
    roomID: string,
    userID: string,
  ): Promise<{ cohosts: ServiceCohosts; signalled: boolean }> {
    return this.call('DELETE', `/api/rooms/${roomID}/cohosts/${userID}`, undefined, sessionToken);
  }

  /** An accepted co-host's token (its own stream). */
  cohostToken(sessionToken: string, roomID: string): Promise<ServiceToken> {
    return this.call('POST', `/api/rooms/${roomID}/token`, { role: 'cohost' }, sessionToken);
  }

  /** The room as anyone sees it. */
  async room(roomID: string): Promise<ServiceRoom> {
    return (await this.call<{ room: ServiceRoom }>('GET', `/api/rooms/${roomID}`)).room;
  }
}

/** The co-hosting of a room, as the service answers it. */
export interface ServiceCohosts {
  limit: number;
  cohosts: { userId: string; nickname: string; streamId: string }[];
  requests: { userId: string; nickname: string; expiresAt: number }[];
  mine: 'none' | 'pending' | 'cohost';
  mixStreamId: string | null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
