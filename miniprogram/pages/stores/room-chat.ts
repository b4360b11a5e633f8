/**
 * The room's social side on screen: chat lines, likes, the users and the online count, and the publish / play
 * quality, all arriving through the room feed (buffered, flushed on budget); sending chat and likes; the counts the
 * anchor reports to the service. A new feed per visit.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import { CHAT_WINDOW } from '../../config';
import type { RtcEvents, RtcRoomMessage, RtcUser } from '../../services/rtc-types';
import { describeError } from '../../utils/error-catalog';
import { RoomFeed, type FeedBatch } from './room-feed';
import { codeOf, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { ChatLine, QualityView } from '../../stores/session-types';

/** Longest chat message. */
export const CHAT_MAX_LENGTH = 100;

/** Who is chatting. */
export interface ChatSubject {
  roomID(): string;
  inRoom(): boolean;
  /** The stream whose play quality the screen shows (the first player). */
  mainPlayer(): string | undefined;
  /** The own stream. */
  ownStream(): string | undefined;
}

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
  private localLineID = 0;
  private feed: RoomFeed;

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly subject: ChatSubject,
  ) {
    this.feed = this.newFeed();
    makeAutoObservable<RoomChat, 'ctx' | 'status' | 'subject' | 'feed' | 'localLineID'>(
      this,
      {
        ctx: false,
        status: false,
        subject: false,
        feed: false,
        localLineID: false,
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
    if (this.onlineCount === 0) this.onlineCount = 1;
    this.peakOnline = Math.max(this.peakOnline, this.onlineCount);
  }

  /** Sends a chat line to the room; the own line shows at once. False when it was not sent. */
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
    const engine = this.ctx.engine;
    if (!engine || !this.subject.inRoom()) {
      this.status.setError({
        code: 'chat.NOT_IN_ROOM',
        message: '还没有进入直播间，稍后再发',
        action: 'none',
      });
      return false;
    }
    this.chat = [
      ...this.chat,
      { id: `local-${++this.localLineID}`, nickname, text: trimmed, kind: 'chat' as const },
    ].slice(-CHAT_WINDOW);
    this.messages += 1;
    const epoch = this.ctx.epoch;
    try {
      await engine.sendBroadcastMessage(this.subject.roomID(), trimmed);
      return true;
    } catch (error) {
      if (!this.ctx.isStale(epoch))
        this.status.flash(`消息没有发出去：${describeError(codeOf(error)).message}`);
      return false;
    }
  }

  /** One like: counted at once, sent to the room batched (one barrage message a second at most). */
  like(): void {
    if (!this.subject.inRoom()) return;
    this.likes += 1;
    this.feed.queueLike();
  }

  /** Our batched likes; best effort: a lost like batch is not worth bothering the viewer. */
  private sendBarrage(message: string): void {
    const engine = this.ctx.engine;
    if (!engine || !this.subject.inRoom()) return;
    engine.sendBarrageMessage(this.subject.roomID(), message).catch(() => undefined);
  }

  /** One flush of the room feed, in one action (one render). */
  private apply(batch: FeedBatch): void {
    if (batch.chat) this.chat = [...this.chat, ...batch.chat].slice(-CHAT_WINDOW);
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

  onBroadcastMessages(p: RtcEvents['IMRecvBroadcastMessage']): void {
    if (p.roomID !== this.subject.roomID() || p.messages.length === 0) return;
    this.messages += p.messages.length;
    this.feed.addChat(p.messages);
  }

  onBarrageMessages(p: { roomID: string; messages: RtcRoomMessage[] }): void {
    if (p.roomID === this.subject.roomID()) this.feed.addBarrage(p.messages);
  }

  onRoomUserUpdate(p: RtcEvents['roomUserUpdate']): void {
    if (p.roomID === this.subject.roomID()) this.feed.updateUsers(p.updateType, p.users);
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
    if (paused) this.feed.pause();
    else this.feed.resume();
  }

  /** The visit ended: the feed stops (what is on screen stays for the end screen, except the quality). */
  dispose(): void {
    this.feed.dispose();
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
  }
}

function sameQuality(a: QualityView | null, b: QualityView): boolean {
  return !!a && a.bitrateKbps === b.bitrateKbps && a.fps === b.fps && a.grade === b.grade;
}
