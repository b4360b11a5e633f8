/**
 * A call invitation's life as one table (state x event -> next state), and the decisions around it, as pure
 * functions: who may make each move, who may be called, what a refused move answers. The store makes each move with
 * one conditional write; these rules say what is allowed and what its outcome means.
 */
import type { InvitationState } from '@zego-live/contract';
import { ApiError } from '../../lib/errors';

/** What can happen to an invitation. */
export type InvitationEvent = 'accept' | 'decline' | 'cancel' | 'timeout' | 'fail';

/** The table: only a ringing invitation moves, each event to one outcome; every outcome is final. */
export const INVITATION_TABLE: Readonly<
  Record<InvitationState, Readonly<Partial<Record<InvitationEvent, InvitationState>>>>
> = {
  ringing: {
    accept: 'accepted',
    decline: 'declined',
    cancel: 'cancelled',
    timeout: 'timeout',
    fail: 'failed',
  },
  accepted: {},
  declined: {},
  cancelled: {},
  timeout: {},
  busy: {},
  failed: {},
};

/** The state an event moves an invitation to, or null when the table has no such move. */
export const nextInvitationState = (state: InvitationState, event: InvitationEvent): InvitationState | null =>
  INVITATION_TABLE[state][event] ?? null;

/** Who makes each event: the callee answers, the caller cancels, the service times out and fails. */
export const INVITATION_ACTOR: Readonly<Record<InvitationEvent, 'callee' | 'caller' | 'service'>> = {
  accept: 'callee',
  decline: 'callee',
  cancel: 'caller',
  timeout: 'service',
  fail: 'service',
};

/** The new invitation's state: busy when the callee is already in a call or ringing, else ringing. */
export const firstInvitationState = (calleeBusy: boolean): InvitationState =>
  calleeBusy ? 'busy' : 'ringing';

/** Whom one may call: someone in one's call records, or the user who shared the card one opened. Nobody else. */
export function mayCall(
  facts: { haveRecord: boolean; cardOwnerId: string | null },
  calleeId: string,
): boolean {
  return facts.haveRecord || facts.cardOwnerId === calleeId;
}

/** 403 for a party who may not make this move (the caller answering, the callee cancelling, a stranger). */
export function checkActor(
  event: InvitationEvent,
  invitation: { callerId: string; calleeId: string },
  userId: string,
): void {
  const actor = INVITATION_ACTOR[event];
  const party = actor === 'callee' ? invitation.calleeId : actor === 'caller' ? invitation.callerId : null;
  if (party !== userId)
    throw new ApiError(403, 'FORBIDDEN', `Only the ${actor} may ${event} this invitation`);
}

/** 409 INVITATION_ENDED naming the outcome it already reached (the app shows that outcome instead). */
export const invitationEnded = (state: InvitationState): ApiError =>
  new ApiError(409, 'INVITATION_ENDED', `The invitation has already ended: ${state}`);

/** How a call ended, from one party's side (what its records show). */
export type RecordOutcome =
  'answered' | 'missed' | 'declined' | 'busy' | 'no_answer' | 'cancelled' | 'failed' | 'ringing';

/** The outcome a party's records show: what the caller sees as no answer or busy, the callee sees as missed. */
export function recordOutcome(state: InvitationState, side: 'caller' | 'callee'): RecordOutcome {
  switch (state) {
    case 'accepted':
      return 'answered';
    case 'timeout':
      return side === 'caller' ? 'no_answer' : 'missed';
    case 'busy':
      return side === 'caller' ? 'busy' : 'missed';
    case 'cancelled':
      return side === 'caller' ? 'cancelled' : 'missed';
    default:
      return state;
  }
}
