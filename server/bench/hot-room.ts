/**
 * The hot room (part of npm run bench:service): one live room under its viewers' load, beside GET /healthz in the
 * same run, on SQLite (counting in the process), on PostgreSQL + Redis, and on two instances sharing them. Rows:
 * likes into the room (POST .../likes {count: 5}, 300 viewers rotating) with the writes of the room's row the
 * database saw (a trigger counts them: the figure that shows likes no longer serialize on the row), the flash
 * crowd (audience tokens and their viewer records, 300 viewers rotating in a fresh room), and chat into the room
 * paced at 200 and 500 lines/s against loopback fakes of WeChat's content check (80 ms) and ZEGO's broadcast (30 ms).
 */
import type { ChildProcess } from 'node:child_process';
import { countRoomWrites, type DatabaseAt } from '../test/helpers/room-writes';
import { startFakeWechat } from '../test/helpers/wechat-fake';
import { startFakeZegoServerApi } from '../test/helpers/zego-server-api-fake';
import type { CannonJob, RouteName } from './service-load';
import type { CannonResult } from './service-table';

/** The section's markers in BENCHMARKS.md. */
export const HOT_START = '<!-- hot-room bench (npm run bench:service): generated, do not edit by hand -->';
export const HOT_END = '<!-- end of hot-room bench -->';

/** A service process of the bench. */
interface Service {
  url: string;
  child: ChildProcess;
}

/** What bench/service.ts lends this part: its service starter, load processes and databases. */
export interface HotRoomTools {
  startService(env: Record<string, string>): Promise<Service>;
  stopService(service: Service): Promise<void>;
  cannon(job: Omit<CannonJob, 'block'>): Promise<CannonResult>;
  freshDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null>;
  post<T>(url: string, body: unknown, token?: string): Promise<T>;
  /** A path in the bench's temporary folder. */
  tempPath(name: string): string;
  redisUrl: string | null;
  seconds: number;
  warmupSeconds: number;
}

const ZEGO_APP_ID = 1234567890;
const ZEGO_SECRET = 'BenchSecret0123456789abcdefghijX';
/** The fakes' latency: WeChat's content check and ZEGO's broadcast as the issue measured them. */
const CHECK_MS = 80;
const BROADCAST_MS = 30;
/** Chat p99 budget at 200 lines/s: the fakes' latency plus 20 ms. */
const CHAT_BUDGET_MS = CHECK_MS + BROADCAST_MS + 20;
const VIEWERS = 300;
/** Chat senders: each under its 5 lines per 5 s at 500 lines/s. */
const CHATTERS = 700;

interface HotRow {
  setup: string;
  route: string;
  rate: number;
  ratio: number | null;
  p50: number;
  p99: number;
  failed: number;
  /** Writes of the room's row per second during the run (likes only). */
  rowWrites: string;
}

/** One setup's services, their seed, and where their database is. */
interface Setup {
  name: string;
  urls: string[];
  roomId: string;
  crowdRoomId: string;
  viewers: string[];
  chatters: string[];
  at: DatabaseAt;
}

/** Signs in the anchor and viewers on the first instance and makes the two live rooms. */
async function seed(tools: HotRoomTools, url: string): Promise<Omit<Setup, 'name' | 'urls' | 'at'>> {
  const { post } = tools;
  const anchor = await post<{ sessionToken: string }>(`${url}/api/auth/dev`, { nickname: 'hot-anchor' });
  const room = async (title: string): Promise<string> => {
    const made = await post<{ room: { id: string } }>(`${url}/api/rooms`, { title }, anchor.sessionToken);
    await post(`${url}/api/rooms/${made.room.id}/live`, {}, anchor.sessionToken);
    return made.room.id;
  };
  const roomId = await room('Hot room');
  const crowdRoomId = await room('Flash crowd');
  const viewers: string[] = [];
  for (let i = 0; i < VIEWERS; i += 1) {
    viewers.push(
      (await post<{ sessionToken: string }>(`${url}/api/auth/dev`, { nickname: `v${i}` })).sessionToken,
    );
  }
  const chatters: string[] = [];
  for (let i = 0; i < CHATTERS; i += 1) {
    const answer = await post<{ sessionToken: string }>(`${url}/api/auth/wechat`, {
      code: `good-hot${i}`,
      nickname: `c${i}`,
    });
    chatters.push(answer.sessionToken);
  }
  return { roomId, crowdRoomId, viewers, chatters };
}

/** One route on every instance at once (the load split evenly); summed rate, the worst p99. */
async function load(
  tools: HotRoomTools,
  setup: Setup,
  route: RouteName,
  options: { rate?: number; connections: number; warmup?: boolean },
): Promise<CannonResult> {
  const roomId = route === 'token' ? setup.crowdRoomId : setup.roomId;
  const sessions = route === 'chat' ? setup.chatters : setup.viewers;
  const n = setup.urls.length;
  const job = (url: string, duration: number): Omit<CannonJob, 'block'> => ({
    url,
    route,
    roomId,
    sessions,
    connections: Math.ceil(options.connections / n),
    duration,
    ...(options.rate ? { overallRate: options.rate / n } : {}),
  });
  if (options.warmup !== false) {
    await Promise.all(setup.urls.map((url) => tools.cannon(job(url, tools.warmupSeconds))));
  }
  const results = await Promise.all(setup.urls.map((url) => tools.cannon(job(url, tools.seconds))));
  return {
    requests: {
      average: results.reduce((sum, r) => sum + r.requests.average, 0),
      total: results.reduce((sum, r) => sum + r.requests.total, 0),
    },
    latency: {
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
    },
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
  };
}

const failedOf = (r: CannonResult): number => r.non2xx + r.errors + r.timeouts;

/** The rows of one setup: /healthz, likes (with the row writes), the flash crowd, chat at 200 and 500 lines/s. */
async function measureSetup(tools: HotRoomTools, setup: Setup): Promise<HotRow[]> {
  const row = (route: string, r: CannonResult, health: number | null, rowWrites = '-'): HotRow => ({
    setup: setup.name,
    route,
    rate: r.requests.average,
    ratio: health === null ? null : r.requests.average / health,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failed: failedOf(r),
    rowWrites,
  });
  const health = await load(tools, setup, 'health', { connections: 50 });
  const rows = [row('GET /healthz', health, null)];
  const writes = await countRoomWrites(setup.at);
  try {
    await load(tools, setup, 'likes', { connections: 50 }); // warm-up (and its flushes) first
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await writes.count();
    const started = Date.now();
    const likes = await load(tools, setup, 'likes', { connections: 50, warmup: false });
    // The last flush of the run lands within an interval.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seconds = (Date.now() - started) / 1000;
    const written = (await writes.count()) - before;
    rows.push(
      row(
        'POST /api/rooms/:id/likes {count: 5}',
        likes,
        health.requests.average,
        `${written} in ${seconds.toFixed(1)} s (${(written / seconds).toFixed(2)}/s) for ${likes.requests.total.toLocaleString('en-US')} requests`,
      ),
    );
  } finally {
    await writes.close();
  }
  const crowd = await load(tools, setup, 'token', { connections: 50 });
  rows.push(
    row(`POST /api/rooms/:id/token (audience, ${VIEWERS} viewers rotating)`, crowd, health.requests.average),
  );
  for (const rate of [200, 500]) {
    const chat = await load(tools, setup, 'chat', { rate, connections: rate / 2 });
    rows.push(row(`POST /api/rooms/:id/messages, ${rate} lines/s offered (paced)`, chat, null));
  }
  return rows;
}

const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The section's table and budget lines. */
function section(rows: HotRow[], notes: string[]): string {
  const lines = rows.map(
    (r) =>
      `| ${r.setup} | ${r.route} | ${fmt(r.rate)} | ${r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`} | ` +
      `${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.failed} | ${r.rowWrites} |`,
  );
  const find = (setup: string, route: string): HotRow | undefined =>
    rows.find((r) => r.setup === setup && r.route.startsWith(route));
  const budgets: string[] = [];
  for (const setup of [...new Set(rows.map((r) => r.setup))]) {
    const likes = find(setup, 'POST /api/rooms/:id/likes');
    const crowd = find(setup, 'POST /api/rooms/:id/token');
    const chat = find(setup, 'POST /api/rooms/:id/messages, 200');
    const parts = [
      likes && likes.ratio !== null
        ? `likes ${likes.ratio.toFixed(2)}x /healthz (${likes.ratio >= 0.8 ? 'meets' : 'misses'} 0.8x)`
        : '',
      crowd && crowd.ratio !== null ? `flash-crowd token ${crowd.ratio.toFixed(2)}x /healthz` : '',
      chat
        ? `chat p99 at 200 lines/s ${chat.p99.toFixed(1)} ms (${chat.p99 <= CHAT_BUDGET_MS ? 'within' : 'over'} ${CHAT_BUDGET_MS} ms)`
        : '',
    ].filter(Boolean);
    budgets.push(`${setup}: ${parts.join('; ')}.`);
  }
  const one = find('PostgreSQL + Redis', 'POST /api/rooms/:id/likes');
  const two = find('PostgreSQL + Redis, two instances', 'POST /api/rooms/:id/likes');
  if (one && two) {
    budgets.push(
      `Two instances take ${(two.rate / one.rate).toFixed(2)}x the likes of one (${two.rate >= one.rate ? 'no fewer' : 'fewer'}); both share core 0 here.`,
    );
  }
  return [
    HOT_START,
    '## The hot room (npm run bench:service)',
    '',
    "One live room under its viewers' load, each figure beside GET /healthz of the same setup in the same run",
    '(saturation: 50 connections; the two-instance rows split the load between the instances and add it up).',
    `Likes: ${VIEWERS} signed-in viewers rotating, {count: 5} each; "room-row writes" is what a trigger on the rooms`,
    'table counted while the likes ran (every UPDATE of the row, whoever made it), the proof that the likes no',
    'longer serialize on the row: at most one write per room per flush interval (1 s), whatever the rate.',
    `Flash crowd: audience tokens (and the viewer records) of ${VIEWERS} viewers rotating in a fresh live room.`,
    `Chat: paced lines into the room, ${CHATTERS} WeChat senders rotating, WeChat's content check answering in`,
    `${CHECK_MS} ms and ZEGO's broadcast in ${BROADCAST_MS} ms (loopback fakes); "failed" are the 503s of the bounds.`,
    ...notes,
    '',
    '| setup | route | req/s | vs /healthz | p50 | p99 | failed | room-row writes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...lines,
    '',
    ...budgets,
    HOT_END,
  ].join('\n');
}

/** Runs the hot room on every setup that is configured; the section for BENCHMARKS.md. */
export async function benchHotRoom(tools: HotRoomTools): Promise<string> {
  const wechat = await startFakeWechat();
  wechat.checkDelay = () => CHECK_MS;
  const zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
  zego.delayMs = BROADCAST_MS;
  const env = {
    TRUST_PROXY: '127.0.0.1',
    ZEGO_APP_ID: String(ZEGO_APP_ID),
    ZEGO_SERVER_SECRET: ZEGO_SECRET,
    ZEGO_SERVER_API: 'on',
    ZEGO_SERVER_API_URL: zego.url,
    WECHAT_APPID: 'wx0123456789abcdef',
    WECHAT_SECRET: 'wechatsecret0123456789abcdef0123',
    WECHAT_API_BASE: wechat.url,
    AUTH_MODE: 'dev',
    HEARTBEAT_PAUSE_MS: String(3600_000),
    HEARTBEAT_END_MS: String(7200_000),
  };
  const rows: HotRow[] = [];
  const notes: string[] = [];
  const drops: Array<() => Promise<void>> = [];
  const run = async (name: string, envs: Array<Record<string, string>>, at: DatabaseAt): Promise<void> => {
    const services = [];
    try {
      for (const extra of envs) services.push(await tools.startService({ ...env, ...extra }));
      const seeded = await seed(tools, services[0].url);
      rows.push(...(await measureSetup(tools, { name, urls: services.map((s) => s.url), at, ...seeded })));
    } finally {
      for (const service of services) await tools.stopService(service);
    }
  };
  try {
    const file = tools.tempPath('hot.db');
    await run('SQLite', [{ DATABASE: file }], { sqlite: file });
    const one = await tools.freshDatabase();
    if (one === null || tools.redisUrl === null) {
      notes.push('PostgreSQL + Redis not measured in this run (set TEST_DATABASE_URL and TEST_REDIS_URL).');
    } else {
      drops.push(one.drop);
      const shared = {
        AVATAR_DIR: tools.tempPath('avatars1'),
        DATABASE_URL: one.url,
        REDIS_URL: tools.redisUrl,
        REDIS_KEY_PREFIX: `bench-hot-1-${Date.now()}:`,
      };
      await run('PostgreSQL + Redis', [shared], { postgres: one.url });
      const two = await tools.freshDatabase();
      if (two !== null) {
        drops.push(two.drop);
        const both = {
          AVATAR_DIR: tools.tempPath('avatars2'),
          DATABASE_URL: two.url,
          REDIS_URL: tools.redisUrl,
          REDIS_KEY_PREFIX: `bench-hot-2-${Date.now()}:`,
        };
        await run('PostgreSQL + Redis, two instances', [both, both], { postgres: two.url });
      }
    }
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    await wechat.close();
    await zego.close();
  }
  return section(rows, notes);
}
