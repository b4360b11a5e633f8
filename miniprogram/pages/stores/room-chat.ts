/**
 * The room's social side on screen: chat lines, likes, the users and the online count, and the publish / play
 * quality, all arriving through the room feed (buffered, flushed on budget); sending chat (through the service,
 * which checks and delivers it) and likes; comments off, mutes and the anchor's moderation in chat-moderation.ts.
 * Only chat the service delivered is shown (chat-protocol.ts). A new feed per visit.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import { CHAT_WINDOW } from '../../config';
import { ApiError } from '../../services/api-client';
import type { RtcEvents, RtcRoomMessage, RtcUser } from '../../services/rtc-types';
import { CHAT_MAX_LENGTH, type GiftContent } from '@zego-live/contract';
import type { HistoryLine } from '@zego-live/contract/schemas';
import { ChatModeration } from './chat-moderation';
import { chatRefusal, decodeServiceMessage } from './chat-protocol';
import { withHistory } from './chat-history';
import { RoomGifts } from './room-gifts';
import { RoomNotices } from './room-notices';
import { RoomFeed, decodeLikes, type FeedBatch } from './room-feed';
import type { SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { ChatLine, QualityView } from '../../stores/session-types';

export { CHAT_MAX_LENGTH };

/** Who is chatting. */
export interface ChatSubject {
  roomID(): string;
  inRoom(): boolean;
  /** The stream whose play quality the screen shows (the first player). */
  mainPlayer(): string | undefined;
  /** The own stream. */
  ownStream(): string | undefined;
  /** This phone's user ID in the room (its own lines come back from the service: shown once, not twice). */
  userID(): string;
  /** The anchor may speak while comments are off, and moderates. */
  isAnchor(): boolean;
}

/** The users the SDK lists this soon after login were in the room already: no 「来了」 for them. */
export const PRESENT_USERS_MS = 2000;

/** Most likes one request to the service carries. */
const LIKES_PER_REQUEST = 100;

/** The service's code of a failed call ('NETWORK' when it could not be reached). */
const serviceCode = (error: unknown): string => (error instanceof ApiError ? error.code : 'NETWORK');

/** Chat, likes, users, counts and quality. */
export class RoomChat {
  chat: ChatLine[] = [];
  likes = 0;
  users: RtcUser[] = [];
  onlineCount = 0;
  publishQuality: QualityView | null = null;
  playQuality: QualityView | null = null;
  /** The highest online count seen (reported to the service). */
  peakOnline = 0;
  /** Messages sent and received (reported to the service). */
  messages = 0;
  /** Comments off, this viewer's mute, and the anchor's moderation: as the service decides them. */
  readonly moderation: ChatModeration;
  /** The announcement and the admins, as the service keeps them; the gifts. */
  readonly social: { readonly notices: RoomNotices; readonly gifts: RoomGifts };
  private localLineID = 0;
  /** When this visit logged in: the users the SDK lists right after that were here already (no notice). */
  private joinedAt = 0;
  private presentListed = false;
  private feed: RoomFeed;

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly subject: ChatSubject,
  ) {
    this.feed = this.newFeed();
    this.moderation = new ChatModeration(ctx, status, {
      roomID: () => subject.roomID(),
      systemLine: (text) => this.systemLine(text),
      dropLinesOf: (userID) => this.dropLinesOf(userID),
    });
    const roomID = (): string => subject.roomID();
    this.social = {
      notices: new RoomNotices(ctx, status, roomID),
      gifts: new RoomGifts(ctx, status, roomID),
    };
    makeAutoObservable<
      RoomChat,
      'ctx' | 'status' | 'subject' | 'feed' | 'localLineID' | 'joinedAt' | 'presentListed'
    >(
      this,
      {
        ctx: false,
        status: false,
        subject: false,
        feed: false,
        localLineID: false,
        moderation: false,
        social: false,
        joinedAt: false,
        presentListed: false,
        peakOnline: false,
        messages: false,
      },
      { autoBind: true },
    );
  }

  private newFeed(): RoomFeed {
    return new RoomFeed({ apply: (batch) => this.apply(batch), sendBarrage: (m) => this.sendBarrage(m) });
  }

  /** Logged in: at least ourselves are here. */
  joined(): void {
    this.joinedAt = Date.now();
    this.presentListed = false;
    if (this.onlineCount === 0) this.onlineCount = 1;
    this.peakOnline = Math.max(this.peakOnline, this.onlineCount);
  }

  /**
   * Sends a chat line through the service: the own line shows at once marked pending, is confirmed when the
   * service accepts it, and is taken away with the reason when the service refuses it. False when not sent.
   */
  async send(text: string, nickname: string): Promise<boolean> {
    const trimmed = text.trim();
    if (!trimmed) {
      this.status.setError({ code: 'chat.EMPTY', message: '说点什么吧', action: 'none' });
      return false;
    }
    if (trimmed.length > CHAT_MAX_LENGTH) {
      this.status.setError({
        code: 'chat.TOO_LONG',
        message: `消息不能超过 ${CHAT_MAX_LENGTH} 个字`,
        action: 'none',
      });
      return false;
    }
    if (!this.ctx.engine || !this.subject.inRoom()) {
      this.status.setError({
        code: 'chat.NOT_IN_ROOM',
        message: '还没有进入直播间，稍后再发',
        action: 'none',
      });
      return false;
    }
    if (this.moderation.commentsOff && !this.subject.isAnchor()) {
      this.status.flash(chatRefusal('COMMENTS_OFF'));
      return false;
    }
    if (this.moderation.mutedUntil !== null) {
      this.status.flash(chatRefusal('CHAT_MUTED'));
      return false;
    }
    const id = `local-${++this.localLineID}`;
    this.chat = [
      ...this.chat,
      { id, nickname, text: trimmed, kind: 'chat' as const, userID: this.subject.userID(), pending: true },
    ].slice(-CHAT_WINDOW);
    const epoch = this.ctx.epoch;
    try {
      await this.ctx.deps.api.sendMessage(this.subject.roomID(), trimmed);
      if (!this.ctx.isStale(epoch)) this.confirmed(id);
      return true;
    } catch (error) {
      if (this.ctx.isStale(epoch)) return false;
      this.refused(id, serviceCode(error));
      return false;
    }
  }

  /** The service accepted our line: no longer pending. */
  private confirmed(lineID: string): void {
    this.messages += 1;
    this.chat = this.chat.map((line) => (line.id === lineID ? { ...line, pending: false } : line));
  }

  /** The service refused our line: it goes, and the reason shows (comments off / muted also update the screen). */
  private refused(lineID: string, code: string): void {
    this.chat = this.chat.filter((line) => line.id !== lineID);
    if (code === 'COMMENTS_OFF') this.moderation.setCommentsOff(true, false);
    // Muted without our having been told: the service says until when.
    if (code === 'CHAT_MUTED') void this.moderation.loadChatState();
    this.status.flash(`消息没有发出去：${chatRefusal(code)}`);
  }

  /** Logged in: what the service says about the room's chat, and what a late joiner catches up on. */
  readRoomState(): void {
    void this.moderation.loadChatState();
    void this.loadCatchUp();
    void this.social.gifts.load(!this.subject.isAnchor());
  }

  /**
   * What was said before we came (the last lines, before anything live), the announcement and the
   * admins; best effort (the live lines come anyway).
   */
  async loadCatchUp(): Promise<void> {
    const epoch = this.ctx.epoch;
    try {
      const { lines, announcement, admins } = await this.ctx.deps.api.getCatchUp(this.subject.roomID());
      if (this.ctx.isStale(epoch)) return;
      this.addHistory(lines);
      this.social.notices.setAnnouncement(announcement?.text ?? null, announcement?.at ?? 0);
      this.social.notices.setAdmins(admins);
    } catch {
      // a viewer who misses the history still sees everything from now on
    }
  }

  /** The history goes before what is on screen (chat-history.ts), in one action. */
  private addHistory(lines: readonly HistoryLine[]): void {
    if (lines.length > 0) this.chat = withHistory(this.chat, lines, CHAT_WINDOW);
  }

  /** A removed viewer's lines leave the anchor's screen. */
  dropLinesOf(userID: string): void {
    this.chat = this.chat.filter((line) => line.userID !== userID);
  }

  /** A line from the room itself (comments off or on). */
  systemLine(text: string): void {
    this.chat = [
      ...this.chat,
      { id: `system-${++this.localLineID}`, nickname: '', text, kind: 'system' as const },
    ].slice(-CHAT_WINDOW);
  }

  /** One like: counted at once, sent to the room batched (one barrage message a second at most). */
  like(): void {
    if (!this.subject.inRoom()) return;
    this.likes += 1;
    this.feed.queueLike();
  }

  /**
   * Our batched likes: to the room (the hearts others see) and to the service (the count it keeps); best effort,
   * a lost like batch is not worth bothering the viewer.
   */
  private sendBarrage(message: string): void {
    const engine = this.ctx.engine;
    if (!engine || !this.subject.inRoom()) return;
    const roomID = this.subject.roomID();
    engine.sendBarrageMessage(roomID, message).catch(() => undefined);
    for (let left = decodeLikes(message); left > 0; left -= LIKES_PER_REQUEST) {
      this.ctx.deps.api.sendLikes(roomID, Math.min(left, LIKES_PER_REQUEST)).catch(() => undefined);
    }
  }

  /** One flush of the room feed, in one action (one render). */
  private apply(batch: FeedBatch): void {
    if (batch.chat) {
      // A line the history already put on screen is not shown again.
      const present = new Set(this.chat.map((line) => line.id));
      const fresh = batch.chat.filter((line) => !present.has(line.id));
      if (fresh.length > 0) this.chat = [...this.chat, ...fresh].slice(-CHAT_WINDOW);
    }
    if (batch.joinNotice) this.addJoinNotice(batch.joinNotice);
    if (batch.gifts) this.chat = [...this.chat, ...this.social.gifts.apply(batch.gifts)].slice(-CHAT_WINDOW);
    if (batch.likes) this.likes += batch.likes;
    if (batch.users) this.users = batch.users;
    if (batch.onlineCount !== undefined) {
      if (this.onlineCount !== batch.onlineCount) this.onlineCount = batch.onlineCount;
      this.peakOnline = Math.max(this.peakOnline, batch.onlineCount);
    }
    if (batch.publishQuality && !sameQuality(this.publishQuality, batch.publishQuality)) {
      this.publishQuality = batch.publishQuality;
    }
    if (batch.playQuality && !sameQuality(this.playQuality, batch.playQuality)) {
      this.playQuality = batch.playQuality;
    }
  }

  /** A join notice; it replaces the one before while nobody has said anything since (joins never crowd chat out). */
  private addJoinNotice(line: ChatLine): void {
    const last = this.chat[this.chat.length - 1];
    const kept = last?.kind === 'join' ? this.chat.slice(0, -1) : this.chat;
    this.chat = [...kept, line].slice(-CHAT_WINDOW);
  }

  /**
   * Room messages: only the service's are shown (chat it checked and delivered, the comments notice); our own
   * line came back from the service and is already on screen; anything sent straight to ZEGO is dropped.
   */
  onBroadcastMessages(p: RtcEvents['IMRecvBroadcastMessage']): void {
    if (p.roomID !== this.subject.roomID() || p.messages.length === 0) return;
    const me = this.subject.userID();
    const lines: RtcRoomMessage[] = [];
    const gifts: GiftContent[] = [];
    for (const m of p.messages) {
      const decoded = decodeServiceMessage(m);
      if (decoded === null) continue;
      if (decoded.t === 'gift') {
        gifts.push(decoded);
      } else if (decoded.t === 'chat-state') {
        this.moderation.setCommentsOff(decoded.commentsOff, true);
      } else if (decoded.t === 'announcement') {
        this.social.notices.setAnnouncement(decoded.text, decoded.at);
      } else if (decoded.t === 'admins') {
        this.social.notices.setAdmins(decoded.ids);
      } else if (decoded.userID !== me) {
        lines.push({
          messageID: decoded.messageID,
          fromUser: { userID: decoded.userID, userName: decoded.nickname },
          message: decoded.text,
          sendTime: m.sendTime,
        });
      }
    }
    // Gifts ride the feed like chat: on screen in the next flush, never a render of their own.
    if (gifts.length > 0) this.feed.addGifts(this.social.gifts.arrived(gifts));
    if (lines.length === 0) return;
    this.messages += lines.length;
    this.feed.addChat(lines);
  }

  onBarrageMessages(p: { roomID: string; messages: RtcRoomMessage[] }): void {
    if (p.roomID === this.subject.roomID()) this.feed.addBarrage(p.messages);
  }

  onRoomUserUpdate(p: RtcEvents['roomUserUpdate']): void {
    if (p.roomID !== this.subject.roomID()) return;
    this.feed.updateUsers(p.updateType, p.users);
    if (p.updateType !== 'ADD') return;
    // Right after login the SDK lists who is here already: they did not just come.
    if (!this.presentListed && Date.now() - this.joinedAt < PRESENT_USERS_MS) {
      this.presentListed = true;
      return;
    }
    this.presentListed = true;
    const me = this.subject.userID();
    this.feed.announceJoins(p.users.filter((user) => user.userID !== me));
  }

  onRoomOnlineUserCountUpdate(p: RtcEvents['roomOnlineUserCountUpdate']): void {
    if (p.roomID !== this.subject.roomID()) return;
    // the peak counts even if a lower figure replaces it before the next flush
    this.peakOnline = Math.max(this.peakOnline, p.count);
    this.feed.updateOnlineCount(p.count);
  }

  onPublishQualityUpdate(p: RtcEvents['publishQualityUpdate']): void {
    if (p.streamID === this.subject.ownStream()) this.feed.updatePublishQuality(p.stats);
  }

  onPlayQualityUpdate(p: RtcEvents['playQualityUpdate']): void {
    if (p.streamID === this.subject.mainPlayer()) this.feed.updatePlayQuality(p.stats);
  }

  /** The first player stopped: its quality goes too. */
  clearPlayQuality(): void {
    this.playQuality = null;
  }

  /** The page is hidden / shown: no flush while hidden. */
  setPaused(paused: boolean): void {
    this.social.gifts.setHidden(paused);
    if (paused) this.feed.pause();
    else this.feed.resume();
  }

  /** The visit ended: the feed stops (what is on screen stays for the end screen, except the quality). */
  dispose(): void {
    this.feed.dispose();
    this.moderation.dispose();
    this.social.gifts.stop();
    this.feed = this.newFeed();
    this.publishQuality = null;
    this.playQuality = null;
    this.peakOnline = 0;
    this.messages = 0;
  }

  /** A new visit: nothing on screen. */
  reset(): void {
    this.chat = [];
    this.likes = 0;
    this.users = [];
    this.onlineCount = 0;
    this.publishQuality = null;
    this.playQuality = null;
    this.peakOnline = 0;
    this.messages = 0;
    this.moderation.reset();
    this.social.notices.reset();
    this.social.gifts.reset();
  }
}

function sameQuality(a: QualityView | null, b: QualityView): boolean {
  return !!a && a.bitrateKbps === b.bitrateKbps && a.fps === b.fps && a.grade === b.grade;
}
