/**
 * npx tsx bench/store-calls.ts: the store's two hot reads called directly, this store against a baseline commit's
 * (BENCH_BASELINE, default 291bf84: the two hand-written stores) on the same database, in one process, taking
 * turns. It prints the CPU time of this process per call (process.cpuUsage, so the machine's other work counts
 * less than in a throughput figure) for the token route's read (RoomRepository.getForSessions, batches of 10 asks)
 * and a room list page (20 of 25 live rooms), on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (the database
 * server's own CPU is not in it).
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPostgresDatabase } from '../test/helpers/services';
import type { Store, TokenAsk } from '../src/store/types';

const SERVER_DIR = path.resolve(__dirname, '..');
const BASELINE = process.env.BENCH_BASELINE?.trim() || '291bf84';
const ROUNDS = 5;
const CALLS = 400;
/** Asks in one token read (BENCH_BATCH, default 10: a busy moment; 1 is a lone request). */
const BATCH = Math.min(Math.max(Number(process.env.BENCH_BATCH ?? 10), 1), 100);
const T0 = Date.UTC(2026, 11, 1);

type Open = (where: string) => Promise<Store>;

/** The baseline's server/ in `dir`, sharing this checkout's node_modules; its store's two openers. */
function baselineOpeners(dir: string): { sqlite: Open; postgres: Open } {
  if (!/^[\w./-]+$/.test(BASELINE)) throw new Error(`BENCH_BASELINE is not a commit name: ${BASELINE}`);
  execSync(`git archive ${BASELINE} server/src | tar -x -C ${dir}`, { cwd: path.resolve(SERVER_DIR, '..') });
  symlinkSync(path.resolve(SERVER_DIR, '..', 'node_modules'), path.join(dir, 'node_modules'));
  symlinkSync(path.join(SERVER_DIR, 'node_modules'), path.join(dir, 'server', 'node_modules'));
  const sqlite = require(path.join(dir, 'server/src/store/sqlite.ts')) as { openSqliteStore: Open };
  const postgres = require(path.join(dir, 'server/src/store/postgres.ts')) as { openPostgresStore: Open };
  return {
    sqlite: async (file) => sqlite.openSqliteStore(file),
    postgres: (url) => postgres.openPostgresStore(url),
  };
}

/** 25 live rooms and 200 signed-in viewers; the asks of a token batch (10 viewers, the last room). */
async function seed(store: Store): Promise<TokenAsk[][]> {
  let roomId = '';
  for (let i = 0; i < 25; i += 1) {
    const anchor = await store.users.upsertDev(`anchor${i}`, T0);
    roomId = `rbench${String(i).padStart(3, '0')}`;
    await store.rooms.create({
      id: roomId,
      title: `Bench ${i}`,
      kind: 'live',
      status: 'idle',
      ownerId: anchor.id,
      streamId: `${roomId}_main`,
      createdAt: T0 + i,
      startedAt: null,
      endedAt: null,
      stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
      liveMs: 0,
      liveSince: null,
    });
    await store.rooms.setStatus(roomId, 'live', T0 + 1000);
  }
  const asks: TokenAsk[] = [];
  for (let i = 0; i < 200; i += 1) {
    const viewer = await store.users.upsertDev(`viewer${i}`, T0);
    await store.sessions.create(`hash${i}`, viewer.id, T0, T0 + 86_400_000 * 365);
    asks.push({ tokenHash: `hash${i}`, roomId, now: T0 + 5000 });
  }
  return Array.from({ length: Math.floor(200 / BATCH) }, (_, b) => asks.slice(b * BATCH, b * BATCH + BATCH));
}

/** Microseconds of this process's CPU per call of fn, over CALLS calls. */
async function cpuPerCall(fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i += 1) await fn(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / CALLS;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];

async function compare(engine: string, stores: Record<string, Store>, batches: TokenAsk[][]): Promise<void> {
  const figures: Record<string, { token: number[]; list: number[] }> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, store] of Object.entries(stores)) {
      figures[name] ??= { token: [], list: [] };
      figures[name].token.push(
        await cpuPerCall((i) => store.rooms.getForSessions(batches[i % batches.length])),
      );
      figures[name].list.push(await cpuPerCall(() => store.rooms.list({ status: 'live', limit: 20 })));
    }
  }
  for (const [name, { token, list }] of Object.entries(figures)) {
    console.log(
      `${engine} ${name}: token read (${BATCH} asks) ${median(token).toFixed(0)} us CPU a call; ` +
        `room list page ${median(list).toFixed(0)} us (median of ${ROUNDS} rounds of ${CALLS})`,
    );
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'store-calls-'));
  try {
    mkdirSync(path.join(dir, 'base'));
    const before = baselineOpeners(path.join(dir, 'base'));
    const { openSqliteStore } = await import('../src/store/sqlite');
    const { openPostgresStore } = await import('../src/store/postgres');
    const file = path.join(dir, 'live.db');
    const ours = await openSqliteStore(file);
    const batches = await seed(ours);
    const theirs = await before.sqlite(file);
    await compare('SQLite', { [`before (${BASELINE})`]: theirs, 'one store (Kysely)': ours }, batches);
    await Promise.all([ours.close(), theirs.close()]);
    if (process.env.TEST_DATABASE_URL) {
      const pg = await freshPostgresDatabase();
      try {
        const pgOurs = await openPostgresStore(pg.url);
        const pgBatches = await seed(pgOurs);
        const pgTheirs = await before.postgres(pg.url);
        await compare(
          'PostgreSQL',
          { [`before (${BASELINE})`]: pgTheirs, 'one store (Kysely)': pgOurs },
          pgBatches,
        );
        await Promise.all([pgOurs.close(), pgTheirs.close()]);
      } finally {
        await pg.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
