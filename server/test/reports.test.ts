/**
 * Problem reports (遇到问题？): kept with every secret removed again, listed by room and by user for operators, one
 * shown with its lines; limited per session, size-capped, and deleted after REPORT_RETENTION_DAYS.
 */
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';

interface ErrorBody {
  error: { code: string; message: string };
}
interface ReportBody {
  id: number;
  userId: string;
  nickname: string | null;
  roomId: string | null;
  description: string;
  device: Record<string, string>;
  logs?: string[];
}
const T0 = Date.UTC(2026, 11, 8, 10, 0, 0);
const DAY = 24 * 3600 * 1000;
const SESSION_LIKE = 'pC3nq7Jf0_yXbF-2t9mZk8LwQeRvA1sDdG4hH5iI6jJ';
const DEVICE = { wechat: '8.0.50', system: 'iOS 17.5', sdk: '3.6.0', model: 'iPhone 15' };

describe('problem reports', () => {
  const db = tempDbFile();
  let server: TestServer;
  let now = T0;

  beforeAll(async () => {
    server = await startServer(testConfig(db.file, { REPORT_RETENTION_DAYS: '3' }), {
      now: () => now,
      rateLimits: { reports: { max: 3, timeWindow: 600_000 } },
    });
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  const send = (token: string, body: Record<string, unknown>) =>
    server.request<{ id: number } & ErrorBody>('POST', '/api/reports', { token, body });

  test('kept without secrets, listed by room and by user, one shown with its lines', async () => {
    const viewer = await devLogin(server, '遇到问题的观众');
    const other = await devLogin(server, '另一位');
    const sent = await send(viewer.token, {
      roomId: 'room_1',
      description: '画面一直黑屏',
      device: DEVICE,
      // An app that forgot to redact: the service removes the secrets anyway.
      logs: [
        '12:00:00.000 phase joining -> watching',
        `12:00:01.000 net Authorization: Bearer ${SESSION_LIKE}`,
      ],
    });
    expect(sent.status).toBe(200);
    await send(other.token, { roomId: 'room_2', description: '没有声音', device: DEVICE, logs: [] });

    const byRoom = await server.request<{ reports: ReportBody[] }>('GET', '/api/reports?roomId=room_1', {
      token: CONSOLE_TOKEN,
    });
    expect(byRoom.body.reports).toEqual([
      {
        id: sent.body.id,
        userId: viewer.userId,
        nickname: '遇到问题的观众',
        roomId: 'room_1',
        description: '画面一直黑屏',
        device: DEVICE,
        createdAt: T0,
      },
    ]);
    const byUser = await server.request<{ reports: ReportBody[] }>(
      'GET',
      `/api/reports?userId=${other.userId}`,
      {
        token: CONSOLE_TOKEN,
      },
    );
    expect(byUser.body.reports.map((r) => r.description)).toEqual(['没有声音']);
    const one = await server.request<{ report: ReportBody }>('GET', `/api/reports/${sent.body.id}`, {
      token: CONSOLE_TOKEN,
    });
    expect(one.body.report.logs).toEqual([
      '12:00:00.000 phase joining -> watching',
      '12:00:01.000 net Authorization: Bearer [redacted]',
    ]);
    expect(JSON.stringify(one.body)).not.toContain(SESSION_LIKE.slice(0, 20));
    // Only operators read reports.
    expect((await server.request('GET', '/api/reports', { token: viewer.token })).status).toBe(403);
    expect((await server.request('GET', '/api/reports')).status).toBe(401);
  });

  test('limited per session (the 4th in 10 min is 429), size-capped, a blank description refused', async () => {
    const user = await devLogin(server, 'noisy');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1)
      statuses.push((await send(user.token, { description: `#${i}`, device: {}, logs: [] })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const fresh = await devLogin(server, 'careful');
    const tooMany = await send(fresh.token, { description: 'x', device: {}, logs: Array(501).fill('line') });
    expect(tooMany.status).toBe(400);
    const blank = await send(fresh.token, { description: '   ', device: {}, logs: [] });
    expect([blank.status, blank.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    const huge = await server.request<ErrorBody>('POST', '/api/reports', {
      token: fresh.token,
      raw: JSON.stringify({
        description: 'x',
        device: {},
        logs: Array(500).fill('y'.repeat(400)),
        pad: 'z'.repeat(80_000),
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    // The most a report may carry is taken (another session: this one spent its three).
    const full = await devLogin(server, 'full-report');
    const biggest = await send(full.token, {
      description: 'ok',
      device: {},
      logs: Array(500).fill('y'.repeat(400)),
    });
    expect(biggest.status).toBe(200);
  });

  test('deleted after REPORT_RETENTION_DAYS by the sweeper', async () => {
    const user = await devLogin(server, 'old-report');
    const old = await send(user.token, { description: '很久以前的问题', device: {}, logs: [] });
    now += 3 * DAY + 1;
    await server.app.sweeper.sweep();
    expect(
      (await server.request('GET', `/api/reports/${old.body.id}`, { token: CONSOLE_TOKEN })).status,
    ).toBe(404);
  });
});
