/**
 * A database outage: the service answers 503 DATABASE_UNAVAILABLE (the error shape, no stack, no secret) while
 * PostgreSQL is unreachable, /readyz says so, /healthz stays up, and everything works again once it is back.
 * The outage is a loopback TCP proxy in front of the test PostgreSQL that drops every connection and refuses new
 * ones: other suites share that PostgreSQL, so this one must not stop it.
 */
import { openPostgresStore } from '../src/store/postgres';
import { devLogin, LogCapture, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import { cuttableProxy } from './helpers/proxy';
import { describeWith, freshPostgresDatabase } from './helpers/services';

describeWith({ postgres: true }, 'outage.test.ts (PostgreSQL)')('database outage', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let dropDb: () => Promise<void>;
  const log = new LogCapture();
  // Made in beforeAll, so a skipped suite leaves no temp folder behind.
  let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };

  beforeAll(async () => {
    db = tempDbFile();
    const pg = await freshPostgresDatabase();
    dropDb = pg.drop;
    const target = new URL(pg.url);
    proxy = await cuttableProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(pg.url);
    viaProxy.port = String(proxy.port);
    const store = await openPostgresStore(viaProxy.toString(), {
      connectTimeoutMs: 1000,
      queryTimeoutMs: 1000,
    });
    server = await startServer(testConfig(db.file), { store, logStream: log, logLevel: 'info' });
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await dropDb?.();
    db.cleanup();
  });

  test('503 DATABASE_UNAVAILABLE while it is down, /readyz 503, /healthz 200; recovers by itself', async () => {
    const { token } = await devLogin(server, 'outage');
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token,
      body: { title: 'x' },
    });
    expect(created.status).toBe(200);
    const id = created.body.room.id;

    proxy.down();
    for (const [method, path, body] of [
      ['GET', `/api/rooms/${id}`, undefined],
      ['GET', '/api/rooms?status=live', undefined],
      ['POST', `/api/rooms/${id}/token`, { role: 'audience' }],
      ['POST', '/api/auth/dev', { nickname: 'during-outage' }],
    ] as const) {
      const answer = await server.request<{ error: { code: string; message: string } }>(method, path, {
        token,
        body,
      });
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 503,
        body: {
          error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable; try again shortly' },
        },
      });
    }
    const ready = await server.request<{ error: { code: string; message: string } }>('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error.message).toMatch(/database down/);
    expect((await server.request('GET', '/healthz')).status).toBe(200);

    proxy.up();
    const again = await server.request<{ room: { id: string } }>('GET', `/api/rooms/${id}`);
    expect(again.status).toBe(200);
    expect((await server.request('GET', '/readyz')).status).toBe(200);
    expect(
      (await server.request('POST', `/api/rooms/${id}/token`, { token, body: { role: 'audience' } })).status,
    ).toBe(200);

    // Logged as a warning without a stack trace or the connection string's password.
    expect(log.text).toMatch(/DATABASE_UNAVAILABLE/);
    expect(log.text).not.toMatch(/"stack"|at Client\.|live_test:live_test|password/);
  });

  test('a database that stops answering (connections hang) is a 503 within the timeouts, then recovers', async () => {
    const { token } = await devLogin(server, 'hang');
    proxy.hang();
    const started = Date.now();
    const answer = await server.request<{ error: { code: string } }>('GET', '/api/auth/me', { token });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5000);
    proxy.up();
    const me = await server.request('GET', '/api/auth/me', { token });
    expect(me.status).toBe(200);
  });
});
