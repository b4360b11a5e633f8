/**
 * The schema's numbered migrations, written once for both engines with the query builder's schema builder (the
 * engine names its column types). Versions 1-11 are the schema the two hand-written stores made: a database they
 * created records those versions in schema_migrations and is not migrated again. Append, never edit.
 */
import { sql } from 'kysely';
import type { Engine } from './engine';
import { callInvitationsMigration } from './migrations-calls';
import { operatorsMigration, problemReportsMigration } from './migrations-operators';
import { oneOf, serialKey, time, type Migration, type Table } from './migration-parts';

export type { Migration } from './migration-parts';

export const MIGRATIONS: readonly Migration[] = [
  // 1: users, their sessions, live rooms and the invites that give an unowned room its anchor.
  async (q, e) => {
    let users = q.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('openid', 'text', (c) => c.unique())
      .addColumn('dev_name', 'text', (c) => c.unique())
      .addColumn('nickname', 'text', (c) => c.notNull())
      .addColumn('avatar_url', 'text', (c) => c.notNull().defaultTo(''));
    users = time(users, 'created_at', e, true);
    await users.execute();
    let sessions = q.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'));
    sessions = time(time(time(sessions, 'created_at', e, true), 'expires_at', e, true), 'revoked_at', e);
    await sessions.execute();
    await q.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    let rooms = q.schema
      .createTable('rooms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(oneOf('status', ['idle', 'live', 'paused', 'ended'])),
      )
      .addColumn('owner_id', 'text', (c) => c.references('users.id'))
      .addColumn('stream_id', 'text', (c) => c.notNull().unique());
    rooms = time(time(time(rooms, 'created_at', e, true), 'started_at', e), 'ended_at', e);
    for (const counter of ['viewers', 'peak_viewers', 'likes', 'messages']) {
      rooms = rooms.addColumn(counter, 'integer', (c) => c.notNull().defaultTo(0));
    }
    await rooms.execute();
    await q.schema.createIndex('rooms_newest').on('rooms').columns(['created_at desc', 'id desc']).execute();
    await q.schema
      .createIndex('rooms_status_newest')
      .on('rooms')
      .columns(['status', 'created_at desc', 'id desc'])
      .execute();
    let invites = q.schema
      .createTable('invites')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'));
    invites = time(time(time(invites, 'created_at', e, true), 'expires_at', e, true), 'used_at', e);
    await invites.addColumn('used_by', 'text', (c) => c.references('users.id')).execute();
    await q.schema
      .createIndex('invites_room')
      .on('invites')
      .columns(['room_id', 'created_at desc'])
      .execute();
  },
  // 2: call rooms (kind 'call', two members who each publish their own stream).
  async (q, e) => {
    await q.schema
      .alterTable('rooms')
      .addColumn('kind', 'text', (c) =>
        c
          .notNull()
          .defaultTo('live')
          .check(oneOf('kind', ['live', 'call'])),
      )
      .execute();
    await q.schema
      .createIndex('rooms_kind_newest')
      .on('rooms')
      .columns(['kind', 'created_at desc', 'id desc'])
      .execute();
    await q.schema
      .createIndex('rooms_kind_status_newest')
      .on('rooms')
      .columns(['kind', 'status', 'created_at desc', 'id desc'])
      .execute();
    let members = q.schema
      .createTable('room_members')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('stream_id', 'text', (c) => c.notNull().unique());
    members = time(members, 'joined_at', e, true);
    // PostgreSQL has no rowid: a sequence orders members who joined in the same millisecond.
    if (e.joinOrder === 'seq') members = members.addColumn('seq', 'bigserial');
    await members.addPrimaryKeyConstraint('room_members_pkey', ['room_id', 'user_id']).execute();
  },
  // 3: heartbeats. A live room silent for too long is paused (auto_paused: a heartbeat resumes it), then ended.
  async (q, e) => {
    await q.schema.alterTable('rooms').addColumn('heartbeat_at', e.types.time).execute();
    await q.schema
      .alterTable('rooms')
      .addColumn('auto_paused', e.types.flag, (c) => c.notNull().defaultTo(e.flag(false)))
      .execute();
    await q.schema
      .createIndex('rooms_sweep')
      .on('rooms')
      .columns(['kind', 'status', 'heartbeat_at'])
      .execute();
  },
  // 4: co-hosting (连麦) in live rooms: one row per room and user (none, pending or cohost), and the running mix task.
  async (q, e) => {
    let cohosts = q.schema
      .createTable('cohosts')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('state', 'text', (c) => c.notNull().check(oneOf('state', ['none', 'pending', 'cohost'])));
    cohosts = time(
      time(time(time(cohosts, 'requested_at', e, true), 'accepted_at', e), 'accept_seq', e),
      'seen_at',
      e,
    );
    await cohosts
      .addColumn('stream_forbidden', e.types.flag, (c) => c.notNull().defaultTo(e.flag(false)))
      .addPrimaryKeyConstraint('cohosts_pkey', ['room_id', 'user_id'])
      .execute();
    await q.schema.createIndex('cohosts_silent').on('cohosts').columns(['state', 'seen_at']).execute();
    const mixes = q.schema
      .createTable('cohost_mixes')
      .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id'))
      .addColumn('stream_id', 'text', (c) => c.notNull());
    await time(mixes, 'started_at', e, true).execute();
  },
  // 5: call heartbeats. Each member's last sign of life; a call whose members all went silent is ended.
  async (q, e) => {
    await q.schema.alterTable('room_members').addColumn('heartbeat_at', e.types.time).execute();
  },
  // 6: ZEGO callback nonces seen (a replayed callback is refused on every instance); old ones are purged.
  async (q, e) => {
    const nonces = q.schema.createTable('callback_nonces').addColumn('nonce', 'text', (c) => c.primaryKey());
    await time(nonces, 'seen_at', e, true).execute();
    await q.schema.createIndex('callback_nonces_seen').on('callback_nonces').column('seen_at').execute();
  },
  // 7: chat through the service: comments off per room, mutes and removals per viewer, the moderation log.
  async (q, e) => {
    await q.schema
      .createTable('room_chat')
      .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id'))
      .addColumn('comments_off', e.types.flag, (c) => c.notNull().defaultTo(e.flag(false)))
      .execute();
    let bans = q.schema
      .createTable('chat_bans')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'));
    bans = time(time(bans, 'muted_until', e), 'removed_at', e);
    await bans.addPrimaryKeyConstraint('chat_bans_pkey', ['room_id', 'user_id']).execute();
    let log = serialKey(q.schema.createTable('moderation_log'), e)
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('target_id', 'text');
    log = time(log, 'until_at', e).addColumn('detail', 'text');
    await time(log, 'at', e, true).execute();
    await q.schema
      .createIndex('moderation_log_room')
      .on('moderation_log')
      .columns(['room_id', 'id desc'])
      .execute();
  },
  // 8 (console-mod): the newest delivered chat lines of each room, so the anchor and the operator can pick a viewer.
  async (q, e) => {
    const lines = serialKey(q.schema.createTable('chat_lines'), e)
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('nickname', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull());
    await time(lines, 'sent_at', e, true).execute();
    await q.schema.createIndex('chat_lines_room').on('chat_lines').columns(['room_id', 'id desc']).execute();
  },
  // 9 (planned): planned rooms (start time, cover) and subscribe reminders (开播提醒), one per user and room.
  async (q, e) => {
    await q.schema.alterTable('rooms').addColumn('planned_start_at', e.types.time).execute();
    await q.schema.alterTable('rooms').addColumn('cover_url', 'text').execute();
    await q.schema
      .createIndex('rooms_upcoming')
      .on('rooms')
      .columns(['kind', 'status', 'planned_start_at'])
      .execute();
    let reminders = q.schema
      .createTable('room_reminders')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('state', 'text', (c) =>
        c
          .notNull()
          .defaultTo('pending')
          .check(oneOf('state', ['pending', 'sending', 'sent', 'refused', 'failed'])),
      );
    reminders = time(reminders, 'created_at', e, true)
      .addColumn('errcode', 'integer')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0));
    reminders = time(time(reminders, 'claimed_at', e), 'done_at', e);
    await reminders.addPrimaryKeyConstraint('room_reminders_pkey', ['room_id', 'user_id']).execute();
    await q.schema
      .createIndex('room_reminders_state')
      .on('room_reminders')
      .columns(['room_id', 'state'])
      .execute();
  },
  // 10 (stats): live time without the pauses (live_ms, plus the stretch since live_since), the per-minute viewer
  // series, and the viewers given a token (the anchor's viewer list).
  async (q, e) => {
    await q.schema
      .alterTable('rooms')
      .addColumn('live_ms', e.types.time, (c) => c.notNull().defaultTo(0))
      .execute();
    await q.schema.alterTable('rooms').addColumn('live_since', e.types.time).execute();
    await q
      .updateTable('rooms')
      .set({ live_since: sql<number>`COALESCE(heartbeat_at, started_at, created_at)` })
      .where('status', '=', 'live')
      .execute();
    let minutes: Table = q.schema
      .createTable('room_viewer_minutes')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'));
    minutes = time(minutes, 'minute', e, true).addColumn('viewers', 'integer', (c) => c.notNull());
    await minutes.addPrimaryKeyConstraint('room_viewer_minutes_pkey', ['room_id', 'minute']).execute();
    const viewers = q.schema
      .createTable('room_viewers')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'));
    await time(viewers, 'joined_at', e, true)
      .addPrimaryKeyConstraint('room_viewers_pkey', ['room_id', 'user_id'])
      .execute();
    await q.schema
      .createIndex('room_viewers_newest')
      .on('room_viewers')
      .columns(['room_id', 'joined_at desc'])
      .execute();
  },
  // 11: a reminder claimed by an instance that died before sending it is found again (still 'sending', long ago).
  async (q) => {
    await q.schema
      .createIndex('room_reminders_sending')
      .on('room_reminders')
      .column('claimed_at')
      .where(sql.ref('state'), '=', sql.lit('sending'))
      .execute();
  },
  // 12 (issue 29): a room's cloud recordings and their files (replays), and its OBS push key.
  async (q, e) => {
    let recordings = q.schema
      .createTable('recordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('task_id', 'text', (c) => c.unique())
      .addColumn('active_room_id', 'text', (c) => c.unique())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(oneOf('status', ['starting', 'recording', 'uploading', 'ready', 'failed'])),
      );
    recordings = time(time(time(recordings, 'started_at', e, true), 'stopped_at', e), 'updated_at', e, true)
      .addColumn('error_code', 'bigint')
      .addColumn('error', 'text')
      .addColumn('hidden', e.types.flag, (c) => c.notNull().defaultTo(e.flag(false)));
    recordings = time(recordings, 'deleted_at', e).addColumn('views', 'integer', (c) =>
      c.notNull().defaultTo(0),
    );
    await recordings.execute();
    await q.schema
      .createIndex('recordings_room')
      .on('recordings')
      .columns(['room_id', 'started_at'])
      .execute();
    const files = q.schema
      .createTable('recording_files')
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('duration_ms', e.types.time, (c) => c.notNull())
      .addColumn('size_bytes', e.types.time, (c) => c.notNull());
    await time(files, 'added_at', e, true)
      .addPrimaryKeyConstraint('recording_files_pkey', ['task_id', 'file_id'])
      .execute();
    const rtmp = q.schema
      .createTable('room_rtmp')
      .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id'))
      .addColumn('stream_id', 'text', (c) => c.notNull().unique());
    await time(rtmp, 'issued_at', e, true)
      .addColumn('publishing', e.types.flag, (c) => c.notNull().defaultTo(e.flag(false)))
      .execute();
  },
  // 13 (issue 28): a room's pinned announcement (公告) and its admins (房管).
  async (q, e) => {
    const notice = q.schema
      .createTable('room_announcements')
      .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id'))
      .addColumn('text', 'text', (c) => c.notNull());
    await time(notice, 'set_at', e, true).execute();
    const admins = q.schema
      .createTable('room_admins')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'));
    await time(admins, 'appointed_at', e, true)
      .addPrimaryKeyConstraint('room_admins_pkey', ['room_id', 'user_id'])
      .execute();
  },
  // 14 (issue 28): gifts on points: the catalogue, each user's wallet and ledger, the gifts sent (one per sender and key).
  async (q, e) => {
    const gifts = serialKey(q.schema.createTable('gifts'), e)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('icon_url', 'text', (c) => c.notNull())
      .addColumn('price', 'integer', (c) => c.notNull())
      .addColumn('effect', 'text', (c) => c.notNull())
      .addColumn('active', e.types.flag, (c) => c.notNull());
    await time(gifts, 'created_at', e, true).execute();
    await q.schema
      .createTable('point_wallets')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
      .addColumn('balance', 'integer', (c) => c.notNull().check(sql`balance >= 0`))
      .addColumn('granted_day', 'integer', (c) => c.notNull())
      .execute();
    const sends = serialKey(q.schema.createTable('gift_sends'), e)
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('anchor_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('gift_id', 'integer', (c) => c.notNull().references('gifts.id'))
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull());
    await time(sends, 'at', e, true)
      .addUniqueConstraint('gift_sends_key', ['sender_id', 'idempotency_key'])
      .execute();
    await q.schema
      .createIndex('gift_sends_room')
      .on('gift_sends')
      .columns(['room_id', 'sender_id'])
      .execute();
    const ledger = serialKey(q.schema.createTable('point_ledger'), e)
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('delta', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('gift_send_id', 'integer', (c) => c.references('gift_sends.id'));
    await time(ledger, 'at', e, true).execute();
  },
  // 15 (issue 27): call invitations (ringing -> one outcome; the call room made with it) and the 「和我视频通话」 cards.
  callInvitationsMigration,
  // 16 (issue 25): operator accounts with roles, their sessions, the audit log, a room's end reason.
  operatorsMigration,
  // 17 (issue 25): users' problem reports (遇到问题？).
  problemReportsMigration,
];

/**
 * Applies the pending migrations in one transaction under the engine's migration lock (instances starting together
 * migrate once) and records each version in schema_migrations (tests pass a prefix to build an older schema).
 */
export async function migrate(engine: Engine, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  await engine.transaction(async (q) => {
    await engine.migrationLock(q);
    await q.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('applied_at', engine.types.time, (c) => c.notNull())
      .execute();
    const rows = await q.selectFrom('schema_migrations').select('version').execute();
    const applied = new Set(rows.map((r) => Number(r.version)));
    for (const [index, migration] of migrations.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await migration(q, engine);
      await q.insertInto('schema_migrations').values({ version, applied_at: Date.now() }).execute();
    }
  });
}
