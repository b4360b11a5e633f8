/**
 * PostgreSQL stopped and started again: the service answers 503 DATABASE_UNAVAILABLE while it is down and
 * recovers by itself when it is back. The suite runs its own throwaway PostgreSQL server (initdb + pg_ctl from
 * TEST_PG_BIN, on a free port, in a temp folder), so stopping it disturbs no other suite.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openPostgresStore } from '../src/store/postgres';
import { devLogin, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import { describeWith, TEST_PG_BIN } from './helpers/services';

/** PostgreSQL refuses to run as root: as root, its tools run as the postgres user. */
function pgTool(tool: string, args: string[]): void {
  const bin = path.join(TEST_PG_BIN ?? '', tool);
  const asRoot = process.getuid?.() === 0;
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const run = asRoot ? spawnSync('su', ['postgres', '-c', quoted]) : spawnSync(bin, args);
  if (run.status !== 0) {
    throw new Error(`${tool} failed (${run.status}): ${run.stderr?.toString()}${run.stdout?.toString()}`);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeWith({ pgBin: true }, 'pg-restart.test.ts')('PostgreSQL stopped and started again', () => {
  // Made in beforeAll, so a skipped suite leaves no folder behind.
  let dir = '';
  let data = '';
  let db: ReturnType<typeof tempDbFile> | null = null;
  let server: TestServer;
  let port = 0;

  const pgStart = (): void =>
    pgTool('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-w',
      'start',
    ]);
  const pgStop = (): void => pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'live-pg-'));
    data = path.join(dir, 'data');
    db = tempDbFile();
    if (process.getuid?.() === 0) {
      const pw = spawnSync('id', ['-u', 'postgres']).stdout.toString().trim();
      const gid = spawnSync('id', ['-g', 'postgres']).stdout.toString().trim();
      chownSync(dir, Number(pw), Number(gid));
    }
    pgTool('initdb', ['-D', data, '-U', 'live', '--auth=trust', '--no-sync']);
    port = await freePort();
    pgStart();
    const store = await openPostgresStore(`postgres://live@127.0.0.1:${port}/postgres`, {
      connectTimeoutMs: 1000,
    });
    server = await startServer(testConfig(db.file), { store });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    try {
      pgStop();
    } catch {
      // already stopped by a failed test
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    db?.cleanup();
  }, 30_000);

  test('503 while stopped, /readyz 503; after the start everything works again, with the data kept', async () => {
    const { token } = await devLogin(server, 'restart');
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token,
      body: { title: 'Survives a restart' },
    });
    expect(created.status).toBe(200);

    pgStop();
    const during = await server.request<{ error: { code: string; message: string } }>(
      'GET',
      `/api/rooms/${created.body.room.id}`,
    );
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect((await server.request('GET', '/readyz')).status).toBe(503);
    expect((await server.request('GET', '/healthz')).status).toBe(200);

    pgStart();
    const after = await server.request<{ room: { id: string; title: string } }>(
      'GET',
      `/api/rooms/${created.body.room.id}`,
    );
    expect(after.status).toBe(200);
    expect(after.body.room.title).toBe('Survives a restart');
    expect((await server.request('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await server.request('GET', '/readyz')).status).toBe(200);
  }, 30_000);
});
