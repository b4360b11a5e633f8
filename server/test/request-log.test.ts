import { devLogin, LogCapture, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';

/** The lines written between two points. */
async function linesDuring(log: LogCapture, run: () => Promise<unknown>): Promise<string[]> {
  const before = log.lines.length;
  await run();
  // The line is written when the response has gone out: give the event loop a turn.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return log.lines.slice(before);
}

describe('request log', () => {
  let server: TestServer;
  let log: LogCapture;
  let cleanup: () => void;

  beforeAll(async () => {
    const db = tempDbFile();
    cleanup = db.cleanup;
    log = new LogCapture();
    server = await startServer(testConfig(db.file), { logStream: log });
  });
  afterAll(async () => {
    await server.close();
    cleanup();
  });

  test('a request writes exactly one short line: method, path, status, milliseconds', async () => {
    const lines = await linesDuring(log, () => server.request('GET', '/healthz'));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]) as { level: number; msg: string };
    expect(entry.level).toBe(30);
    expect(entry.msg).toMatch(/^GET \/healthz 200 \d+\.\d ms$/);
    expect(lines[0].length).toBeLessThan(200);
  });

  test('no header, body or query value ever reaches the log, on success or on error', async () => {
    const viewer = await devLogin(server, 'secretive-viewer');
    const room = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: viewer.token,
      body: { title: 'BodyTitleNeverLogged' },
      headers: { 'x-custom-header': 'HeaderValueNeverLogged' },
    });
    const lines = await linesDuring(log, async () => {
      await server.request('POST', `/api/rooms/${room.body.room.id}/token`, {
        token: viewer.token,
        body: { role: 'audience' },
      });
      await server.request('GET', '/api/rooms?status=live&cursor=QueryValueNeverLogged');
      await server.request('POST', '/api/auth/dev', {
        raw: '{"nickname": 5',
        headers: { 'content-type': 'application/json' },
      });
      await server.request('GET', '/no/such/route?token=QueryTokenNeverLogged');
    });
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      expect.stringMatching(new RegExp(`^POST /api/rooms/${room.body.room.id}/token 200 `)),
      expect.stringMatching(/^GET \/api\/rooms 400 /),
      expect.stringMatching(/^POST \/api\/auth\/dev 400 /),
      expect.stringMatching(/^GET \/no\/such\/route 404 /),
    ]);
    for (const secret of [
      viewer.token,
      'BodyTitleNeverLogged',
      'HeaderValueNeverLogged',
      'QueryValueNeverLogged',
      'QueryTokenNeverLogged',
      'secretive-viewer',
      'authorization',
      'user-agent',
    ]) {
      expect(log.text).not.toContain(secret);
    }
  });
});
