/**
 * The monitoring wall's service side: every live room with its figures and the age of its anchor's heartbeat; a
 * force-end whose reason the end screens read; a warning relayed to the anchor by ZEGO under the service's identity.
 */
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';

interface ErrorBody {
  error: { code: string; message: string };
}
interface WallBody {
  rooms: Array<Record<string, unknown>>;
  at: number;
}
const T0 = Date.UTC(2026, 11, 8, 20, 0, 0);
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];

describe('the monitoring wall', () => {
  const db = tempDbFile();
  let server: TestServer;
  let zego: FakeZegoServerApi;
  let now = T0;

  beforeAll(async () => {
    zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    server = await startServer(
      testConfig(db.file, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: zego.url }),
      {
        now: () => now,
      },
    );
  });
  afterAll(async () => {
    await server.close();
    await zego.close();
    db.cleanup();
  });

  async function liveRoom(
    nickname: string,
  ): Promise<{ id: string; anchor: { token: string; userId: string } }> {
    const anchor = await devLogin(server, nickname);
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: `${nickname} 的直播` },
    });
    await server.request('POST', `/api/rooms/${created.body.room.id}/live`, { token: anchor.token });
    return { id: created.body.room.id, anchor };
  }

  test('a room going live appears with its anchor, figures, co-hosts, time live and heartbeat age', async () => {
    expect((await server.request<WallBody>('GET', '/api/wall', { token: CONSOLE_TOKEN })).body.rooms).toEqual(
      [],
    );
    const { id, anchor } = await liveRoom('wall-anchor');
    const viewer = await devLogin(server, 'wall-viewer');
    await server.request('POST', `/api/rooms/${id}/likes`, { token: viewer.token, body: { count: 7 } });
    await server.request('POST', `/api/rooms/${id}/cohosts/requests`, { token: viewer.token });
    await server.request('POST', `/api/rooms/${id}/cohosts/requests/${viewer.userId}/accept`, {
      token: anchor.token,
    });
    await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: anchor.token });
    now += 42_000;
    const wall = await server.request<WallBody>('GET', '/api/wall', { token: CONSOLE_TOKEN });
    expect(wall.body.rooms).toEqual([
      {
        id,
        title: 'wall-anchor 的直播',
        status: 'live',
        anchor: { id: anchor.userId, nickname: 'wall-anchor' },
        viewers: 0,
        peakViewers: 0,
        likes: 7,
        messages: 0,
        cohosts: 1,
        liveMs: 42_000,
        startedAt: T0,
        heartbeatAgeMs: 42_000,
      },
    ]);
    expect(code(await server.request('GET', '/api/wall'))).toEqual([401, 'UNAUTHORIZED']);
    expect(code(await server.request('GET', '/api/wall', { token: viewer.token }))).toEqual([
      403,
      'FORBIDDEN',
    ]);
  });

  test('a warning reaches the anchor as a custom command from the service, and is audited with its words', async () => {
    const { id, anchor } = await liveRoom('warned-anchor');
    const before = zego.of('SendCustomCommand').length;
    const warned = await server.request<{ signalled: boolean }>('POST', `/api/rooms/${id}/warnings`, {
      token: CONSOLE_TOKEN,
      body: { text: '请注意直播内容' },
    });
    expect(warned.body).toEqual({ signalled: true });
    const [call] = zego.of('SendCustomCommand').slice(before);
    expect(call.query.get('FromUserId')).toBe('live-service');
    expect(call.query.getAll('ToUserId[]').concat(call.query.getAll('ToUserId'))).toContain(anchor.userId);
    expect(JSON.parse(call.query.get('MessageContent') ?? 'null')).toEqual({
      t: 'warning',
      text: '请注意直播内容',
    });
    const audit = await server.request<{ entries: Array<Record<string, unknown>> }>(
      'GET',
      `/api/audit?roomId=${id}`,
      {
        token: CONSOLE_TOKEN,
      },
    );
    expect(audit.body.entries[0]).toMatchObject({
      action: 'POST /api/rooms/:id/warnings',
      detail: '请注意直播内容',
      actor: { name: 'CONSOLE_TOKEN', role: 'admin' },
    });
    expect(
      code(
        await server.request('POST', `/api/rooms/${id}/warnings`, {
          token: anchor.token,
          body: { text: 'x' },
        }),
      ),
    ).toEqual([403, 'FORBIDDEN']);
    expect(
      code(
        await server.request('POST', `/api/rooms/${id}/warnings`, {
          token: CONSOLE_TOKEN,
          body: { text: '  ' },
        }),
      ),
    ).toEqual([400, 'BAD_REQUEST']);
  });

  test('force-end with a reason: the room leaves the wall, its stats carry the reason; an anchor gives none', async () => {
    const { id, anchor } = await liveRoom('ended-anchor');
    expect(
      code(
        await server.request('POST', `/api/rooms/${id}/end`, {
          token: anchor.token,
          body: { reason: 'mine' },
        }),
      ),
    ).toEqual([400, 'BAD_REQUEST']);
    const ended = await server.request<{ room: { status: string } }>('POST', `/api/rooms/${id}/end`, {
      token: CONSOLE_TOKEN,
      body: { reason: '直播内容违规' },
    });
    expect(ended.body.room.status).toBe('ended');
    const stats = await server.request<{ stats: { endReason?: string } }>('GET', `/api/rooms/${id}/stats`);
    expect(stats.body.stats.endReason).toBe('直播内容违规');
    const wall = await server.request<WallBody>('GET', '/api/wall', { token: CONSOLE_TOKEN });
    expect(wall.body.rooms.map((r) => r.id)).not.toContain(id);
    expect(
      code(
        await server.request('POST', `/api/rooms/${id}/warnings`, {
          token: CONSOLE_TOKEN,
          body: { text: '晚了' },
        }),
      ),
    ).toEqual([409, 'ROOM_NOT_LIVE']);
    // An anchor's own end keeps no reason.
    const other = await liveRoom('self-ended');
    await server.request('POST', `/api/rooms/${other.id}/end`, { token: other.anchor.token });
    const plain = await server.request<{ stats: Record<string, unknown> }>(
      'GET',
      `/api/rooms/${other.id}/stats`,
    );
    expect(plain.body.stats).not.toHaveProperty('endReason');
  });
});
