/** The invitation's table, every state x event, and the decisions around it, without a database. */
import type { InvitationState } from '@zego-live/contract';
import {
  checkActor,
  firstInvitationState,
  INVITATION_TABLE,
  mayCall,
  nextInvitationState,
  recordOutcome,
  type InvitationEvent,
} from '../../src/features/calls/invitation-rules';

const STATES: InvitationState[] = [
  'ringing',
  'accepted',
  'declined',
  'cancelled',
  'timeout',
  'busy',
  'failed',
];
const EVENTS: InvitationEvent[] = ['accept', 'decline', 'cancel', 'timeout', 'fail'];

describe('the invitation table', () => {
  test('every state x event: only ringing moves, each event to its own outcome; every outcome is final', () => {
    const table = STATES.map((state) => [state, EVENTS.map((event) => nextInvitationState(state, event))]);
    expect(table).toEqual([
      ['ringing', ['accepted', 'declined', 'cancelled', 'timeout', 'failed']],
      ['accepted', [null, null, null, null, null]],
      ['declined', [null, null, null, null, null]],
      ['cancelled', [null, null, null, null, null]],
      ['timeout', [null, null, null, null, null]],
      ['busy', [null, null, null, null, null]],
      ['failed', [null, null, null, null, null]],
    ]);
    expect(Object.keys(INVITATION_TABLE).sort()).toEqual([...STATES].sort());
  });

  test('a new invitation rings unless the callee is busy', () => {
    expect(firstInvitationState(false)).toBe('ringing');
    expect(firstInvitationState(true)).toBe('busy');
  });

  test('the callee answers, the caller cancels, nobody else; the clock is no party', () => {
    const invitation = { callerId: 'ana', calleeId: 'bo' };
    expect(() => checkActor('accept', invitation, 'bo')).not.toThrow();
    expect(() => checkActor('decline', invitation, 'bo')).not.toThrow();
    expect(() => checkActor('cancel', invitation, 'ana')).not.toThrow();
    for (const [event, user] of [
      ['accept', 'ana'],
      ['decline', 'ana'],
      ['cancel', 'bo'],
      ['accept', 'eve'],
      ['timeout', 'ana'],
      ['fail', 'bo'],
    ] as const) {
      expect(() => checkActor(event, invitation, user)).toThrow(expect.objectContaining({ statusCode: 403 }));
    }
  });

  test('whom one may call: someone in one’s records, or the sharer of the card one opened', () => {
    expect(mayCall({ haveRecord: true, cardOwnerId: null }, 'bo')).toBe(true);
    expect(mayCall({ haveRecord: false, cardOwnerId: 'bo' }, 'bo')).toBe(true);
    expect(mayCall({ haveRecord: false, cardOwnerId: 'cy' }, 'bo')).toBe(false);
    expect(mayCall({ haveRecord: false, cardOwnerId: null }, 'bo')).toBe(false);
  });

  test('what each side’s records show', () => {
    const sides = STATES.map((state) => [
      state,
      recordOutcome(state, 'caller'),
      recordOutcome(state, 'callee'),
    ]);
    expect(sides).toEqual([
      ['ringing', 'ringing', 'ringing'],
      ['accepted', 'answered', 'answered'],
      ['declined', 'declined', 'declined'],
      ['cancelled', 'cancelled', 'missed'],
      ['timeout', 'no_answer', 'missed'],
      ['busy', 'busy', 'missed'],
      ['failed', 'failed', 'failed'],
    ]);
  });
});
