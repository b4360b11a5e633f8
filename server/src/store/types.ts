/** The Store interface: every repository the service uses (the records are in model.ts and audience.ts). */
import type {
  CallbackNonceRepository,
  ChatRepository,
  CohostRepository,
  ReminderRepository,
  StatsRepository,
  ViewerRepository,
} from './audience';
import type { SocialRepository } from './social';
import type { GiftRepository } from './gifts';
import type {
  CallMember,
  ClaimResult,
  Invite,
  JoinCallResult,
  Room,
  RoomPage,
  RoomPlan,
  RoomStatus,
  SweepResult,
  TokenAsk,
  TokenFacts,
  User,
} from './model';
import type { RecordingRepository, RtmpRepository } from './replays';

import type { InvitationRepository } from './invitations';

export * from './model';
export * from './audience';
export * from './replays';
export * from './social';
export * from './gifts';
export * from './invitations';
export * from './operators';
import type {
  AuditRepository,
  OperatorRepository,
  ProblemReportRepository,
  WallRepository,
} from './operators';

export interface UserRepository {
  /**
   * Finds or creates the user behind a platform openid (WeChat's, or `alipay:...`); updates the profile fields that
   * are given; a new user without a nickname gets `defaultNickname` (the platform's 微信用户 / 支付宝用户).
   */
  upsertByOpenid(
    openid: string,
    profile: { nickname?: string; avatarUrl?: string },
    now: number,
    defaultNickname?: string,
  ): Promise<User>;
  /** Finds or creates the development user with this nickname (AUTH_MODE=dev only). */
  upsertDev(nickname: string, now: number): Promise<User>;
  get(id: string): Promise<User | null>;
  /** The users with these IDs, in one query (unknown IDs are left out; order not guaranteed). */
  getMany(ids: readonly string[]): Promise<User[]>;
  /** The user's WeChat openid (what msgSecCheck needs), or null for Alipay and development users. */
  wechatOpenid(id: string): Promise<string | null>;
  /** Replaces the user's avatar URL; null when there is no such user. */
  setAvatar(id: string, avatarUrl: string): Promise<User | null>;
}

export interface SessionRepository {
  create(tokenHash: string, userId: string, now: number, expiresAt: number): Promise<void>;
  /** The user of a live (unrevoked, unexpired) session. */
  findUser(tokenHash: string, now: number): Promise<User | null>;
  revoke(tokenHash: string, now: number): Promise<void>;
}

export interface RoomRepository {
  /** Stores a new room; a call room's creator (its owner) becomes its first member with firstStreamId. */
  create(room: Room, firstStreamId?: string): Promise<void>;
  get(id: string): Promise<Room | null>;
  /**
   * What token requests are decided on, any number in one read (the token route's hot path: the requests that
   * arrive together are read together, one round trip on PostgreSQL). For each ask, in order: the user of a live
   * session, the room (null if there is none) and whether the anchor or operator removed that user from it; null
   * when the session is not live (unknown, expired or revoked) at the ask's time.
   */
  getForSessions(asks: readonly TokenAsk[]): Promise<Array<TokenFacts | null>>;
  /**
   * Live rooms (never call rooms) newest first, optionally of one status; the cursor is opaque. With lobby: the
   * rooms live now (newest first), then the upcoming ones (idle with a planned start) by start time; nothing else.
   */
  list(query: { status?: RoomStatus; cursor?: string; limit: number; lobby?: boolean }): Promise<RoomPage>;
  /**
   * Changes an idle room's plan (the fields given; null clears), in one conditional UPDATE: null when the room is
   * missing or no longer idle (it went live or ended meanwhile).
   */
  updatePlan(id: string, plan: RoomPlan): Promise<Room | null>;
  /** Sets the status (never leaves 'ended'); stamps startedAt on the first 'live' and endedAt on 'ended'. */
  setStatus(id: string, status: RoomStatus, now: number): Promise<Room | null>;
  /** The room whose anchor publishes this stream ID. */
  findByStreamId(streamId: string): Promise<Room | null>;
  /** A call room's members in join order ([] for a live room). */
  members(roomId: string): Promise<CallMember[]>;
  /**
   * Makes userId a member of a call room if it has fewer than two members, decided atomically by the database
   * (exactly two of any number of concurrent joiners win); the second member moves the room to 'live'.
   */
  joinCall(roomId: string, userId: string, streamId: string, now: number): Promise<JoinCallResult>;
  /** Records a sign of life from the anchor; a room the sweeper paused goes live again. null if no room. */
  heartbeat(id: string, now: number): Promise<Room | null>;
  /**
   * Pauses live rooms silent since pauseBefore and ends live or paused rooms silent since endBefore (live rooms
   * only, never calls); each is one conditional UPDATE, so concurrent sweepers never change a room twice.
   */
  sweep(now: number, pauseBefore: number, endBefore: number): Promise<SweepResult>;
  /** Records a call member's sign of life; false when userId is not a member or the call has ended. */
  memberHeartbeat(roomId: string, userId: string, now: number): Promise<boolean>;
  /**
   * Ends calls (idle or live) whose newest member heartbeat is at or before silentBefore, in one conditional UPDATE
   * (concurrent sweepers never end a call twice). A call none of whose members ever sent one (an app from before
   * call heartbeats) is left to its hang-up.
   */
  sweepCalls(now: number, silentBefore: number): Promise<string[]>;
}

export interface InviteRepository {
  create(invite: Invite): Promise<void>;
  /** The newest unused, unexpired invite of a room (plain code, so a QR code can be redrawn). */
  activeForRoom(roomId: string, now: number): Promise<Invite | null>;
  /** Atomically uses the invite and makes userId the owner; exactly one concurrent claim wins. */
  claim(roomId: string, code: string, userId: string, now: number): Promise<ClaimResult>;
}

/** Everything the service stores, behind one narrow interface (SQLite or PostgreSQL). */
export interface Store {
  users: UserRepository;
  sessions: SessionRepository;
  rooms: RoomRepository;
  invites: InviteRepository;
  stats: StatsRepository;
  viewers: ViewerRepository;
  cohosts: CohostRepository;
  callbackNonces: CallbackNonceRepository;
  chat: ChatRepository;
  reminders: ReminderRepository;
  /** Cloud recordings of live rooms (replays). */
  recordings: RecordingRepository;
  /** The rooms' OBS push keys. */
  rtmp: RtmpRepository;
  social: SocialRepository;
  gifts: GiftRepository;
  invitations: InvitationRepository;
  /** Operator accounts and their sessions. */
  operators: OperatorRepository;
  /** What operators did, under their names. */
  audit: AuditRepository;
  /** The monitoring wall's reads, and an operator's reason for ending a room. */
  wall: WallRepository;
  /** Users' problem reports (遇到问题？). */
  reports: ProblemReportRepository;
  /** Resolves when the database answers (for /readyz); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
