/**
 * npm run bench:events: the event channel's figures. (1) Open sockets per instance: a separate src/main.ts process
 * on loopback (SQLite), BENCH_SOCKETS (default 5,000) signed-in sockets from this process, the instance's RSS before
 * and after (/proc), so memory per socket. (2) Fan-out across two instances: two services built in this process on
 * one SQLite file and the test Redis (BENCH_REDIS_URL or TEST_REDIS_URL), an event published on A to a user whose
 * socket is on B, 1,000 times one after another: p50/p99 from publish to arrival. (3) Invitation to call.invited:
 * POST /api/calls on A, the callee's socket on B, 200 times (each cancelled): from the request to the event.
 * Sign-ins carry their own X-Forwarded-For (the instance trusts 127.0.0.1 as its proxy) so rate limits never refuse.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';

const SERVER_DIR = path.resolve(__dirname, '..');
const SOCKETS = Math.min(Math.max(Number(process.env.BENCH_SOCKETS ?? 5000), 100), 20_000);
const USERS = 50;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? null;

const rssOf = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function signIn(base: string, n: number): Promise<{ token: string; id: string }> {
  const response = await fetch(`${base}/api/auth/dev`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.1.${n >> 8}.${n & 255}` },
    body: JSON.stringify({ nickname: `bench-${n}` }),
  });
  const body = (await response.json()) as { sessionToken: string; user: { id: string } };
  return { token: body.sessionToken, id: body.user.id };
}

/** A signed-in socket; resolves once the service said ready. */
function openSocket(
  base: string,
  token: string,
  onEvent?: (at: number, text: string) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/events`);
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', sessionToken: token })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.includes('"ready"')) resolve(socket);
      else onEvent?.(performance.now(), text);
    });
  });
}

async function socketsPerInstance(): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-events-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      AUTH_MODE: 'dev',
      DATABASE: path.join(dir, 'live.db'),
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  });
  const base = await new Promise<string>((resolve) => {
    let out = '';
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
  try {
    const users = await Promise.all(Array.from({ length: USERS }, (_, n) => signIn(base, n)));
    const first = await openSocket(base, users[0].token);
    await sleep(1000);
    const before = rssOf(child.pid!);
    const sockets: WebSocket[] = [first];
    for (let i = 1; i < SOCKETS; i += 100) {
      const batch = Array.from({ length: Math.min(100, SOCKETS - i) }, (_, k) =>
        openSocket(base, users[(i + k) % USERS].token),
      );
      sockets.push(...(await Promise.all(batch)));
    }
    await sleep(2000);
    const after = rssOf(child.pid!);
    for (const socket of sockets) socket.terminate();
    return [
      `| open sockets on one instance | ${sockets.length} signed in | RSS ${mb(before)} MB with 1 socket, ${mb(after)} MB with ${sockets.length} | goal: 5,000 under 300 MB |`,
      `| memory per socket | ${Math.round((after - before) / (sockets.length - 1) / 1024)} KiB | (RSS after - before) / sockets | |`,
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function acrossInstances(): Promise<string[]> {
  if (REDIS_URL === null) return ['| fan-out across two instances | not measured: set TEST_REDIS_URL | | |'];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-events-'));
  const config = loadConfig({
    AUTH_MODE: 'dev',
    DATABASE: path.join(dir, 'live.db'),
    REDIS_URL,
    TRUST_PROXY: '127.0.0.1',
  });
  const generous = { max: 1_000_000, timeWindow: 60_000 };
  const rateLimits = {
    auth: generous,
    token: generous,
    claim: generous,
    write: generous,
    list: generous,
    chat: generous,
  };
  const redisKeyPrefix = `bench-${process.pid}:`;
  const [a, b] = [
    await buildApp(config, { logStream: false, sweepIntervalMs: false, redisKeyPrefix, rateLimits }),
    await buildApp(config, { logStream: false, sweepIntervalMs: false, redisKeyPrefix, rateLimits }),
  ];
  try {
    const urls = [];
    for (const app of [a, b]) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      urls.push(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    }
    const [urlA, urlB] = urls;
    const callee = await signIn(urlB, 1);
    const caller = await signIn(urlA, 2);
    let arrived: ((at: number, text: string) => void) | null = null;
    const socket = await openSocket(urlB, callee.token, (at, text) => arrived?.(at, text));
    const fanout: number[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const got = new Promise<number>((resolve) => (arrived = (at) => resolve(at)));
      const sent = performance.now();
      await a.events.publish(callee.id, {
        type: 'call.media',
        roomId: `r${i}`,
        media: 'audio',
        by: caller.id,
      });
      fanout.push((await got) - sent);
    }
    const card = (await (
      await fetch(`${urlB}/api/calls/cards`, {
        method: 'POST',
        headers: { authorization: `Bearer ${callee.token}` },
      })
    ).json()) as { card: string };
    const invited: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const got = new Promise<number>(
        (resolve) => (arrived = (at, text) => text.includes('call.invited') && resolve(at)),
      );
      const sent = performance.now();
      const answer = await fetch(`${urlA}/api/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ calleeId: callee.id, media: 'video', card: card.card }),
      });
      const { invitation } = (await answer.json()) as { invitation: { id: string } };
      invited.push((await got) - sent);
      await fetch(`${urlA}/api/calls/${invitation.id}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${caller.token}` },
      });
    }
    socket.terminate();
    const [f, v] = [fanout.sort((x, y) => x - y), invited.sort((x, y) => x - y)];
    return [
      `| event fan-out across two instances (Redis) | p50 ${pct(f, 0.5).toFixed(2)} ms, p99 ${pct(f, 0.99).toFixed(2)} ms | 1,000 events, publish on A to arrival on B's socket | goal: p99 at most 50 ms |`,
      `| invitation to call.invited | p50 ${pct(v, 0.5).toFixed(1)} ms, p99 ${pct(v, 0.99).toFixed(1)} ms | 200 × POST /api/calls on A to the event on B | |`,
    ];
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = [...(await socketsPerInstance()), ...(await acrossInstances())];
  console.log(['| measure | figure | how | budget |', '| --- | --- | --- | --- |', ...rows].join('\n'));
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
