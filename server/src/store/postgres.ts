import { Pool, types as pgTypes, type PoolClient, type QueryResultRow } from 'pg';
import { defaultRandom, newUserId } from '../lib/ids';
import {
  DatabaseUnavailableError,
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
  ClaimResult,
  Cohost,
  CohostAcceptResult,
  CohostRequestResult,
  JoinCallResult,
  Room,
  RoomPage,
  Store,
  TokenFacts,
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

/**
 * Numbered schema migrations for PostgreSQL, the same versions as the SQLite store's (times are BIGINT epoch
 * milliseconds). Applied in order under an advisory lock, so instances starting together migrate once. Append,
 * never edit.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     openid TEXT UNIQUE,
     dev_name TEXT UNIQUE,
     nickname TEXT NOT NULL,
     avatar_url TEXT NOT NULL DEFAULT '',
     created_at BIGINT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id),
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     revoked_at BIGINT
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE rooms (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('idle', 'live', 'paused', 'ended')),
     owner_id TEXT REFERENCES users(id),
     stream_id TEXT NOT NULL UNIQUE,
     created_at BIGINT NOT NULL,
     started_at BIGINT,
     ended_at BIGINT,
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
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     used_at BIGINT,
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
     joined_at BIGINT NOT NULL,
     seq BIGSERIAL,
     PRIMARY KEY (room_id, user_id)
   );`,
  // 3: heartbeats. A live room silent for too long is paused (auto_paused: a heartbeat resumes it), then ended.
  `ALTER TABLE rooms ADD COLUMN heartbeat_at BIGINT;
   ALTER TABLE rooms ADD COLUMN auto_paused BOOLEAN NOT NULL DEFAULT FALSE;
   CREATE INDEX rooms_sweep ON rooms(kind, status, heartbeat_at);`,
  // 4: co-hosting (连麦) in live rooms: one row per room and user (none, pending or cohost), and the running mix task.
  `CREATE TABLE cohosts (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     state TEXT NOT NULL CHECK (state IN ('none', 'pending', 'cohost')),
     requested_at BIGINT NOT NULL,
     accepted_at BIGINT,
     accept_seq BIGINT,
     seen_at BIGINT,
     stream_forbidden BOOLEAN NOT NULL DEFAULT FALSE,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE INDEX cohosts_silent ON cohosts(state, seen_at);
   CREATE TABLE cohost_mixes (
     room_id TEXT PRIMARY KEY REFERENCES rooms(id),
     stream_id TEXT NOT NULL,
     started_at BIGINT NOT NULL
   );`,
  // 5: call heartbeats. Each member's last sign of life; a call whose members all went silent is ended.
  `ALTER TABLE room_members ADD COLUMN heartbeat_at BIGINT;`,
  // 6: ZEGO callback nonces seen (a replayed callback is refused on every instance); old ones are purged.
  `CREATE TABLE callback_nonces (
     nonce TEXT PRIMARY KEY,
     seen_at BIGINT NOT NULL
   );
   CREATE INDEX callback_nonces_seen ON callback_nonces(seen_at);`,
  // 7: chat through the service: comments off per room, mutes and removals per viewer, the moderation log.
  `CREATE TABLE room_chat (
     room_id TEXT PRIMARY KEY REFERENCES rooms(id),
     comments_off BOOLEAN NOT NULL DEFAULT FALSE
   );
   CREATE TABLE chat_bans (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     muted_until BIGINT,
     removed_at BIGINT,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE TABLE moderation_log (
     id BIGSERIAL PRIMARY KEY,
     room_id TEXT NOT NULL REFERENCES rooms(id),
     action TEXT NOT NULL,
     actor_kind TEXT NOT NULL,
     actor_id TEXT,
     target_id TEXT,
     until_at BIGINT,
     detail TEXT,
     at BIGINT NOT NULL
   );
   CREATE INDEX moderation_log_room ON moderation_log(room_id, id DESC);`,
  // 8 (console-mod): the newest delivered chat lines of each room, so the anchor and the operator can pick a viewer.
  `CREATE TABLE chat_lines (
     id BIGSERIAL PRIMARY KEY,
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     nickname TEXT NOT NULL,
     text TEXT NOT NULL,
     sent_at BIGINT NOT NULL
   );
   CREATE INDEX chat_lines_room ON chat_lines(room_id, id DESC);`,
  // 9 (branch planned): planned rooms (start time, cover) and subscribe reminders (开播提醒), one per user and room.
  `ALTER TABLE rooms ADD COLUMN planned_start_at BIGINT;
   ALTER TABLE rooms ADD COLUMN cover_url TEXT;
   CREATE INDEX rooms_upcoming ON rooms(kind, status, planned_start_at);
   CREATE TABLE room_reminders (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'refused', 'failed')),
     created_at BIGINT NOT NULL,
     errcode INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0,
     claimed_at BIGINT,
     done_at BIGINT,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE INDEX room_reminders_state ON room_reminders(room_id, state);`,
  // 10 (branch stats): figures from the service: live time without the pauses (live_ms, plus the stretch since live_since), the
  // per-minute viewer series, and the viewers given a token (the anchor's viewer list).
  `ALTER TABLE rooms ADD COLUMN live_ms BIGINT NOT NULL DEFAULT 0;
   ALTER TABLE rooms ADD COLUMN live_since BIGINT;
   UPDATE rooms SET live_since = COALESCE(heartbeat_at, started_at, created_at) WHERE status = 'live';
   CREATE TABLE room_viewer_minutes (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     minute BIGINT NOT NULL,
     viewers INTEGER NOT NULL,
     PRIMARY KEY (room_id, minute)
   );
   CREATE TABLE room_viewers (
     room_id TEXT NOT NULL REFERENCES rooms(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     joined_at BIGINT NOT NULL,
     PRIMARY KEY (room_id, user_id)
   );
   CREATE INDEX room_viewers_newest ON room_viewers(room_id, joined_at DESC);`,
  // 11: a reminder claimed by an instance that died before sending it is found again (still 'sending', long ago).
  `CREATE INDEX room_reminders_sending ON room_reminders(claimed_at) WHERE state = 'sending';`,
];

/** Arbitrary key of the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 4_311_027_011;

// BIGINT columns hold epoch milliseconds, far inside Number's exact range: read them as numbers, not strings.
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pgTypes.builtins.INT8 && format !== 'binary'
      ? (value: string): number => Number(value)
      : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

/** SQLSTATE classes and socket errors that mean "the database is not there", not "the query is wrong". */
export function isConnectionError(error: unknown): boolean {
  // Duck-typed, not instanceof Error: socket errors may come from another realm (e.g. jest's sandbox).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now; 53300: too many.
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(
        code,
      )
    )
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
      message,
    )
  );
}

/** Options of the PostgreSQL store; newUserId lets tests make user IDs deterministic. */
export interface PostgresStoreOptions {
  newUserId?: () => string;
  /** Most connections per instance (default 10). */
  poolMax?: number;
  /** How long a request waits for a connection before the API answers 503 (default 3000 ms). */
  connectTimeoutMs?: number;
  /** How long one statement may take before the request answers 503 (default 10000 ms). */
  queryTimeoutMs?: number;
  /** Told about errors of idle connections (the database went away); they are otherwise harmless. */
  onIdleError?: (error: Error) => void;
}

/** Applies pending migrations in one transaction under an advisory lock. */
export async function migratePostgres(pool: Pool, migrations = POSTGRES_MIGRATIONS): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        version,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** A pool for DATABASE_URL with BIGINT read as numbers. */
export function createPool(url: string, options: PostgresStoreOptions = {}): Pool {
  const pool = new Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    // A database that stops answering (rather than refusing) must not hold requests forever.
    query_timeout: options.queryTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
  });
  // An idle connection dropped by a restarting database emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/** Connects to PostgreSQL at `url`, migrates, and returns the store (SQLite's twin behind the same interface). */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const profileId = options.newUserId ?? ((): string => newUserId(defaultRandom));
  const pool = createPool(url, options);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  /** Runs one statement; connection failures become DatabaseUnavailableError (503), never a stack trace. */
  async function query<R extends QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    client: Pool | PoolClient = pool,
  ): Promise<{ rows: R[]; rowCount: number }> {
    try {
      const result = await client.query<R>(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      if (isConnectionError(error)) throw new DatabaseUnavailableError(error);
      throw error;
    }
  }

  /** Runs fn in a transaction on one connection (READ COMMITTED; the decisions lock the room row). */
  async function transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw new DatabaseUnavailableError(error);
    }
    let broken = false;
    try {
      await query('BEGIN', [], client);
      const result = await fn(client);
      await query('COMMIT', [], client);
      return result;
    } catch (error) {
      // A connection that failed (or timed out: its query may still run) is not asked for anything more.
      if (error instanceof DatabaseUnavailableError) broken = true;
      else
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      throw error;
    } finally {
      // A connection that could not roll back is discarded rather than reused.
      client.release(broken);
    }
  }

  const one = async <R extends QueryResultRow>(
    sql: string,
    params: unknown[],
    client?: Pool | PoolClient,
  ): Promise<R | null> => (await query<R>(sql, params, client)).rows[0] ?? null;

  const getRoom = async (id: string, client?: PoolClient): Promise<Room | null> => {
    const row = await one<RoomRow>('SELECT * FROM rooms WHERE id = $1', [id], client);
    return row ? toRoom(row) : null;
  };
  /** Locks the room row for the rest of the transaction: concurrent decisions about one room queue here. */
  const lockRoom = async (id: string, client: PoolClient): Promise<Room | null> => {
    const row = await one<RoomRow>('SELECT * FROM rooms WHERE id = $1 FOR UPDATE', [id], client);
    return row ? toRoom(row) : null;
  };

  const getCohost = async (roomId: string, userId: string, client?: PoolClient): Promise<Cohost | null> => {
    const row = await one<CohostRow>(
      `SELECT ${COHOST_COLUMNS} FROM cohosts c JOIN users ON users.id = c.user_id
       WHERE c.room_id = $1 AND c.user_id = $2`,
      [roomId, userId],
      client,
    );
    return row ? toCohost(row) : null;
  };
  /** Current co-hosts of a room; exact only while the room row is locked. */
  const cohostCount = async (roomId: string, client: PoolClient): Promise<number> =>
    Number(
      (
        await one<{ n: string | number }>(
          "SELECT COUNT(*) AS n FROM cohosts WHERE room_id = $1 AND state = 'cohost'",
          [roomId],
          client,
        )
      )?.n ?? 0,
    );

  const store: Store = {
    users: {
      upsertByOpenid: async (openid, profile, now) => {
        const row = await one<UserRow>(
          `INSERT INTO users (id, openid, nickname, avatar_url, created_at)
           VALUES ($1, $2, COALESCE($3::text, '微信用户'), COALESCE($4::text, ''), $5)
           ON CONFLICT (openid) DO UPDATE SET nickname = COALESCE($3::text, users.nickname),
             avatar_url = COALESCE($4::text, users.avatar_url)
           RETURNING *`,
          [profileId(), openid, profile.nickname ?? null, profile.avatarUrl ?? null, now],
        );
        return toUser(row as UserRow);
      },
      upsertDev: async (nickname, now) => {
        // The no-op update makes RETURNING give the existing row on conflict.
        const row = await one<UserRow>(
          `INSERT INTO users (id, dev_name, nickname, avatar_url, created_at) VALUES ($1, $2, $2, '', $3)
           ON CONFLICT (dev_name) DO UPDATE SET dev_name = EXCLUDED.dev_name
           RETURNING *`,
          [profileId(), nickname, now],
        );
        return toUser(row as UserRow);
      },
      get: async (id) => {
        const row = await one<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
        return row ? toUser(row) : null;
      },
      getMany: async (ids) => {
        if (ids.length === 0) return [];
        const { rows } = await query<UserRow>('SELECT * FROM users WHERE id = ANY($1::text[])', [ids]);
        return rows.map(toUser);
      },
      wechatOpenid: async (id) =>
        wechatOpenidOf(
          (await one<{ openid: string | null }>('SELECT openid FROM users WHERE id = $1', [id]))?.openid,
        ),
      setAvatar: async (id, avatarUrl) => {
        const row = await one<UserRow>('UPDATE users SET avatar_url = $2 WHERE id = $1 RETURNING *', [
          id,
          avatarUrl,
        ]);
        return row ? toUser(row) : null;
      },
    },
    sessions: {
      create: async (tokenHash, userId, now, expiresAt) => {
        // Opportunistic clean-up: this user's dead sessions go when it signs in again.
        await query(
          'DELETE FROM sessions WHERE user_id = $1 AND (expires_at <= $2 OR revoked_at IS NOT NULL)',
          [userId, now],
        );
        await query(
          'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
          [tokenHash, userId, now, expiresAt],
        );
      },
      findUser: async (tokenHash, now) => {
        const row = await one<UserRow>(
          `SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id
           WHERE sessions.token_hash = $1 AND sessions.revoked_at IS NULL AND sessions.expires_at > $2`,
          [tokenHash, now],
        );
        return row ? toUser(row) : null;
      },
      revoke: async (tokenHash, now) => {
        await query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
          tokenHash,
          now,
        ]);
      },
    },
    rooms: {
      create: async (room, firstStreamId) =>
        transaction(async (client) => {
          await query(
            `INSERT INTO rooms (id, title, kind, status, owner_id, stream_id, created_at, started_at, ended_at,
               planned_start_at, cover_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
            [
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
            ],
            client,
          );
          if (room.kind === 'call' && room.ownerId !== null && firstStreamId !== undefined) {
            await query(
              'INSERT INTO room_members (room_id, user_id, stream_id, joined_at) VALUES ($1, $2, $3, $4)',
              [room.id, room.ownerId, firstStreamId, room.createdAt],
              client,
            );
          }
        }),
      get: async (id) => getRoom(id),
      getForSessions: async (asks) => {
        if (asks.length === 0) return [];
        // Every ask in one round trip: the asks as rows (numbered), each joined to its live session and its room.
        const { rows } = await query<TokenFactsRow & { ask: string }>(
          `SELECT a.ask, s.user_id, r.id, r.kind, r.status, r.owner_id, r.stream_id,
                  (SELECT removed_at FROM chat_bans WHERE room_id = r.id AND user_id = s.user_id) AS removed_at
             FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS a(token_hash, room_id, now, ask)
             JOIN sessions s ON s.token_hash = a.token_hash AND s.revoked_at IS NULL AND s.expires_at > a.now
             LEFT JOIN rooms r ON r.id = a.room_id`,
          [asks.map((a) => a.tokenHash), asks.map((a) => a.roomId), asks.map((a) => a.now)],
        );
        const answers: Array<TokenFacts | null> = asks.map(() => null);
        // ORDINALITY counts from 1; a BIGINT comes back as a string.
        for (const row of rows) answers[Number(row.ask) - 1] = toTokenFacts(row);
        return answers;
      },
      list: async ({ status, cursor, limit, lobby }): Promise<RoomPage> => {
        if (lobby) {
          // The lobby: live rooms newest first, then upcoming ones by planned start (rank, key, id ascending).
          const params: (string | number)[] = [];
          let after = '';
          if (cursor) {
            const position = decodeLobbyCursor(cursor);
            if (!position) throw new InvalidCursorError('cursor is not one this service issued');
            params.push(position.rank, position.key, position.id);
            after = ` AND (${LOBBY_RANK}, ${LOBBY_KEY}, id) > ($1::int, $2::bigint, $3::text)`;
          }
          params.push(limit + 1);
          const { rows } = await query<RoomRow>(
            `SELECT * FROM rooms WHERE ${LOBBY_WHERE}${after}
             ORDER BY ${LOBBY_RANK}, ${LOBBY_KEY}, id LIMIT $${params.length}`,
            params,
          );
          const rooms = rows.slice(0, limit).map(toRoom);
          return {
            rooms,
            nextCursor: rows.length > limit ? encodeLobbyCursor(rooms[rooms.length - 1]) : null,
          };
        }
        // Call rooms are private to their two members: listings show live rooms only.
        const where: string[] = ["kind = 'live'"];
        const params: (string | number)[] = [];
        if (status) {
          params.push(status);
          where.push(`status = $${params.length}`);
        }
        if (cursor) {
          const after = decodeCursor(cursor);
          if (!after) throw new InvalidCursorError('cursor is not one this service issued');
          params.push(after.createdAt, after.id);
          where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
        }
        params.push(limit + 1);
        const { rows } = await query<RoomRow>(
          `SELECT * FROM rooms WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
          params,
        );
        const rooms = rows.slice(0, limit).map(toRoom);
        return { rooms, nextCursor: rows.length > limit ? encodeCursor(rooms[rooms.length - 1]) : null };
      },
      updatePlan: async (id, plan) => {
        const row = await one<RoomRow>(
          `UPDATE rooms SET
             title = CASE WHEN $1 THEN $2::text ELSE title END,
             planned_start_at = CASE WHEN $3 THEN $4::bigint ELSE planned_start_at END,
             cover_url = CASE WHEN $5 THEN $6::text ELSE cover_url END
           WHERE id = $7 AND status = 'idle' RETURNING *`,
          [...planParams(plan), id],
        );
        return row ? toRoom(row) : null;
      },
      setStatus: async (id, status, now) => {
        // One conditional UPDATE: an ended room never moves; going live counts as a heartbeat.
        const row = await one<RoomRow>(
          `UPDATE rooms SET ${endLiveStretch('$3')}, status = $2,
             live_since = CASE WHEN $2 = 'live' THEN $3::bigint ELSE NULL END,
             started_at = CASE WHEN $2 = 'live' AND started_at IS NULL THEN $3 ELSE started_at END,
             ended_at = CASE WHEN $2 = 'ended' THEN $3 ELSE ended_at END,
             viewers = CASE WHEN $2 = 'ended' THEN 0 ELSE viewers END,
             heartbeat_at = CASE WHEN $2 = 'live' THEN $3 ELSE heartbeat_at END,
             auto_paused = FALSE
           WHERE id = $1 AND status <> 'ended' AND status <> $2
           RETURNING *`,
          [id, status, now],
        );
        return row ? toRoom(row) : getRoom(id);
      },
      findByStreamId: async (streamId) => {
        const row = await one<RoomRow>('SELECT * FROM rooms WHERE stream_id = $1', [streamId]);
        return row ? toRoom(row) : null;
      },
      members: async (roomId) => {
        const { rows } = await query<UserRow & { m_stream_id: string; m_joined_at: number }>(
          `SELECT users.*, m.stream_id AS m_stream_id, m.joined_at AS m_joined_at
           FROM room_members m JOIN users ON users.id = m.user_id
           WHERE m.room_id = $1 ORDER BY m.joined_at, m.seq`,
          [roomId],
        );
        return rows.map((r): CallMember => ({
          user: toUser(r),
          streamId: r.m_stream_id,
          joinedAt: r.m_joined_at,
        }));
      },
      joinCall: async (roomId, userId, streamId, now) =>
        transaction(async (client): Promise<JoinCallResult> => {
          const room = await lockRoom(roomId, client);
          if (!room) return { ok: false, reason: 'room_not_found' };
          if (room.kind !== 'call') return { ok: false, reason: 'not_a_call' };
          if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
          const mine = await one<{ stream_id: string }>(
            'SELECT stream_id FROM room_members WHERE room_id = $1 AND user_id = $2',
            [roomId, userId],
            client,
          );
          if (mine) return { ok: true, room, streamId: mine.stream_id, joined: false };
          // The room row is locked, so this count cannot change under us.
          const inserted = await query(
            `INSERT INTO room_members (room_id, user_id, stream_id, joined_at)
             SELECT $1, $2, $3, $4 WHERE (SELECT COUNT(*) FROM room_members WHERE room_id = $1) < $5`,
            [roomId, userId, streamId, now, CALL_SEATS],
            client,
          );
          if (inserted.rowCount !== 1) return { ok: false, reason: 'call_full' };
          const updated = await one<RoomRow>(
            `UPDATE rooms SET status = 'live', started_at = COALESCE(started_at, $2), heartbeat_at = $2,
               live_since = $2
             WHERE id = $1 AND status = 'idle' AND (SELECT COUNT(*) FROM room_members WHERE room_id = $1) >= $3
             RETURNING *`,
            [roomId, now, CALL_SEATS],
            client,
          );
          return { ok: true, room: updated ? toRoom(updated) : room, streamId, joined: true };
        }),
      heartbeat: async (id, now) => {
        const row = await one<RoomRow>(
          `UPDATE rooms SET heartbeat_at = $2,
             live_since = CASE WHEN status = 'paused' AND auto_paused THEN $2 ELSE live_since END,
             status = CASE WHEN status = 'paused' AND auto_paused THEN 'live' ELSE status END,
             auto_paused = FALSE
           WHERE id = $1 AND status <> 'ended'
           RETURNING *`,
          [id, now],
        );
        return row ? toRoom(row) : getRoom(id);
      },
      sweep: async (now, pauseBefore, endBefore) => {
        // Under READ COMMITTED a concurrent sweeper's UPDATE re-checks the WHERE after the row lock, so a room
        // another instance just ended is not ended again.
        const ended = await query<{ id: string }>(
          `UPDATE rooms SET ${endLiveStretch('$1')}, live_since = NULL,
             status = 'ended', ended_at = $1, viewers = 0, auto_paused = FALSE
           WHERE kind = 'live' AND status IN ('live', 'paused')
             AND COALESCE(heartbeat_at, started_at, created_at) <= $2
           RETURNING id`,
          [now, endBefore],
        );
        const paused = await query<{ id: string }>(
          `UPDATE rooms SET ${endLiveStretch('$1')}, live_since = NULL,
             status = 'paused', auto_paused = TRUE
           WHERE kind = 'live' AND status = 'live' AND COALESCE(heartbeat_at, started_at, created_at) <= $2
           RETURNING id`,
          [now, pauseBefore],
        );
        return { paused: paused.rows.map((r) => r.id), ended: ended.rows.map((r) => r.id) };
      },
      memberHeartbeat: async (roomId, userId, now) => {
        const { rowCount } = await query(
          `UPDATE room_members SET heartbeat_at = $3
           WHERE room_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM rooms WHERE id = $1 AND status <> 'ended')`,
          [roomId, userId, now],
        );
        return rowCount === 1;
      },
      sweepCalls: async (now, silentBefore) => {
        // As sweep(): a concurrent sweeper's UPDATE re-checks status <> 'ended' after the row lock.
        const { rows } = await query<{ id: string }>(
          `UPDATE rooms SET ${endLiveStretch('$1')}, live_since = NULL,
             status = 'ended', ended_at = $1, viewers = 0
           WHERE kind = 'call' AND status <> 'ended'
             AND (SELECT MAX(heartbeat_at) FROM room_members WHERE room_id = rooms.id) <= $2
           RETURNING id`,
          [now, silentBefore],
        );
        return rows.map((r) => r.id);
      },
    },
    invites: {
      create: async (invite) => {
        await query('INSERT INTO invites (code, room_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
          invite.code,
          invite.roomId,
          invite.createdAt,
          invite.expiresAt,
        ]);
      },
      activeForRoom: async (roomId, now) => {
        const row = await one<InviteRow>(
          `SELECT * FROM invites WHERE room_id = $1 AND used_at IS NULL AND expires_at > $2
           ORDER BY created_at DESC LIMIT 1`,
          [roomId, now],
        );
        return row ? toInvite(row) : null;
      },
      claim: async (roomId, code, userId, now) =>
        transaction(async (client): Promise<ClaimResult> => {
          const room = await lockRoom(roomId, client);
          if (!room) return { ok: false, reason: 'room_not_found' };
          const invite = await one<InviteRow>('SELECT * FROM invites WHERE code = $1', [code], client);
          if (!invite || invite.room_id !== roomId) return { ok: false, reason: 'invite_invalid' };
          // A retried claim by the winner (e.g. after a dropped response) succeeds again.
          if (invite.used_by === userId && room.ownerId === userId) return { ok: true, room };
          if (invite.used_at !== null) return { ok: false, reason: 'invite_used' };
          if (invite.expires_at <= now) return { ok: false, reason: 'invite_expired' };
          if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
          if (room.ownerId !== null) return { ok: false, reason: 'room_owned' };
          const used = await query(
            'UPDATE invites SET used_at = $2, used_by = $3 WHERE code = $1 AND used_at IS NULL',
            [code, now, userId],
            client,
          );
          const owned = await one<RoomRow>(
            'UPDATE rooms SET owner_id = $2 WHERE id = $1 AND owner_id IS NULL RETURNING *',
            [roomId, userId],
            client,
          );
          if (used.rowCount !== 1 || !owned) throw new Error('claim raced');
          return { ok: true, room: toRoom(owned) };
        }),
    },
    stats: {
      report: async (roomId, s, now, forgetBefore) => {
        // One round trip: the room's figures, this minute's bucket and the trim of the oldest ones.
        const row = await one<RoomRow>(
          `WITH room AS (
             UPDATE rooms SET viewers = $2, peak_viewers = GREATEST(peak_viewers, $2) WHERE id = $1 RETURNING *
           ), bucket AS (
             INSERT INTO room_viewer_minutes (room_id, minute, viewers) SELECT id, $3, $2 FROM room
             ON CONFLICT (room_id, minute)
               DO UPDATE SET viewers = GREATEST(room_viewer_minutes.viewers, EXCLUDED.viewers)
           ), trim AS (
             DELETE FROM room_viewer_minutes WHERE room_id = $1 AND minute <= $4
           )
           SELECT * FROM room`,
          [roomId, s.viewers, minuteOf(now), forgetBefore],
        );
        return row ? toRoom(row) : null;
      },
      countLikes: async (roomId, likes) => {
        await query('UPDATE rooms SET likes = likes + $2 WHERE id = $1', [roomId, likes]);
      },
      series: async (roomId, limit) => {
        const { rows } = await query<{ minute: number; viewers: number }>(
          `SELECT minute, viewers FROM (SELECT minute, viewers FROM room_viewer_minutes WHERE room_id = $1
             ORDER BY minute DESC LIMIT $2) AS newest ORDER BY minute`,
          [roomId, limit],
        );
        return rows.map((r) => ({ at: r.minute, viewers: r.viewers }));
      },
    },
    viewers: {
      record: async (roomId, userId, now, quietSince) => {
        // One statement: a viewer who joined within the quiet minute is left as it is (no row is written).
        await query(
          `INSERT INTO room_viewers (room_id, user_id, joined_at) VALUES ($1, $2, $3)
           ON CONFLICT (room_id, user_id) DO UPDATE SET joined_at = EXCLUDED.joined_at
           WHERE room_viewers.joined_at <= $4`,
          [roomId, userId, now, quietSince],
        );
      },
      list: async (roomId, limit) => {
        const { rows } = await query<UserRow & { v_joined_at: number }>(
          `SELECT users.*, v.joined_at AS v_joined_at FROM room_viewers v JOIN users ON users.id = v.user_id
           WHERE v.room_id = $1 ORDER BY v.joined_at DESC, v.user_id LIMIT $2`,
          [roomId, limit],
        );
        return rows.map((r) => ({ user: toUser(r), joinedAt: r.v_joined_at }));
      },
    },
    chat: {
      standing: async (roomId, userId, now) => {
        const row = await one<{
          comments_off: boolean | null;
          muted_until: number | null;
          removed_at: number | null;
        }>(
          `SELECT (SELECT comments_off FROM room_chat WHERE room_id = $1) AS comments_off, b.muted_until, b.removed_at
           FROM (SELECT 1) AS one LEFT JOIN chat_bans b ON b.room_id = $1 AND b.user_id = $2`,
          [roomId, userId],
        );
        const mutedUntil = row?.muted_until ?? null;
        return {
          commentsOff: row?.comments_off === true,
          mutedUntil: mutedUntil !== null && mutedUntil > now ? mutedUntil : null,
          removed: (row?.removed_at ?? null) !== null,
        };
      },
      commentsOff: async (roomId) =>
        (
          await one<{ comments_off: boolean }>('SELECT comments_off FROM room_chat WHERE room_id = $1', [
            roomId,
          ])
        )?.comments_off === true,
      setCommentsOff: async (roomId, off) => {
        await query(
          `INSERT INTO room_chat (room_id, comments_off) VALUES ($1, $2)
           ON CONFLICT (room_id) DO UPDATE SET comments_off = EXCLUDED.comments_off`,
          [roomId, off],
        );
      },
      mute: async (roomId, userId, until) => {
        await query(
          `INSERT INTO chat_bans (room_id, user_id, muted_until) VALUES ($1, $2, $3)
           ON CONFLICT (room_id, user_id) DO UPDATE SET muted_until = EXCLUDED.muted_until`,
          [roomId, userId, until],
        );
      },
      unmute: async (roomId, userId, now) =>
        (
          await query(
            'UPDATE chat_bans SET muted_until = NULL WHERE room_id = $1 AND user_id = $2 AND muted_until > $3',
            [roomId, userId, now],
          )
        ).rowCount === 1,
      remove: async (roomId, userId, now) => {
        await query(
          `INSERT INTO chat_bans (room_id, user_id, removed_at) VALUES ($1, $2, $3)
           ON CONFLICT (room_id, user_id) DO UPDATE SET removed_at = COALESCE(chat_bans.removed_at, EXCLUDED.removed_at)`,
          [roomId, userId, now],
        );
      },
      countMessage: async (roomId) => {
        await query('UPDATE rooms SET messages = messages + 1 WHERE id = $1', [roomId]);
      },
      record: async (entry) => {
        const row = await one<ModerationRow>(
          `INSERT INTO moderation_log (room_id, action, actor_kind, actor_id, target_id, until_at, detail, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [
            entry.roomId,
            entry.action,
            entry.actorKind,
            entry.actorId,
            entry.targetId,
            entry.until,
            entry.detail,
            entry.at,
          ],
        );
        return toModeration(row as ModerationRow);
      },
      log: async (roomId, limit) => {
        const { rows } =
          roomId === null
            ? await query<ModerationRow>('SELECT * FROM moderation_log ORDER BY id DESC LIMIT $1', [limit])
            : await query<ModerationRow>(
                'SELECT * FROM moderation_log WHERE room_id = $1 ORDER BY id DESC LIMIT $2',
                [roomId, limit],
              );
        return rows.map(toModeration);
      },
      keepLine: async (line, keep) => {
        // One statement (one commit): the DELETE sees the room's lines before this one, so it keeps keep - 1 of them.
        await query(
          `WITH added AS (
             INSERT INTO chat_lines (room_id, user_id, nickname, text, sent_at) VALUES ($1, $2, $3, $4, $5)
           )
           DELETE FROM chat_lines WHERE room_id = $1 AND id <=
             (SELECT id FROM chat_lines WHERE room_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $6)`,
          [line.roomId, line.userId, line.nickname, line.text, line.sentAt, keep - 1],
        );
      },
      recentLines: async (roomId, limit) => {
        const { rows } = await query<ChatLineRow>(
          'SELECT * FROM chat_lines WHERE room_id = $1 ORDER BY id DESC LIMIT $2',
          [roomId, limit],
        );
        return rows.map(toChatLine);
      },
      runningMutes: async (roomId, now) => {
        const { rows } = await query<{ user_id: string; nickname: string | null; muted_until: number }>(
          `SELECT b.user_id, users.nickname, b.muted_until FROM chat_bans b LEFT JOIN users ON users.id = b.user_id
           WHERE b.room_id = $1 AND b.muted_until > $2 ORDER BY b.muted_until, b.user_id`,
          [roomId, now],
        );
        return rows.map((r) => ({ userId: r.user_id, nickname: r.nickname, until: Number(r.muted_until) }));
      },
    },
    cohosts: {
      list: async (roomId, lapsedBefore) => {
        const { rows } = await query<CohostRow>(
          `SELECT ${COHOST_COLUMNS} FROM cohosts c JOIN users ON users.id = c.user_id
           WHERE c.room_id = $1 AND (c.state = 'cohost' OR (c.state = 'pending' AND c.requested_at > $2))
           ORDER BY ${COHOST_ORDER}`,
          [roomId, lapsedBefore],
        );
        return rows.map(toCohost);
      },
      get: async (roomId, userId) => getCohost(roomId, userId),
      request: async (roomId, userId, now, limit) =>
        transaction(async (client): Promise<CohostRequestResult> => {
          const room = await lockRoom(roomId, client);
          if (!room) return { ok: false, reason: 'room_not_found' };
          if (room.status !== 'live') return { ok: false, reason: 'room_not_live' };
          if ((await getCohost(roomId, userId, client))?.state === 'cohost')
            return { ok: false, reason: 'already_cohost' };
          if ((await cohostCount(roomId, client)) >= limit) return { ok: false, reason: 'full' };
          await query(
            `INSERT INTO cohosts (room_id, user_id, state, requested_at) VALUES ($1, $2, 'pending', $3)
             ON CONFLICT (room_id, user_id) DO UPDATE SET state = 'pending', requested_at = EXCLUDED.requested_at`,
            [roomId, userId, now],
            client,
          );
          return { ok: true, cohost: (await getCohost(roomId, userId, client)) as Cohost };
        }),
      cancel: async (roomId, userId, lapsedBefore) => {
        const row = await one<{ requested_at: number }>(
          `UPDATE cohosts SET state = 'none' WHERE room_id = $1 AND user_id = $2 AND state = 'pending'
           RETURNING requested_at`,
          [roomId, userId],
        );
        return row !== null && row.requested_at > lapsedBefore;
      },
      accept: async (roomId, userId, now, lapsedBefore, limit) =>
        transaction(async (client): Promise<CohostAcceptResult> => {
          // The room row lock queues concurrent accepts of one room: each counts what the previous ones committed.
          const room = await lockRoom(roomId, client);
          if (!room) return { ok: false, reason: 'room_not_found' };
          if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
          const current = await getCohost(roomId, userId, client);
          if (current?.state === 'cohost') return { ok: true, cohost: current, accepted: false };
          if (current?.state !== 'pending' || current.requestedAt <= lapsedBefore) {
            return { ok: false, reason: 'request_not_found' };
          }
          if ((await cohostCount(roomId, client)) >= limit) return { ok: false, reason: 'full' };
          await query(
            `UPDATE cohosts SET state = 'cohost', accepted_at = $3, seen_at = $3,
               accept_seq = (SELECT COALESCE(MAX(accept_seq), 0) + 1 FROM cohosts WHERE room_id = $1)
             WHERE room_id = $1 AND user_id = $2 AND state = 'pending'`,
            [roomId, userId, now],
            client,
          );
          return { ok: true, cohost: (await getCohost(roomId, userId, client)) as Cohost, accepted: true };
        }),
      decline: async (roomId, userId, lapsedBefore) =>
        (
          await query(
            `UPDATE cohosts SET state = 'none'
             WHERE room_id = $1 AND user_id = $2 AND state = 'pending' AND requested_at > $3`,
            [roomId, userId, lapsedBefore],
          )
        ).rowCount === 1,
      end: async (roomId, userId) =>
        (
          await query(
            "UPDATE cohosts SET state = 'none' WHERE room_id = $1 AND user_id = $2 AND state = 'cohost'",
            [roomId, userId],
          )
        ).rowCount === 1,
      seen: async (roomId, userId, now) =>
        (
          await query(
            "UPDATE cohosts SET seen_at = $3 WHERE room_id = $1 AND user_id = $2 AND state = 'cohost'",
            [roomId, userId, now],
          )
        ).rowCount === 1,
      setStreamForbidden: async (roomId, userId, forbidden) => {
        await query('UPDATE cohosts SET stream_forbidden = $3 WHERE room_id = $1 AND user_id = $2', [
          roomId,
          userId,
          forbidden,
        ]);
      },
      endSilent: async (silentSince) => {
        // READ COMMITTED re-checks the WHERE after a concurrent sweeper's row lock: each co-host ends once.
        const { rows } = await query<{ room_id: string; user_id: string }>(
          `UPDATE cohosts SET state = 'none' WHERE state = 'cohost' AND seen_at <= $1 RETURNING room_id, user_id`,
          [silentSince],
        );
        return rows.map((r) => ({ roomId: r.room_id, userId: r.user_id }));
      },
      endRoom: async (roomId) =>
        transaction(async (client) => {
          const { rows } = await query<{ user_id: string }>(
            "UPDATE cohosts SET state = 'none' WHERE room_id = $1 AND state = 'cohost' RETURNING user_id",
            [roomId],
            client,
          );
          await query(
            "UPDATE cohosts SET state = 'none' WHERE room_id = $1 AND state = 'pending'",
            [roomId],
            client,
          );
          return rows.map((r) => r.user_id);
        }),
      mix: async (roomId) =>
        (await one<{ stream_id: string }>('SELECT stream_id FROM cohost_mixes WHERE room_id = $1', [roomId]))
          ?.stream_id ?? null,
      setMix: async (roomId, streamId, now) => {
        if (streamId === null) await query('DELETE FROM cohost_mixes WHERE room_id = $1', [roomId]);
        else
          await query(
            `INSERT INTO cohost_mixes (room_id, stream_id, started_at) VALUES ($1, $2, $3)
             ON CONFLICT (room_id) DO UPDATE SET stream_id = EXCLUDED.stream_id`,
            [roomId, streamId, now],
          );
      },
    },
    reminders: {
      subscribe: async (roomId, userId, now) =>
        (
          await query(
            `INSERT INTO room_reminders (room_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (room_id, user_id) DO NOTHING`,
            [roomId, userId, now],
          )
        ).rowCount === 1,
      cancel: async (roomId, userId) =>
        (
          await query(
            `DELETE FROM room_reminders WHERE room_id = $1 AND user_id = $2 AND state = 'pending'`,
            [roomId, userId],
          )
        ).rowCount === 1,
      get: async (roomId, userId) => {
        const row = await one<ReminderRow>(
          'SELECT * FROM room_reminders WHERE room_id = $1 AND user_id = $2',
          [roomId, userId],
        );
        return row ? toReminder(row) : null;
      },
      claimPending: async (roomId, now, staleBefore) =>
        (
          await query<{ user_id: string; openid: string | null }>(
            `UPDATE room_reminders r SET state = 'sending', claimed_at = $1
             FROM users u
             WHERE r.room_id = $2 AND u.id = r.user_id
               AND (r.state = 'pending' OR (r.state = 'sending' AND r.claimed_at < $3))
             RETURNING r.user_id, u.openid`,
            [now, roomId, staleBefore],
          )
        ).rows.map((r) => ({ userId: r.user_id, openid: wechatOpenidOf(r.openid) })),
      roomsWithStaleSends: async (staleBefore) =>
        (
          await query<{ room_id: string }>(
            `SELECT DISTINCT r.room_id FROM room_reminders r JOIN rooms ON rooms.id = r.room_id
              WHERE r.state = 'sending' AND r.claimed_at < $1 AND rooms.status = 'live'`,
            [staleBefore],
          )
        ).rows.map((r) => r.room_id),
      finish: async (roomId, userId, outcome, now) => {
        await query(
          `UPDATE room_reminders SET state = $1, errcode = $2, attempts = $3, done_at = $4
           WHERE room_id = $5 AND user_id = $6 AND state = 'sending'`,
          [outcome.state, outcome.errcode, outcome.attempts, now, roomId, userId],
        );
      },
      counts: async (roomId) =>
        Object.fromEntries(
          (
            await query<{ state: string; n: string | number }>(
              'SELECT state, COUNT(*) AS n FROM room_reminders WHERE room_id = $1 GROUP BY state',
              [roomId],
            )
          ).rows.map((r) => [r.state, Number(r.n)]),
        ),
    },
    callbackNonces: {
      claim: async (nonce, now, forgetBefore) => {
        await query('DELETE FROM callback_nonces WHERE seen_at < $1', [forgetBefore]);
        const added = await query(
          'INSERT INTO callback_nonces (nonce, seen_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING',
          [nonce, now],
        );
        return added.rowCount === 1;
      },
      release: async (nonce) => {
        await query('DELETE FROM callback_nonces WHERE nonce = $1', [nonce]);
      },
    },
    ping: async () => {
      await query('SELECT 1');
    },
    close: async () => {
      if (!pool.ended) await pool.end();
    },
  };
  return store;
}
