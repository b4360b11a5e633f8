/** Operator accounts of the console, their sessions, and the audit log of what operators did. */

/** What an operator may do: admin everything; operator rooms, invites, planned rooms, co-hosts, force-end, warnings;
 * moderator chat moderation and warnings only. */
export type OperatorRole = 'admin' | 'operator' | 'moderator';

/** The roles, for schemas and checks. */
export const OPERATOR_ROLES: readonly OperatorRole[] = ['admin', 'operator', 'moderator'];

/** One operator account (its password hash is read only by sign-in). */
export interface Operator {
  id: string;
  name: string;
  role: OperatorRole;
  disabled: boolean;
  createdAt: number;
}

/** What sign-in reads besides the account: the password's hash and the lockout. */
export interface OperatorCredentials extends Operator {
  passwordHash: string;
  /** Failed sign-ins since the last success or lockout. */
  failedSignIns: number;
  /** Epoch ms until which sign-in is refused, or null. */
  lockedUntil: number | null;
}

/** Who did something, as every log names them: kind, id, name, role (room admins can join this shape later). */
export interface Actor {
  kind: 'operator';
  /** The account's id; null for CONSOLE_TOKEN while it bootstraps the first admin. */
  id: string | null;
  name: string;
  role: OperatorRole;
}

/** One operator action as the audit log keeps it. */
export interface AuditEntry {
  id: number;
  at: number;
  actor: Actor;
  /** What was done: the route ("POST /api/rooms/:id/end") or a named action ("sign-in"). */
  action: string;
  roomId: string | null;
  /** Whom or what it concerned (a user, an operator account), or null. */
  target: string | null;
  /** Extra words the action gave (a force-end's reason, a warning's text). */
  detail: string | null;
}

export interface OperatorRepository {
  count(): Promise<number>;
  /** Creates an account; false when the name is taken. */
  create(operator: Operator, passwordHash: string): Promise<boolean>;
  get(id: string): Promise<Operator | null>;
  byName(name: string): Promise<OperatorCredentials | null>;
  list(): Promise<(Operator & { lockedUntil: number | null })[]>;
  /** Changes role and/or disabled; null when there is no such account. */
  update(id: string, change: { role?: OperatorRole; disabled?: boolean }): Promise<Operator | null>;
  setPassword(id: string, passwordHash: string): Promise<void>;
  /** Counts a failed sign-in in one UPDATE; the lockAfter-th locks the account until now + lockMs. */
  signInFailed(id: string, now: number, lockAfter: number, lockMs: number): Promise<void>;
  signInSucceeded(id: string): Promise<void>;
  openSession(tokenHash: string, operatorId: string, now: number, expiresAt: number): Promise<void>;
  /** The account of a live session (unexpired, its account not disabled), or null. */
  findSession(tokenHash: string, now: number): Promise<Operator | null>;
  endSession(tokenHash: string): Promise<void>;
  /** Ends every session of an account, but `keep` (the caller's own, after a password change). */
  endSessions(operatorId: string, keep?: string): Promise<void>;
}

export interface AuditRepository {
  record(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** The newest entries first, of one room or of all. */
  list(query: { roomId?: string; limit: number }): Promise<AuditEntry[]>;
}

/** A room as the monitoring wall needs it besides the room itself. */
export interface WallFacts {
  /** The anchor's last heartbeat (epoch ms), or null. */
  heartbeatAt: number | null;
  /** Co-hosts on stage now. */
  cohosts: number;
}

export interface WallRepository {
  /** Heartbeat and co-hosts of these rooms, in one read each. */
  facts(roomIds: readonly string[]): Promise<Map<string, WallFacts>>;
  setEndReason(roomId: string, reason: string): Promise<void>;
  endReason(roomId: string): Promise<string | null>;
}

/** A user's problem report as kept. */
export interface ProblemReport {
  id: number;
  userId: string;
  roomId: string | null;
  description: string;
  device: Record<string, string>;
  logs: string[];
  createdAt: number;
}

export interface ProblemReportRepository {
  create(report: Omit<ProblemReport, 'id'>): Promise<number>;
  /** The newest first, of one room and/or one user. */
  list(query: { roomId?: string; userId?: string; limit: number }): Promise<ProblemReport[]>;
  get(id: number): Promise<ProblemReport | null>;
  /** Deletes the reports made before `before`; answers how many. */
  purge(before: number): Promise<number>;
}
