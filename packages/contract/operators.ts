/**
 * The operator console's API schemas: operator accounts and their sessions, the audit log (what operators did, under
 * their names), the monitoring wall and users' problem reports.
 */
import { Type, type Static } from '@sinclair/typebox';

/** What an operator may do: admin everything; operator rooms, invites, planned rooms, co-hosts, force-end;
 * moderator chat moderation and warnings. */
export const OperatorRole = Type.Union([
  Type.Literal('admin'),
  Type.Literal('operator'),
  Type.Literal('moderator'),
]);
export type OperatorRole = Static<typeof OperatorRole>;

/** An operator account as the console shows it (never its password or hash). */
export const OperatorView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: OperatorRole,
  disabled: Type.Boolean(),
  createdAt: Type.Number(),
});
export type OperatorView = Static<typeof OperatorView>;

/** GET /api/operators: an account with when its sign-in lock ends (null: not locked now). */
export const OperatorListed = Type.Composite([
  OperatorView,
  Type.Object({ lockedUntil: Type.Union([Type.Number(), Type.Null()]) }),
]);
export type OperatorListed = Static<typeof OperatorListed>;

/** An account name: letters, digits, '.', '_', '-' (what the audit log shows). */
export const OperatorName = Type.String({ minLength: 2, maxLength: 32, pattern: '^[A-Za-z0-9._-]+$' });
/** A password as sent; the service says why one is too weak (at least 10 characters). */
export const OperatorPassword = Type.String({ minLength: 1, maxLength: 128 });

/** POST /api/operators/sign-in: a session token (send as Bearer), when it expires, and who signed in. */
export const OperatorSession = Type.Object({
  sessionToken: Type.String(),
  expiresAt: Type.Number(),
  operator: OperatorView,
});
export type OperatorSession = Static<typeof OperatorSession>;

/** Who did something, in every log: kind, id (null for CONSOLE_TOKEN's bootstrap), name, role. */
export const ActorView = Type.Object({
  kind: Type.Literal('operator'),
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  role: OperatorRole,
});
export type ActorView = Static<typeof ActorView>;

/** One operator action in the audit log. */
export const AuditEntryView = Type.Object({
  id: Type.Number(),
  at: Type.Number(),
  actor: ActorView,
  action: Type.String(),
  roomId: Type.Union([Type.String(), Type.Null()]),
  target: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEntryView = Static<typeof AuditEntryView>;

/** GET /api/audit: the newest entries first. */
export const AuditList = Type.Object({ entries: Type.Array(AuditEntryView) });
export type AuditList = Static<typeof AuditList>;

/** One live (or paused) room on the monitoring wall. */
export const WallRoomView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.Union([Type.Literal('live'), Type.Literal('paused')]),
  anchor: Type.Union([Type.Object({ id: Type.String(), nickname: Type.String() }), Type.Null()]),
  viewers: Type.Integer(),
  peakViewers: Type.Integer(),
  likes: Type.Integer(),
  messages: Type.Integer(),
  cohosts: Type.Integer(),
  /** Time live so far, paused time left out. */
  liveMs: Type.Number(),
  startedAt: Type.Union([Type.Number(), Type.Null()]),
  /** How long ago the anchor's last heartbeat came (null: none yet). */
  heartbeatAgeMs: Type.Union([Type.Number(), Type.Null()]),
});
export type WallRoomView = Static<typeof WallRoomView>;

/** GET /api/wall: every live and paused room, newest first, as of `at`. */
export const WallAnswer = Type.Object({ rooms: Type.Array(WallRoomView), at: Type.Number() });
export type WallAnswer = Static<typeof WallAnswer>;

/** Longest reason an operator may give for ending a room (the end screens show it). */
export const END_REASON_MAX_LENGTH = 100;

/** The device's basic info a report carries: WeChat/Alipay version, system, SDK version, model (short strings). */
export const ReportDevice = Type.Record(Type.String({ maxLength: 32 }), Type.String({ maxLength: 100 }), {
  maxProperties: 12,
});

/** POST /api/reports: what the app sends (its log lines are already free of secrets; the service checks again). */
export const ProblemReportBody = Type.Object(
  {
    roomId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    description: Type.String({ maxLength: 500 }),
    device: ReportDevice,
    logs: Type.Array(Type.String({ maxLength: 400 }), { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type ProblemReportBody = Static<typeof ProblemReportBody>;

/** One problem report as the console shows it. */
export const ProblemReportView = Type.Object({
  id: Type.Number(),
  userId: Type.String(),
  nickname: Type.Union([Type.String(), Type.Null()]),
  roomId: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  device: ReportDevice,
  createdAt: Type.Number(),
  /** The log lines (GET /api/reports/:id only). */
  logs: Type.Optional(Type.Array(Type.String())),
});
export type ProblemReportView = Static<typeof ProblemReportView>;
