import { RoomStatus as RoomStatusSchema, type RoomKind, type RoomStatus } from '@zego-live/contract/schemas';

// A room's status and kind are the API contract's (@zego-live/contract/schemas): one declaration for the service and the apps.
export type { RoomKind, RoomStatus };

/** Every room status, in the contract's order. */
export const ROOM_STATUSES: readonly RoomStatus[] = RoomStatusSchema.anyOf.map((status) => status.const);

/** How many members a call room has at most. */
export const CALL_SEATS = 2;

/** A signed-in person (anchor or viewer). Times are epoch milliseconds. */
export interface User {
  id: string;
  nickname: string;
  avatarUrl: string;
  createdAt: number;
}

/** Counters shown in the console and on the end screen. */
export interface RoomStats {
  viewers: number;
  peakViewers: number;
  likes: number;
  messages: number;
}

/** A room; ownerId is null until an invite is claimed (operator-created live rooms). */
export interface Room {
  id: string;
  title: string;
  kind: RoomKind;
  status: RoomStatus;
  ownerId: string | null;
  streamId: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  stats: RoomStats;
  /** When the anchor plans to go live (epoch ms); an idle room with one is "upcoming". Absent = null. */
  plannedStartAt?: number | null;
  /** The room's cover image (an uploaded file's URL); absent = null. */
  coverUrl?: string | null;
  /** Time spent live before the current stretch (ms); paused time never counts. */
  liveMs: number;
  /** When the current live stretch began, or null while not live. */
  liveSince: number | null;
}

/** The fields of a room a token is decided on. */
export type TokenRoom = Pick<Room, 'id' | 'kind' | 'status' | 'ownerId' | 'streamId'>;

/** A token request's read: the caller's session (the hash of its bearer), the room it asks for, and when. */
export interface TokenAsk {
  tokenHash: string;
  roomId: string;
  now: number;
}

/** A token request's facts: whose session it is, the room (null: none such) and whether that user was removed. */
export interface TokenFacts {
  userId: string;
  room: TokenRoom | null;
  removed: boolean;
}

/** A one-time invite that makes its claimer the owner (anchor) of an unowned room. */
export interface Invite {
  code: string;
  roomId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedBy: string | null;
}

/** A member of a call room, who publishes its own stream. */
export interface CallMember {
  user: User;
  streamId: string;
  joinedAt: number;
}

/** Why joining a call failed, or the member and the room after joining (joined: false for a member asking again). */
export type JoinCallResult =
  | { ok: true; room: Room; streamId: string; joined: boolean }
  | { ok: false; reason: 'room_not_found' | 'not_a_call' | 'room_ended' | 'call_full' };

/** Why a claim failed, or the claimed room. */
export type ClaimResult =
  | { ok: true; room: Room }
  | {
      ok: false;
      reason:
        'room_not_found' | 'invite_invalid' | 'invite_expired' | 'invite_used' | 'room_owned' | 'room_ended';
    };

/** The rooms one heartbeat sweep changed. */
export interface SweepResult {
  paused: string[];
  ended: string[];
}

/** Where a user stands in a live room's co-hosting (连麦): nothing, asked, or on. */
export type CohostState = 'none' | 'pending' | 'cohost';

/** A user's co-hosting record in one room (a request, a current co-host, or a past one). */
export interface Cohost {
  roomId: string;
  user: User;
  state: CohostState;
  /** When the latest request was made (a pending request lapses COHOST_REQUEST_TTL_MS after it). */
  requestedAt: number;
  /** When the user last became a co-host. */
  acceptedAt: number | null;
  /** The co-host's last heartbeat (or acceptance). */
  seenAt: number | null;
  /** ForbidRTCStream was sent for its stream and not yet undone (a new accept resumes it first). */
  streamForbidden: boolean;
}

/** A co-host's identity (the sweeper's and the room end's results). */
export interface CohostKey {
  roomId: string;
  userId: string;
}

/** Why a request failed, or the pending request. */
export type CohostRequestResult =
  | { ok: true; cohost: Cohost }
  | { ok: false; reason: 'room_not_found' | 'room_not_live' | 'full' | 'already_cohost' };

/** Why an accept failed, or the co-host (accepted: false when it already was one: a repeated accept). */
export type CohostAcceptResult =
  | { ok: true; cohost: Cohost; accepted: boolean }
  | { ok: false; reason: 'room_not_found' | 'room_ended' | 'request_not_found' | 'full' };

/** One page of rooms, newest first. */
export interface RoomPage {
  rooms: Room[];
  nextCursor: string | null;
}

export interface UserRepository {
  /** Finds or creates the user behind a WeChat openid; updates the profile fields that are given. */
  upsertByOpenid(
    openid: string,
    profile: { nickname?: string; avatarUrl?: string },
    now: number,
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

/** What may change of a room before it goes live. */
export interface RoomPlan {
  title?: string;
  plannedStartAt?: number | null;
  coverUrl?: string | null;
}

/** Where one reminder (开播提醒) stands: waiting, claimed by an instance, or its one send's outcome. */
export type ReminderState = 'pending' | 'sending' | 'sent' | 'refused' | 'failed';

/** A viewer's subscription to be told when a room goes live. */
export interface Reminder {
  roomId: string;
  userId: string;
  state: ReminderState;
  createdAt: number;
  /** WeChat's errcode of the last attempt (43101 refused, ...); null when sent or not tried. */
  errcode: number | null;
  attempts: number;
  doneAt: number | null;
}

/** A reminder one instance claimed for sending, with the subscriber's openid. */
export interface ClaimedReminder {
  userId: string;
  openid: string | null;
}

/** Subscriptions to a room's start (one per user and room) and the outcome of their one send. */
export interface ReminderRepository {
  /** Stores the subscription once; false when the user already had one for this room (any state). */
  subscribe(roomId: string, userId: string, now: number): Promise<boolean>;
  /** Drops a pending subscription; false when there is none pending. */
  cancel(roomId: string, userId: string): Promise<boolean>;
  /** The user's reminder for this room, or null. */
  get(roomId: string, userId: string): Promise<Reminder | null>;
  /**
   * Claims every pending reminder of the room for sending (pending -> sending in one conditional UPDATE), so of
   * any number of instances each reminder is claimed by exactly one. A reminder still 'sending' from a claim
   * before staleBefore (its instance died mid-send) is claimed again the same way.
   */
  claimPending(roomId: string, now: number, staleBefore: number): Promise<ClaimedReminder[]>;
  /** The live rooms with a reminder claimed before staleBefore and never finished. */
  roomsWithStaleSends(staleBefore: number): Promise<string[]>;
  /** Records a claimed reminder's outcome (only from 'sending'). */
  finish(
    roomId: string,
    userId: string,
    outcome: { state: 'sent' | 'refused' | 'failed'; errcode: number | null; attempts: number },
    now: number,
  ): Promise<void>;
  /** How many reminders of a room are in each state. */
  counts(roomId: string): Promise<Partial<Record<ReminderState, number>>>;
}

export interface InviteRepository {
  create(invite: Invite): Promise<void>;
  /** The newest unused, unexpired invite of a room (plain code, so a QR code can be redrawn). */
  activeForRoom(roomId: string, now: number): Promise<Invite | null>;
  /** Atomically uses the invite and makes userId the owner; exactly one concurrent claim wins. */
  claim(roomId: string, code: string, userId: string, now: number): Promise<ClaimResult>;
}

/**
 * Co-hosting in live rooms. A request lapses once its requestedAt is at or before `lapsedBefore`
 * (now - COHOST_REQUEST_TTL_MS); lapsed requests are never shown nor accepted.
 */
export interface CohostRepository {
  /** Pending (not lapsed) requests and current co-hosts of a room: co-hosts by acceptance, requests by age. */
  list(roomId: string, lapsedBefore: number): Promise<Cohost[]>;
  /** One user's record in a room (any state), or null. */
  get(roomId: string, userId: string): Promise<Cohost | null>;
  /** Asks to co-host (the room must be live and below the limit); a repeat refreshes requestedAt. */
  request(roomId: string, userId: string, now: number, limit: number): Promise<CohostRequestResult>;
  /** Withdraws a pending request; true if a request that had not lapsed was withdrawn. */
  cancel(roomId: string, userId: string, lapsedBefore: number): Promise<boolean>;
  /**
   * Makes a pending, unlapsed request a co-host if the room has fewer than `limit`, decided atomically by the
   * database (of any number of concurrent accepts exactly the free places win).
   */
  accept(
    roomId: string,
    userId: string,
    now: number,
    lapsedBefore: number,
    limit: number,
  ): Promise<CohostAcceptResult>;
  /** Turns down a pending, unlapsed request; false if there is none. */
  decline(roomId: string, userId: string, lapsedBefore: number): Promise<boolean>;
  /** Ends a co-host; false if the user is not one (one conditional UPDATE: ends once). */
  end(roomId: string, userId: string): Promise<boolean>;
  /** A co-host's heartbeat; false if the user is not a co-host of the room. */
  seen(roomId: string, userId: string, now: number): Promise<boolean>;
  /** Records that ForbidRTCStream was (true) or ResumeRTCStream was (false) sent for the user's stream. */
  setStreamForbidden(roomId: string, userId: string, forbidden: boolean): Promise<void>;
  /** Ends every co-host silent since silentSince (a conditional UPDATE: concurrent sweepers end each once). */
  endSilent(silentSince: number): Promise<CohostKey[]>;
  /** The room stopped being live: ends its co-hosts (returned) and drops its pending requests. */
  endRoom(roomId: string): Promise<string[]>;
  /** The output stream of the room's running mix task, or null. */
  mix(roomId: string): Promise<string | null>;
  /** Records the room's running mix task (streamId) or that none runs (null). */
  setMix(roomId: string, streamId: string | null, now: number): Promise<void>;
}

/** One minute of a room's viewer series: the most viewers reported in the minute starting at `at` (epoch ms). */
export interface ViewerMinute {
  at: number;
  viewers: number;
}

export interface StatsRepository {
  /**
   * Records the viewers online now as the anchor reports them (peakViewers never goes down) and keeps the most of
   * the minute `now` falls in; minutes at or before `forgetBefore` are dropped (the series stays bounded). Likes and
   * messages are the service's own counts (countLikes, ChatRepository.countMessage): the anchor's are ignored.
   */
  report(roomId: string, stats: { viewers: number }, now: number, forgetBefore: number): Promise<Room | null>;
  /** Adds a viewer's batch of likes to the room's count. */
  countLikes(roomId: string, likes: number): Promise<void>;
  /** The room's per-minute viewer series, oldest first, the newest `limit` minutes. */
  series(roomId: string, limit: number): Promise<ViewerMinute[]>;
}

/** A viewer who was given an audience token for a room (the anchor's viewer list). */
export interface RoomViewer {
  user: User;
  joinedAt: number;
}

export interface ViewerRepository {
  /**
   * Records that the user joined the room at `now` in one upsert; a record whose joinedAt is after `quietSince` is
   * left alone (a viewer's reconnects and token renewals change nothing).
   */
  record(roomId: string, userId: string, now: number, quietSince: number): Promise<void>;
  /** The room's viewers, the newest join first, at most `limit`. */
  list(roomId: string, limit: number): Promise<RoomViewer[]>;
}

/** What a moderation record says was done (held: WeChat's check said "review", the message was not delivered). */
export type ModerationAction = 'comments_off' | 'comments_on' | 'mute' | 'unmute' | 'remove' | 'held';

/** Who moderated: the room's anchor, the operator (console), or WeChat's content check. */
export type ModeratorKind = 'anchor' | 'operator' | 'content_check';

/** One moderation action as recorded (who, whom, when, what). */
export interface ModerationRecord {
  id: number;
  roomId: string;
  action: ModerationAction;
  actorKind: ModeratorKind;
  /** The anchor's user ID (null for the operator and the content check). */
  actorId: string | null;
  /** The viewer concerned (null for comments off/on). */
  targetId: string | null;
  /** A mute's end (epoch ms), else null. */
  until: number | null;
  /** Extra words: a held message's text and WeChat's label, a removal's reason. */
  detail: string | null;
  at: number;
}

/** Where one user stands in one room's chat. */
export interface ChatStanding {
  commentsOff: boolean;
  /** The end of a mute still running at `now`, else null. */
  mutedUntil: number | null;
  /** Removed from the room: no chat, no token. */
  removed: boolean;
}

/** A chat line the service delivered, kept so the anchor and the operator can see who said what (console-mod). */
export interface ChatLine {
  id: number;
  roomId: string;
  userId: string;
  /** The sender's nickname as the room saw it. */
  nickname: string;
  text: string;
  sentAt: number;
}

/** A mute still running in a room. */
export interface RunningMute {
  userId: string;
  nickname: string | null;
  until: number;
}

/** Chat moderation of live rooms, and the service's message count. */
export interface ChatRepository {
  /** The user's standing in the room at `now` (comments off, a running mute, a removal). */
  standing(roomId: string, userId: string, now: number): Promise<ChatStanding>;
  /** Whether comments are off in the room. */
  commentsOff(roomId: string): Promise<boolean>;
  /** Turns comments off or on for everyone in the room. */
  setCommentsOff(roomId: string, off: boolean): Promise<void>;
  /** Mutes the user in the room until `until` (a new mute replaces the old one). */
  mute(roomId: string, userId: string, until: number): Promise<void>;
  /** Ends a mute early; false if none was running at `now`. */
  unmute(roomId: string, userId: string, now: number): Promise<boolean>;
  /** Removes the user from the room for good (refused chat and tokens for this room). */
  remove(roomId: string, userId: string, now: number): Promise<void>;
  /** Counts one delivered message. */
  countMessage(roomId: string): Promise<void>;
  /** Records a moderation action. */
  record(entry: Omit<ModerationRecord, 'id'>): Promise<ModerationRecord>;
  /** The newest records first, of one room or (null) of every room. */
  log(roomId: string | null, limit: number): Promise<ModerationRecord[]>;
  /** Keeps a delivered line; only the room's newest `keep` lines stay. */
  keepLine(line: Omit<ChatLine, 'id'>, keep: number): Promise<void>;
  /** The room's newest kept lines, newest first. */
  recentLines(roomId: string, limit: number): Promise<ChatLine[]>;
  /** The room's mutes still running at `now`, the soonest to end first. */
  runningMutes(roomId: string, now: number): Promise<RunningMute[]>;
}

export interface CallbackNonceRepository {
  /**
   * Records a ZEGO callback's nonce as seen at `now`: true the first time, false if it was seen before (a replay).
   * Nonces seen before `forgetBefore` are deleted first: older callbacks are refused by their timestamp anyway.
   */
  claim(nonce: string, now: number, forgetBefore: number): Promise<boolean>;
  /** Forgets a nonce again (its callback failed before taking effect, so ZEGO's retry must pass). */
  release(nonce: string): Promise<void>;
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
  /** Resolves when the database answers (for /readyz); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
