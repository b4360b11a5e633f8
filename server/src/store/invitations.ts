/** Call invitations and call cards as the store keeps them (the repository: repos/invitations.ts). */
import type { CallMedia, InvitationState } from '@zego-live/contract';
import type { User } from './model';

/** One invitation: who called whom, how, and where it stands. */
export interface Invitation {
  id: string;
  callerId: string;
  calleeId: string;
  media: CallMedia;
  state: InvitationState;
  roomId: string;
  createdAt: number;
  ringUntil: number;
  /** When it left ringing (for an accepted one: when it was answered). */
  endedAt: number | null;
  calleeSeenAt: number | null;
}

/** An invitation with both parties and its call room's times (an answered call's duration). */
export interface CallRecord extends Invitation {
  caller: User;
  callee: User;
  /** When both were in the call room, and when it ended (null: not yet). */
  talkStartedAt: number | null;
  talkEndedAt: number | null;
}

/** A page of someone's call records, newest first. */
export interface CallRecordPage {
  records: CallRecord[];
  nextCursor: string | null;
}

/** What one guarded move out of ringing requires besides the state. */
export interface MoveGuard {
  /** Only this party may make the move. */
  by?: { column: 'caller_id' | 'callee_id'; userId: string };
  /** The move is refused once the ring time is over (an answer after the timeout is too late). */
  beforeRingEnd?: number;
}

export interface InvitationRepository {
  /**
   * Stores a new invitation, ringing unless the callee is busy (a party to a ringing invitation, or to an accepted
   * one whose call has not ended): then it is stored as 'busy'. Decided under a lock on both users, so of two
   * callers ringing one callee at once exactly one rings.
   */
  create(invitation: Omit<Invitation, 'state' | 'endedAt' | 'calleeSeenAt'>): Promise<Invitation>;
  get(id: string): Promise<Invitation | null>;
  /** Moves a ringing invitation to `to` in one conditional UPDATE; null when it was no longer ringing (or guarded). */
  move(id: string, to: InvitationState, now: number, guard?: MoveGuard): Promise<Invitation | null>;
  /** Moves every invitation still ringing at `now` past its ring time to 'timeout' (each exactly once). */
  sweepTimeouts(now: number): Promise<Invitation[]>;
  /** The invitations ringing for this callee now (what a device that connects should ring for). */
  ringingFor(calleeId: string, now: number): Promise<Invitation[]>;
  /** Records the missed-call message's outcome (0 sent, else WeChat's errcode). */
  setNotice(id: string, errcode: number): Promise<void>;
  /** The user's call records, newest first (the cursor is opaque; InvalidCursorError for a foreign one). */
  records(userId: string, page: { cursor?: string; limit: number }): Promise<CallRecordPage>;
  /** Missed calls (timeout, cancelled, busy) the callee has not seen. */
  unseenMissed(userId: string): Promise<number>;
  /** Marks every missed call of the callee seen. */
  markSeen(userId: string, now: number): Promise<void>;
  /** Whether the two have any invitation between them, either way. */
  haveRecord(a: string, b: string): Promise<boolean>;
  /** Stores a call card of the user's. */
  createCard(code: string, userId: string, now: number): Promise<void>;
  /** The user who shared the card, or null. */
  cardOwner(code: string): Promise<string | null>;
}
