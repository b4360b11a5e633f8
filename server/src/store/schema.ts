/**
 * The tables as the query builder sees them (one interface for both engines). Times are epoch milliseconds
 * (INTEGER in SQLite, BIGINT in PostgreSQL, read as numbers); a Flag is 0/1 in SQLite and a boolean in PostgreSQL.
 */
import type { CallMedia, InvitationState } from '@zego-live/contract';
import type { Generated } from 'kysely';
import type {
  CohostState,
  GiftEffect,
  ModerationAction,
  ModeratorKind,
  ReminderState,
  RoomKind,
  RoomStatus,
} from './types';
import type { RecordingStatus } from './replays';
import type { OperatorRole } from './operators';

/** A yes/no column: INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL (Engine.flag writes one). */
export type Flag = number | boolean;

export interface UsersTable {
  id: string;
  openid: string | null;
  dev_name: string | null;
  nickname: string;
  avatar_url: Generated<string>;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface RoomsTable {
  id: string;
  title: string;
  kind: Generated<RoomKind>;
  status: RoomStatus;
  owner_id: string | null;
  stream_id: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  viewers: Generated<number>;
  peak_viewers: Generated<number>;
  likes: Generated<number>;
  messages: Generated<number>;
  heartbeat_at: number | null;
  auto_paused: Generated<Flag>;
  planned_start_at: number | null;
  cover_url: string | null;
  live_ms: Generated<number>;
  live_since: number | null;
  /** Why an operator ended the room (the end screens show it), or null. */
  end_reason?: string | null;
}

export interface InvitesTable {
  code: string;
  room_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  stream_id: string;
  joined_at: number;
  heartbeat_at: number | null;
}

export interface CohostsTable {
  room_id: string;
  user_id: string;
  state: CohostState;
  requested_at: number;
  accepted_at: number | null;
  accept_seq: number | null;
  seen_at: number | null;
  stream_forbidden: Generated<Flag>;
}

export interface CohostMixesTable {
  room_id: string;
  stream_id: string;
  started_at: number;
}

export interface CallbackNoncesTable {
  nonce: string;
  seen_at: number;
}

export interface RoomChatTable {
  room_id: string;
  comments_off: Generated<Flag>;
}

export interface ChatBansTable {
  room_id: string;
  user_id: string;
  muted_until: number | null;
  removed_at: number | null;
}

export interface ModerationLogTable {
  id: Generated<number>;
  room_id: string;
  action: ModerationAction;
  actor_kind: ModeratorKind;
  actor_id: string | null;
  target_id: string | null;
  until_at: number | null;
  detail: string | null;
  at: number;
}

export interface ChatLinesTable {
  id: Generated<number>;
  room_id: string;
  user_id: string;
  nickname: string;
  text: string;
  sent_at: number;
}

export interface RoomAnnouncementsTable {
  room_id: string;
  text: string;
  set_at: number;
}

export interface RoomAdminsTable {
  room_id: string;
  user_id: string;
  appointed_at: number;
}

export interface GiftsTable {
  id: Generated<number>;
  name: string;
  icon_url: string;
  price: number;
  effect: GiftEffect;
  active: Flag;
  created_at: number;
}

export interface PointWalletsTable {
  user_id: string;
  balance: number;
  /** The China calendar day whose free allowance was last granted. */
  granted_day: number;
}

export interface PointLedgerTable {
  id: Generated<number>;
  user_id: string;
  /** Points in (+) or out (-). */
  delta: number;
  reason: string;
  gift_send_id: number | null;
  at: number;
}

export interface GiftSendsTable {
  id: Generated<number>;
  room_id: string;
  sender_id: string;
  anchor_id: string;
  gift_id: number;
  count: number;
  points: number;
  idempotency_key: string;
  at: number;
}

export interface RoomRemindersTable {
  room_id: string;
  user_id: string;
  state: Generated<ReminderState>;
  created_at: number;
  errcode: number | null;
  attempts: Generated<number>;
  claimed_at: number | null;
  done_at: number | null;
}

export interface RoomViewerMinutesTable {
  room_id: string;
  minute: number;
  viewers: number;
}

export interface RoomViewersTable {
  room_id: string;
  user_id: string;
  joined_at: number;
}

export interface RecordingsTable {
  id: string;
  room_id: string;
  task_id: string | null;
  /** The room's ID while this task is starting or recording (unique: one such task per room), else null. */
  active_room_id: string | null;
  status: RecordingStatus;
  started_at: number;
  stopped_at: number | null;
  updated_at: number;
  error_code: number | null;
  error: string | null;
  hidden: Generated<Flag>;
  deleted_at: number | null;
  views: Generated<number>;
}

export interface RecordingFilesTable {
  task_id: string;
  file_id: string;
  url: string;
  duration_ms: number;
  size_bytes: number;
  added_at: number;
}

export interface RoomRtmpTable {
  room_id: string;
  stream_id: string;
  issued_at: number;
  publishing: Generated<Flag>;
}

export interface CallInvitationsTable {
  id: string;
  caller_id: string;
  callee_id: string;
  media: CallMedia;
  state: InvitationState;
  /** The call room both join once it is accepted (made with the invitation; ended with any other outcome). */
  room_id: string;
  created_at: number;
  ring_until: number;
  /** When it left ringing. */
  ended_at: number | null;
  /** When the callee saw it in their records (the missed-call badge counts the unseen). */
  callee_seen_at: number | null;
  /** The missed-call subscribe message: null (none), 0 sent, else WeChat's errcode (-2: no openid or template). */
  notice_errcode: number | null;
}

/** A 「和我视频通话」 card: whoever opens it may call the user who shared it. */
export interface CallCardsTable {
  code: string;
  user_id: string;
  created_at: number;
}

export interface OperatorsTable {
  id: string;
  name: string;
  role: OperatorRole;
  password_hash: string;
  disabled: Flag;
  failed_sign_ins: Generated<number>;
  locked_until: number | null;
  created_at: number;
}

export interface OperatorSessionsTable {
  token_hash: string;
  operator_id: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: string | null;
  actor_name: string;
  actor_role: OperatorRole;
  action: string;
  room_id: string | null;
  target: string | null;
  detail: string | null;
}

export interface ProblemReportsTable {
  id: Generated<number>;
  user_id: string;
  room_id: string | null;
  description: string;
  /** JSON: the device's basic info as the app sent it. */
  device: string;
  /** JSON: the app's last log lines, oldest first. */
  logs: string;
  created_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  applied_at: number;
}

/** Every table of the service's database. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  rooms: RoomsTable;
  invites: InvitesTable;
  room_members: RoomMembersTable;
  cohosts: CohostsTable;
  cohost_mixes: CohostMixesTable;
  callback_nonces: CallbackNoncesTable;
  room_chat: RoomChatTable;
  chat_bans: ChatBansTable;
  moderation_log: ModerationLogTable;
  chat_lines: ChatLinesTable;
  room_announcements: RoomAnnouncementsTable;
  room_admins: RoomAdminsTable;
  gifts: GiftsTable;
  point_wallets: PointWalletsTable;
  point_ledger: PointLedgerTable;
  gift_sends: GiftSendsTable;
  room_reminders: RoomRemindersTable;
  room_viewer_minutes: RoomViewerMinutesTable;
  room_viewers: RoomViewersTable;
  call_invitations: CallInvitationsTable;
  call_cards: CallCardsTable;
  schema_migrations: SchemaMigrationsTable;
  recordings: RecordingsTable;
  recording_files: RecordingFilesTable;
  room_rtmp: RoomRtmpTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  audit_log: AuditLogTable;
  problem_reports: ProblemReportsTable;
}
