/**
 * The 1v1 call: who the other member is, when the two were first connected (the other's video playing), and how
 * the call ended. The peer leaving the room (its stream or its user deleted) ends the call for this side.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { ApiRoom } from '../../services/api-client';
import type { RtcEvents, RtcUser } from '../../services/rtc-types';

/** How a call ended. */
export type CallEnd = 'peerLeft' | 'hungUp';

/** The peer's end, as the screen says it. */
export const PEER_LEFT_TEXT = '对方已挂断';

/** The call's own state. */
export class CallState {
  /** The other member, once seen in the room. */
  peer: RtcUser | null = null;
  /** Epoch ms when the other's video first played; null until then. */
  connectedAt: number | null = null;
  /** How long the two were connected, when the call ended. */
  durationMs = 0;
  endedBy: CallEnd | null = null;

  constructor(
    /** The own user ID in the room. */
    private readonly ownUserID: () => string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    makeAutoObservable<CallState, 'ownUserID' | 'now'>(
      this,
      { ownUserID: false, now: false },
      { autoBind: true },
    );
  }

  /** roomUserUpdate: the peer arrived, or left (true: the call is over for us). */
  onRoomUserUpdate(p: RtcEvents['roomUserUpdate']): boolean {
    const others = p.users.filter((u) => u.userID !== this.ownUserID());
    if (p.updateType === 'ADD') {
      if (!this.peer && others.length > 0) this.peer = others[0];
      return false;
    }
    return !!this.peer && others.some((u) => u.userID === this.peer?.userID);
  }

  /** roomStreamUpdate: the peer's stream arrived (we learn who it is) or went (true: the call is over). */
  onRoomStreamUpdate(p: RtcEvents['roomStreamUpdate']): boolean {
    const others = p.streams.filter((s) => s.user.userID !== this.ownUserID());
    if (p.updateType === 'ADD') {
      if (!this.peer && others.length > 0) this.peer = others[0].user;
      return false;
    }
    return others.length > 0;
  }

  /** The other's video plays: the call is connected from now (the first time). */
  connected(): void {
    if (this.connectedAt === null) this.connectedAt = this.now();
  }

  /** The call is over: its duration fixed. */
  end(by: CallEnd): void {
    if (this.endedBy) return;
    this.endedBy = by;
    this.durationMs = this.connectedAt === null ? 0 : Math.max(0, this.now() - this.connectedAt);
  }

  /** A new call. */
  reset(): void {
    this.peer = null;
    this.connectedAt = null;
    this.durationMs = 0;
    this.endedBy = null;
  }
}

/** mm:ss (or h:mm:ss) of a duration. */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Why a user cannot join this room as a call member (title and message for the screen), or null when they can. */
export function callRefusal(room: ApiRoom, userID: string): { title: string; message: string } | null {
  if ((room.kind ?? 'live') !== 'call')
    return { title: '这不是通话邀请', message: '这个链接是直播间，不是视频通话' };
  if (room.status === 'ended') return { title: '通话已结束', message: '对方已经挂断了这个通话' };
  const members = room.members ?? [];
  if (members.length >= 2 && !members.some((m) => m.id === userID)) {
    return { title: '通话已满', message: '这个通话已经有两个人了，无法加入' };
  }
  return null;
}
