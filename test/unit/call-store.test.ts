/**
 * The call part on one device: an incoming invitation rings (ringtone + vibration) and every outcome stops it, the
 * caller sees 「正在呼叫…」 then its outcome, a device that did not answer reads 「已在其他设备接听」, an accepted
 * call leads into the call room once, hiding stops the ring, the records and the missed-call badge.
 */
import type { AppEvent, InvitationState } from '@zego-live/contract';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configure } from 'mobx-miniprogram';
import { ApiError, type ApiInvitation } from '../../miniprogram/services/api-client';
import { CallStore } from '../../miniprogram/stores/calls';
import { RING_EVENTS, RING_PHASES, RING_TABLE } from '../../miniprogram/utils/ring-table';
import { renderRingTable } from '../../scripts/ring-table-doc';

configure({ enforceActions: 'observed' });

const ANA = { id: 'u_ana', nickname: '小明', avatarUrl: '' };
const BO = { id: 'u_bo', nickname: '小红', avatarUrl: '' };

const invitation = (state: InvitationState, media: 'video' | 'audio' = 'video'): ApiInvitation => ({
  id: 'c1',
  state,
  media,
  caller: ANA,
  callee: BO,
  roomId: 'r1',
  ringUntil: 30_000,
});

function device(me: string) {
  const ringer = { ringing: false, start: jest.fn(), stop: jest.fn() };
  ringer.start.mockImplementation(() => (ringer.ringing = true));
  ringer.stop.mockImplementation(() => (ringer.ringing = false));
  const api = {
    newCallCard: jest.fn(async () => ({ card: 'card-1' })),
    callPerson: jest.fn(async () => ({ invitation: invitation('ringing') })),
    answerCall: jest.fn(async (_id: string, move: string) => ({
      invitation: invitation(move === 'accept' ? 'accepted' : move === 'decline' ? 'declined' : 'cancelled'),
    })),
    switchCallMedia: jest.fn(async () => ({ ok: true })),
    listCalls: jest.fn(async () => ({ records: [], nextCursor: null, unseenMissed: 2 })),
    markCallsSeen: jest.fn(async () => ({ unseenMissed: 0 })),
    config: jest.fn(async () => ({
      appID: 1,
      server: [],
      configured: true,
      authMode: 'wechat' as const,
      callTemplateId: 'tmpl-missed',
    })),
  };
  const ask = jest.fn(async () => 'accept' as const);
  const store = new CallStore({
    api,
    currentUserID: () => me,
    ringer,
    platform: () => ({ requestSubscribeMessage: ask }),
  });
  return { store, ringer, api, ask };
}

const invited: AppEvent = { type: 'call.invited', invitation: invitation('ringing') };
const updated = (state: InvitationState): AppEvent => ({
  type: 'call.updated',
  invitation: invitation(state),
});

describe('the callee', () => {
  test('rings on call.invited with the caller shown; accepting stops the ring and leads into the call once', async () => {
    const { store, ringer, api } = device(BO.id);
    store.receive(invited);
    expect(store.incoming?.id).toBe('c1');
    expect(store.peer).toEqual(ANA);
    expect(ringer.ringing).toBe(true);
    await store.accept();
    expect(api.answerCall).toHaveBeenCalledWith('c1', 'accept');
    expect(ringer.ringing).toBe(false);
    expect(store.answered).toEqual({ invitationId: 'c1', roomId: 'r1', media: 'video' });
    store.tookAnswered();
    // The channel's own event for the same acceptance does not lead in again.
    store.receive(updated('accepted'));
    expect(store.answered).toBeNull();
    expect(store.outcome).toBe('');
  });

  test.each([
    ['cancelled', '对方已取消'],
    ['timeout', '未接来电'],
    ['accepted', '已在其他设备接听'],
    ['failed', '通话未能接通'],
  ] as const)('%s while ringing here: the ring stops and it reads %s', (state, text) => {
    const { store, ringer } = device(BO.id);
    store.receive(invited);
    store.receive(updated(state));
    expect(ringer.ringing).toBe(false);
    expect(store.incoming).toBeNull();
    expect(store.outcome).toBe(text);
    expect(store.answered).toBeNull();
  });

  test('declining stops the ring; hiding the app stops it too', async () => {
    const { store, ringer } = device(BO.id);
    store.receive(invited);
    store.hide();
    expect(ringer.ringing).toBe(false);
    await store.decline();
    expect(store.outcome).toBe('已拒绝');
  });

  test('answering too late (answered on the other device first) reads the catalog’s words, never English', async () => {
    const { store, ringer, api } = device(BO.id);
    api.answerCall.mockRejectedValueOnce(
      new ApiError('INVITATION_ENDED', 'The invitation has already ended', 409),
    );
    store.receive(invited);
    await store.accept();
    expect(ringer.ringing).toBe(false);
    expect(store.outcome).toBe('这次呼叫已经结束了');
  });

  test('another user’s invitation never rings here', () => {
    const { store, ringer } = device('u_someone_else');
    store.receive(invited);
    expect(ringer.start).not.toHaveBeenCalled();
  });
});

describe('the caller', () => {
  test('「正在呼叫…」 until the callee accepts, then into the call', async () => {
    const { store, api } = device(ANA.id);
    await store.call(BO.id, 'audio');
    expect(api.callPerson).toHaveBeenCalledWith(BO.id, 'audio', undefined);
    expect(store.outgoing?.id).toBe('c1');
    expect(store.peer).toEqual(BO);
    store.receive(updated('accepted'));
    expect(store.outgoing).toBeNull();
    expect(store.answered?.roomId).toBe('r1');
  });

  test.each([
    ['declined', '对方已拒绝'],
    ['timeout', '对方无应答'],
  ] as const)('%s: it reads %s', async (state, text) => {
    const { store } = device(ANA.id);
    await store.call(BO.id, 'video');
    store.receive(updated(state));
    expect(store.outcome).toBe(text);
    expect(store.outgoing).toBeNull();
  });

  test('busy is answered at once: 「对方忙线中」, nothing rings', async () => {
    const { store, api } = device(ANA.id);
    api.callPerson.mockResolvedValueOnce({ invitation: invitation('busy') });
    await store.call(BO.id, 'video');
    expect(store.outgoing).toBeNull();
    expect(store.outcome).toBe('对方忙线中');
  });

  test('cancelling: 「已取消」; a refused call reads the catalog’s words', async () => {
    const { store, api } = device(ANA.id);
    await store.call(BO.id, 'video');
    await store.cancel();
    expect(store.outcome).toBe('已取消');
    api.callPerson.mockRejectedValueOnce(new ApiError('CALL_NOT_ALLOWED', 'You may call people…', 403));
    await store.call('u_stranger', 'video');
    expect(store.error).toBe('只能呼叫通话记录里的人，或分享「和我视频通话」给你的人');
  });

  test('the other side switching to audio is passed to the call page', () => {
    const { store } = device(ANA.id);
    store.receive({ type: 'call.media', roomId: 'r1', media: 'audio', by: BO.id });
    expect(store.switchedTo).toEqual({ roomId: 'r1', media: 'audio' });
  });
});

test('records: the badge until seen; the missed-call message asked for with the configured template', async () => {
  const { store, api, ask } = device(BO.id);
  await store.loadRecords();
  expect(store.unseenMissed).toBe(2);
  await store.markSeen();
  expect(store.unseenMissed).toBe(0);
  expect(api.markCallsSeen).toHaveBeenCalledTimes(1);
  await store.loadMissedNotice();
  expect(store.missedNotice).toBe('available');
  await store.askMissedNotice();
  expect(ask).toHaveBeenCalledWith('tmpl-missed');
  expect(store.missedNotice).toBe('subscribed');
});

describe('the ring table (utils/ring-table.ts)', () => {
  test('every outcome out of ringing stops the ring; only an invitation starts it; a busy line refuses a second', () => {
    for (const event of ['answer', 'accepted', 'elsewhere', 'ended', 'refused', 'hide', 'reset'] as const) {
      expect(RING_TABLE.ringing[event]?.ring).toBe('stop');
    }
    const starts = RING_PHASES.flatMap((phase) =>
      RING_EVENTS.filter((event) => RING_TABLE[phase][event]?.ring === 'start').map(
        (event) => `${phase}:${event}`,
      ),
    );
    expect(starts).toEqual(['idle:invited', 'ended:invited']);
    expect(RING_TABLE.ringing.invited).toBeUndefined();
    expect(RING_TABLE.calling.invited).toBeUndefined();
    expect(RING_TABLE.answered.invited).toBeUndefined();
  });

  test('the store follows it: a second invitation while one rings here does not ring', () => {
    const { store, ringer } = device(BO.id);
    store.receive(invited);
    store.receive({ type: 'call.invited', invitation: { ...invitation('ringing'), id: 'c2' } });
    expect(ringer.start).toHaveBeenCalledTimes(1);
    expect(store.incoming?.id).toBe('c1');
    expect(store.phase).toBe('ringing');
  });

  test('the rendered doc (docs/ring-table.md) is the table as it is: run `npm run docs:session` after a change', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'ring-table.md'), 'utf8');
    expect(doc).toBe(renderRingTable());
  });
});
