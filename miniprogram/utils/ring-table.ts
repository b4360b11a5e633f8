/**
 * The call part's own table, beside the live session's (pages/stores/session-table.ts): where this device stands
 * with a call invitation (placing one, ringing, answered, ended) and what moves it, with the ring started or stopped
 * by the move itself, so no outcome can leave the phone ringing. An event a phase does not list is refused, never
 * applied. scripts/ring-table-doc.ts writes it as Markdown (docs/ring-table.md, kept fresh by a test).
 */

/** Where this device stands with an invitation. */
export type RingPhase =
  /** Nothing rings and nothing is being placed. */
  | 'idle'
  /** This device placed a call that rings on the other side (「正在呼叫…」). */
  | 'calling'
  /** A call rings here (接听 / 拒绝, the ringtone, the vibration). */
  | 'ringing'
  /** Accepted: this device goes into the call room (the ring screen opens the call page). */
  | 'answered'
  /** It ended without a call here; the outcome is shown (对方忙线中, 对方无应答, 未接来电, 已在其他设备接听...). */
  | 'ended';

/** What happens. */
export type RingEvent =
  /** This device placed a call and the service rang the callee. */
  | 'place'
  /** This device placed a call and the service answered busy at once. */
  | 'busy'
  /** The channel: a call for this user rings (call.invited). */
  | 'invited'
  /** 接听 tapped here (the ring stops while the service decides). */
  | 'answer'
  /** Accepted: by the callee (this device is the caller) or on this device. */
  | 'accepted'
  /** Accepted on another of this user's devices. */
  | 'elsewhere'
  /** Declined, cancelled, timed out or failed: an outcome without a call. */
  | 'ended'
  /** The service refused this device's answer or cancel (too late, not allowed). */
  | 'refused'
  /** The app or the ring screen hid: the ring stops (the invitation rings on at the service until its timeout). */
  | 'hide'
  /** The ring screen opened the call page, or closed on the outcome. */
  | 'done'
  /** Signed out. */
  | 'reset';

/** One move: the next phase, and whether the ring starts or stops with it. */
export interface RingTransition {
  to: RingPhase;
  ring?: 'start' | 'stop';
}

/** Every phase, in the table's order. */
export const RING_PHASES: readonly RingPhase[] = ['idle', 'calling', 'ringing', 'answered', 'ended'];
/** Every event, in the table's order. */
export const RING_EVENTS: readonly RingEvent[] = [
  'place',
  'busy',
  'invited',
  'answer',
  'accepted',
  'elsewhere',
  'ended',
  'refused',
  'hide',
  'done',
  'reset',
];

const RESET: RingTransition = { to: 'idle', ring: 'stop' };

/** The table: phase x event -> move. */
export const RING_TABLE: Readonly<Record<RingPhase, Partial<Record<RingEvent, RingTransition>>>> = {
  idle: {
    place: { to: 'calling' },
    busy: { to: 'ended' },
    invited: { to: 'ringing', ring: 'start' },
    reset: RESET,
  },
  calling: {
    accepted: { to: 'answered' },
    ended: { to: 'ended' },
    refused: { to: 'ended' },
    reset: RESET,
  },
  ringing: {
    answer: { to: 'ringing', ring: 'stop' },
    accepted: { to: 'answered', ring: 'stop' },
    elsewhere: { to: 'ended', ring: 'stop' },
    ended: { to: 'ended', ring: 'stop' },
    refused: { to: 'ended', ring: 'stop' },
    hide: { to: 'ringing', ring: 'stop' },
    reset: RESET,
  },
  answered: { done: { to: 'idle' }, reset: RESET },
  ended: {
    place: { to: 'calling' },
    busy: { to: 'ended' },
    invited: { to: 'ringing', ring: 'start' },
    done: { to: 'idle' },
    reset: RESET,
  },
};
