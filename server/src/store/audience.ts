/** Co-hosting, reminders, figures, chat moderation and callback nonces: their records and repositories. */
import type { Room, User } from './model';

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
export type ModerationAction =
  | 'comments_off'
  | 'comments_on'
  | 'mute'
  | 'unmute'
  | 'remove'
  | 'held'
  | 'announcement'
  | 'admin_appointed'
  | 'admin_dismissed';

/** Who moderated: the room's anchor, one of its admins (房管), the operator (console), or WeChat's content check. */
export type ModeratorKind = 'anchor' | 'admin' | 'operator' | 'content_check';

/** One moderation action as recorded (who, whom, when, what). */
export interface ModerationRecord {
  id: number;
  roomId: string;
  action: ModerationAction;
  actorKind: ModeratorKind;
  /** The anchor's or the admin's user ID (null for the operator and the content check). */
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
  /** Keeps a line about to be delivered (its id travels with it); only the room's newest `keep` lines stay. */
  keepLine(line: Omit<ChatLine, 'id'>, keep: number): Promise<number>;
  /** Forgets a kept line again (ZEGO did not take it). */
  dropLine(id: number): Promise<void>;
  /** The room's newest `limit` kept lines, oldest first, without those of viewers removed from the room. */
  history(roomId: string, limit: number): Promise<ChatLine[]>;
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
