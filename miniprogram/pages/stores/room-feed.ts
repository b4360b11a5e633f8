/**
 * The room feed: what the room sends during a session (chat lines, likes, user joins/leaves, the online count,
 * publish/play quality) is buffered here and handed to the store in one batch per flush, so a page gets at most a
 * few setData a second (docs/design.md, "Budgets"); our own likes leave in one barrage message a second. A plain,
 * non-observable class: the store decides what is relevant, the feed decides when it reaches the screen.
 */
import { CHAT_WINDOW } from '../../config';
import type { RtcRoomMessage, RtcStreamStats, RtcUser } from '../../services/rtc-types';
import type { ChatLine, QualityView } from '../../stores/session-types';
import type { GiftContent } from '@zego-live/contract';

/** Incoming chat, likes, joins are flushed into observable state at most this often (5 per second). */
export const FLUSH_INTERVAL_MS = 200;
/** Users, the online count and quality figures (the slow lane) change on screen at most once a second. */
export const SLOW_INTERVAL_MS = 1000;
/** How many of the room's users the screen gets (the most recent joins); onlineCount counts them all. */
export const USERS_WINDOW = 20;
/** A join notice names one viewer (at most this many characters of the nickname). */
export const JOIN_NAME_MAX = 10;

/** 「某某 来了」, or for a burst 「某某 等 12 人来了」 (the newest joiner named). */
export function joinNoticeText(newest: string, count: number): string {
  const name = newest.length > JOIN_NAME_MAX ? `${newest.slice(0, JOIN_NAME_MAX)}…` : newest || '观众';
  return count > 1 ? `${name} 等 ${count} 人来了` : `${name} 来了`;
}

/** Our own likes go out in one barrage message at most this often. */
export const LIKE_SEND_INTERVAL_MS = 1000;

/** The like barrage protocol: {"t":"like","n":3}. */
export interface LikePayload {
  t: 'like';
  n: number;
}

/** Encodes n likes for sendBarrageMessage. */
export function encodeLikes(n: number): string {
  return JSON.stringify({ t: 'like', n } satisfies LikePayload);
}

/** Reads a barrage message; the like count, or 0 when it is not a like message. */
export function decodeLikes(message: string): number {
  try {
    const payload = JSON.parse(message) as Partial<LikePayload> | null;
    if (payload && payload.t === 'like' && typeof payload.n === 'number' && Number.isFinite(payload.n)) {
      return Math.max(0, Math.min(1000, Math.floor(payload.n)));
    }
  } catch {
    // not ours
  }
  return 0;
}

/** Reduces SDK stats to what the screen shows. */
export function toQualityView(stats: RtcStreamStats): QualityView {
  const bitrateKbps = Math.round(stats.videoBitrateKbps + stats.audioBitrateKbps);
  const fps = Math.round(stats.videoFps);
  let grade: QualityView['grade'];
  if (stats.quality >= 0 && stats.quality <= 4) {
    grade = (['excellent', 'good', 'poor', 'bad', 'bad'] as const)[stats.quality];
  } else if (bitrateKbps === 0 && fps === 0) grade = 'unknown';
  else if (stats.packetLossRate < 0.01) grade = 'excellent';
  else if (stats.packetLossRate < 0.05) grade = 'good';
  else if (stats.packetLossRate < 0.15) grade = 'poor';
  else grade = 'bad';
  return { bitrateKbps, fps, grade };
}

/** What one flush changes; a field is absent when nothing new arrived for it. */
export interface FeedBatch {
  /** Chat lines that arrived since the last flush, oldest first (at most CHAT_WINDOW), to append. */
  chat?: ChatLine[];
  /** Gifts the room announced since the last flush, oldest first. */
  gifts?: GiftContent[];
  /** Likes the room sent since the last flush, to add. */
  likes?: number;
  /** The users the screen shows: the USERS_WINDOW most recent joins. */
  users?: RtcUser[];
  /** The room's online count: the service's figure, or the users seen plus ourselves until it gives one. */
  onlineCount?: number;
  /** The latest publish quality. */
  publishQuality?: QualityView;
  /** The latest play quality. */
  playQuality?: QualityView;
  /** One line for the viewers who joined since the last one (the slow lane: at most one a second). */
  joinNotice?: ChatLine;
}

/** Where the feed's output goes (the store). */
export interface RoomFeedSink {
  /** Applies one batch to the observable fields in one MobX action (one render). */
  apply(batch: FeedBatch): void;
  /** Sends one barrage message carrying our batched likes. */
  sendBarrage(message: string): void;
}

type Timer = ReturnType<typeof setTimeout>;

/** The buffers and the one flush timer of one session (a new feed per session; dispose() stops its timers). */
export class RoomFeed {
  private flushTimer: Timer | null = null;
  private flushDueAt = 0;
  private lastFlushAt = -Infinity;
  private lastSlowAt = -Infinity;
  private paused = false;
  // Fast lane: every flush.
  private pendingChat: ChatLine[] = [];
  private pendingLikes = 0;
  private pendingGifts: GiftContent[] = [];
  // Slow lane: at most every SLOW_INTERVAL_MS.
  private pendingUsers: { type: 'ADD' | 'DELETE'; users: RtcUser[] }[] = [];
  private pendingOnline: number | null = null;
  private pendingPublishQuality: QualityView | null = null;
  private pendingPlayQuality: QualityView | null = null;
  /** Viewers who joined since the last join notice, oldest first. */
  private pendingJoins: RtcUser[] = [];
  private joinNotices = 0;
  private readonly allUsers = new Map<string, RtcUser>();
  /** The service has given an online count: from then on it alone sets onlineCount. */
  private serverCount = false;
  // Outgoing likes.
  private likeTimer: Timer | null = null;
  private outgoingLikes = 0;

  constructor(private readonly sink: RoomFeedSink) {}

  /** Chat lines from the room. */
  addChat(messages: RtcRoomMessage[]): void {
    const lines = messages.map((m): ChatLine => ({
      id: m.messageID,
      nickname: m.fromUser.userName,
      text: m.message,
      kind: 'chat',
      userID: m.fromUser.userID,
    }));
    this.pendingChat = [...this.pendingChat, ...lines].slice(-CHAT_WINDOW);
    this.scheduleFlush();
  }

  /** Gifts the room announced (shown in the next flush, with the chat). */
  addGifts(gifts: GiftContent[]): void {
    this.pendingGifts.push(...gifts);
    this.scheduleFlush();
  }

  /** Barrage messages from the room; only like messages count. */
  addBarrage(messages: RtcRoomMessage[]): void {
    const n = messages.reduce((sum, m) => sum + decodeLikes(m.message), 0);
    if (n === 0) return;
    this.pendingLikes += n;
    this.scheduleFlush();
  }

  /** Users joined or left. */
  updateUsers(type: 'ADD' | 'DELETE', users: RtcUser[]): void {
    this.pendingUsers.push({ type, users });
    this.scheduleFlush();
  }

  /** Viewers who joined and are worth a notice (「某某 来了」): one line a second at most, however many came. */
  announceJoins(users: RtcUser[]): void {
    if (users.length === 0) return;
    this.pendingJoins.push(...users);
    this.scheduleFlush();
  }

  /** The service's online count. */
  updateOnlineCount(count: number): void {
    this.pendingOnline = count;
    this.scheduleFlush();
  }

  /** The anchor's publish stats. */
  updatePublishQuality(stats: RtcStreamStats): void {
    this.pendingPublishQuality = toQualityView(stats);
    this.scheduleFlush();
  }

  /** The first player's play stats. */
  updatePlayQuality(stats: RtcStreamStats): void {
    this.pendingPlayQuality = toQualityView(stats);
    this.scheduleFlush();
  }

  /** One like of ours, sent with the others in at most LIKE_SEND_INTERVAL_MS. */
  queueLike(): void {
    this.outgoingLikes += 1;
    if (!this.likeTimer) this.likeTimer = setTimeout(() => this.sendLikes(), LIKE_SEND_INTERVAL_MS);
  }

  /** The page is hidden: no flush (no setData) until resume(); arrivals keep buffering. */
  pause(): void {
    this.paused = true;
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
  }

  /** The page is shown again: what arrived meanwhile is flushed. */
  resume(): void {
    this.paused = false;
    if (this.hasPending()) this.scheduleFlush();
  }

  /** The session is over: stops both timers; what is buffered or unsent is dropped. */
  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.likeTimer) clearTimeout(this.likeTimer);
    this.flushTimer = null;
    this.likeTimer = null;
  }

  private hasPending(): boolean {
    return (
      this.pendingChat.length > 0 ||
      this.pendingGifts.length > 0 ||
      this.pendingLikes > 0 ||
      this.hasSlowPending()
    );
  }

  private hasSlowPending(): boolean {
    return (
      this.pendingUsers.length > 0 ||
      this.pendingJoins.length > 0 ||
      this.pendingOnline !== null ||
      this.pendingPublishQuality !== null ||
      this.pendingPlayQuality !== null
    );
  }

  /**
   * One timer for every buffer: a flush at most every FLUSH_INTERVAL_MS (5 per second), due FLUSH_INTERVAL_MS after
   * the first thing that arrived, so a chat line shows within 250 ms with room for the render itself.
   */
  private scheduleFlush(delay = FLUSH_INTERVAL_MS): void {
    if (this.paused) return;
    const now = Date.now();
    const due = Math.max(now + delay, this.lastFlushAt + FLUSH_INTERVAL_MS);
    if (this.flushTimer) {
      if (this.flushDueAt <= due) return;
      clearTimeout(this.flushTimer);
    }
    this.flushDueAt = due;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, due - now);
  }

  /**
   * Hands what was buffered to the store as one batch. Chat and likes go every flush; users, the online count and
   * quality (the slow lane) at most once a second, the flush after that rescheduled when they come too soon.
   */
  private flush(): void {
    const now = Date.now();
    this.lastFlushAt = now;
    const batch: FeedBatch = {};
    if (this.pendingChat.length > 0) {
      batch.chat = this.pendingChat;
      this.pendingChat = [];
    }
    if (this.pendingGifts.length > 0) {
      batch.gifts = this.pendingGifts;
      this.pendingGifts = [];
    }
    if (this.pendingLikes > 0) {
      batch.likes = this.pendingLikes;
      this.pendingLikes = 0;
    }
    if (this.hasSlowPending()) {
      const wait = this.lastSlowAt + SLOW_INTERVAL_MS - now;
      if (wait > 0) this.scheduleFlush(wait);
      else this.takeSlowLane(batch, now);
    }
    this.sink.apply(batch);
  }

  /** Moves the slow lane's buffers into the batch. */
  private takeSlowLane(batch: FeedBatch, now: number): void {
    this.lastSlowAt = now;
    if (this.pendingUsers.length > 0) {
      for (const op of this.pendingUsers) {
        for (const user of op.users) {
          this.allUsers.delete(user.userID);
          if (op.type === 'ADD') this.allUsers.set(user.userID, user);
        }
      }
      this.pendingUsers = [];
      batch.users = [...this.allUsers.values()].slice(-USERS_WINDOW);
      // until the service gives a count, the users seen plus ourselves
      if (!this.serverCount) batch.onlineCount = this.allUsers.size + 1;
    }
    if (this.pendingOnline !== null) {
      this.serverCount = true;
      batch.onlineCount = this.pendingOnline;
      this.pendingOnline = null;
    }
    if (this.pendingJoins.length > 0) {
      const newest = this.pendingJoins[this.pendingJoins.length - 1];
      batch.joinNotice = {
        id: `join-${(this.joinNotices += 1)}`,
        nickname: newest.userName,
        text: joinNoticeText(newest.userName, new Set(this.pendingJoins.map((u) => u.userID)).size),
        kind: 'join',
        userID: newest.userID,
      };
      this.pendingJoins = [];
    }
    if (this.pendingPublishQuality) batch.publishQuality = this.pendingPublishQuality;
    if (this.pendingPlayQuality) batch.playQuality = this.pendingPlayQuality;
    this.pendingPublishQuality = null;
    this.pendingPlayQuality = null;
  }

  private sendLikes(): void {
    this.likeTimer = null;
    const n = this.outgoingLikes;
    this.outgoingLikes = 0;
    if (n > 0) this.sink.sendBarrage(encodeLikes(n));
  }
}
