/**
 * The room's chat as the service rules it: comments off or on, this viewer's own mute (the input opens again by
 * itself when it ends), the service's moderation commands to this viewer, and the anchor's moderation (comments off,
 * mute, remove: the service decides and tells the room).
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import { describeServiceError, type ServiceErrorOptions } from '../../utils/error-catalog';
import { decodeModerationCommand, MUTE_SECONDS, operatorWarning } from './chat-protocol';
import type { RoomCommand } from './room-signals';
import type { SessionContext } from './session-context';
import type { SessionStatus } from './session-status';

/** How long an operator's warning stays on the anchor's screen. */
export const WARNING_MS = 10_000;

/** How a failed moderation call reads: the catalog's row after "操作没有成功：", a few codes as moderation means them. */
const MODERATION_FAILURE: ServiceErrorOptions = {
  lead: '操作没有成功：',
  refine: {
    FORBIDDEN: { message: '操作没有成功：只有主播可以管理评论' },
    NOT_FOUND: { message: '操作没有成功：找不到这位观众' },
    NETWORK: { message: '操作没有成功：网络不可用' },
  },
  fallback: { code: 'MODERATION', message: '操作没有成功：网络不可用', action: 'none' },
};

/** What moderation needs of the chat around it. */
export interface ModerationHost {
  roomID(): string;
  /** A line from the room itself on the chat ("评论已关闭"). */
  systemLine(text: string): void;
  /** A removed viewer's lines leave the screen. */
  dropLinesOf(userID: string): void;
}

/** Comments off, the own mute, and the anchor's moderation. */
export class ChatModeration {
  /** The service turned the viewers' comments off ("评论已关闭"). */
  commentsOff = false;
  /** This viewer is muted until then (epoch ms), or null. */
  mutedUntil: number | null = null;
  private mutedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: ModerationHost,
  ) {
    makeAutoObservable<ChatModeration, 'ctx' | 'status' | 'host' | 'mutedTimer'>(
      this,
      { ctx: false, status: false, host: false, mutedTimer: false },
      { autoBind: true },
    );
  }

  /** Logged in: what the service says about this room's chat (comments off, our own mute); best effort. */
  async loadChatState(): Promise<void> {
    const roomID = this.host.roomID();
    const epoch = this.ctx.epoch;
    try {
      const state = await this.ctx.deps.api.getChat(roomID);
      if (this.ctx.isStale(epoch)) return;
      this.setCommentsOff(state.commentsOff, false);
      this.setMuted(state.mutedUntil);
    } catch {
      // the first refusal or notice tells the viewer anyway
    }
  }

  /** Comments off or on (from the service); a system line says so when it changed while we watched. */
  setCommentsOff(off: boolean, announce: boolean): void {
    if (this.commentsOff === off) return;
    this.commentsOff = off;
    if (announce) this.host.systemLine(off ? '评论已关闭' : '评论已开启');
  }

  /** Our own mute (until then), or none; the input opens again by itself when it ends. */
  private setMuted(until: number | null): void {
    if (this.mutedTimer) clearTimeout(this.mutedTimer);
    this.mutedTimer = null;
    const left = until === null ? 0 : until - Date.now();
    this.mutedUntil = left > 0 ? until : null;
    if (left > 0) this.mutedTimer = setTimeout(() => this.muteEnded(), left);
  }

  private muteEnded(): void {
    this.mutedTimer = null;
    this.mutedUntil = null;
  }

  /** A custom command from the service about us: muted (until), unmuted, an operator's warning. Anything else is not ours. */
  onCommand(command: RoomCommand): void {
    const warning = operatorWarning(command.fromUser, command.command);
    // Long enough to read: an operator's warning stays WARNING_MS, not a passing notice's 3 s.
    if (warning !== null) return this.status.flash(warning, WARNING_MS);
    const moderation = decodeModerationCommand(command.fromUser, command.command);
    if (moderation === null) return;
    if (moderation.e === 'muted') {
      this.setMuted(moderation.until);
      const minutes = Math.max(1, Math.round(((moderation.until ?? 0) - Date.now()) / 60_000));
      this.status.flash(`你已被禁言 ${minutes} 分钟`);
    } else {
      this.setMuted(null);
      this.status.flash('你已可以发言了');
    }
  }

  /** Turns the viewers' comments off or on. */
  async switchComments(off: boolean): Promise<boolean> {
    return this.moderate(
      async (roomID) => {
        const { chat } = await this.ctx.deps.api.setCommentsOff(roomID, off);
        this.setCommentsOff(chat.commentsOff, true);
      },
      off ? '评论已关闭' : '评论已开启',
    );
  }

  /** Mutes a viewer for MUTE_SECONDS. */
  muteViewer(userID: string, seconds = MUTE_SECONDS): Promise<boolean> {
    return this.moderate(
      async (roomID) => {
        await this.ctx.deps.api.muteViewer(roomID, userID, seconds);
      },
      `已禁言 ${Math.round(seconds / 60)} 分钟`,
    );
  }

  /** Removes a viewer from the room (kicked, and no token for this room again). */
  removeViewer(userID: string): Promise<boolean> {
    return this.moderate(async (roomID) => {
      await this.ctx.deps.api.removeViewer(roomID, userID);
      this.host.dropLinesOf(userID);
    }, '已移出直播间');
  }

  private async moderate(act: (roomID: string) => Promise<void>, done: string): Promise<boolean> {
    const epoch = this.ctx.epoch;
    try {
      await act(this.host.roomID());
      if (!this.ctx.isStale(epoch)) this.status.flash(done);
      return true;
    } catch (error) {
      if (!this.ctx.isStale(epoch))
        this.status.flash(describeServiceError(error, MODERATION_FAILURE).message);
      return false;
    }
  }

  /** The visit ended: the mute's timer stops. */
  dispose(): void {
    this.setMuted(null);
  }

  /** A new visit: comments on, no mute. */
  reset(): void {
    this.commentsOff = false;
    this.setMuted(null);
  }
}
