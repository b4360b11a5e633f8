/** The call invitations' migration (appended to MIGRATIONS): the invitations and the 「和我视频通话」 cards. */
import { sql } from 'kysely';
import { oneOf, time, type Migration } from './migration-parts';

/** call_invitations (ringing -> one outcome; the call room made with it) and call_cards. */
export const callInvitationsMigration: Migration = async (q, e) => {
  let invitations = q.schema
    .createTable('call_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('caller_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('callee_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('media', 'text', (c) => c.notNull().check(oneOf('media', ['video', 'audio'])))
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .check(oneOf('state', ['ringing', 'accepted', 'declined', 'cancelled', 'timeout', 'busy', 'failed'])),
    )
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'));
  for (const [name, notNull] of [
    ['created_at', true],
    ['ring_until', true],
    ['ended_at', false],
    ['callee_seen_at', false],
  ] as const) {
    invitations = time(invitations, name, e, notNull);
  }
  await invitations.addColumn('notice_errcode', 'integer').execute();
  await q.schema
    .createIndex('call_invitations_caller')
    .on('call_invitations')
    .columns(['caller_id', 'created_at'])
    .execute();
  await q.schema
    .createIndex('call_invitations_callee')
    .on('call_invitations')
    .columns(['callee_id', 'created_at'])
    .execute();
  await q.schema
    .createIndex('call_invitations_ringing')
    .on('call_invitations')
    .column('ring_until')
    .where(sql.ref('state'), '=', sql.lit('ringing'))
    .execute();
  const cards = q.schema
    .createTable('call_cards')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'));
  await time(cards, 'created_at', e, true).execute();
};
