/** Room, call, co-host and chat decisions without a database (each feature's rules.ts). */
import { callSeat, mayEndCall } from '../../src/features/calls/rules';
import { chatText, requireLiveRoom, requireMayChat } from '../../src/features/chat/rules';
import {
  admitted,
  cohostViewerOf,
  endingBy,
  requestOutcome,
  requireMayRequest,
} from '../../src/features/cohosts/rules';
import { claimedRoom, mayMoveTo } from '../../src/features/rooms/rules';
import { refusal } from '../helpers/refusal';
import { CONSOLE_ACTOR } from '../../src/http/auth';
import type { Cohost, Room, User } from '../../src/store/types';

const user: User = { id: 'u1', nickname: '小明', avatarUrl: '', createdAt: 0 } as User;
const room = { id: 'r1', ownerId: 'anchor', status: 'live' } as Room;
const cohost = { roomId: 'r1', user, state: 'cohost', streamForbidden: false } as Cohost;

describe('claiming an invite', () => {
  it('gives the room to the winner and names every other outcome', () => {
    expect(claimedRoom({ ok: true, room }, 'r1')).toBe(room);
    const codes = (
      [
        'room_not_found',
        'invite_invalid',
        'invite_expired',
        'invite_used',
        'room_owned',
        'room_ended',
      ] as const
    ).map((reason) => refusal(() => claimedRoom({ ok: false, reason }, 'r1')));
    expect(codes).toEqual([
      '404 NOT_FOUND',
      '403 INVITE_INVALID',
      '410 INVITE_EXPIRED',
      '409 INVITE_USED',
      '409 ROOM_ALREADY_CLAIMED',
      '409 ROOM_ENDED',
    ]);
  });

  it('keeps an ended room ended', () => {
    expect(mayMoveTo({ status: 'ended' }, 'live')).toBe(false);
    expect(mayMoveTo({ status: 'ended' }, 'ended')).toBe(true);
    expect(mayMoveTo({ status: 'paused' }, 'live')).toBe(true);
  });
});

describe('seating a call member', () => {
  it('seats a member on its own stream and refuses a third', () => {
    expect(callSeat({ ok: true, room, streamId: 'c1_u1', joined: true }, 'c1')).toBe('c1_u1');
    expect(refusal(() => callSeat({ ok: false, reason: 'call_full' }, 'c1'))).toBe('409 CALL_FULL');
    expect(refusal(() => callSeat({ ok: false, reason: 'room_ended' }, 'c1'))).toBe('409 ROOM_ENDED');
    expect(refusal(() => callSeat({ ok: false, reason: 'not_a_call' }, 'c1'))).toBe('404 NOT_FOUND');
  });

  it('lets only a member end a call', () => {
    expect(mayEndCall(['a', 'b'], 'b')).toBe(true);
    expect(mayEndCall(['a', 'b'], 'c')).toBe(false);
  });
});

describe('admitting a co-host', () => {
  it('refuses the anchor asking in its own room', () => {
    expect(refusal(() => requireMayRequest(room, 'anchor'))).toBe('403 FORBIDDEN');
    expect(refusal(() => requireMayRequest(room, 'u1'))).toBe('ok');
  });

  it('names why a request failed, with the limit', () => {
    expect(requestOutcome({ ok: true, cohost }, 'r1', 3)).toBe(cohost);
    expect(refusal(() => requestOutcome({ ok: false, reason: 'room_not_live' }, 'r1', 3))).toBe(
      '409 ROOM_NOT_LIVE',
    );
    expect(refusal(() => requestOutcome({ ok: false, reason: 'already_cohost' }, 'r1', 3))).toBe(
      '409 ALREADY_COHOST',
    );
    expect(() => requestOutcome({ ok: false, reason: 'full' }, 'r1', 3)).toThrow('already has 3 co-hosts');
  });

  it('admits once and says so; a repeated accept admits nobody new', () => {
    expect(admitted({ ok: true, cohost, accepted: true }, 'r1', 'u1', 3)).toEqual({ cohost, accepted: true });
    expect(admitted({ ok: true, cohost, accepted: false }, 'r1', 'u1', 3).accepted).toBe(false);
    expect(refusal(() => admitted({ ok: false, reason: 'request_not_found' }, 'r1', 'u1', 3))).toBe(
      '404 REQUEST_NOT_FOUND',
    );
    expect(refusal(() => admitted({ ok: false, reason: 'full' }, 'r1', 'u1', 3))).toBe('409 COHOST_FULL');
    expect(refusal(() => admitted({ ok: false, reason: 'room_ended' }, 'r1', 'u1', 3))).toBe(
      '409 ROOM_ENDED',
    );
  });

  it('shows the anchor and the operator everything, a viewer its own, and lets them end co-hosting', () => {
    const anchor = { kind: 'user', user: { ...user, id: 'anchor' }, tokenHash: 'h' } as const;
    const viewer = { kind: 'user', user, tokenHash: 'h' } as const;
    expect(cohostViewerOf({ kind: 'operator', operator: CONSOLE_ACTOR, tokenHash: null }, room)).toEqual({
      kind: 'manager',
    });
    expect(cohostViewerOf(anchor, room)).toEqual({ kind: 'manager' });
    expect(cohostViewerOf(viewer, room)).toEqual({ kind: 'viewer', userId: 'u1' });
    expect(cohostViewerOf({ kind: 'anonymous' }, room)).toEqual({ kind: 'anonymous' });
    expect(endingBy(viewer, room, 'u1')).toBe('self');
    expect(endingBy(anchor, room, 'u1')).toBe('manager');
    expect(endingBy(viewer, room, 'u2')).toBeNull();
  });
});

describe('whether a chat line may be sent', () => {
  const standing = { commentsOff: false, mutedUntil: null, removed: false };

  it('needs a live or paused room', () => {
    expect(refusal(() => requireLiveRoom({ id: 'r1', status: 'idle' }))).toBe('409 ROOM_NOT_LIVE');
    expect(refusal(() => requireLiveRoom({ id: 'r1', status: 'paused' }))).toBe('ok');
  });

  it('trims the text and bounds it', () => {
    expect(chatText('  你好 ')).toBe('你好');
    expect(refusal(() => chatText('   '))).toBe('400 MESSAGE_EMPTY');
    expect(refusal(() => chatText('字'.repeat(101)))).toBe('400 MESSAGE_TOO_LONG');
    expect(chatText('字'.repeat(100))).toHaveLength(100);
  });

  it('refuses the removed, the muted, and viewers while comments are off (not the anchor)', () => {
    expect(refusal(() => requireMayChat({ ...standing, removed: true }, false))).toBe(
      '403 REMOVED_FROM_ROOM',
    );
    expect(refusal(() => requireMayChat({ ...standing, mutedUntil: 1 }, false))).toBe('403 CHAT_MUTED');
    expect(refusal(() => requireMayChat({ ...standing, commentsOff: true }, false))).toBe('403 COMMENTS_OFF');
    expect(refusal(() => requireMayChat({ ...standing, commentsOff: true }, true))).toBe('ok');
    expect(refusal(() => requireMayChat(standing, false))).toBe('ok');
  });
});
