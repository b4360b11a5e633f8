/**
 * npm run bench:service: load on the running service (a separate src/main.ts process on loopback), with
 * autocannon, on SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL is set) on PostgreSQL.
 * For GET /healthz, GET /api/rooms?status=live and POST /api/rooms/:id/token (audience, many sessions) it measures
 * requests/s at saturation and p50/p99 at a fixed offered 1,000 req/s, and writes the table into bench/BENCHMARKS.md
 * between its markers (the rest of the file is left alone).
 *
 * Rate limits are per client: the bench instance runs with TRUST_PROXY=true and every request carries its own
 * X-Forwarded-For address, so each request is a distinct client, as thousands of viewers would be. The limiter
 * still runs (its cost is measured); it never refuses. Bounded: BENCH_SECONDS (default 5) per run, 12 runs per
 * engine at most, loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

// autocannon ships no types; this is the part of its API the bench uses.
interface CannonRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: CannonRequest) => CannonRequest;
}
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  pipelining?: number;
  requests: CannonRequest[];
}) => Promise<CannonResult>;

const SERVER_DIR = path.resolve(__dirname, '..');
const BENCH_FILE = path.resolve(SERVER_DIR, '..', 'bench', 'BENCHMARKS.md');
const SECONDS = Math.min(Math.max(Number(process.env.BENCH_SECONDS ?? 5), 1), 30);
const SESSIONS = 200;
const RATE = 1000;
const ZEGO_SECRET = 'BenchSecret0123456789abcdefghijX';
const START = '<!-- service bench (npm run bench:service): generated, do not edit by hand -->';
const END = '<!-- end of service bench -->';

/** A free loopback port (the service is told to listen there). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts src/main.ts and resolves once /healthz answers. */
async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    // NODE_ENV=test: exactly this environment, never a developer's server/.env.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('service did not start');
}

let clientSeq = 0;
/** A new client address per request: 10.a.b.c. */
const nextClient = (): string => {
  clientSeq += 1;
  return `10.${(clientSeq >> 16) & 255}.${(clientSeq >> 8) & 255}.${clientSeq & 255}`;
};

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': nextClient(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Signs in SESSIONS viewers and one anchor with a live room. */
async function seed(url: string): Promise<{ roomId: string; sessions: string[] }> {
  const anchor = await post<{ sessionToken: string }>(`${url}/api/auth/dev`, { nickname: 'bench-anchor' });
  const { room } = await post<{ room: { id: string } }>(
    `${url}/api/rooms`,
    { title: 'Bench' },
    anchor.sessionToken,
  );
  await post(`${url}/api/rooms/${room.id}/live`, {}, anchor.sessionToken);
  const sessions: string[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    sessions.push(
      (await post<{ sessionToken: string }>(`${url}/api/auth/dev`, { nickname: `viewer${i}` })).sessionToken,
    );
  }
  return { roomId: room.id, sessions };
}

interface Row {
  engine: string;
  route: string;
  saturation: CannonResult;
  fixed: CannonResult;
}

/** Saturation (50 connections, as fast as it answers) then a fixed offered RATE req/s. */
async function measure(url: string, engine: string, route: string, request: CannonRequest): Promise<Row> {
  const withClient: CannonRequest = {
    ...request,
    setupRequest: (r) => {
      const sessionHeaders = request.setupRequest ? request.setupRequest(r).headers : r.headers;
      return { ...r, headers: { ...sessionHeaders, 'x-forwarded-for': nextClient() } };
    },
  };
  const saturation = await autocannon({ url, connections: 50, duration: SECONDS, requests: [withClient] });
  const fixed = await autocannon({
    url,
    connections: 20,
    duration: SECONDS,
    overallRate: RATE,
    requests: [withClient],
  });
  return { engine, route, saturation, fixed };
}

async function benchEngine(engine: string, env: Record<string, string>): Promise<Row[]> {
  const { url, child } = await startService({
    ...env,
    TRUST_PROXY: 'true',
    ZEGO_APP_ID: '1234567890',
    ZEGO_SERVER_SECRET: ZEGO_SECRET,
    // The sweeper must not end the bench room between runs.
    HEARTBEAT_PAUSE_MS: String(3600_000),
    HEARTBEAT_END_MS: String(7200_000),
  });
  try {
    const { roomId, sessions } = await seed(url);
    let next = 0;
    const rows: Row[] = [];
    rows.push(await measure(url, engine, 'GET /healthz', { method: 'GET', path: '/healthz' }));
    rows.push(
      await measure(url, engine, 'GET /api/rooms?status=live', {
        method: 'GET',
        path: '/api/rooms?status=live',
      }),
    );
    rows.push(
      await measure(url, engine, 'POST /api/rooms/:id/token (audience)', {
        method: 'POST',
        path: `/api/rooms/${roomId}/token`,
        body: JSON.stringify({ role: 'audience' }),
        headers: { 'content-type': 'application/json' },
        setupRequest: (r) => {
          next = (next + 1) % sessions.length;
          return { ...r, headers: { ...r.headers, authorization: `Bearer ${sessions[next]}` } };
        },
      }),
    );
    return rows;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** A fresh database on the PostgreSQL of `base`, and how to drop it. */
async function freshDatabase(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `live_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

// autocannon measures latency in whole milliseconds.
const ms = (value: number): string => `${Math.round(value)} ms`;
const rps = (value: number): string => Math.round(value).toLocaleString('en-US');
const bad = (r: CannonResult): number => r.non2xx + r.errors + r.timeouts;

function table(rows: Row[], postgresNote: string | null): string {
  const lines = [
    START,
    '## Service (npm run bench:service)',
    '',
    `autocannon against one service process on loopback (${os.cpus().length} cores, Node ${process.version}; the service`,
    'and autocannon share the machine). Saturation: 50 connections for ' +
      `${SECONDS} s; fixed: ${RATE.toLocaleString('en-US')} req/s offered over 20 connections for ${SECONDS} s.`,
    `Token requests rotate over ${SESSIONS} sessions in one live room. Every request carries its own X-Forwarded-For`,
    '(TRUST_PROXY=true), so the per-client rate limits count but never refuse; "failed" counts non-2xx, errors and',
    'timeouts. Latency resolution is 1 ms. Request logs at info go to /dev/null. Budget (DESIGN.md): token p99 under',
    '10 ms at 1,000 req/s on SQLite;',
    "token throughput at least half of /healthz's.",
    '',
    '| engine | route | req/s at saturation | p99 at saturation | p50 at 1,000 req/s | p99 at 1,000 req/s | failed |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.route} | ${rps(r.saturation.requests.average)} | ${ms(r.saturation.latency.p99)} | ` +
        `${ms(r.fixed.latency.p50)} | ${ms(r.fixed.latency.p99)} | ${bad(r.saturation) + bad(r.fixed)} |`,
    ),
    '',
  ];
  for (const engine of [...new Set(rows.map((r) => r.engine))]) {
    const health = rows.find((r) => r.engine === engine && r.route === 'GET /healthz');
    const token = rows.find((r) => r.engine === engine && r.route.startsWith('POST'));
    if (!health || !token) continue;
    const ratio = token.saturation.requests.average / health.saturation.requests.average;
    const p99 = token.fixed.latency.p99;
    lines.push(
      `${engine}: token p99 at 1,000 req/s ${ms(p99)} (${p99 < 10 ? 'within' : 'over'} 10 ms); token throughput ` +
        `${(ratio * 100).toFixed(0)}% of /healthz's (${ratio >= 0.5 ? 'at least' : 'under'} half).`,
    );
  }
  if (postgresNote) lines.push(postgresNote);
  lines.push(END);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'live-bench-'));
  try {
    rows.push(...(await benchEngine('SQLite', { DATABASE: path.join(dir, 'live.db') })));
    const base = process.env.BENCH_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || '';
    let note: string | null = null;
    if (base) {
      const pg = await freshDatabase(base);
      try {
        rows.push(
          ...(await benchEngine('PostgreSQL', {
            DATABASE_URL: pg.url,
            AVATAR_DIR: path.join(dir, 'avatars'),
          })),
        );
      } finally {
        await pg.drop();
      }
    } else {
      note =
        'PostgreSQL not measured in this run (set BENCH_DATABASE_URL or TEST_DATABASE_URL, a role with CREATEDB).';
    }
    const section = table(rows, note);
    console.log(section);
    const current = readFileSync(BENCH_FILE, 'utf8');
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    const next =
      start >= 0 && end > start
        ? current.slice(0, start) + section + current.slice(end + END.length)
        : `${current.replace(/\n*$/, '\n\n')}${section}\n`;
    writeFileSync(BENCH_FILE, next);
    console.log(`wrote the service section of ${path.relative(process.cwd(), BENCH_FILE)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
