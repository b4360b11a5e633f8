import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { defaultRandom, newUserId } from '../lib/ids';
import {
  decodeCursor,
  decodeLobbyCursor,
  encodeCursor,
  encodeLobbyCursor,
  InvalidCursorError,
  planParams,
} from './common';
import { CALL_SEATS } from './types';
import type {
  CallMember,
  ChatLine,
  Cohost,
  CohostAcceptResult,
  CohostKey,
  CohostRequestResult,
  ClaimResult,
  JoinCallResult,
  Room,
  RoomPage,
  RoomStatus,
  Store,
  User,
} from './types';
import {
  COHOST_COLUMNS,
  COHOST_ORDER,
  toChatLine,
  toCohost,
  toInvite,
  LOBBY_KEY,
  LOBBY_RANK,
  LOBBY_WHERE,
  toModeration,
  toReminder,
  toRoom,
  toTokenFacts,
  toUser,
  endLiveStretch,
  minuteOf,
  wechatOpenidOf,
  type ChatLineRow,
  type CohostRow,
  type ModerationRow,
  type InviteRow,
  type ReminderRow,
  type RoomRow,
  type TokenFactsRow,
  type UserRow,
} from './rows';

/** Numbered schema migrations (the same versions as POSTGRES_MIGRATIONS); applied in order and recorded in schema_migrations. Append, never edit. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     openid TEXT UNIQUE,
     dev_name TEXT UNIQUE,
     nickname TEXT NOT NULL,
     avatar_url TEXT NOT NULL DEFAULT '',
     created_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE rooms (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('idle', 'live', 'paused', 'ended')),
     owner_id TEXT REFERENCES users(id),
     stream_id TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     ended_at INTEGER,
     viewers INTEGER NOT NULL DEFAULT 0,
     peak_viewers INTEGER NOT NULL DEFAULT 0,
     likes INTEGER NOT NULL DEFAULT 0,
     messages INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX rooms_newest ON rooms(created_at DESC, id DESC);
   CREATE INDEX rooms_status_newest ON rooms(status, created_at DESC, id DESC);
   CREATE TABLE invites (
     code TEXT PRIMARY KEY,
     room_id TEXT NOT NULL REFERENCES rooms(id),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     used_by TEXT REFERENCES users(id)
   );
   CREATE INDEX invites_room ON invites(room_id, created_at DESC);`,
  // 2: call rooms (kind 'call', two members who each publish their own stream).
  `ALTER TABLE rooms ADD COLUMN kind TEXT NOT NULL DEFAULT 'live' CHECK (kind IN ('live', 'call'));
   CREATE INDEX rooms_kind_newest ON rooms(kind, created_at DESC, id DESC);
   CREATE INDEX rooms_kind_status_newest ON rooms(kind, status, created_at DESC, id DESC);
   CREATE TABLE room_members (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     stream_id TEXT NOT NULL UNIQUE,
     joined_at INTEGER NOT NULL,
     PRIMARY KEY (room_id, user_id)
   );`,
  // 3: heartbeats. A live room silent for too long is paused (auto_paused = 1: a heartbeat resumes it), then ended.
  `ALTER TABLE rooms ADD COLUMN heartbeat_at INTEGER;
   ALTER TABLE rooms ADD COLUMN auto_paused INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX rooms_sweep ON rooms(kind, status, heartbeat_at);`,
  // 4: co-hosting (连麦) in live rooms: one row per room and user (none, pending or cohost), and the running mix task.
  `CREATE TABLE cohosts (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     state TEXT NOT NULL CHECK (state IN ('none', 'pending', 'cohost')),
     requested_at INTEGER NOT NULL,
     accepted_at INTEGER,
     accept_seq INTEGER,
     seen_at INTEGER,
     stream_forbidden INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE INDEX cohosts_silent ON cohosts(state, seen_at);
   CREATE TABLE cohost_mixes (
     room_id TEXT PRIMARY KEY REFERENCES rooms(id),
     stream_id TEXT NOT NULL,
     started_at INTEGER NOT NULL
   );`,
  // 5: call heartbeats. Each member's last sign of life; a call whose members all went silent is ended.
  `ALTER TABLE room_members ADD COLUMN heartbeat_at INTEGER;`,
  // 6: ZEGO callback nonces seen (a replayed callback is refused on every instance); old ones are purged.
  `CREATE TABLE callback_nonces (
     nonce TEXT PRIMARY KEY,
     seen_at INTEGER NOT NULL
   );
   CREATE INDEX callback_nonces_seen ON callback_nonces(seen_at);`,
  // 7: chat through the service: comments off per room, mutes and removals per viewer, the moderation log.
  `CREATE TABLE room_chat (
     room_id TEXT PRIMARY KEY REFERENCES rooms(id),
     comments_off INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE chat_bans (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     muted_until INTEGER,
     removed_at INTEGER,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE TABLE moderation_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     room_id TEXT NOT NULL REFERENCES rooms(id),
     action TEXT NOT NULL,
     actor_kind TEXT NOT NULL,
     actor_id TEXT,
     target_id TEXT,
     until_at INTEGER,
     detail TEXT,
     at INTEGER NOT NULL
   );
   CREATE INDEX moderation_log_room ON moderation_log(room_id, id DESC);`,
  // 8 (console-mod): the newest delivered chat lines of each room, so the anchor and the operator can pick a viewer.
  `CREATE TABLE chat_lines (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     nickname TEXT NOT NULL,
     text TEXT NOT NULL,
     sent_at INTEGER NOT NULL
   );
   CREATE INDEX chat_lines_room ON chat_lines(room_id, id DESC);`,
  // 9 (branch planned): planned rooms (start time, cover) and subscribe reminders (开播提醒), one per user and room.
  `ALTER TABLE rooms ADD COLUMN planned_start_at INTEGER;
   ALTER TABLE rooms ADD COLUMN cover_url TEXT;
   CREATE INDEX rooms_upcoming ON rooms(kind, status, planned_start_at);
   CREATE TABLE room_reminders (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'refused', 'failed')),
     created_at INTEGER NOT NULL,
     errcode INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0,
     claimed_at INTEGER,
     done_at INTEGER,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE INDEX room_reminders_state ON room_reminders(room_id, state);`,
  // 10 (branch stats): figures from the service: live time without the pauses (live_ms, plus the stretch since live_since), the
  // per-minute viewer series, and the viewers given a token (the anchor's viewer list).
  `ALTER TABLE rooms ADD COLUMN live_ms INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE rooms ADD COLUMN live_since INTEGER;
   UPDATE rooms SET live_since = COALESCE(heartbeat_at, started_at, created_at) WHERE status = 'live';
   CREATE TABLE room_viewer_minutes (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     minute INTEGER NOT NULL,
     viewers INTEGER NOT NULL,
     PRIMARY KEY (room_id, minute)
   );
   CREATE TABLE room_viewers (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     joined_at INTEGER NOT NULL,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE INDEX room_viewers_newest ON room_viewers(room_id, joined_at DESC);`,
  // 11: a reminder claimed by an instance that died before sending it is found again (still 'sending', long ago).
  `CREATE INDEX room_reminders_sending ON room_reminders(claimed_at) WHERE state = 'sending';`,
];

export { InvalidCursorError };

/** Applies pending migrations in one transaction each (tests pass a prefix to build an older schema). */
export function migrateSqlite(db: Database.Database, migrations = SQLITE_MIGRATIONS): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  migrations.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        version,
        Date.now(),
      );
    })();
  });
}

/** Options of the SQLite store; newUserId lets tests make user IDs deterministic. */
export interface SqliteStoreOptions {
  newUserId?: () => string;
}

/** Opens (creating if needed) the SQLite database at `file` in WAL mode and migrates it. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  const profileId = options.newUserId ?? ((): string => newUserId(defaultRandom));
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db);

  // Statements are prepared once and reused: preparing costs more than running these small queries.
  const statements = new Map<string, Database.Statement<unknown[], unknown>>();
  const prepare = <P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };

  const userById = prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const roomById = prepare<[string], RoomRow>('SELECT * FROM rooms WHERE id = ?');
  // Only the columns a token depends on: a narrow row is most of what makes this read cheap.
  const tokenFacts = prepare<[string, string, number], TokenFactsRow>(
    `SELECT s.user_id, r.id, r.kind, r.status, r.owner_id, r.stream_id,
            (SELECT removed_at FROM chat_bans WHERE room_id = r.id AND user_id = s.user_id) AS removed_at
       FROM sessions s LEFT JOIN rooms r ON r.id = ?
      WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?`,
  );
  const inviteByCode = prepare<[string], InviteRow>('SELECT * FROM invites WHERE code = ?');
  const getRoom = (id: string): Room | null => {
    const row = roomById.get(id);
    return row ? toRoom(row) : null;
  };

  const upsertByOpenid = db.transaction(
    (id: string, openid: string, profile: { nickname?: string; avatarUrl?: string }, now: number): User => {
      const existing = prepare<[string], UserRow>('SELECT * FROM users WHERE openid = ?').get(openid);
      if (existing) {
        prepare(
          'UPDATE users SET nickname = COALESCE(?, nickname), avatar_url = COALESCE(?, avatar_url) WHERE id = ?',
        ).run(profile.nickname ?? null, profile.avatarUrl ?? null, existing.id);
        return toUser(userById.get(existing.id) as UserRow);
      }
      prepare('INSERT INTO users (id, openid, nickname, avatar_url, created_at) VALUES (?, ?, ?, ?, ?)').run(
        id,
        openid,
        profile.nickname ?? '微信用户',
        profile.avatarUrl ?? '',
        now,
      );
      return toUser(userById.get(id) as UserRow);
    },
  );

  const upsertDev = db.transaction((id: string, nickname: string, now: number): User => {
    const existing = prepare<[string], UserRow>('SELECT * FROM users WHERE dev_name = ?').get(nickname);
    if (existing) return toUser(existing);
    prepare('INSERT INTO users (id, dev_name, nickname, avatar_url, created_at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      nickname,
      nickname,
      '',
      now,
    );
    return toUser(userById.get(id) as UserRow);
  });

  const claimTx = db.transaction((roomId: string, code: string, userId: string, now: number): ClaimResult => {
    const room = getRoom(roomId);
    if (!room) return { ok: false, reason: 'room_not_found' };
    const invite = inviteByCode.get(code);
    if (!invite || invite.room_id !== roomId) return { ok: false, reason: 'invite_invalid' };
    // A retried claim by the winner (e.g. after a dropped response) succeeds again.
    if (invite.used_by === userId && room.ownerId === userId) return { ok: true, room };
    if (invite.used_at !== null) return { ok: false, reason: 'invite_used' };
    if (invite.expires_at <= now) return { ok: false, reason: 'invite_expired' };
    if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
    if (room.ownerId !== null) return { ok: false, reason: 'room_owned' };
    const used = prepare(
      'UPDATE invites SET used_at = ?, used_by = ? WHERE code = ? AND used_at IS NULL',
    ).run(now, userId, code);
    const owned = prepare('UPDATE rooms SET owner_id = ? WHERE id = ? AND owner_id IS NULL').run(
      userId,
      roomId,
    );
    if (used.changes !== 1 || owned.changes !== 1) throw new Error('claim raced');
    return { ok: true, room: getRoom(roomId) as Room };
  });
  // BEGIN IMMEDIATE takes the write lock before reading, so processes sharing the file queue up (busy_timeout)
  // instead of failing to upgrade a read lock.
  const claim = (roomId: string, code: string, userId: string, now: number): ClaimResult =>
    claimTx.immediate(roomId, code, userId, now);

  const memberRows = prepare<[string], UserRow & { m_stream_id: string; m_joined_at: number }>(
    `SELECT users.*, m.stream_id AS m_stream_id, m.joined_at AS m_joined_at
     FROM room_members m JOIN users ON users.id = m.user_id
     WHERE m.room_id = ? ORDER BY m.joined_at, m.rowid`,
  );
  const members = (roomId: string): CallMember[] =>
    memberRows
      .all(roomId)
      .map((r) => ({ user: toUser(r), streamId: r.m_stream_id, joinedAt: r.m_joined_at }));
  const insertMember = prepare(
    'INSERT INTO room_members (room_id, user_id, stream_id, joined_at) VALUES (?, ?, ?, ?)',
  );

  const createRoom = db.transaction((room: Room, firstStreamId: string | undefined): void => {
    prepare(
      `INSERT INTO rooms (id, title, kind, status, owner_id, stream_id, created_at, started_at, ended_at,
         planned_start_at, cover_url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      room.id,
      room.title,
      room.kind,
      room.status,
      room.ownerId,
      room.streamId,
      room.createdAt,
      room.startedAt,
      room.endedAt,
      room.plannedStartAt ?? null,
      room.coverUrl ?? null,
    );
    if (room.kind === 'call' && room.ownerId !== null && firstStreamId !== undefined) {
      insertMember.run(room.id, room.ownerId, firstStreamId, room.createdAt);
    }
  });

  const joinCallTx = db.transaction(
    (roomId: string, userId: string, streamId: string, now: number): JoinCallResult => {
      const room = getRoom(roomId);
      if (!room) return { ok: false, reason: 'room_not_found' };
      if (room.kind !== 'call') return { ok: false, reason: 'not_a_call' };
      if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
      const mine = prepare<[string, string], { stream_id: string }>(
        'SELECT stream_id FROM room_members WHERE room_id = ? AND user_id = ?',
      ).get(roomId, userId);
      if (mine) return { ok: true, room, streamId: mine.stream_id, joined: false };
      // The seat count is checked by the INSERT itself, inside a write-locked transaction.
      const inserted = prepare(
        `INSERT INTO room_members (room_id, user_id, stream_id, joined_at)
           SELECT ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM room_members WHERE room_id = ?) < ?`,
      ).run(roomId, userId, streamId, now, roomId, CALL_SEATS);
      if (inserted.changes !== 1) return { ok: false, reason: 'call_full' };
      prepare(
        `UPDATE rooms SET status = 'live', started_at = COALESCE(started_at, ?), live_since = ?
         WHERE id = ? AND status = 'idle' AND (SELECT COUNT(*) FROM room_members WHERE room_id = ?) >= ?`,
      ).run(now, now, roomId, roomId, CALL_SEATS);
      return { ok: true, room: getRoom(roomId) as Room, streamId, joined: true };
    },
  );

  const report = db.transaction(
    (roomId: string, s: { viewers: number }, now: number, forgetBefore: number): Room | null => {
      const changed = prepare(
        'UPDATE rooms SET viewers = ?, peak_viewers = MAX(peak_viewers, ?) WHERE id = ?',
      ).run(s.viewers, s.viewers, roomId);
      if (changed.changes !== 1) return null;
      prepare(
        `INSERT INTO room_viewer_minutes (room_id, minute, viewers) VALUES (?, ?, ?)
         ON CONFLICT (room_id, minute) DO UPDATE SET viewers = MAX(viewers, excluded.viewers)`,
      ).run(roomId, minuteOf(now), s.viewers);
      prepare('DELETE FROM room_viewer_minutes WHERE room_id = ? AND minute <= ?').run(roomId, forgetBefore);
      return getRoom(roomId);
    },
  );

  const setStatus = db.transaction((id: string, status: RoomStatus, now: number): Room | null => {
    const room = getRoom(id);
    if (!room) return null;
    if (room.status === 'ended' || room.status === status) return room;
    // Going live counts as a heartbeat and starts a live stretch (leaving live ends it); any explicit move clears
    // the sweeper's pause.
    prepare(
      `UPDATE rooms SET ${endLiveStretch('@now')}, status = @status,
         live_since = CASE WHEN @status = 'live' THEN @now ELSE NULL END,
         started_at = CASE WHEN @status = 'live' AND started_at IS NULL THEN @now ELSE started_at END,
         ended_at = CASE WHEN @status = 'ended' THEN @now ELSE ended_at END,
         viewers = CASE WHEN @status = 'ended' THEN 0 ELSE viewers END,
         heartbeat_at = CASE WHEN @status = 'live' THEN @now ELSE heartbeat_at END,
         auto_paused = 0
       WHERE id = @id AND status <> 'ended'`,
    ).run({ status, now, id });
    return getRoom(id);
  });

  // A room the sweeper paused goes live again: a new live stretch begins.
  const heartbeat = prepare(
    `UPDATE rooms SET heartbeat_at = @now,
       live_since = CASE WHEN status = 'paused' AND auto_paused = 1 THEN @now ELSE live_since END,
       status = CASE WHEN status = 'paused' AND auto_paused = 1 THEN 'live' ELSE status END,
       auto_paused = 0
     WHERE id = @id AND status <> 'ended'`,
  );
  // Silence is measured from the last heartbeat, or from going live for a room that never sent one.
  const sweepEnd = prepare<[{ now: number; before: number }], { id: string }>(
    `UPDATE rooms SET ${endLiveStretch('@now')}, live_since = NULL,
       status = 'ended', ended_at = @now, viewers = 0, auto_paused = 0
     WHERE kind = 'live' AND status IN ('live', 'paused')
       AND COALESCE(heartbeat_at, started_at, created_at) <= @before
     RETURNING id`,
  );
  const sweepPause = prepare<[{ now: number; before: number }], { id: string }>(
    `UPDATE rooms SET ${endLiveStretch('@now')}, live_since = NULL, status = 'paused', auto_paused = 1
     WHERE kind = 'live' AND status = 'live' AND COALESCE(heartbeat_at, started_at, created_at) <= @before
     RETURNING id`,
  );

  const cohostRow = prepare<[string, string], CohostRow>(
    `SELECT ${COHOST_COLUMNS} FROM cohosts c JOIN users ON users.id = c.user_id WHERE c.room_id = ? AND c.user_id = ?`,
  );
  const getCohost = (roomId: string, userId: string): Cohost | null => {
    const row = cohostRow.get(roomId, userId);
    return row ? toCohost(row) : null;
  };
  const cohostCount = prepare<[string], { n: number }>(
    "SELECT COUNT(*) AS n FROM cohosts WHERE room_id = ? AND state = 'cohost'",
  );

  // One transaction: the line goes in and the room's lines older than its newest `keep` go.
  const keepLineTx = db.transaction((line: Omit<ChatLine, 'id'>, keep: number): void => {
    prepare('INSERT INTO chat_lines (room_id, user_id, nickname, text, sent_at) VALUES (?, ?, ?, ?, ?)').run(
      line.roomId,
      line.userId,
      line.nickname,
      line.text,
      line.sentAt,
    );
    prepare(
      `DELETE FROM chat_lines WHERE room_id = ? AND id <=
         (SELECT id FROM chat_lines WHERE room_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ).run(line.roomId, line.roomId, keep);
  });

  const requestCohostTx = db.transaction(
    (roomId: string, userId: string, now: number, limit: number): CohostRequestResult => {
      const room = getRoom(roomId);
      if (!room) return { ok: false, reason: 'room_not_found' };
      if (room.status !== 'live') return { ok: false, reason: 'room_not_live' };
      if (getCohost(roomId, userId)?.state === 'cohost') return { ok: false, reason: 'already_cohost' };
      if ((cohostCount.get(roomId) as { n: number }).n >= limit) return { ok: false, reason: 'full' };
      prepare(
        `INSERT INTO cohosts (room_id, user_id, state, requested_at) VALUES (?, ?, 'pending', ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET state = 'pending', requested_at = excluded.requested_at`,
      ).run(roomId, userId, now);
      return { ok: true, cohost: getCohost(roomId, userId) as Cohost };
    },
  );

  // Inside a write-locked (IMMEDIATE) transaction: the count cannot change before the UPDATE.
  const acceptCohostTx = db.transaction(
    (
      roomId: string,
      userId: string,
      now: number,
      lapsedBefore: number,
      limit: number,
    ): CohostAcceptResult => {
      const room = getRoom(roomId);
      if (!room) return { ok: false, reason: 'room_not_found' };
      if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
      const current = getCohost(roomId, userId);
      if (current?.state === 'cohost') return { ok: true, cohost: current, accepted: false };
      if (current?.state !== 'pending' || current.requestedAt <= lapsedBefore) {
        return { ok: false, reason: 'request_not_found' };
      }
      if ((cohostCount.get(roomId) as { n: number }).n >= limit) return { ok: false, reason: 'full' };
      prepare(
        `UPDATE cohosts SET state = 'cohost', accepted_at = ?, seen_at = ?,
           accept_seq = (SELECT COALESCE(MAX(accept_seq), 0) + 1 FROM cohosts WHERE room_id = ?)
         WHERE room_id = ? AND user_id = ? AND state = 'pending'`,
      ).run(now, now, roomId, roomId, userId);
      return { ok: true, cohost: getCohost(roomId, userId) as Cohost, accepted: true };
    },
  );

  const endRoomCohostsTx = db.transaction((roomId: string): string[] => {
    const ended = prepare<[string], { user_id: string }>(
      "UPDATE cohosts SET state = 'none' WHERE room_id = ? AND state = 'cohost' RETURNING user_id",
    )
      .all(roomId)
      .map((r) => r.user_id);
    prepare("UPDATE cohosts SET state = 'none' WHERE room_id = ? AND state = 'pending'").run(roomId);
    return ended;
  });

  const memberBeat = prepare(
    `UPDATE room_members SET heartbeat_at = ?
     WHERE room_id = ? AND user_id = ? AND EXISTS (SELECT 1 FROM rooms WHERE id = ? AND status <> 'ended')`,
  );
  const sweepCalls = prepare<[{ now: number; before: number }], { id: string }>(
    `UPDATE rooms SET ${endLiveStretch('@now')}, live_since = NULL,
       status = 'ended', ended_at = @now, viewers = 0
     WHERE kind = 'call' AND status <> 'ended'
       AND (SELECT MAX(heartbeat_at) FROM room_members WHERE room_id = rooms.id) <= @before
     RETURNING id`,
  );

  /** The lobby: live rooms newest first, then upcoming ones by planned start (rank, key, id ascending). */
  const lobbyList = (cursor: string | undefined, limit: number): RoomPage => {
    const where = [LOBBY_WHERE];
    const params: (string | number)[] = [];
    if (cursor) {
      const after = decodeLobbyCursor(cursor);
      if (!after) throw new InvalidCursorError('cursor is not one this service issued');
      where.push(
        `(${LOBBY_RANK} > ? OR (${LOBBY_RANK} = ? AND (${LOBBY_KEY} > ? OR (${LOBBY_KEY} = ? AND id > ?))))`,
      );
      params.push(after.rank, after.rank, after.key, after.key, after.id);
    }
    const sql = `SELECT * FROM rooms WHERE ${where.join(' AND ')}
                 ORDER BY ${LOBBY_RANK}, ${LOBBY_KEY}, id LIMIT ?`;
    const rows = prepare<(string | number)[], RoomRow>(sql).all(...params, limit + 1);
    const rooms = rows.slice(0, limit).map(toRoom);
    return { rooms, nextCursor: rows.length > limit ? encodeLobbyCursor(rooms[rooms.length - 1]) : null };
  };
  // One statement: a viewer who joined within the quiet minute is left as it is (no write at all).
  const recordViewer = prepare<[{ roomId: string; userId: string; now: number; quietSince: number }]>(
    `INSERT INTO room_viewers (room_id, user_id, joined_at) VALUES (@roomId, @userId, @now)
     ON CONFLICT (room_id, user_id) DO UPDATE SET joined_at = excluded.joined_at
     WHERE room_viewers.joined_at <= @quietSince`,
  );

  const store: Store = {
    users: {
      upsertByOpenid: async (openid, profile, now) => upsertByOpenid(profileId(), openid, profile, now),
      upsertDev: async (nickname, now) => upsertDev(profileId(), nickname, now),
      get: async (id) => {
        const row = userById.get(id);
        return row ? toUser(row) : null;
      },
      getMany: async (ids) => {
        if (ids.length === 0) return [];
        // One statement for any number of IDs: the list travels as one JSON array parameter.
        return prepare<[string], UserRow>('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))')
          .all(JSON.stringify(ids))
          .map(toUser);
      },
      wechatOpenid: async (id) =>
        wechatOpenidOf(
          prepare<[string], { openid: string | null }>('SELECT openid FROM users WHERE id = ?').get(id)
            ?.openid,
        ),
      setAvatar: async (id, avatarUrl) => {
        prepare('UPDATE users SET avatar_url = ? WHERE id = ?').run(avatarUrl, id);
        const row = userById.get(id);
        return row ? toUser(row) : null;
      },
    },
    sessions: {
      create: async (tokenHash, userId, now, expiresAt) => {
        // Opportunistic clean-up: this user's dead sessions go when it signs in again.
        prepare('DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR revoked_at IS NOT NULL)').run(
          userId,
          now,
        );
        prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
          tokenHash,
          userId,
          now,
          expiresAt,
        );
      },
      findUser: async (tokenHash, now) => {
        const row = prepare<[string, number], UserRow>(
          `SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE sessions.token_hash = ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ?`,
        ).get(tokenHash, now);
        return row ? toUser(row) : null;
      },
      revoke: async (tokenHash, now) => {
        prepare('UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL').run(
          now,
          tokenHash,
        );
      },
    },
    rooms: {
      create: async (room, firstStreamId) => createRoom(room, firstStreamId),
      get: async (id) => getRoom(id),
      // One statement each, back to back: that is what makes a batch cheap here (warm caches), not one statement.
      getForSessions: async (asks) =>
        asks.map(({ tokenHash, roomId, now }) => {
          const row = tokenFacts.get(roomId, tokenHash, now);
          return row ? toTokenFacts(row) : null;
        }),
      list: async ({ status, cursor, limit, lobby }): Promise<RoomPage> => {
        if (lobby) return lobbyList(cursor, limit);
        // Call rooms are private to their two members: listings show live rooms only.
        const where: string[] = ["kind = 'live'"];
        const params: (string | number)[] = [];
        if (status) {
          where.push('status = ?');
          params.push(status);
        }
        if (cursor) {
          const after = decodeCursor(cursor);
          if (!after) throw new InvalidCursorError('cursor is not one this service issued');
          where.push('(created_at < ? OR (created_at = ? AND id < ?))');
          params.push(after.createdAt, after.createdAt, after.id);
        }
        const sql = `SELECT * FROM rooms WHERE ${where.join(' AND ')}
                     ORDER BY created_at DESC, id DESC LIMIT ?`;
        const rows = prepare<(string | number)[], RoomRow>(sql).all(...params, limit + 1);
        const rooms = rows.slice(0, limit).map(toRoom);
        return { rooms, nextCursor: rows.length > limit ? encodeCursor(rooms[rooms.length - 1]) : null };
      },
      updatePlan: async (id, plan) => {
        const row = prepare<(string | number | null)[], RoomRow>(
          `UPDATE rooms SET
             title = CASE WHEN ? THEN ? ELSE title END,
             planned_start_at = CASE WHEN ? THEN ? ELSE planned_start_at END,
             cover_url = CASE WHEN ? THEN ? ELSE cover_url END
           WHERE id = ? AND status = 'idle' RETURNING *`,
        ).get(...planParams(plan).map((v) => (typeof v === 'boolean' ? Number(v) : v)), id);
        return row ? toRoom(row) : null;
      },
      setStatus: async (id, status, now) => setStatus(id, status, now),
      findByStreamId: async (streamId) => {
        const row = prepare<[string], RoomRow>('SELECT * FROM rooms WHERE stream_id = ?').get(streamId);
        return row ? toRoom(row) : null;
      },
      members: async (roomId) => members(roomId),
      joinCall: async (roomId, userId, streamId, now) => joinCallTx.immediate(roomId, userId, streamId, now),
      heartbeat: async (id, now) => {
        heartbeat.run({ now, id });
        return getRoom(id);
      },
      sweep: async (now, pauseBefore, endBefore) => {
        const ended = sweepEnd.all({ now, before: endBefore }).map((r) => r.id);
        const paused = sweepPause.all({ now, before: pauseBefore }).map((r) => r.id);
        return { paused, ended };
      },
      memberHeartbeat: async (roomId, userId, now) =>
        memberBeat.run(now, roomId, userId, roomId).changes === 1,
      sweepCalls: async (now, silentBefore) => sweepCalls.all({ now, before: silentBefore }).map((r) => r.id),
    },
    invites: {
      create: async (invite) => {
        prepare('INSERT INTO invites (code, room_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
          invite.code,
          invite.roomId,
          invite.createdAt,
          invite.expiresAt,
        );
      },
      activeForRoom: async (roomId, now) => {
        const row = prepare<[string, number], InviteRow>(
          `SELECT * FROM invites WHERE room_id = ? AND used_at IS NULL AND expires_at > ?
             ORDER BY created_at DESC LIMIT 1`,
        ).get(roomId, now);
        return row ? toInvite(row) : null;
      },
      claim: async (roomId, code, userId, now) => claim(roomId, code, userId, now),
    },
    stats: {
      report: async (roomId, stats, now, forgetBefore) => report(roomId, stats, now, forgetBefore),
      countLikes: async (roomId, likes) => {
        prepare('UPDATE rooms SET likes = likes + ? WHERE id = ?').run(likes, roomId);
      },
      series: async (roomId, limit) =>
        prepare<[string, number], { minute: number; viewers: number }>(
          `SELECT minute, viewers FROM (SELECT minute, viewers FROM room_viewer_minutes WHERE room_id = ?
             ORDER BY minute DESC LIMIT ?) ORDER BY minute`,
        )
          .all(roomId, limit)
          .map((r) => ({ at: r.minute, viewers: r.viewers })),
    },
    viewers: {
      record: async (roomId, userId, now, quietSince) => {
        recordViewer.run({ roomId, userId, now, quietSince });
      },
      list: async (roomId, limit) =>
        prepare<[string, number], UserRow & { v_joined_at: number }>(
          `SELECT users.*, v.joined_at AS v_joined_at FROM room_viewers v JOIN users ON users.id = v.user_id
           WHERE v.room_id = ? ORDER BY v.joined_at DESC, v.user_id LIMIT ?`,
        )
          .all(roomId, limit)
          .map((r) => ({ user: toUser(r), joinedAt: r.v_joined_at })),
    },
    chat: {
      standing: async (roomId, userId, now) => {
        const row = prepare<
          [string, string, string],
          { comments_off: number | null; muted_until: number | null; removed_at: number | null }
        >(
          `SELECT (SELECT comments_off FROM room_chat WHERE room_id = ?) AS comments_off, b.muted_until, b.removed_at
           FROM (SELECT 1) LEFT JOIN chat_bans b ON b.room_id = ? AND b.user_id = ?`,
        ).get(roomId, roomId, userId);
        const mutedUntil = row?.muted_until ?? null;
        return {
          commentsOff: row?.comments_off === 1,
          mutedUntil: mutedUntil !== null && mutedUntil > now ? mutedUntil : null,
          removed: (row?.removed_at ?? null) !== null,
        };
      },
      commentsOff: async (roomId) =>
        prepare<[string], { comments_off: number }>(
          'SELECT comments_off FROM room_chat WHERE room_id = ?',
        ).get(roomId)?.comments_off === 1,
      setCommentsOff: async (roomId, off) => {
        prepare(
          `INSERT INTO room_chat (room_id, comments_off) VALUES (?, ?)
           ON CONFLICT (room_id) DO UPDATE SET comments_off = excluded.comments_off`,
        ).run(roomId, off ? 1 : 0);
      },
      mute: async (roomId, userId, until) => {
        prepare(
          `INSERT INTO chat_bans (room_id, user_id, muted_until) VALUES (?, ?, ?)
           ON CONFLICT (room_id, user_id) DO UPDATE SET muted_until = excluded.muted_until`,
        ).run(roomId, userId, until);
      },
      unmute: async (roomId, userId, now) =>
        prepare(
          'UPDATE chat_bans SET muted_until = NULL WHERE room_id = ? AND user_id = ? AND muted_until > ?',
        ).run(roomId, userId, now).changes === 1,
      remove: async (roomId, userId, now) => {
        prepare(
          `INSERT INTO chat_bans (room_id, user_id, removed_at) VALUES (?, ?, ?)
           ON CONFLICT (room_id, user_id) DO UPDATE SET removed_at = COALESCE(chat_bans.removed_at, excluded.removed_at)`,
        ).run(roomId, userId, now);
      },
      countMessage: async (roomId) => {
        prepare('UPDATE rooms SET messages = messages + 1 WHERE id = ?').run(roomId);
      },
      record: async (entry) => {
        const row = prepare<unknown[], ModerationRow>(
          `INSERT INTO moderation_log (room_id, action, actor_kind, actor_id, target_id, until_at, detail, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        ).get(
          entry.roomId,
          entry.action,
          entry.actorKind,
          entry.actorId,
          entry.targetId,
          entry.until,
          entry.detail,
          entry.at,
        ) as ModerationRow;
        return toModeration(row);
      },
      log: async (roomId, limit) =>
        (roomId === null
          ? prepare<[number], ModerationRow>('SELECT * FROM moderation_log ORDER BY id DESC LIMIT ?').all(
              limit,
            )
          : prepare<[string, number], ModerationRow>(
              'SELECT * FROM moderation_log WHERE room_id = ? ORDER BY id DESC LIMIT ?',
            ).all(roomId, limit)
        ).map(toModeration),
      keepLine: async (line, keep) => keepLineTx.immediate(line, keep),
      recentLines: async (roomId, limit) =>
        prepare<[string, number], ChatLineRow>(
          'SELECT * FROM chat_lines WHERE room_id = ? ORDER BY id DESC LIMIT ?',
        )
          .all(roomId, limit)
          .map(toChatLine),
      runningMutes: async (roomId, now) =>
        prepare<[string, number], { user_id: string; nickname: string | null; muted_until: number }>(
          `SELECT b.user_id, users.nickname, b.muted_until FROM chat_bans b LEFT JOIN users ON users.id = b.user_id
           WHERE b.room_id = ? AND b.muted_until > ? ORDER BY b.muted_until, b.user_id`,
        )
          .all(roomId, now)
          .map((r) => ({ userId: r.user_id, nickname: r.nickname, until: r.muted_until })),
    },
    cohosts: {
      list: async (roomId, lapsedBefore) =>
        prepare<[string, number], CohostRow>(
          `SELECT ${COHOST_COLUMNS} FROM cohosts c JOIN users ON users.id = c.user_id
           WHERE c.room_id = ? AND (c.state = 'cohost' OR (c.state = 'pending' AND c.requested_at > ?))
           ORDER BY ${COHOST_ORDER}`,
        )
          .all(roomId, lapsedBefore)
          .map(toCohost),
      get: async (roomId, userId) => getCohost(roomId, userId),
      request: async (roomId, userId, now, limit) => requestCohostTx.immediate(roomId, userId, now, limit),
      cancel: async (roomId, userId, lapsedBefore) => {
        const row = prepare<[string, string], { requested_at: number }>(
          `UPDATE cohosts SET state = 'none' WHERE room_id = ? AND user_id = ? AND state = 'pending'
           RETURNING requested_at`,
        ).get(roomId, userId);
        return row !== undefined && row.requested_at > lapsedBefore;
      },
      accept: async (roomId, userId, now, lapsedBefore, limit) =>
        acceptCohostTx.immediate(roomId, userId, now, lapsedBefore, limit),
      decline: async (roomId, userId, lapsedBefore) =>
        prepare(
          `UPDATE cohosts SET state = 'none'
           WHERE room_id = ? AND user_id = ? AND state = 'pending' AND requested_at > ?`,
        ).run(roomId, userId, lapsedBefore).changes === 1,
      end: async (roomId, userId) =>
        prepare(
          "UPDATE cohosts SET state = 'none' WHERE room_id = ? AND user_id = ? AND state = 'cohost'",
        ).run(roomId, userId).changes === 1,
      seen: async (roomId, userId, now) =>
        prepare("UPDATE cohosts SET seen_at = ? WHERE room_id = ? AND user_id = ? AND state = 'cohost'").run(
          now,
          roomId,
          userId,
        ).changes === 1,
      setStreamForbidden: async (roomId, userId, forbidden) => {
        prepare('UPDATE cohosts SET stream_forbidden = ? WHERE room_id = ? AND user_id = ?').run(
          forbidden ? 1 : 0,
          roomId,
          userId,
        );
      },
      endSilent: async (silentSince) =>
        prepare<[number], { room_id: string; user_id: string }>(
          `UPDATE cohosts SET state = 'none' WHERE state = 'cohost' AND seen_at <= ?
           RETURNING room_id, user_id`,
        )
          .all(silentSince)
          .map((r): CohostKey => ({ roomId: r.room_id, userId: r.user_id })),
      endRoom: async (roomId) => endRoomCohostsTx.immediate(roomId),
      mix: async (roomId) =>
        prepare<[string], { stream_id: string }>('SELECT stream_id FROM cohost_mixes WHERE room_id = ?').get(
          roomId,
        )?.stream_id ?? null,
      setMix: async (roomId, streamId, now) => {
        if (streamId === null) prepare('DELETE FROM cohost_mixes WHERE room_id = ?').run(roomId);
        else
          prepare(
            `INSERT INTO cohost_mixes (room_id, stream_id, started_at) VALUES (?, ?, ?)
             ON CONFLICT (room_id) DO UPDATE SET stream_id = excluded.stream_id`,
          ).run(roomId, streamId, now);
      },
    },
    reminders: {
      subscribe: async (roomId, userId, now) =>
        prepare(
          `INSERT INTO room_reminders (room_id, user_id, created_at) VALUES (?, ?, ?)
           ON CONFLICT (room_id, user_id) DO NOTHING`,
        ).run(roomId, userId, now).changes === 1,
      cancel: async (roomId, userId) =>
        prepare(`DELETE FROM room_reminders WHERE room_id = ? AND user_id = ? AND state = 'pending'`).run(
          roomId,
          userId,
        ).changes === 1,
      get: async (roomId, userId) => {
        const row = prepare<[string, string], ReminderRow>(
          'SELECT * FROM room_reminders WHERE room_id = ? AND user_id = ?',
        ).get(roomId, userId);
        return row ? toReminder(row) : null;
      },
      claimPending: async (roomId, now, staleBefore) =>
        prepare<[number, string, number], { user_id: string; openid: string | null }>(
          `UPDATE room_reminders SET state = 'sending', claimed_at = ?
           WHERE room_id = ? AND (state = 'pending' OR (state = 'sending' AND claimed_at < ?))
           RETURNING user_id, (SELECT openid FROM users WHERE users.id = room_reminders.user_id) AS openid`,
        )
          .all(now, roomId, staleBefore)
          .map((r) => ({ userId: r.user_id, openid: wechatOpenidOf(r.openid) })),
      roomsWithStaleSends: async (staleBefore) =>
        prepare<[number], { room_id: string }>(
          `SELECT DISTINCT r.room_id FROM room_reminders r JOIN rooms ON rooms.id = r.room_id
            WHERE r.state = 'sending' AND r.claimed_at < ? AND rooms.status = 'live'`,
        )
          .all(staleBefore)
          .map((r) => r.room_id),
      finish: async (roomId, userId, outcome, now) => {
        prepare(
          `UPDATE room_reminders SET state = ?, errcode = ?, attempts = ?, done_at = ?
           WHERE room_id = ? AND user_id = ? AND state = 'sending'`,
        ).run(outcome.state, outcome.errcode, outcome.attempts, now, roomId, userId);
      },
      counts: async (roomId) =>
        Object.fromEntries(
          prepare<[string], { state: string; n: number }>(
            'SELECT state, COUNT(*) AS n FROM room_reminders WHERE room_id = ? GROUP BY state',
          )
            .all(roomId)
            .map((r) => [r.state, r.n]),
        ),
    },
    callbackNonces: {
      claim: async (nonce, now, forgetBefore) => {
        prepare<[number]>('DELETE FROM callback_nonces WHERE seen_at < ?').run(forgetBefore);
        const added = prepare<[string, number]>(
          'INSERT INTO callback_nonces (nonce, seen_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING',
        ).run(nonce, now);
        return added.changes === 1;
      },
      release: async (nonce) => {
        prepare<[string]>('DELETE FROM callback_nonces WHERE nonce = ?').run(nonce);
      },
    },
    ping: async () => {
      prepare('SELECT 1').get();
    },
    close: async () => {
      if (db.open) db.close();
    },
  };

  return store;
}
