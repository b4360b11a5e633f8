/**
 * The repository suite: the same expectations of the Store interface on SQLite and on PostgreSQL (the latter when
 * TEST_DATABASE_URL is set, as .ci/run does; otherwise it says it skipped and how to run it).
 */
import Database from 'better-sqlite3';
import { eventCounts, noCounts } from '../src/counters/counts';
import { InvalidCursorError } from '../src/store/common';
import { migrate, MIGRATIONS } from '../src/store/migrations';
import { createPool, openPostgresStore, postgresEngine } from '../src/store/postgres';
import { openSqliteStore, sqliteEngine } from '../src/store/sqlite';
import type { Room, Store } from '../src/store/types';
import { tempDbFile } from './helpers/server';
import { describeWith, freshPostgresDatabase } from './helpers/services';

/** An anchor's viewers-now report at `at`, as the counters gather it. */
const viewerCounts = (viewers: number, at: number) => eventCounts({ kind: 'viewers', viewers, at });

/** One empty database of an engine: open as many stores on it as a test needs (like instances). */
interface Database_ {
  open(): Promise<Store>;
  /** Builds the schema of migration 1 only and inserts one room there, as a database from before calls. */
  seedVersion1(room: { id: string; createdAt: number }): Promise<void>;
  cleanup(): Promise<void>;
}

interface Engine {
  name: string;
  describe: jest.Describe;
  database(): Promise<Database_>;
}

const V1_ROOM = `INSERT INTO rooms (id, title, status, owner_id, stream_id, created_at) VALUES `;

const engines: Engine[] = [
  {
    name: 'SQLite',
    describe,
    database: async () => {
      const db = tempDbFile();
      return {
        open: async () => openSqliteStore(db.file),
        seedVersion1: async (room) => {
          const raw = new Database(db.file);
          const engine = sqliteEngine(raw);
          await migrate(engine, MIGRATIONS.slice(0, 1));
          raw.exec(`${V1_ROOM} ('${room.id}', 'old', 'idle', NULL, '${room.id}_main', ${room.createdAt})`);
          await engine.close();
        },
        cleanup: async () => db.cleanup(),
      };
    },
  },
  {
    name: 'PostgreSQL',
    describe: describeWith({ postgres: true }, 'store.test.ts (PostgreSQL)'),
    database: async () => {
      const pg = await freshPostgresDatabase();
      return {
        open: () => openPostgresStore(pg.url, { poolMax: 10 }),
        seedVersion1: async (room) => {
          const pool = createPool(pg.url);
          const engine = postgresEngine(pool);
          try {
            await migrate(engine, MIGRATIONS.slice(0, 1));
            await pool.query(`${V1_ROOM} ($1, 'old', 'idle', NULL, $2, $3)`, [
              room.id,
              `${room.id}_main`,
              room.createdAt,
            ]);
          } finally {
            await engine.close();
          }
        },
        cleanup: pg.drop,
      };
    },
  },
];

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
let seq = 0;
const id = (prefix: string): string => `${prefix}${T0.toString(36)}${(seq += 1).toString().padStart(4, '0')}`;

/** The fields of a room a token read returns. */
const tokenView = ({ id, kind, status, ownerId, streamId }: Room) => ({
  id,
  kind,
  status,
  ownerId,
  streamId,
});

function newRoom(overrides: Partial<Room> = {}): Room {
  const roomId = overrides.id ?? id('r');
  return {
    id: roomId,
    title: 'A room',
    kind: 'live',
    status: 'idle',
    ownerId: null,
    streamId: `${roomId}_main`,
    createdAt: T0,
    startedAt: null,
    endedAt: null,
    stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
    plannedStartAt: null,
    coverUrl: null,
    liveMs: 0,
    liveSince: null,
    ...overrides,
  };
}

for (const engine of engines) {
  engine.describe(`repository suite on ${engine.name}`, () => {
    let database: Database_;
    let store: Store;

    beforeAll(async () => {
      database = await engine.database();
      store = await database.open();
    });
    afterAll(async () => {
      await store?.close();
      await database?.cleanup();
    });

    const user = async (name: string): Promise<string> => (await store.users.upsertDev(name, T0)).id;

    test('migrations from empty: ping answers; a second store on the same database migrates nothing twice', async () => {
      await store.ping();
      const second = await database.open();
      await second.ping();
      await second.close();
    });

    test('users: dev and WeChat upserts find the same user again; profile fields update only when given', async () => {
      const a = await store.users.upsertDev('alice', T0);
      expect(a).toEqual({ id: expect.stringMatching(/^u/), nickname: 'alice', avatarUrl: '', createdAt: T0 });
      expect((await store.users.upsertDev('alice', T0 + 5)).id).toBe(a.id);
      const w = await store.users.upsertByOpenid('openid-1', {}, T0);
      expect(w.nickname).toBe('微信用户');
      const renamed = await store.users.upsertByOpenid(
        'openid-1',
        { nickname: 'Wei', avatarUrl: 'https://a/1.png' },
        T0,
      );
      expect(renamed).toEqual({ ...w, nickname: 'Wei', avatarUrl: 'https://a/1.png' });
      expect(await store.users.upsertByOpenid('openid-1', {}, T0)).toEqual(renamed);
      expect(await store.users.get(w.id)).toEqual(renamed);
      expect(await store.users.get('uNobody')).toBeNull();
      expect((await store.users.setAvatar(a.id, 'https://a/2.png'))?.avatarUrl).toBe('https://a/2.png');
      expect(await store.users.setAvatar('uNobody', 'x')).toBeNull();
    });

    test('users: getMany finds every known ID in one call and leaves unknown ones out', async () => {
      const a = await store.users.upsertDev('many-a', T0);
      const b = await store.users.upsertDev('many-b', T0);
      const found = await store.users.getMany([b.id, 'uNobody', a.id, a.id]);
      expect(found.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [a, b].sort((x, y) => x.id.localeCompare(y.id)),
      );
      expect(await store.users.getMany([])).toEqual([]);
    });

    test('users: 20 concurrent first sign-ins of one nickname make one user', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, () => store.users.upsertDev('crowd', T0)));
      expect(new Set(ids.map((u) => u.id)).size).toBe(1);
    });

    test('sessions: found while live, not after expiry or revocation', async () => {
      const userId = await user('sess');
      await store.sessions.create('hash-1', userId, T0, T0 + 1000);
      expect((await store.sessions.findUser('hash-1', T0 + 999))?.id).toBe(userId);
      expect(await store.sessions.findUser('hash-1', T0 + 1000)).toBeNull();
      await store.sessions.create('hash-2', userId, T0, T0 + 1000);
      await store.sessions.revoke('hash-2', T0 + 1);
      expect(await store.sessions.findUser('hash-2', T0 + 2)).toBeNull();
      expect(await store.sessions.findUser('hash-unknown', T0)).toBeNull();
    });

    test('rooms: create, get, status moves (startedAt once, ended final), stream lookup, stats never go down', async () => {
      const owner = await user('owner');
      const room = newRoom({ ownerId: owner });
      await store.rooms.create(room);
      expect(await store.rooms.get(room.id)).toEqual(room);
      expect(await store.rooms.findByStreamId(room.streamId)).toEqual(room);
      expect((await store.rooms.setStatus(room.id, 'live', T0 + 10))?.startedAt).toBe(T0 + 10);
      expect((await store.rooms.setStatus(room.id, 'paused', T0 + 20))?.status).toBe('paused');
      expect(await store.rooms.setStatus(room.id, 'live', T0 + 30)).toMatchObject({
        status: 'live',
        startedAt: T0 + 10,
      });
      expect((await store.stats.add(room.id, viewerCounts(9, T0 + 31), 0))?.stats).toEqual({
        viewers: 9,
        peakViewers: 9,
        likes: 0,
        messages: 0,
      });
      // Likes and messages are the service's own counts, added up as they happen.
      await store.stats.add(room.id, { ...noCounts(), likes: 5 }, 0);
      await store.stats.add(room.id, { ...noCounts(), messages: 1 }, 0);
      await store.stats.add(room.id, { ...noCounts(), messages: 1 }, 0);
      expect((await store.stats.add(room.id, viewerCounts(3, T0 + 32), 0))?.stats).toEqual({
        viewers: 3,
        peakViewers: 9,
        likes: 5,
        messages: 2,
      });
      expect(await store.rooms.setStatus(room.id, 'ended', T0 + 40)).toMatchObject({
        status: 'ended',
        endedAt: T0 + 40,
        stats: { viewers: 0, peakViewers: 9 },
        // live 10..20 and 30..40: the pause between does not count
        liveMs: 20,
        liveSince: null,
      });
      expect(await store.rooms.setStatus(room.id, 'live', T0 + 50)).toMatchObject({
        status: 'ended',
        endedAt: T0 + 40,
      });
      expect(await store.rooms.setStatus('rNobody', 'live', T0)).toBeNull();
      expect(await store.stats.add('rNobody', viewerCounts(1, T0), 0)).toBeNull();
    });

    test("rooms: a token request's read is the session's user, the room's token fields and that user's removal", async () => {
      const owner = await user('fv-owner');
      const viewer = await user('fv-viewer');
      const other = await user('fv-other');
      const room = newRoom({ ownerId: owner });
      await store.rooms.create(room);
      await store.sessions.create('fv-viewer-hash', viewer, T0, T0 + 1000);
      await store.sessions.create('fv-other-hash', other, T0, T0 + 1000);
      const tokenRoom = tokenView(room);
      const facts = async (tokenHash: string, roomId: string, now: number) =>
        (await store.rooms.getForSessions([{ tokenHash, roomId, now }]))[0];
      expect(await facts('fv-viewer-hash', room.id, T0 + 1)).toEqual({
        userId: viewer,
        room: tokenRoom,
        removed: false,
      });
      await store.chat.remove(room.id, viewer, T0 + 5);
      expect(await facts('fv-viewer-hash', room.id, T0 + 6)).toEqual({
        userId: viewer,
        room: tokenRoom,
        removed: true,
      });
      // Only that viewer: another one in the same room is not removed.
      expect(await facts('fv-other-hash', room.id, T0 + 6)).toMatchObject({
        userId: other,
        removed: false,
      });
      // No such room: the session is still the caller's.
      expect(await facts('fv-viewer-hash', 'nosuchroom', T0 + 6)).toEqual({
        userId: viewer,
        room: null,
        removed: false,
      });
      // A room's new status is read, not remembered.
      await store.rooms.setStatus(room.id, 'live', T0 + 7);
      expect((await facts('fv-other-hash', room.id, T0 + 8))?.room?.status).toBe('live');
      // No live session: unknown, expired or revoked.
      expect(await facts('no-such-hash', room.id, T0 + 8)).toBeNull();
      expect(await facts('fv-other-hash', room.id, T0 + 1000)).toBeNull();
      await store.sessions.revoke('fv-viewer-hash', T0 + 9);
      expect(await facts('fv-viewer-hash', room.id, T0 + 10)).toBeNull();
    });

    test("rooms: many token requests' reads in one call, each answered in its own place", async () => {
      const owner = await user('fb-owner');
      const viewers = await Promise.all([user('fb-a'), user('fb-b'), user('fb-c')]);
      const live = newRoom({ ownerId: owner });
      const call = newRoom({ ownerId: owner, kind: 'call' });
      await store.rooms.create(live);
      await store.rooms.create(call, `${call.id}_m1`);
      for (const [i, viewer] of viewers.entries()) {
        await store.sessions.create(`fb-hash-${i}`, viewer, T0, T0 + 1000);
      }
      await store.sessions.revoke('fb-hash-2', T0 + 1);
      await store.chat.remove(live.id, viewers[1], T0 + 2);
      const answers = await store.rooms.getForSessions([
        { tokenHash: 'fb-hash-0', roomId: live.id, now: T0 + 3 },
        { tokenHash: 'fb-hash-2', roomId: live.id, now: T0 + 3 }, // revoked
        { tokenHash: 'fb-hash-1', roomId: live.id, now: T0 + 3 }, // removed from this room
        { tokenHash: 'fb-hash-1', roomId: call.id, now: T0 + 3 }, // but not from that one
        { tokenHash: 'fb-unknown', roomId: live.id, now: T0 + 3 },
        { tokenHash: 'fb-hash-0', roomId: 'nosuchroom', now: T0 + 3 },
        { tokenHash: 'fb-hash-0', roomId: live.id, now: T0 + 1000 }, // expired at its own time
        { tokenHash: 'fb-hash-0', roomId: live.id, now: T0 + 3 }, // the same ask twice
      ]);
      expect(answers).toEqual([
        { userId: viewers[0], room: tokenView(live), removed: false },
        null,
        { userId: viewers[1], room: tokenView(live), removed: true },
        { userId: viewers[1], room: tokenView(call), removed: false },
        null,
        { userId: viewers[0], room: null, removed: false },
        null,
        { userId: viewers[0], room: tokenView(live), removed: false },
      ]);
      expect(await store.rooms.getForSessions([])).toEqual([]);
    });

    test('reminders: claimed once; one left sending by a dead instance is claimed again only once it is stale', async () => {
      const owner = await user('rm-owner');
      const fan = await user('rm-fan');
      const other = await user('rm-other');
      const room = newRoom({ ownerId: owner });
      await store.rooms.create(room);
      await store.reminders.subscribe(room.id, fan, T0);
      await store.reminders.subscribe(room.id, other, T0);
      const claimed = await store.reminders.claimPending(room.id, T0 + 10, T0 + 10 - 600);
      expect(claimed.map((r) => r.userId).sort()).toEqual([fan, other].sort());
      // Nothing pending, and the claims are recent: a second instance claims nothing.
      expect(await store.reminders.claimPending(room.id, T0 + 20, T0 + 20 - 600)).toEqual([]);
      await store.reminders.finish(room.id, other, { state: 'sent', errcode: null, attempts: 1 }, T0 + 30);
      // The fan's claim is never finished (its instance died). Not stale yet, then stale, and only while live.
      expect(await store.reminders.roomsWithStaleSends(T0 + 10)).toEqual([]);
      expect(await store.reminders.roomsWithStaleSends(T0 + 11)).toEqual([]);
      await store.rooms.setStatus(room.id, 'live', T0 + 40);
      expect(await store.reminders.roomsWithStaleSends(T0 + 11)).toEqual([room.id]);
      // Twenty instances at once: exactly one claims it again; the finished one is never claimed again.
      const again = await Promise.all(
        Array.from({ length: 20 }, () => store.reminders.claimPending(room.id, T0 + 700, T0 + 100)),
      );
      expect(again.flat().map((r) => r.userId)).toEqual([fan]);
      expect(await store.reminders.roomsWithStaleSends(T0 + 100)).toEqual([]);
      expect((await store.reminders.get(room.id, other))?.state).toBe('sent');
      await store.rooms.setStatus(room.id, 'ended', T0 + 800);
      expect(await store.reminders.roomsWithStaleSends(T0 + 10_000)).toEqual([]);
    });

    test('rooms: list is newest first, live rooms only, by status, with cursor paging', async () => {
      const database2 = await engine.database();
      const fresh = await database2.open();
      try {
        const made: Room[] = [];
        for (let i = 0; i < 5; i += 1) {
          const room = newRoom({ createdAt: T0 + i * 1000 });
          await fresh.rooms.create(room);
          made.push(room);
        }
        const call = newRoom({ kind: 'call', createdAt: T0 + 9000 });
        await fresh.rooms.create(call);
        await fresh.rooms.setStatus(made[1].id, 'live', T0);
        const page1 = await fresh.rooms.list({ limit: 2 });
        expect(page1.rooms.map((r) => r.id)).toEqual([made[4].id, made[3].id]);
        const page2 = await fresh.rooms.list({ limit: 2, cursor: page1.nextCursor ?? undefined });
        const page3 = await fresh.rooms.list({ limit: 2, cursor: page2.nextCursor ?? undefined });
        expect([...page2.rooms, ...page3.rooms].map((r) => r.id)).toEqual([
          made[2].id,
          made[1].id,
          made[0].id,
        ]);
        expect(page3.nextCursor).toBeNull();
        expect((await fresh.rooms.list({ limit: 10, status: 'live' })).rooms.map((r) => r.id)).toEqual([
          made[1].id,
        ]);
        expect((await fresh.rooms.list({ limit: 10, status: 'idle' })).rooms.map((r) => r.kind)).toEqual([
          'live',
          'live',
          'live',
          'live',
        ]);
        await expect(fresh.rooms.list({ limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      } finally {
        await fresh.close();
        await database2.cleanup();
      }
    });

    test('invites: 20 concurrent claims give exactly one owner; the winner may retry; expiry and wrong codes', async () => {
      const room = newRoom();
      await store.rooms.create(room);
      await store.invites.create({
        code: 'CODE000001',
        roomId: room.id,
        createdAt: T0,
        expiresAt: T0 + 1000,
        usedAt: null,
        usedBy: null,
      });
      expect((await store.invites.activeForRoom(room.id, T0))?.code).toBe('CODE000001');
      const users = await Promise.all(Array.from({ length: 20 }, (_, i) => user(`claimer${i}`)));
      const results = await Promise.all(
        users.map((u) => store.invites.claim(room.id, 'CODE000001', u, T0 + 1)),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const reasons = results.filter((r) => !r.ok).map((r) => (r.ok ? null : r.reason));
      expect(new Set(reasons)).toEqual(new Set(['invite_used']));
      const winner = users[results.findIndex((r) => r.ok)];
      expect((await store.rooms.get(room.id))?.ownerId).toBe(winner);
      expect((await store.invites.claim(room.id, 'CODE000001', winner, T0 + 2)).ok).toBe(true);
      expect(await store.invites.activeForRoom(room.id, T0)).toBeNull();

      const other = newRoom();
      await store.rooms.create(other);
      await store.invites.create({
        code: 'CODE000002',
        roomId: other.id,
        createdAt: T0,
        expiresAt: T0 + 1000,
        usedAt: null,
        usedBy: null,
      });
      expect(await store.invites.claim(other.id, 'CODE000001', users[0], T0)).toEqual({
        ok: false,
        reason: 'invite_invalid',
      });
      expect(await store.invites.claim(other.id, 'CODE000002', users[0], T0 + 1000)).toEqual({
        ok: false,
        reason: 'invite_expired',
      });
      expect(await store.invites.claim('rNobody', 'CODE000002', users[0], T0)).toEqual({
        ok: false,
        reason: 'room_not_found',
      });
    });

    test('calls: 20 concurrent joiners of an empty call room take exactly its two seats; the second makes it live', async () => {
      const room = newRoom({ kind: 'call' });
      await store.rooms.create(room);
      const users = await Promise.all(Array.from({ length: 20 }, (_, i) => user(`seat${i}`)));
      const results = await Promise.all(
        users.map((u) => store.rooms.joinCall(room.id, u, `${room.id}_${u}`, T0 + 5)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(2);
      expect(results.filter((r) => !r.ok && r.reason === 'call_full')).toHaveLength(18);
      const members = await store.rooms.members(room.id);
      expect(members.map((m) => m.streamId).sort()).toEqual(
        users
          .filter((_u, i) => results[i].ok)
          .map((u) => `${room.id}_${u}`)
          .sort(),
      );
      expect(await store.rooms.get(room.id)).toMatchObject({ status: 'live', startedAt: T0 + 5 });
      // A member asking again keeps its seat and stream.
      const again = await store.rooms.joinCall(room.id, members[1].user.id, 'ignored', T0 + 9);
      expect(again).toMatchObject({ ok: true, joined: false, streamId: members[1].streamId });
      await store.rooms.setStatus(room.id, 'ended', T0 + 10);
      expect(await store.rooms.joinCall(room.id, members[0].user.id, 'x', T0 + 11)).toEqual({
        ok: false,
        reason: 'room_ended',
      });
      const live = newRoom();
      await store.rooms.create(live);
      expect(await store.rooms.joinCall(live.id, users[0], 'x', T0)).toEqual({
        ok: false,
        reason: 'not_a_call',
      });
      expect(await store.rooms.joinCall('rNobody', users[0], 'x', T0)).toEqual({
        ok: false,
        reason: 'room_not_found',
      });
      expect(await store.rooms.members(live.id)).toEqual([]);
    });

    test('calls: the creator is the first member, in join order', async () => {
      const [a, b] = [await user('first-a'), await user('first-b')];
      const room = newRoom({ kind: 'call', ownerId: a });
      await store.rooms.create(room, `${room.id}_${a}`);
      await store.rooms.joinCall(room.id, b, `${room.id}_${b}`, T0 + 1);
      expect((await store.rooms.members(room.id)).map((m) => [m.user.id, m.streamId, m.joinedAt])).toEqual([
        [a, `${room.id}_${a}`, T0],
        [b, `${room.id}_${b}`, T0 + 1],
      ]);
    });

    test('heartbeats: silence pauses, a heartbeat resumes, longer silence ends; explicit pauses stay paused', async () => {
      const PAUSE = 30_000;
      const END = 600_000;
      const sweep = (s: Store, now: number): ReturnType<Store['rooms']['sweep']> =>
        s.rooms.sweep(now, now - PAUSE, now - END);
      const room = newRoom();
      const call = newRoom({ kind: 'call' });
      const held = newRoom();
      for (const r of [room, call, held]) await store.rooms.create(r);
      await store.rooms.setStatus(room.id, 'live', T0);
      await store.rooms.setStatus(held.id, 'live', T0);
      await store.rooms.setStatus(held.id, 'paused', T0);
      await store.rooms.joinCall(call.id, await user('hb-a'), `${call.id}_a`, T0);
      await store.rooms.joinCall(call.id, await user('hb-b'), `${call.id}_b`, T0);

      const mine = async (now: number): Promise<{ paused: string[]; ended: string[] }> => {
        const r = await sweep(store, now);
        const ours = (ids: string[]): string[] => ids.filter((x) => [room.id, call.id, held.id].includes(x));
        return { paused: ours(r.paused), ended: ours(r.ended) };
      };
      expect(await mine(T0 + PAUSE - 1)).toEqual({ paused: [], ended: [] });
      expect(await mine(T0 + PAUSE)).toEqual({ paused: [room.id], ended: [] });
      expect((await store.rooms.get(room.id))?.status).toBe('paused');
      // The anchor's next heartbeat resumes a room the sweeper paused, not one the anchor paused.
      expect((await store.rooms.heartbeat(room.id, T0 + PAUSE + 5))?.status).toBe('live');
      expect((await store.rooms.heartbeat(held.id, T0 + PAUSE + 5))?.status).toBe('paused');
      expect(await mine(T0 + PAUSE + 10)).toEqual({ paused: [], ended: [] });
      expect(await store.rooms.heartbeat('rNobody', T0)).toBeNull();

      // Ten minutes of silence ends it, once, even with two sweepers (two instances) at the same moment.
      const second = await database.open();
      try {
        const t = T0 + PAUSE + 5 + END;
        const [x, y] = await Promise.all([sweep(store, t), sweep(second, t)]);
        const endedOurs = [...x.ended, ...y.ended].filter((e) => e === room.id || e === held.id);
        expect(endedOurs.sort()).toEqual([room.id, held.id].sort());
        // Live from T0 until the sweeper paused it, then from the heartbeat that resumed it until the end.
        expect(await store.rooms.get(room.id)).toMatchObject({
          status: 'ended',
          endedAt: t,
          liveMs: PAUSE + END,
          liveSince: null,
        });
        expect(await store.rooms.get(held.id)).toMatchObject({ status: 'ended', liveMs: 0 });
        expect(await mine(t + 1)).toEqual({ paused: [], ended: [] });
        // Calls are not swept, and an ended room ignores heartbeats.
        expect((await store.rooms.get(call.id))?.status).toBe('live');
        expect((await store.rooms.heartbeat(room.id, t + 2))?.status).toBe('ended');
      } finally {
        await second.close();
      }
    });

    test('stats: the series keeps the most of each minute, oldest first, trimmed and limited', async () => {
      const room = newRoom();
      await store.rooms.create(room);
      const minute = 60_000;
      const at = (m: number, s = 0): number => T0 + m * minute + s * 1000;
      await store.stats.add(room.id, viewerCounts(4, at(0, 10)), 0);
      await store.stats.add(room.id, viewerCounts(7, at(0, 40)), 0);
      await store.stats.add(room.id, viewerCounts(5, at(0, 50)), 0);
      await store.stats.add(room.id, viewerCounts(2, at(1, 5)), 0);
      await store.stats.add(room.id, viewerCounts(3, at(3, 0)), 0);
      expect(await store.stats.series(room.id, 10)).toEqual([
        { at: at(0), viewers: 7 },
        { at: at(1), viewers: 2 },
        { at: at(3), viewers: 3 },
      ]);
      expect((await store.rooms.get(room.id))?.stats).toMatchObject({ viewers: 3, peakViewers: 7 });
      // The newest minutes when limited; a report drops the minutes at or before its forgetBefore.
      expect(await store.stats.series(room.id, 2)).toEqual([
        { at: at(1), viewers: 2 },
        { at: at(3), viewers: 3 },
      ]);
      await store.stats.add(room.id, viewerCounts(1, at(4, 0)), at(1));
      expect((await store.stats.series(room.id, 10)).map((m) => m.at)).toEqual([at(3), at(4)]);
      expect(await store.stats.series('rNobody', 10)).toEqual([]);
    });

    test('viewers: one row per viewer, the newest join first; a rejoin within the quiet time changes nothing', async () => {
      const room = newRoom();
      await store.rooms.create(room);
      const [a, b, c] = [await user('viewer-a'), await user('viewer-b'), await user('viewer-c')];
      await store.viewers.record(room.id, a, T0, T0 - 60_000);
      await store.viewers.record(room.id, b, T0 + 1000, T0 + 1000 - 60_000);
      await store.viewers.record(room.id, c, T0 + 2000, T0 + 2000 - 60_000);
      // a is back within the minute: left as it was
      await store.viewers.record(room.id, a, T0 + 30_000, T0 + 30_000 - 60_000);
      const ids = async (limit = 10): Promise<string[]> =>
        (await store.viewers.list(room.id, limit)).map((v) => v.user.id);
      expect(await ids()).toEqual([c, b, a]);
      // b is back after two minutes: now the newest
      await store.viewers.record(room.id, b, T0 + 120_000, T0 + 60_000);
      expect(await ids()).toEqual([b, c, a]);
      expect(await ids(2)).toEqual([b, c]);
      const [first] = await store.viewers.list(room.id, 1);
      expect(first).toMatchObject({ joinedAt: T0 + 120_000, user: { id: b, nickname: 'viewer-b' } });
    });

    test('viewers: a batch of joins in one call is recorded as each alone would be (a repeat keeps its newest)', async () => {
      const room = newRoom();
      await store.rooms.create(room);
      const [a, b, c] = [await user('batch-a'), await user('batch-b'), await user('batch-c')];
      const join = (userId: string, now: number) => ({
        roomId: room.id,
        userId,
        now,
        quietSince: now - 60_000,
      });
      await store.viewers.recordMany([join(a, T0), join(b, T0 + 1), join(a, T0 + 2)]);
      const seen = async () => (await store.viewers.list(room.id, 10)).map((v) => [v.user.id, v.joinedAt]);
      expect(await seen()).toEqual([
        [a, T0 + 2],
        [b, T0 + 1],
      ]);
      // Within the quiet time b is left alone; c is new; two minutes on, a is written again.
      await store.viewers.recordMany([join(b, T0 + 30_000), join(c, T0 + 30_001)]);
      await store.viewers.recordMany([join(a, T0 + 120_000)]);
      await store.viewers.recordMany([]);
      expect(await seen()).toEqual([
        [a, T0 + 120_000],
        [c, T0 + 30_001],
        [b, T0 + 1],
      ]);
    });

    test('callback nonces: the first claim wins (also under 20 concurrent ones), old nonces are forgotten, release frees one', async () => {
      const claims = await Promise.all(
        Array.from({ length: 20 }, () => store.callbackNonces.claim('n-race', T0, T0 - 600_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.callbackNonces.claim('n-race', T0 + 1000, T0 - 600_000)).toBe(false);
      // Once seen before forgetBefore, a nonce is purged and may be claimed again.
      expect(await store.callbackNonces.claim('n-race', T0 + 700_000, T0 + 1)).toBe(true);
      expect(await store.callbackNonces.claim('n-free', T0, T0 - 600_000)).toBe(true);
      await store.callbackNonces.release('n-free');
      expect(await store.callbackNonces.claim('n-free', T0, T0 - 600_000)).toBe(true);
    });

    test('a room that went live without any heartbeat is swept from when it went live', async () => {
      const room = newRoom();
      await store.rooms.create(room);
      await store.rooms.setStatus(room.id, 'live', T0 + 100_000);
      const r = await store.rooms.sweep(T0 + 129_999, T0 + 99_999, T0 - 1_000_000);
      expect(r.paused).not.toContain(room.id);
      const s = await store.rooms.sweep(T0 + 130_000, T0 + 100_000, T0 - 1_000_000);
      expect(s.paused).toContain(room.id);
    });

    test('migrations from the previous version: a room from before calls becomes a live room with no members', async () => {
      const old = await engine.database();
      const roomId = id('r');
      try {
        await old.seedVersion1({ id: roomId, createdAt: T0 });
        const upgraded = await old.open();
        try {
          expect(await upgraded.rooms.get(roomId)).toMatchObject({
            id: roomId,
            kind: 'live',
            status: 'idle',
          });
          expect(await upgraded.rooms.members(roomId)).toEqual([]);
          expect((await upgraded.rooms.list({ limit: 5 })).rooms.map((r) => r.id)).toEqual([roomId]);
          expect((await upgraded.rooms.heartbeat(roomId, T0 + 1))?.status).toBe('idle');
        } finally {
          await upgraded.close();
        }
      } finally {
        await old.cleanup();
      }
    });
  });
}
