/**
 * A 1v1 call on the session: both members publish their own stream and play the other's, in ZEGO's order, with
 * every native event forwarded under its own stream ID; the peer leaving or hanging up ends the call with its
 * duration; the existing resilience (drop, phone call, background, token renewal) holds during a call.
 */
import { RECONNECT_BACKOFF_MS, STATS_INTERVAL_MS } from '../../miniprogram/pages/stores/live-session';
import {
  CALLEE,
  OWN_CALL_STREAM,
  PEER_CALL_STREAM,
  ROOM,
  advance,
  callConnected,
  callerWaiting,
  calleeUser,
  settle,
} from './session-harness';
import type { Harness } from './session-harness';

/** The first argument of each platform call of this name. */
const platformCalls = (h: Harness, name: string) =>
  h.log.entries.filter((e) => e.source === 'platform' && e.name === name).map((e) => e.args[0]);

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(Date.parse('2026-12-01T10:00:00.000Z'));
});

afterEach(() => {
  jest.useRealTimers();
});

describe('a call', () => {
  it('joins with a call token, asks for camera and microphone, publishes its own stream at once', async () => {
    const h = await callerWaiting();
    expect(h.api.callsOf('getRoomToken')).toEqual([[ROOM, 'call']]);
    expect(platformCalls(h, 'authorize')).toEqual(['scope.camera', 'scope.record']);
    expect(h.session.phase).toBe('calling');
    expect(h.session.statusText).toBe('等待对方加入…');
    // SDK first (the URL), then the URL on the pusher, then start()
    const publish = h.log.indexOf('startPublishingStream');
    expect(h.engine.callsOf('startPublishingStream')).toEqual([[OWN_CALL_STREAM]]);
    expect(h.log.indexOf('startPusher')).toBeGreaterThan(publish);
    expect(h.session.pusher).toMatchObject({ streamID: OWN_CALL_STREAM, state: 'PUBLISHING' });
    expect(h.session.pusher?.url).toMatch(/^rtmp:/);
    expect(platformCalls(h, 'setKeepScreenOn')).toEqual([true]);
  });

  it('plays the peer when its stream arrives; connected once the peer plays', async () => {
    const h = await callConnected();
    expect(h.engine.callsOf('startPlayingStream')).toEqual([[PEER_CALL_STREAM]]);
    expect(h.log.indexOf('playPlayer')).toBeGreaterThan(h.log.indexOf('startPlayingStream'));
    expect(h.session.players).toMatchObject([
      { streamID: PEER_CALL_STREAM, userName: '小红', state: 'PLAYING' },
    ]);
    expect(h.session.callPeer).toEqual(calleeUser);
    expect(h.session.callConnected).toBe(true);
    expect(h.session.statusText).toBe('通话中');
  });

  it('forwards each component’s statechange and netstatus with its own stream ID', async () => {
    const { session, engine } = await callConnected();
    session.onPusherStateChange({ detail: { code: 1002 } });
    session.onPlayerStateChange(PEER_CALL_STREAM, { detail: { code: 2004 } });
    session.onPusherNetStatus({ detail: { info: { videoBitrate: 500 } } });
    session.onPlayerNetStatus(PEER_CALL_STREAM, { detail: { info: { videoBitrate: 700 } } });
    expect(engine.callsOf('updatePlayerState')).toEqual([
      [OWN_CALL_STREAM, { detail: { code: 1002 } }],
      [PEER_CALL_STREAM, { detail: { code: 2004 } }],
    ]);
    expect(engine.callsOf('updatePlayerNetStatus')).toEqual([
      [OWN_CALL_STREAM, { detail: { info: { videoBitrate: 500 } } }],
      [PEER_CALL_STREAM, { detail: { info: { videoBitrate: 700 } } }],
    ]);
  });

  it('the peer hanging up (stream gone) ends the call with 对方已挂断 and the duration', async () => {
    const h = await callConnected();
    await advance(65_000);
    h.log.clear();
    h.engine.emit('roomStreamUpdate', {
      roomID: ROOM,
      updateType: 'DELETE',
      streams: [{ streamID: PEER_CALL_STREAM, user: calleeUser, extraInfo: '' }],
    });
    await settle();
    expect(h.session.phase).toBe('ended');
    expect(h.session.statusText).toBe('对方已挂断，通话时长 01:05');
    const names = h.log.names();
    expect(names.indexOf('stopPlayingStream')).toBeLessThan(names.indexOf('stopPlayer'));
    expect(names.indexOf('stopPublishingStream')).toBeLessThan(names.indexOf('stopPusher'));
    expect(names.lastIndexOf('logoutRoom')).toBeGreaterThan(names.indexOf('stopPusher'));
    expect(h.api.callsOf('endRoom')).toEqual([[ROOM]]);
    expect(h.engine.handler).toBeNull();
    expect(h.platform.listenerCount()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('the peer leaving the room (user gone) ends the call too', async () => {
    const h = await callConnected();
    h.engine.emit('roomUserUpdate', { roomID: ROOM, updateType: 'DELETE', users: [calleeUser] });
    await settle();
    expect(h.session.phase).toBe('ended');
    expect(h.session.callSummary).toMatch(/^对方已挂断/);
  });

  it('another user leaving does not end the call', async () => {
    const h = await callConnected();
    h.engine.emit('roomUserUpdate', {
      roomID: ROOM,
      updateType: 'DELETE',
      users: [{ userID: 'someone-else', userName: '路人' }],
    });
    await settle();
    expect(h.session.phase).toBe('calling');
  });

  it('hang up: the SDK stops each stream before its component, logout comes last, the service ends the call', async () => {
    const h = await callConnected();
    await advance(3_000);
    h.log.clear();
    await h.session.hangUp();
    await settle();
    const names = h.log.names();
    expect(names).toEqual(
      expect.arrayContaining(['stopPublishingStream', 'stopPusher', 'stopPlayingStream', 'stopPlayer']),
    );
    expect(names.indexOf('stopPublishingStream')).toBeLessThan(names.indexOf('stopPusher'));
    expect(names.indexOf('stopPlayingStream')).toBeLessThan(names.indexOf('stopPlayer'));
    const logout = names.indexOf('logoutRoom');
    for (const stop of ['stopPusher', 'stopPlayer']) expect(logout).toBeGreaterThan(names.indexOf(stop));
    expect(names.indexOf('endRoom')).toBeGreaterThan(logout);
    expect(h.session.phase).toBe('ended');
    expect(h.session.statusText).toBe('通话已结束，通话时长 00:03');
  });

  it('a hang-up before the peer came says so without a duration', async () => {
    const h = await callerWaiting();
    await h.session.hangUp();
    expect(h.session.statusText).toBe('通话已结束');
  });

  it('the service refusing a third member (CALL_FULL) shows 通话已满 and publishes nothing', async () => {
    const h = await callConnected();
    h.session.leave();
    const { ApiError } = await import('../../miniprogram/services/api');
    h.api.fail('getRoomToken', new ApiError('CALL_FULL', 'This call already has two members', 409), 1);
    h.engine.calls.length = 0;
    await h.session.start({ roomID: ROOM, role: 'call' });
    await settle();
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toMatchObject({
      code: 'CALL_FULL',
      message: '通话已满，无法加入',
      action: 'leave',
    });
    expect(h.engine.callsOf('loginRoom')).toEqual([]);
    expect(h.engine.callsOf('startPublishingStream')).toEqual([]);
  });
});

describe('faults during a call', () => {
  it('a network drop: reconnecting, then both streams again with fresh URLs, back to calling', async () => {
    const h = await callConnected();
    h.platform.network(false);
    expect(h.session.phase).toBe('reconnecting');
    h.log.clear();
    h.platform.network(true);
    await settle();
    expect(h.engine.callsOf('startPublishingStream')).toEqual([[OWN_CALL_STREAM], [OWN_CALL_STREAM]]);
    expect(h.engine.callsOf('startPlayingStream')).toEqual([[PEER_CALL_STREAM], [PEER_CALL_STREAM]]);
    expect(h.log.indexOf('startPusher')).toBeGreaterThan(h.log.indexOf('stopPusher'));
    expect(h.session.phase).toBe('calling');
    expect(h.session.notice).toBe('');
  });

  it('a drop that never recovers gives up after the policy’s attempts with a retry button', async () => {
    const h = await callConnected();
    h.platform.network(false);
    await advance(RECONNECT_BACKOFF_MS.reduce((a, b) => a + b, 0));
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toMatchObject({ code: 'RECONNECT_FAILED', action: 'retry' });
  });

  it('each member sends a heartbeat every 10 s; when the service says the call ended, it ends here too', async () => {
    const h = await callConnected();
    await advance(STATS_INTERVAL_MS);
    expect(h.api.callsOf('heartbeat')).toEqual([[ROOM]]);
    expect(h.api.callsOf('reportStats')).toEqual([]);
    h.api.roomStatus = 'ended';
    await advance(STATS_INTERVAL_MS);
    expect(h.session.phase).toBe('ended');
    expect(h.session.callSummary).toMatch(/^对方已挂断/);
    await advance(STATS_INTERVAL_MS * 3);
    expect(h.api.callsOf('heartbeat')).toHaveLength(2);
  });

  it('a phone call pauses the call and resumes both components after it', async () => {
    const h = await callConnected();
    h.platform.audioInterruptionBegin();
    expect(h.session.phase).toBe('interrupted');
    expect(h.session.statusText).toBe('来电中，通话已暂停');
    h.log.clear();
    h.platform.audioInterruptionEnd();
    expect(h.session.phase).toBe('calling');
    expect(h.log.names()).toEqual(expect.arrayContaining(['resumePusher', 'resumePlayer']));
  });

  it('the background pauses the pusher and stops the player; shown again, both come back', async () => {
    const h = await callConnected();
    h.log.clear();
    h.session.pageHidden();
    expect(h.log.names()).toEqual(['pausePusher', 'stopPlayingStream', 'stopPlayer']);
    h.log.clear();
    h.session.pageShown();
    await settle();
    expect(h.log.names()).toEqual(
      expect.arrayContaining(['resumePusher', 'startPlayingStream', 'playPlayer']),
    );
    expect(h.engine.callsOf('startPlayingStream').slice(-1)).toEqual([[PEER_CALL_STREAM]]);
  });

  it('tokenWillExpire renews with a call token', async () => {
    const h = await callConnected();
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    await settle();
    expect(h.api.callsOf('getRoomToken').slice(-1)).toEqual([[ROOM, 'call']]);
    expect(h.engine.callsOf('renewToken')).toHaveLength(1);
  });

  it('a kick-out (the same user signed in elsewhere) ends the call', async () => {
    const h = await callConnected();
    h.engine.emit('roomStateUpdate', {
      roomID: ROOM,
      state: 'DISCONNECTED',
      errorCode: 1002050,
      extendedData: '',
    });
    await settle();
    expect(h.session.phase).toBe('kicked');
    expect(h.engine.callsOf('logoutRoom')).toEqual([[ROOM]]);
  });

  it('no event is refused by the table along the way', async () => {
    const h = await callConnected();
    h.platform.network(false);
    h.platform.network(true);
    await settle();
    await h.session.hangUp();
    expect(h.refused).toEqual([]);
    expect(CALLEE).toBe('callee-2');
  });
});
