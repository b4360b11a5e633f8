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
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROUTES, runCannon, type CannonJob, type CannonResult } from './load';
import { freshDatabase } from './postgres';
import { cpuMicros } from './proc-cpu';

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

/** Starts src/main.ts and resolves once /healthz answers. */
async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const [command, args] = onCore(0, [process.execPath, '--import', 'tsx', 'src/main.ts']);
  const child = spawn(command, args, {
    cwd: SERVER_DIR,
    // NODE_ENV=test: exactly this environment, never a developer's server/.env.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, child, 'service');
  return { url, child };
}

/** Resolves once GET /healthz answers 200 (10 s at most); else kills the child and throws. */
async function untilHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
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

interface Sample {
  saturation: CannonResult;
  fixed: CannonResult;
  /** The measured process's own CPU time per request at saturation (microseconds); null off Linux. */
  cpuPerRequest: number | null;
}
interface Row {
  engine: string;
  route: string;
  samples: Sample[];
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

async function benchEngine(engine: string, env: Record<string, string>, dir: string): Promise<Row[]> {
  const { url, child } = await startService({
    ...env,
    // 127.0.0.1 is the trusted reverse proxy; each request's X-Forwarded-For names its client.
    TRUST_PROXY: '127.0.0.1',
    ZEGO_APP_ID: '1234567890',
    ZEGO_SERVER_SECRET: ZEGO_SECRET,
    // The sweeper must not end the bench rooms between runs.
    HEARTBEAT_PAUSE_MS: String(3600_000),
    HEARTBEAT_END_MS: String(7200_000),
  });
  try {
    const { roomId, sessions } = await seed(url);
    const rows: Row[] = ROUTES.map((r) => ({ engine, route: r.label, samples: [] }));
    // The routes take turns, run after run, so a busy moment of the machine touches all of them alike.
    for (let run = 0; run < RUNS; run += 1) {
      for (const [i, route] of ROUTES.entries()) {
        rows[i].samples.push(await measure({ url, route: route.name, roomId, sessions }, dir, child.pid));
      }
    }
    return rows;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
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

// autocannon measures latency in whole milliseconds; the paced generator to the microsecond (shown to 0.1 ms).
const ms = (value: number): string => `${Math.round(value)} ms`;
const ms1 = (value: number): string => `${value.toFixed(1)} ms`;
const rps = (value: number): string => Math.round(value).toLocaleString('en-US');
const bad = (r: CannonResult): number => r.non2xx + r.errors + r.timeouts;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const load = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

/** The median CPU time per request at saturation, or a dash where /proc is not there to read. */
const cpu = (row: Row): string =>
  row.samples.every((s) => s.cpuPerRequest !== null)
    ? `${Math.round(median(row.samples.map((s) => s.cpuPerRequest as number)))} us`
    : '-';

/** " CPU per request: token N x /healthz's, room list M x." (the median of the runs' own ratios), or nothing. */
function cpuRatios(health: Row, token: Row, list: Row): string {
  const times = (row: Row): string => {
    const ratios = row.samples.map((s, i) => {
      const base = health.samples[i].cpuPerRequest;
      return s.cpuPerRequest === null || base === null || base === 0 ? null : s.cpuPerRequest / base;
    });
    return ratios.every((r) => r !== null) ? `${median(ratios as number[]).toFixed(2)}x` : '?';
  };
  if (health.samples.some((s) => s.cpuPerRequest === null)) return '';
  return ` CPU per request: token ${times(token)} /healthz's, room list ${times(list)}.`;
}

/** Each figure's median over the runs. */
const figure = (row: Row, pick: (s: Sample) => number): number => median(row.samples.map(pick));

function table(rows: Row[], postgresNote: string | null, loads: { before: string; after: string }): string {
  const cores = os.cpus().length;
  const placement = PINNED
    ? 'the service pinned to core 0 and autocannon, in its own process, to core 1 (taskset)'
    : 'the service and autocannon (in its own process) sharing the cores (no taskset)';
  const lines = [
    START,
    '## Service (npm run bench:service)',
    '',
    `autocannon against one service process on loopback (${cores} cores, Node ${process.version}): ${placement}.`,
    `Each route: ${WARMUP_SECONDS} s of warm-up (not counted), saturation (autocannon, 50 connections for ${SECONDS} s), then a`,
    `fixed ${RATE.toLocaleString('en-US')} req/s paced evenly over up to 20 keep-alive connections for ${SECONDS} s (bench/paced.ts, raw`,
    "sockets: one request due every millisecond, timed from its send to its answer's end, after 1 s of the same load",
    `not counted). The three routes take turns, ${RUNS} runs; each figure is the median of the runs, each ratio the`,
    `median of the runs' own ratios. Load average (1/5/15 min) before: ${loads.before}; after: ${loads.after}.`,
    "The first row is the machine's floor: Node's http server answering a constant, measured the same way; what it",
    'shows at 1,000 req/s is what this machine and the load generator add to any route.',
    `The room list answers a full page of 20 live rooms (of ${ROOMS}); token requests rotate over ${SESSIONS} sessions in one`,
    'live room. The service trusts 127.0.0.1 as its reverse proxy (TRUST_PROXY=127.0.0.1) and every request carries',
    'its own X-Forwarded-For, so each is a distinct client: the per-client rate limits count but never refuse.',
    '"failed" counts non-2xx, errors and timeouts over every run. Request logs (one line per request, at info) go to',
    '/dev/null. "CPU per request" is the measured process\'s own user + system time over the saturation run (from',
    "/proc), divided by the requests answered: PostgreSQL's own processes are not in it. Budgets: token p99 under",
    "10 ms at 1,000 req/s on SQLite; token and room list throughput at least half of /healthz's.",
    '',
    '| engine | route | req/s at saturation | CPU per request | p99 at saturation | p50 at 1,000 req/s | p99 at 1,000 req/s | failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.route} | ${rps(figure(r, (s) => s.saturation.requests.average))} | ${cpu(r)} | ` +
        `${ms(figure(r, (s) => s.saturation.latency.p99))} | ${ms1(figure(r, (s) => s.fixed.latency.p50))} | ` +
        `${ms1(figure(r, (s) => s.fixed.latency.p99))} | ` +
        `${r.samples.reduce((sum, s) => sum + bad(s.saturation) + bad(s.fixed), 0)} |`,
    ),
    '',
  ];
  for (const engine of [...new Set(rows.map((r) => r.engine))]) {
    const [health, list, token] = ROUTES.map((route) =>
      rows.find((r) => r.engine === engine && r.route === route.label),
    );
    if (!health || !list || !token) continue;
    const ratio = (row: Row): number =>
      median(
        row.samples.map(
          (s, i) => s.saturation.requests.average / health.samples[i].saturation.requests.average,
        ),
      );
    const p99 = figure(token, (s) => s.fixed.latency.p99);
    const half = (value: number): string =>
      `${(value * 100).toFixed(0)}% of /healthz's (${value >= 0.5 ? 'at least' : 'under'} half)`;
    lines.push(
      `${engine}: token p99 at 1,000 req/s ${ms1(p99)} (${p99 < 10 ? 'within' : 'over'} 10 ms); token throughput ` +
        `${half(ratio(token))}; room list throughput ${half(ratio(list))}.${cpuRatios(health, token, list)} ` +
        `Runs' token p99 at 1,000 req/s: ${token.samples.map((s) => ms1(s.fixed.latency.p99)).join(', ')}.`,
    );
  }
  if (postgresNote) lines.push(postgresNote);
  lines.push(END);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'live-bench-'));
  const before = load();
  try {
    rows.push(await benchFloor(dir));
    rows.push(...(await benchEngine('SQLite', { DATABASE: path.join(dir, 'live.db') }, dir)));
    const base = process.env.BENCH_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || '';
    let note: string | null = null;
    if (base) {
      const pg = await freshDatabase(base);
      try {
        rows.push(
          ...(await benchEngine(
            'PostgreSQL',
            { DATABASE_URL: pg.url, AVATAR_DIR: path.join(dir, 'avatars') },
            dir,
          )),
        );
      } finally {
        await pg.drop();
      }
    } else {
      note =
        'PostgreSQL not measured in this run (set BENCH_DATABASE_URL or TEST_DATABASE_URL, a role with CREATEDB).';
    }
    const section = table(rows, note, { before, after: load() });
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
