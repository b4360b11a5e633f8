/**
 * Faults while on air or watching, driven by fake timers: network drops, room reconnection, native stream errors,
 * phone calls, background, token expiry and kick-out. Each ends in a state the user can see and act on.
 */
import { RECONNECT_BACKOFF_MS, TOKEN_RETRY_MS } from '../../miniprogram/pages/stores/live-session';
import {
  ANCHOR_STREAM,
  ROOM,
  advance,
  anchorLive,
  anchorUser,
  settle,
  viewerWatching,
} from './session-harness';
import type { Harness } from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

const room = (h: Harness, state: 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED', errorCode = 0) =>
  h.engine.emit('roomStateUpdate', { roomID: ROOM, state, errorCode, extendedData: '' });

const publishing = (h: Harness) =>
  h.engine.emit('publisherStateUpdate', {
    streamID: ANCHOR_STREAM,
    state: 'PUBLISHING',
    errorCode: 0,
    extendedData: '',
  });

const playing = (h: Harness) =>
  h.engine.emit('playerStateUpdate', {
    streamID: ANCHOR_STREAM,
    state: 'PLAYING',
    errorCode: 0,
    extendedData: '',
  });

/** Nothing is left running: no SDK handler, no platform listener, no timer, screen may sleep. */
function expectNothingLeft(h: Harness): void {
  expect(h.engine.handler).toBeNull();
  expect(h.engine.listenerCount()).toBe(0);
  expect(h.platform.listenerCount()).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
  expect(h.platform.keepScreenOn).toBe(false);
}

describe('network drop while live', () => {
  it('shows reconnecting, and republishes with a fresh URL once the network and the room are back', async () => {
    const h = await anchorLive();
    const firstURL = h.session.pusher?.url;
    h.platform.network(false);
    room(h, 'CONNECTING');
    expect(h.session.phase).toBe('reconnecting');
    expect(h.session.notice).toBe('网络已断开，等待网络恢复…');
    expect(h.session.statusText).toBe('网络不稳定，正在重连…');

    await advance(1000); // first attempt: still offline
    expect(h.session.phase).toBe('reconnecting');
    h.log.clear();
    h.platform.network(true);
    await settle();
    room(h, 'CONNECTED');
    await settle();
    expect(h.log.names()).toEqual(
      expect.arrayContaining(['stopPublishingStream', 'stopPusher', 'startPublishingStream', 'startPusher']),
    );
    expect(h.log.indexOf('stopPublishingStream')).toBeLessThan(h.log.indexOf('stopPusher'));
    expect(h.log.indexOf('startPublishingStream')).toBeLessThan(h.log.indexOf('startPusher'));
    expect(h.session.pusher?.url).not.toBe(firstURL);
    expect(h.session.phase).toBe('live');
    expect(h.session.notice).toBe('');
    expect(h.platform.keepScreenOn).toBe(true);
  });

  it('gives up after the bounded, backed-off attempts with a retry button; retry goes live again', async () => {
    const h = await anchorLive();
    h.platform.network(false);
    room(h, 'CONNECTING');
    const total = RECONNECT_BACKOFF_MS.reduce((a, b) => a + b, 0);
    await advance(total - 1);
    expect(h.session.phase).toBe('reconnecting');
    await advance(1);
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toMatchObject({ code: 'RECONNECT_FAILED', action: 'retry' });
    expect(h.session.errorActionText).toBe('重试');
    expectNothingLeft(h);
    expect(h.engine.callsOf('logoutRoom')).toHaveLength(1);

    h.log.clear();
    await h.session.retry();
    await settle();
    expect(h.log.names()).toEqual(
      expect.arrayContaining(['loginRoom', 'startPublishingStream', 'startPusher']),
    );
    publishing(h);
    expect(h.session.phase).toBe('live');
    expect(h.session.error).toBeNull();
  });

  it('attempts are spaced 1 s, 2 s, 4 s, 8 s, 16 s apart', async () => {
    const h = await anchorLive();
    h.engine.fail('startPublishingStream', { code: 1103051, msg: 'retry timeout' });
    h.session.onPusherStateChange({ detail: { code: -1307 } });
    expect(h.session.phase).toBe('reconnecting');
    const times: number[] = [];
    const start = Date.now();
    const original = h.engine.startPublishingStream.bind(h.engine);
    h.engine.startPublishingStream = (id) => {
      times.push(Date.now() - start);
      return original(id);
    };
    await advance(31000);
    expect(times).toEqual([1000, 3000, 7000, 15000, 31000]);
    expect(h.session.phase).toBe('failed');
  });
});

describe('the room reconnects by itself', () => {
  it('CONNECTING after CONNECTED shows reconnecting; CONNECTED again restores without republishing a live push', async () => {
    const h = await anchorLive();
    room(h, 'CONNECTING');
    expect(h.session.phase).toBe('reconnecting');
    expect(h.session.notice).toBe('网络不稳定，正在重连…');
    h.log.clear();
    room(h, 'CONNECTED');
    await settle();
    expect(h.session.phase).toBe('live');
    expect(h.log.names()).not.toContain('startPublishingStream');
  });

  it('CONNECTED again republishes when the push dropped meanwhile', async () => {
    const h = await anchorLive();
    room(h, 'CONNECTING');
    h.engine.emit('publisherStateUpdate', {
      streamID: ANCHOR_STREAM,
      state: 'NO_PUBLISH',
      errorCode: 1103051,
      extendedData: '',
    });
    room(h, 'CONNECTED');
    await settle();
    expect(h.engine.callsOf('startPublishingStream')).toHaveLength(2);
    expect(h.session.phase).toBe('live');
  });

  it('DISCONNECTED (the SDK gave up) while watching: logs in again with a fresh token and replays', async () => {
    const h = await viewerWatching();
    room(h, 'DISCONNECTED', 1002053);
    expect(h.session.phase).toBe('reconnecting');
    await advance(1000);
    expect(h.api.callsOf('getRoomToken')).toHaveLength(2);
    expect(h.engine.callsOf('loginRoom')[1]).toEqual([
      ROOM,
      'token-2',
      { userID: 'viewer-1', userName: '小明' },
    ]);
    expect(h.engine.callsOf('startPlayingStream')).toHaveLength(2);
    expect(h.session.phase).toBe('watching');
    expect(h.session.players[0].url).toContain('n=2');
  });
});

describe('native stream errors', () => {
  it('pusher -1307 (push gave up): reconnecting, then a fresh push URL', async () => {
    const h = await anchorLive();
    h.session.onPusherStateChange({ detail: { code: -1307 } });
    expect(h.engine.callsOf('updatePlayerState')).toEqual([[ANCHOR_STREAM, { detail: { code: -1307 } }]]);
    expect(h.session.phase).toBe('reconnecting');
    await advance(1000);
    expect(h.engine.callsOf('startPublishingStream')).toHaveLength(2);
    expect(h.session.phase).toBe('live');
  });

  it('player 2103 (auto-reconnecting): shows it, and 2004 (playing again) restores watching', async () => {
    const h = await viewerWatching();
    h.session.onPlayerStateChange(ANCHOR_STREAM, { detail: { code: 2103 } });
    expect(h.session.phase).toBe('reconnecting');
    h.session.onPlayerStateChange(ANCHOR_STREAM, { detail: { code: 2004 } });
    expect(h.session.phase).toBe('watching');
    expect(h.session.notice).toBe('');
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([[3005], [-2301]])('player %i: replays with a fresh play URL', async (code) => {
    const h = await viewerWatching();
    h.session.onPlayerStateChange(ANCHOR_STREAM, { detail: { code } });
    expect(h.session.phase).toBe('reconnecting');
    await advance(1000);
    expect(h.engine.callsOf('startPlayingStream')).toHaveLength(2);
    expect(h.session.phase).toBe('watching');
    playing(h);
    expect(h.session.players[0].state).toBe('PLAYING');
  });

  it('network drop while watching, giving up, and retry watching again', async () => {
    const h = await viewerWatching();
    h.platform.network(false);
    room(h, 'CONNECTING');
    await advance(31000);
    expect(h.session.phase).toBe('failed');
    expectNothingLeft(h);
    await h.session.retry();
    await settle();
    expect(h.session.phase).toBe('watching');
    h.engine.emit('roomStreamUpdate', {
      roomID: ROOM,
      updateType: 'ADD',
      streams: [{ streamID: ANCHOR_STREAM, user: anchorUser, extraInfo: '' }],
    });
    await settle();
    expect(h.session.players).toHaveLength(1);
  });

  it('network back while watching: replays at once', async () => {
    const h = await viewerWatching();
    h.platform.network(false);
    expect(h.session.phase).toBe('reconnecting');
    h.platform.network(true);
    await settle();
    expect(h.session.phase).toBe('watching');
    expect(h.engine.callsOf('startPlayingStream')).toHaveLength(2);
  });
});

describe('phone call', () => {
  it('audio interruption: interrupted while the call lasts, resumed when it ends', async () => {
    const h = await anchorLive();
    h.platform.audioInterruptionBegin();
    expect(h.session.phase).toBe('interrupted');
    expect(h.session.notice).toContain('通话中');
    h.platform.audioInterruptionEnd();
    expect(h.session.phase).toBe('live');
    expect(h.view.names()).toContain('resumePusher');
    expect(h.session.notice).toBe('');
  });

  it('pusher 5001 (call): interrupted; a push lost during the call is republished afterwards', async () => {
    const h = await anchorLive();
    h.session.onPusherStateChange({ detail: { code: 5001 } });
    expect(h.session.phase).toBe('interrupted');
    h.engine.emit('publisherStateUpdate', {
      streamID: ANCHOR_STREAM,
      state: 'NO_PUBLISH',
      errorCode: 1103051,
      extendedData: '',
    });
    expect(h.session.phase).toBe('interrupted');
    h.platform.audioInterruptionEnd();
    await settle();
    expect(h.engine.callsOf('startPublishingStream')).toHaveLength(2);
    expect(h.session.phase).toBe('live');
  });

  it('pusher 5000 (suspended): interrupted until the app is shown again', async () => {
    const h = await anchorLive();
    h.platform.hideApp();
    h.session.onPusherStateChange({ detail: { code: 5000 } });
    expect(h.session.phase).toBe('interrupted');
    h.platform.showApp();
    expect(h.session.phase).toBe('live');
    expect(h.view.pusherPaused).toBe(false);
  });

  it('a viewer on a call: interrupted, then players resume', async () => {
    const h = await viewerWatching();
    h.platform.audioInterruptionBegin();
    expect(h.session.phase).toBe('interrupted');
    h.platform.audioInterruptionEnd();
    expect(h.session.phase).toBe('watching');
    expect(h.view.names()).toContain('resumePlayer');
  });
});

describe('hidden and shown', () => {
  it('anchor: the pusher pauses (viewers see the waiting image) and resumes', async () => {
    const h = await anchorLive();
    h.session.pageHidden();
    expect(h.view.pusherPaused).toBe(true);
    expect(h.engine.callsOf('stopPublishingStream')).toEqual([]);
    h.session.pageShown();
    expect(h.view.pusherPaused).toBe(false);
    expect(h.session.phase).toBe('live');
  });

  it('app hide/show through the platform does the same, once even if the page also reports it', async () => {
    const h = await anchorLive();
    h.platform.hideApp();
    h.session.pageHidden();
    expect(h.view.names().filter((n) => n === 'pausePusher')).toHaveLength(1);
    h.platform.showApp();
    h.session.pageShown();
    expect(h.view.names().filter((n) => n === 'resumePusher')).toHaveLength(1);
  });

  it('viewer: stops (SDK, then component) while hidden, replays with a fresh URL when shown', async () => {
    const h = await viewerWatching();
    h.log.clear();
    h.session.pageHidden();
    expect(h.log.names()).toEqual(['stopPlayingStream', 'stopPlayer']);
    expect(h.view.playing.size).toBe(0);
    h.log.clear();
    h.session.pageShown();
    await settle();
    expect(h.log.names()).toEqual(['startPlayingStream', 'playPlayer']);
    expect(h.view.playing.has(ANCHOR_STREAM)).toBe(true);
  });

  it('leaving while hidden does not stop the already-stopped player twice', async () => {
    const h = await viewerWatching();
    h.session.pageHidden();
    h.log.clear();
    h.session.leave();
    expect(h.log.names().filter((n) => n !== 'setKeepScreenOn')).toEqual(['logoutRoom', 'setEventHandler']);
    expectNothingLeft(h);
  });
});

describe('token renewal', () => {
  it('tokenWillExpire: a new token from the service goes to renewToken', async () => {
    const h = await anchorLive();
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    await settle();
    expect(h.api.callsOf('getRoomToken')).toEqual([
      [ROOM, 'anchor'],
      [ROOM, 'anchor'],
    ]);
    expect(h.engine.callsOf('renewToken')).toEqual([[ROOM, 'token-2']]);
    expect(h.session.error).toBeNull();
    expect(h.session.phase).toBe('live');
  });

  it('renewal failing once is retried and succeeds without bothering the user', async () => {
    const h = await viewerWatching();
    h.api.fail('getRoomToken', undefined, 1);
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    await settle();
    expect(h.engine.callsOf('renewToken')).toEqual([]);
    await advance(TOKEN_RETRY_MS);
    expect(h.engine.callsOf('renewToken')).toHaveLength(1);
    expect(h.session.error).toBeNull();
  });

  it('renewal failing every time is shown with a retry, and retry renews', async () => {
    const h = await anchorLive();
    h.api.fail('getRoomToken');
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    await advance(2 * TOKEN_RETRY_MS);
    expect(h.api.callsOf('getRoomToken')).toHaveLength(1 + 3);
    expect(h.session.error).toMatchObject({ code: 'TOKEN_RENEW_FAILED', action: 'retry' });
    expect(h.session.error?.message).toContain('续期失败');
    expect(h.session.phase).toBe('live');

    h.api.succeed('getRoomToken');
    await h.session.retry();
    expect(h.engine.callsOf('renewToken')).toHaveLength(1);
    expect(h.session.error).toBeNull();
  });

  it('the SDK refusing the new token counts as a failure', async () => {
    const h = await anchorLive();
    h.engine.renewResult = false;
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    await advance(2 * TOKEN_RETRY_MS);
    expect(h.engine.callsOf('renewToken')).toHaveLength(3);
    expect(h.session.error?.code).toBe('TOKEN_RENEW_FAILED');
  });
});

describe('kick-out', () => {
  it('roomStateChanged KICKOUT: kicked, everything stopped, no automatic rejoin', async () => {
    const h = await anchorLive();
    h.engine.emit('roomStateChanged', {
      roomID: ROOM,
      reason: 'KICKOUT',
      errorCode: 1002050,
      extendedData: '',
    });
    expect(h.session.phase).toBe('kicked');
    expect(h.session.error).toMatchObject({ code: 1002050, action: 'leave' });
    expect(h.session.error?.message).toContain('其他设备');
    expectNothingLeft(h);
    await advance(60000);
    expect(h.engine.callsOf('loginRoom')).toHaveLength(1);
    await h.session.retry();
    expect(h.engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it.each([[1002050], [1002055], [63000001]])(
    'roomStateUpdate DISCONNECTED with %i: kicked',
    async (code) => {
      const h = await viewerWatching();
      room(h, 'DISCONNECTED', code);
      expect(h.session.phase).toBe('kicked');
      expect(h.session.error?.action).toBe('leave');
      expectNothingLeft(h);
      await advance(60000);
      expect(h.engine.callsOf('loginRoom')).toHaveLength(1);
    },
  );
});

describe('after leave nothing remains, whatever was running', () => {
  it('while reconnecting with a token renewal pending', async () => {
    const h = await anchorLive();
    h.api.fail('getRoomToken');
    h.engine.emit('tokenWillExpire', { roomID: ROOM });
    h.platform.network(false);
    h.session.like();
    await settle();
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    h.session.leave();
    expectNothingLeft(h);
    await advance(60000);
    expect(h.engine.callsOf('loginRoom')).toHaveLength(1);
    expect(h.session.phase).toBe('idle');
  });
});
