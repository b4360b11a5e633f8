/** Issue 25's migrations (appended to MIGRATIONS): operator accounts, their sessions, the audit log, and problem reports. */
import { oneOf, serialKey, time, type Migration } from './migration-parts';

/** Operator accounts with roles, their sessions (revocable, expiring), the audit log of operator actions, and the
 * reason an operator gave for ending a room. */
export const operatorsMigration: Migration = async (q, e) => {
  let operators = q.schema
    .createTable('operators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(oneOf('role', ['admin', 'operator', 'moderator'])))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', e.types.flag, (c) => c.notNull().defaultTo(e.flag(false)))
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0));
  operators = time(time(operators, 'locked_until', e), 'created_at', e, true);
  await operators.execute();
  const sessions = q.schema
    .createTable('operator_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id'));
  await time(time(sessions, 'created_at', e, true), 'expires_at', e, true).execute();
  await q.schema
    .createIndex('operator_sessions_operator')
    .on('operator_sessions')
    .column('operator_id')
    .execute();
  let audit = serialKey(q.schema.createTable('audit_log'), e);
  audit = time(audit, 'at', e, true)
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text')
    .addColumn('target', 'text')
    .addColumn('detail', 'text');
  await audit.execute();
  await q.schema.createIndex('audit_log_newest').on('audit_log').columns(['at desc']).execute();
  await q.schema.createIndex('audit_log_room').on('audit_log').columns(['room_id', 'at desc']).execute();
  // Why an operator force-ended a room: the anchor's and the viewers' end screens show it.
  await q.schema.alterTable('rooms').addColumn('end_reason', 'text').execute();
};

/** Users' problem reports (遇到问题？): a description, the device's basic info and the app's last log lines. */
export const problemReportsMigration: Migration = async (q, e) => {
  let reports = serialKey(q.schema.createTable('problem_reports'), e)
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('logs', 'text', (c) => c.notNull());
  reports = time(reports, 'created_at', e, true);
  await reports.execute();
  await q.schema.createIndex('problem_reports_newest').on('problem_reports').column('created_at').execute();
  await q.schema
    .createIndex('problem_reports_room')
    .on('problem_reports')
    .columns(['room_id', 'created_at'])
    .execute();
  await q.schema
    .createIndex('problem_reports_user')
    .on('problem_reports')
    .columns(['user_id', 'created_at'])
    .execute();
};
