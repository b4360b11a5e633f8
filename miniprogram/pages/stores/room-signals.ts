/**
 * Room signals: ZEGO custom commands (IMRecvCustomCommand) and room extra info (roomExtraInfoUpdate). Commands are
 * hints between members (co-hosting will send "I asked", "you were accepted"): they are handed to whoever
 * subscribed, who must confirm anything that grants a privilege with the service before acting. Extra info is
 * room-wide state the service or the anchor publishes (the co-host layout), kept by key.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { RtcEvents, RtcUser } from '../../services/rtc-types';

/** One custom command from another member. */
export interface RoomCommand {
  fromUser: RtcUser;
  command: string;
}

/** The room's signalling. */
export class RoomSignals {
  /** Room extra info by key (the latest value of each). */
  extraInfo: Record<string, string> = {};
  private readonly listeners = new Set<(command: RoomCommand) => void>();

  constructor(private readonly roomID: () => string) {
    makeAutoObservable<RoomSignals, 'listeners' | 'roomID'>(
      this,
      { listeners: false, roomID: false },
      { autoBind: true },
    );
  }

  /** Subscribes to the room's custom commands; returns the unsubscribe. */
  onCommand(listener: (command: RoomCommand) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onCustomCommand(p: RtcEvents['IMRecvCustomCommand']): void {
    if (p.roomID !== this.roomID()) return;
    for (const listener of [...this.listeners]) listener({ fromUser: p.fromUser, command: p.command });
  }

  onRoomExtraInfo(p: RtcEvents['roomExtraInfoUpdate']): void {
    if (p.roomID !== this.roomID() || p.items.length === 0) return;
    const next = { ...this.extraInfo };
    for (const item of p.items) next[item.key] = item.value;
    this.extraInfo = next;
  }

  /** The visit is over: no extra info (subscribers are the visit's parts and stay). */
  reset(): void {
    this.extraInfo = {};
  }
}
