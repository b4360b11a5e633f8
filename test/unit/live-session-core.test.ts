/**
 * The core live loop: start -> preview -> live -> stop -> leave for the anchor, and start -> watching -> play on
 * ADD -> stop on DELETE -> leave for a viewer, in ZEGO's order, asserted on the shared call log.
 */
import {
  ANCHOR_STREAM,
  ROOM,
  anchorInPreview,
  anchorLive,
  anchorUser,
  createHarness,
  settle,
  viewerWatching,
} from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('anchor', () => {
  it('checks the phone, asks for camera and microphone, joins with the service token, and shows the preview', async () => {
    const h = await anchorInPreview();
    const { session, engine, platform } = h;
    expect(session.phase).toBe('preview');
    expect(session.canGoLive).toBe(true);
    expect(session.roomState).toBe('CONNECTED');
    expect(platform.calls.filter((c) => c === 'authorize')).toHaveLength(2);
    expect(h.log.names()).toEqual(
      expect.arrayContaining([
        'getDeviceInfo',
        'checkSystemRequirements',
        'authorize',
        'getRoomToken',
        'loginRoom',
      ]),
    );
    expect(h.log.indexOf('checkSystemRequirements')).toBeLessThan(h.log.indexOf('authorize'));
    expect(h.log.indexOf('authorize')).toBeLessThan(h.log.indexOf('getRoomToken'));
    expect(h.log.indexOf('setEventHandler')).toBeLessThan(h.log.indexOf('loginRoom'));
    expect(engine.callsOf('loginRoom')).toEqual([
      [ROOM, 'token-1', { userID: 'anchor-1', userName: '小明' }],
    ]);
    expect(session.pusher).toMatchObject({ streamID: ANCHOR_STREAM, url: '', state: 'NO_PUBLISH' });
    expect(session.roomTitle).toBe('周末读书会');
  });

  it('goes live: the push URL is on the pusher before startPusher, live once the SDK says PUBLISHING', async () => {
    const h = await anchorInPreview();
    const { session, engine, view, api, platform } = h;
    let urlWhenStarted = '';
    const start = view.startPusher.bind(view);
    view.startPusher = async () => {
      urlWhenStarted = session.pusher?.url ?? '';
      return start();
    };
    await session.startPublishing();
    expect(engine.callsOf('startPublishingStream')).toEqual([[ANCHOR_STREAM]]);
    expect(urlWhenStarted).toMatch(/^rtmp:\/\/fake\.zego\/push\/stream_room_1/);
    expect(h.log.indexOf('startPublishingStream')).toBeLessThan(h.log.indexOf('startPusher'));
    expect(session.phase).toBe('preview');

    engine.emit('publisherStateUpdate', {
      streamID: ANCHOR_STREAM,
      state: 'PUBLISHING',
      errorCode: 0,
      extendedData: '',
    });
    await settle();
    expect(session.phase).toBe('live');
    expect(session.isLive).toBe(true);
    expect(session.statusText).toBe('直播中');
    expect(api.callsOf('markLive')).toEqual([[ROOM]]);
    expect(platform.keepScreenOn).toBe(true);
  });

  it('stops publishing with the SDK first, then the component, and is back in preview', async () => {
    const h = await anchorLive();
    h.log.clear();
    h.session.stopPublishing();
    expect(h.log.names().filter((n) => n === 'stopPublishingStream' || n === 'stopPusher')).toEqual([
      'stopPublishingStream',
      'stopPusher',
    ]);
    expect(h.session.phase).toBe('preview');
    expect(h.session.pusher?.url).toBe('');
    expect(h.platform.keepScreenOn).toBe(false);
  });

  it('forwards every pusher statechange and netstatus to the SDK with the stream ID before acting on it', async () => {
    const h = await anchorLive();
    const state = { detail: { code: 1002, message: 'start push' } };
    const net = { detail: { info: { videoBitrate: 800 } } };
    h.session.onPusherStateChange(state);
    h.session.onPusherNetStatus(net);
    expect(h.engine.callsOf('updatePlayerState')).toEqual([[ANCHOR_STREAM, state]]);
    expect(h.engine.callsOf('updatePlayerNetStatus')).toEqual([[ANCHOR_STREAM, net]]);
  });

  it('leaves in order: stop the push (SDK, component), log out, drop the handler, listeners, timers and screen-on', async () => {
    const h = await anchorLive();
    h.session.like();
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [{ messageID: 'm1', fromUser: anchorUser, message: 'hi', sendTime: 0 }],
    });
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    h.log.clear();
    h.session.leave();
    expect(h.log.names().filter((n) => n !== 'setKeepScreenOn')).toEqual([
      'stopPublishingStream',
      'stopPusher',
      'logoutRoom',
      'setEventHandler',
    ]);
    expect(h.engine.callsOf('logoutRoom')).toEqual([[ROOM]]);
    expect(h.engine.handler).toBeNull();
    expect(h.engine.listenerCount()).toBe(0);
    expect(h.platform.listenerCount()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    expect(h.platform.keepScreenOn).toBe(false);
    expect(h.session.phase).toBe('idle');
    expect(h.session.pusher).toBeNull();
    expect(h.session.roomID).toBe('');
  });

  it('ends the show: stops the push, ends the room on the service, and shows the end screen', async () => {
    const h = await anchorLive();
    await h.session.endLive();
    expect(h.api.callsOf('endRoom')).toEqual([[ROOM]]);
    expect(h.log.indexOf('stopPublishingStream')).toBeLessThan(h.log.indexOf('endRoom'));
    expect(h.log.indexOf('stopPusher')).toBeLessThan(h.log.indexOf('logoutRoom'));
    expect(h.session.phase).toBe('ended');
    expect(h.session.statusText).toBe('直播已结束');
    expect(h.engine.handler).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('drives the camera controls through the pusher attributes; the camera switches once', async () => {
    const { session, view } = await anchorInPreview();
    session.toggleCamera();
    session.toggleMicrophone();
    session.switchCamera();
    session.setBeauty(12);
    session.setWhiteness(-3);
    expect(session.pusher).toMatchObject({
      enableCamera: false,
      muted: true,
      devicePosition: 'back',
      beauty: 9,
      whiteness: 0,
    });
    // device-position alone switches the camera: a native switchCamera() as well would switch it back
    expect(view.names()).not.toContain('switchCamera');
    session.switchCamera();
    expect(session.pusher?.devicePosition).toBe('front');
  });
});

describe('audience', () => {
  it('joins as audience without asking for the camera and waits for the anchor', async () => {
    const h = createHarness();
    await h.session.start({ roomID: ROOM, role: 'audience' });
    await settle();
    expect(h.session.phase).toBe('watching');
    expect(h.platform.calls).not.toContain('authorize');
    expect(h.session.anchorOffline).toBe(true);
    expect(h.session.statusText).toBe('主播暂时离开了，请稍候');
    expect(h.platform.keepScreenOn).toBe(true);
  });

  it('plays the anchor as soon as roomStreamUpdate ADD arrives: URL from the SDK, then play()', async () => {
    const h = await viewerWatching();
    expect(h.engine.callsOf('startPlayingStream')).toEqual([[ANCHOR_STREAM]]);
    expect(h.log.indexOf('startPlayingStream')).toBeLessThan(h.log.indexOf('playPlayer'));
    expect(h.session.players).toEqual([
      expect.objectContaining({ streamID: ANCHOR_STREAM, state: 'PLAYING', userName: '主播', muted: false }),
    ]);
    expect(h.session.players[0].url).toMatch(/^rtmp:\/\/fake\.zego\/play\//);
    expect(h.session.anchorOffline).toBe(false);
    expect(h.session.streams).toHaveLength(1);
  });

  it('plays streams that were announced while still logging in', async () => {
    const h = createHarness();
    h.engine.hold('loginRoom');
    const started = h.session.start({ roomID: ROOM, role: 'audience' });
    await settle();
    h.engine.emit('roomStreamUpdate', {
      roomID: ROOM,
      updateType: 'ADD',
      streams: [{ streamID: ANCHOR_STREAM, user: anchorUser, extraInfo: '' }],
    });
    expect(h.engine.callsOf('startPlayingStream')).toHaveLength(0);
    h.engine.release('loginRoom');
    await started;
    await settle();
    expect(h.engine.callsOf('startPlayingStream')).toEqual([[ANCHOR_STREAM]]);
    expect(h.view.playing.has(ANCHOR_STREAM)).toBe(true);
  });

  it('stops on roomStreamUpdate DELETE with the SDK first, then the component, and shows the anchor is away', async () => {
    const h = await viewerWatching();
    h.log.clear();
    h.engine.emit('roomStreamUpdate', {
      roomID: ROOM,
      updateType: 'DELETE',
      streams: [{ streamID: ANCHOR_STREAM, user: anchorUser, extraInfo: '' }],
    });
    await settle();
    expect(h.log.names().slice(0, 2)).toEqual(['stopPlayingStream', 'stopPlayer']);
    expect(h.session.players).toEqual([]);
    expect(h.session.anchorOffline).toBe(true);
    expect(h.session.phase).toBe('watching');
  });

  it('shows the end screen when the stream goes away and the service says the room ended', async () => {
    const h = await viewerWatching();
    h.api.roomStatus = 'ended';
    h.engine.emit('roomStreamUpdate', {
      roomID: ROOM,
      updateType: 'DELETE',
      streams: [{ streamID: ANCHOR_STREAM, user: anchorUser, extraInfo: '' }],
    });
    await settle();
    expect(h.session.phase).toBe('ended');
    expect(h.engine.handler).toBeNull();
    expect(h.platform.listenerCount()).toBe(0);
  });

  it('forwards player statechange and netstatus with the stream ID', async () => {
    const h = await viewerWatching();
    const state = { detail: { code: 2004, streamID: ANCHOR_STREAM } };
    const net = { detail: { info: { videoFPS: 15 }, streamID: ANCHOR_STREAM } };
    h.session.onPlayerStateChange(ANCHOR_STREAM, state);
    h.session.onPlayerNetStatus(ANCHOR_STREAM, net);
    expect(h.engine.callsOf('updatePlayerState')).toEqual([[ANCHOR_STREAM, state]]);
    expect(h.engine.callsOf('updatePlayerNetStatus')).toEqual([[ANCHOR_STREAM, net]]);
  });

  it('leaves in order: stop the play (SDK, component), log out, and nothing is left behind', async () => {
    const h = await viewerWatching();
    h.log.clear();
    h.session.leave();
    expect(h.log.names().filter((n) => n !== 'setKeepScreenOn')).toEqual([
      'stopPlayingStream',
      'stopPlayer',
      'logoutRoom',
      'setEventHandler',
    ]);
    expect(h.engine.handler).toBeNull();
    expect(h.platform.listenerCount()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    expect(h.platform.keepScreenOn).toBe(false);
    expect(h.engine.emit('roomStreamUpdate', { roomID: ROOM, updateType: 'ADD', streams: [] })).toBe(false);
  });

  it('leaving while the login is still in flight logs out once it completes and plays nothing', async () => {
    const h = createHarness();
    h.engine.hold('loginRoom');
    const started = h.session.start({ roomID: ROOM, role: 'audience' });
    await settle();
    h.session.leave();
    h.engine.release('loginRoom');
    await started;
    await settle();
    expect(h.engine.rooms.size).toBe(0);
    expect(h.session.phase).toBe('idle');
    expect(h.engine.handler).toBeNull();
  });
});
