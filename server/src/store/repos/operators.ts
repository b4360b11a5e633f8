/** Operator accounts, their sessions and the audit log, written once for both engines. */
import { sql } from 'kysely';
import type { Engine } from '../engine';
import type { AuditLogTable, OperatorsTable, ProblemReportsTable } from '../schema';
import type {
  AuditEntry,
  AuditRepository,
  Operator,
  OperatorCredentials,
  OperatorRepository,
  ProblemReport,
  ProblemReportRepository,
  WallFacts,
  WallRepository,
} from '../operators';

type OperatorRow = Omit<OperatorsTable, 'failed_sign_ins'> & { failed_sign_ins: number };

const toOperator = (row: OperatorRow): Operator => ({
  id: row.id,
  name: row.name,
  role: row.role,
  disabled: Boolean(row.disabled),
  createdAt: Number(row.created_at),
});

const toCredentials = (row: OperatorRow): OperatorCredentials => ({
  ...toOperator(row),
  passwordHash: row.password_hash,
  failedSignIns: Number(row.failed_sign_ins),
  lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
});

/** The operators and operator_sessions tables. */
export function operatorRepository(engine: Engine): OperatorRepository {
  const { db } = engine;
  return {
    count: async () => {
      const row = await db
        .selectFrom('operators')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    create: async (operator, passwordHash) => {
      const inserted = await db
        .insertInto('operators')
        .values({
          id: operator.id,
          name: operator.name,
          role: operator.role,
          password_hash: passwordHash,
          disabled: engine.flag(operator.disabled),
          created_at: operator.createdAt,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    get: async (id) => {
      const row = await db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toOperator(row) : null;
    },
    byName: async (name) => {
      const row = await db.selectFrom('operators').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toCredentials(row) : null;
    },
    list: async () =>
      (await db.selectFrom('operators').selectAll().orderBy('created_at').orderBy('id').execute()).map(
        (row) => ({ ...toOperator(row), lockedUntil: toCredentials(row).lockedUntil }),
      ),
    update: async (id, change) => {
      const row = await db
        .updateTable('operators')
        .set({
          ...(change.role !== undefined ? { role: change.role } : {}),
          ...(change.disabled !== undefined ? { disabled: engine.flag(change.disabled) } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toOperator(row) : null;
    },
    setPassword: async (id, passwordHash) => {
      await db.updateTable('operators').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    },
    signInFailed: async (id, now, lockAfter, lockMs) => {
      // One UPDATE, so failures counted by several instances at once all count.
      await db
        .updateTable('operators')
        .set({
          locked_until: sql<
            number | null
          >`CASE WHEN failed_sign_ins + 1 >= ${lockAfter} THEN ${now + lockMs} ELSE locked_until END`,
          failed_sign_ins: sql<number>`CASE WHEN failed_sign_ins + 1 >= ${lockAfter} THEN 0 ELSE failed_sign_ins + 1 END`,
        })
        .where('id', '=', id)
        .execute();
    },
    signInSucceeded: async (id) => {
      await db
        .updateTable('operators')
        .set({ failed_sign_ins: 0, locked_until: null })
        .where('id', '=', id)
        .execute();
    },
    openSession: async (tokenHash, operatorId, now, expiresAt) => {
      // Opportunistic clean-up: the account's expired sessions go when it signs in again.
      await db
        .deleteFrom('operator_sessions')
        .where('operator_id', '=', operatorId)
        .where('expires_at', '<=', now)
        .execute();
      await db
        .insertInto('operator_sessions')
        .values({ token_hash: tokenHash, operator_id: operatorId, created_at: now, expires_at: expiresAt })
        .execute();
    },
    findSession: async (tokenHash, now) => {
      const row = await db
        .selectFrom('operator_sessions')
        .innerJoin('operators', 'operators.id', 'operator_sessions.operator_id')
        .selectAll('operators')
        .where('operator_sessions.token_hash', '=', tokenHash)
        .where('operator_sessions.expires_at', '>', now)
        .where('operators.disabled', '=', engine.flag(false))
        .executeTakeFirst();
      return row ? toOperator(row) : null;
    },
    endSession: async (tokenHash) => {
      await db.deleteFrom('operator_sessions').where('token_hash', '=', tokenHash).execute();
    },
    endSessions: async (operatorId, keep) => {
      await db
        .deleteFrom('operator_sessions')
        .where('operator_id', '=', operatorId)
        .$if(keep !== undefined, (qb) => qb.where('token_hash', '!=', keep ?? ''))
        .execute();
    },
  };
}

const toEntry = (row: Omit<AuditLogTable, 'id'> & { id: number | string }): AuditEntry => ({
  id: Number(row.id),
  at: Number(row.at),
  actor: { kind: 'operator', id: row.actor_id, name: row.actor_name, role: row.actor_role },
  action: row.action,
  roomId: row.room_id,
  target: row.target,
  detail: row.detail,
});

/** The audit_log table (append-only). */
export function auditRepository(engine: Engine): AuditRepository {
  const { db } = engine;
  return {
    record: async ({ at, actor, action, roomId, target, detail }) => {
      await db
        .insertInto('audit_log')
        .values({
          at,
          actor_id: actor.id,
          actor_name: actor.name,
          actor_role: actor.role,
          action,
          room_id: roomId,
          target,
          detail,
        })
        .execute();
    },
    list: async ({ roomId, limit }) =>
      (
        await db
          .selectFrom('audit_log')
          .selectAll()
          .$if(roomId !== undefined, (qb) => qb.where('room_id', '=', roomId ?? ''))
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit)
          .execute()
      ).map(toEntry),
  };
}

/** What the monitoring wall reads besides the rooms, and the reason an operator ended a room. */
export function wallRepository(engine: Engine): WallRepository {
  const { db } = engine;
  return {
    facts: async (roomIds) => {
      const facts = new Map<string, WallFacts>();
      if (roomIds.length === 0) return facts;
      const rooms = await db
        .selectFrom('rooms')
        .select(['id', 'heartbeat_at'])
        .where('id', 'in', roomIds)
        .execute();
      for (const r of rooms)
        facts.set(r.id, { heartbeatAt: r.heartbeat_at === null ? null : Number(r.heartbeat_at), cohosts: 0 });
      const stages = await db
        .selectFrom('cohosts')
        .select((eb) => ['room_id', eb.fn.countAll<number | string>().as('n')])
        .where('room_id', 'in', roomIds)
        .where('state', '=', 'cohost')
        .groupBy('room_id')
        .execute();
      for (const s of stages) {
        const f = facts.get(s.room_id);
        if (f) f.cohosts = Number(s.n);
      }
      return facts;
    },
    setEndReason: async (roomId, reason) => {
      await db.updateTable('rooms').set({ end_reason: reason }).where('id', '=', roomId).execute();
    },
    endReason: async (roomId) =>
      (await db.selectFrom('rooms').select('end_reason').where('id', '=', roomId).executeTakeFirst())
        ?.end_reason ?? null,
  };
}

const toReport = (row: Omit<ProblemReportsTable, 'id'> & { id: number | string }): ProblemReport => ({
  id: Number(row.id),
  userId: row.user_id,
  roomId: row.room_id,
  description: row.description,
  device: JSON.parse(row.device) as Record<string, string>,
  logs: JSON.parse(row.logs) as string[],
  createdAt: Number(row.created_at),
});

/** Users' problem reports, kept for REPORT_RETENTION_DAYS. */
export function problemReportRepository(engine: Engine): ProblemReportRepository {
  const { db } = engine;
  return {
    create: async (r) => {
      const row = await db
        .insertInto('problem_reports')
        .values({
          user_id: r.userId,
          room_id: r.roomId,
          description: r.description,
          device: JSON.stringify(r.device),
          logs: JSON.stringify(r.logs),
          created_at: r.createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    list: async ({ roomId, userId, limit }) =>
      (
        await db
          .selectFrom('problem_reports')
          .selectAll()
          .$if(roomId !== undefined, (qb) => qb.where('room_id', '=', roomId ?? ''))
          .$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId ?? ''))
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit)
          .execute()
      ).map(toReport),
    get: async (id) => {
      const row = await db.selectFrom('problem_reports').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toReport(row) : null;
    },
    purge: async (before) => {
      const { numDeletedRows } = await db
        .deleteFrom('problem_reports')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(numDeletedRows);
    },
  };
}
