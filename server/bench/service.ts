/**
 * npm run bench:service: load on the running service (a separate src/main.ts process on loopback), on SQLite and
 * (when BENCH_DATABASE_URL or TEST_DATABASE_URL is set) on PostgreSQL. For GET /healthz, GET /api/rooms?status=live
 * (a full 20-room page) and POST /api/rooms/:id/token (audience, many sessions) it measures requests/s at
 * saturation (autocannon) and p50/p99 at a fixed offered 1,000 req/s (paced evenly by bench/paced.ts), beside the
 * machine's floor (Node's bare http server, measured the same way), and writes the table into bench/BENCHMARKS.md
 * between its markers (the rest of the file is left alone).
 *
 * Fairer on a small machine: with taskset and at least 2 cores the service is pinned to core 0 and autocannon,
 * in a process of its own, to core 1 (else they share). Each route is warmed up before it is measured; the three
 * routes are measured in turn BENCH_RUNS times (default 3) and the table shows each figure's median, the ratios
 * the median of each run's own ratio. The machine's load average before and after is printed with the table.
 *
 * Rate limits are per client: the bench instance trusts 127.0.0.1 as its reverse proxy (TRUST_PROXY=127.0.0.1, as a
 * deployment behind nginx on the same host would) and every request carries its own X-Forwarded-For address, so
 * each request is a distinct client, as thousands of viewers would be. The limiter still runs (its cost is
 * measured); it never refuses. Bounded: BENCH_SECONDS (default 5) per measurement, loopback only.
 */
import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cpuMicros } from './proc-cpu';
import { freshDatabase } from './databases';
import { benchHotRoom, HOT_END, HOT_START } from './hot-room';
import { ROUTES, runCannon, type CannonJob } from './service-load';
import {
  BASELINE_MARK,
  load,
  table,
  writeSection,
  type CannonResult,
  type Row,
  type Sample,
} from './service-table';

const SERVER_DIR = path.resolve(__dirname, '..');
const BENCH_FILE = path.resolve(SERVER_DIR, '..', 'bench', 'BENCHMARKS.md');
const SECONDS = Math.min(Math.max(Number(process.env.BENCH_SECONDS ?? 5), 1), 30);
const RUNS = Math.min(Math.max(Number(process.env.BENCH_RUNS ?? 3), 1), 9);
const WARMUP_SECONDS = 2;
const SESSIONS = 200;
/** Live rooms seeded: more than a page, so the room list answers a full 20-room page. */
const ROOMS = 25;
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

/** taskset, when present and there are two cores to give: the service gets core 0, autocannon core 1. */
const PINNED = ((): boolean => {
  if (os.cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** The command line of a process pinned to a core (or not pinned). */
const onCore = (core: number, args: string[]): [string, string[]] =>
  PINNED ? ['taskset', ['-c', String(core), ...args]] : [args[0], args.slice(1)];

/** Starts src/main.ts of a server/ folder (this one, or a baseline's) and resolves once /healthz answers. */
async function startService(
  env: Record<string, string>,
  serverDir: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const [command, args] = onCore(0, [process.execPath, '--import', 'tsx', 'src/main.ts']);
  const child = spawn(command, args, {
    cwd: serverDir,
    // NODE_ENV=test: exactly this environment, never a developer's server/.env.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, child, 'service');
  return { url, child };
}

/** Resolves once GET /healthz answers 200 (60 s at most: tsx compiles slowly on a busy machine); else kills the child and throws. */
async function untilHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not start`);
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

/** Signs in SESSIONS viewers and ROOMS anchors, each with a live room; tokens are asked for the last room. */
async function seed(url: string): Promise<{ roomId: string; sessions: string[] }> {
  let roomId = '';
  for (let i = 0; i < ROOMS; i += 1) {
    const anchor = await post<{ sessionToken: string }>(`${url}/api/auth/dev`, { nickname: `anchor${i}` });
    const { room } = await post<{ room: { id: string } }>(
      `${url}/api/rooms`,
      { title: `Bench ${i}` },
      anchor.sessionToken,
    );
    await post(`${url}/api/rooms/${room.id}/live`, {}, anchor.sessionToken);
    roomId = room.id;
  }
  const sessions: string[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    sessions.push(
      (await post<{ sessionToken: string }>(`${url}/api/auth/dev`, { nickname: `viewer${i}` })).sessionToken,
    );
  }
  return { roomId, sessions };
}

let blocks = 100;
/** One autocannon run in its own process (on core 1 when pinned); resolves with its result. */
async function cannon(job: Omit<CannonJob, 'block'>, dir: string): Promise<CannonResult> {
  blocks = blocks >= 250 ? 100 : blocks + 1;
  const file = path.join(dir, `job-${blocks}.json`);
  writeFileSync(file, JSON.stringify({ ...job, block: blocks }));
  const [command, args] = onCore(1, [process.execPath, '--import', 'tsx', __filename, '--cannon', file]);
  const child = spawn(command, args, { cwd: SERVER_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`autocannon process exited with ${code}`);
  return JSON.parse(out) as CannonResult;
}

/** Warm-up (discarded), saturation (50 connections, as fast as it answers), then a fixed offered RATE req/s. */
async function measure(
  base: Omit<CannonJob, 'block' | 'connections' | 'duration'>,
  dir: string,
  pid: number | undefined,
): Promise<Sample> {
  await cannon({ ...base, connections: 50, duration: WARMUP_SECONDS }, dir);
  const before = cpuMicros(pid);
  const saturation = await cannon({ ...base, connections: 50, duration: SECONDS }, dir);
  const after = cpuMicros(pid);
  const fixed = await cannon({ ...base, connections: 20, duration: SECONDS, overallRate: RATE }, dir);
  const cpuPerRequest =
    before === null || after === null || saturation.requests.total === 0
      ? null
      : (after - before) / saturation.requests.total;
  return { saturation, fixed, cpuPerRequest };
}

/** One service to measure: this checkout's server/ or a baseline commit's, each with its own database. */
interface Variant {
  label: string;
  serverDir: string;
  env: Record<string, string>;
}

/**
 * Measures the variants of one engine (this store, and a baseline's when BENCH_BASELINE is set), all started at
 * once: run after run, the routes and then the variants take turns, so a busy moment touches them all alike.
 */
async function benchEngine(variants: Variant[], dir: string): Promise<Row[]> {
  const services: Array<{ url: string; child: ChildProcess; roomId: string; sessions: string[] }> = [];
  try {
    for (const variant of variants) {
      const service = await startService(
        {
          ...variant.env,
          // 127.0.0.1 is the trusted reverse proxy; each request's X-Forwarded-For names its client.
          TRUST_PROXY: '127.0.0.1',
          ZEGO_APP_ID: '1234567890',
          ZEGO_SERVER_SECRET: ZEGO_SECRET,
          // The sweeper must not end the bench rooms between runs.
          HEARTBEAT_PAUSE_MS: String(3600_000),
          HEARTBEAT_END_MS: String(7200_000),
        },
        variant.serverDir,
      );
      services.push({ ...service, ...(await seed(service.url)) });
    }
    const rows: Row[][] = variants.map((v) =>
      ROUTES.map((r) => ({ engine: v.label, route: r.label, samples: [] })),
    );
    for (let run = 0; run < RUNS; run += 1) {
      for (const [i, route] of ROUTES.entries()) {
        for (const [v, { url, child, roomId, sessions }] of services.entries()) {
          rows[v][i].samples.push(
            await measure({ url, route: route.name, roomId, sessions }, dir, child.pid),
          );
        }
      }
    }
    return rows.flat();
  } finally {
    for (const { child } of services) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

/**
 * BENCH_BASELINE=<commit>: that commit's server/ is extracted into `dir` (sharing this checkout's node_modules) and
 * measured beside this one, in the same run (an A/B the shared machine cannot skew one way).
 */
function extractBaseline(dir: string): { label: string; serverDir: string } | null {
  const ref = process.env.BENCH_BASELINE?.trim();
  if (!ref) return null;
  if (!/^[\w./-]+$/.test(ref)) throw new Error(`BENCH_BASELINE is not a commit name: ${ref}`);
  const root = path.join(dir, 'baseline');
  mkdirSync(root);
  execSync(`git archive ${ref} server | tar -x -C ${root}`, { cwd: path.resolve(SERVER_DIR, '..') });
  symlinkSync(path.resolve(SERVER_DIR, '..', 'node_modules'), path.join(root, 'node_modules'));
  symlinkSync(path.join(SERVER_DIR, 'node_modules'), path.join(root, 'server', 'node_modules'));
  return { label: `${BASELINE_MARK} ${ref}`, serverDir: path.join(root, 'server') };
}

/**
 * The machine's floor: Node's own http server answering {"ok":true} to everything, with no framework, pinned and
 * measured as the service is. What it shows at 1,000 req/s is what this machine adds to any route's latency.
 */
async function benchFloor(dir: string): Promise<Row> {
  const port = await freePort();
  const script =
    "require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); " +
    `s.end('{"ok":true}'); }).listen(${port}, '127.0.0.1');`;
  const [command, args] = onCore(0, [process.execPath, '-e', script]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    await untilHealthy(url, child, 'the bare http server');
    const row: Row = { engine: 'none', route: FLOOR_LABEL, samples: [] };
    for (let run = 0; run < RUNS; run += 1) {
      row.samples.push(await measure({ url, route: 'health', roomId: '', sessions: [] }, dir, child.pid));
    }
    return row;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
const FLOOR_LABEL = "node:http alone, no framework (the machine's floor)";

/** The hot room's part (bench/hot-room.ts), with this bench's services, load processes and databases. */
async function hotRoom(dir: string, base: string, drops: Array<() => Promise<void>>): Promise<void> {
  const section = await benchHotRoom({
    startService: (env) => startService(env, SERVER_DIR),
    stopService: async ({ child }) => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
    cannon: (job) => cannon(job, dir),
    freshDatabase: async () => {
      if (!base) return null;
      const pg = await freshDatabase(base);
      drops.push(pg.drop);
      return pg;
    },
    post,
    tempPath: (name) => path.join(dir, name),
    redisUrl: process.env.BENCH_REDIS_URL?.trim() || process.env.TEST_REDIS_URL?.trim() || null,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
  });
  console.log(section);
  writeSection(BENCH_FILE, section, HOT_START, HOT_END);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'live-bench-'));
  const before = load();
  const drops: Array<() => Promise<void>> = [];
  try {
    const base = process.env.BENCH_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || '';
    // BENCH_PART=hot: the hot room only (its own section); else the routes, then the hot room.
    if (process.env.BENCH_PART === 'hot') {
      await hotRoom(dir, base, drops);
      return;
    }
    const baseline = extractBaseline(dir);
    /** The engine's variants: the baseline first (when set), then this store; `env` gives each its own database. */
    const variants = async (engine: string, env: (n: number) => Promise<Record<string, string>>) => [
      ...(baseline
        ? [{ label: `${engine}, ${baseline.label}`, serverDir: baseline.serverDir, env: await env(0) }]
        : []),
      { label: engine, serverDir: SERVER_DIR, env: await env(1) },
    ];
    rows.push(await benchFloor(dir));
    rows.push(
      ...(await benchEngine(
        await variants('SQLite', async (n) => ({ DATABASE: path.join(dir, `live${n}.db`) })),
        dir,
      )),
    );
    const notes: string[] = [];
    if (base) {
      const postgres = await variants('PostgreSQL', async (n) => {
        const pg = await freshDatabase(base);
        drops.push(pg.drop);
        return { DATABASE_URL: pg.url, AVATAR_DIR: path.join(dir, `avatars${n}`) };
      });
      rows.push(...(await benchEngine(postgres, dir)));
    } else {
      notes.push(
        'PostgreSQL not measured in this run (set BENCH_DATABASE_URL or TEST_DATABASE_URL, a role with CREATEDB).',
      );
    }
    const section = table(
      rows,
      notes,
      { before, after: load() },
      {
        seconds: SECONDS,
        runs: RUNS,
        warmupSeconds: WARMUP_SECONDS,
        rate: RATE,
        rooms: ROOMS,
        sessions: SESSIONS,
        pinned: PINNED,
        routes: [ROUTES[0].label, ROUTES[1].label, ROUTES[2].label],
        start: START,
        end: END,
      },
    );
    console.log(section);
    writeSection(BENCH_FILE, section, START, END);
    await hotRoom(dir, base, drops);
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const cannonAt = process.argv.indexOf('--cannon');
if (cannonAt > 0) {
  // The autocannon process: one job, its result as JSON on stdout.
  runCannon(JSON.parse(readFileSync(process.argv[cannonAt + 1], 'utf8')) as CannonJob).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
