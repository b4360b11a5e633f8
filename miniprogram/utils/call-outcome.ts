/**
 * What a call's outcome reads on screen, for each side: the caller hears 「对方忙线中」「对方无应答」, the callee
 * 「未接来电」, a device that did not answer 「已在其他设备接听」. Pure: the call store and the pages use it.
 */
import type { InvitationState } from '@zego-live/contract';

/** How long the ring screen shows an outcome before it closes itself. */
export const OUTCOME_CLOSE_MS = 2500;

/** Which end of the call this device is. */
export type CallSide = 'caller' | 'callee';

/**
 * The words for an invitation that left ringing, seen from `side`; '' for an accepted call this device answered or
 * placed (it goes into the call instead). answeredHere: this device accepted it.
 */
export function outcomeText(state: InvitationState, side: CallSide, answeredHere: boolean): string {
  switch (state) {
    case 'accepted':
      return side === 'callee' && !answeredHere ? '已在其他设备接听' : '';
    case 'declined':
      return side === 'caller' ? '对方已拒绝' : '已拒绝';
    case 'cancelled':
      return side === 'caller' ? '已取消' : '对方已取消';
    case 'timeout':
      return side === 'caller' ? '对方无应答' : '未接来电';
    case 'busy':
      return side === 'caller' ? '对方忙线中' : '未接来电';
    case 'failed':
      return '通话未能接通';
    default:
      return '';
  }
}

/** A record's outcome as the records page lists it. */
export type RecordOutcome =
  'answered' | 'missed' | 'declined' | 'busy' | 'no_answer' | 'cancelled' | 'failed' | 'ringing';

/** The records page's words for an outcome (declined reads by who declined). */
export function recordText(outcome: RecordOutcome, direction: 'outgoing' | 'incoming'): string {
  const words: Record<RecordOutcome, string> = {
    answered: '已接通',
    missed: '未接来电',
    declined: direction === 'outgoing' ? '对方已拒绝' : '已拒绝',
    busy: '对方忙线中',
    no_answer: '对方无应答',
    cancelled: '已取消',
    failed: '未接通',
    ringing: '呼叫中',
  };
  return words[outcome];
}
