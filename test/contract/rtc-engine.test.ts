/**
 * Contract: the real ZEGO mini-program SDK, driven through our adapter (pages/engine/zego-engine.ts, loaded by services/rtc-engine.ts), with a fake `wx`
 * and no network. What these prove is what the SDK would notice: the codes, the socket and login frame, the
 * callbacks registered once, the native events forwarded unchanged.
 */
import { ZegoExpressEngine } from 'zego-express-engine-miniprogram';
import { createRtcEngine } from '../../miniprogram/pages/engine/zego-engine';
import type { LiveEngineModule } from '../../miniprogram/services/rtc-engine';
import {
  RTC_EVENT_NAMES,
  type NativeLiveEvent,
  type RtcEngine,
  type RtcEventHandler,
  type RtcEvents,
} from '../../miniprogram/services/rtc-types';
import { installFakeWx, type FakeWx } from '../helpers/fake-wx';
import { useSdkRig } from '../helpers/sdk-rig';

const CONFIG = { appID: 1234567, server: 'wss://webliveroom1234567-api.zego.im/ws' };
const QUIET = { logLevel: 'disable', remoteLogLevel: 'disable' } as const;
const USER = { userID: 'user_1', userName: 'Anchor' };

type Proto = Record<string, (...args: unknown[]) => unknown>;
const proto = ZegoExpressEngine.prototype as unknown as Proto;

/** A handler whose every method is a jest mock. */
function mockHandler(): jest.Mocked<RtcEventHandler> {
  const handler = {} as Record<string, jest.Mock>;
  for (const name of RTC_EVENT_NAMES) handler[name] = jest.fn();
  return handler as unknown as jest.Mocked<RtcEventHandler>;
}

/** Lets the SDK's promises and short timers run. */
async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.resolve();
    jest.advanceTimersByTime(10);
  }
}

let fake: FakeWx;

useSdkRig(() => {
  fake = installFakeWx();
});

describe('ID validation: our codes are the SDK codes, and we reject before the SDK', () => {
  const loginCases: [string, number, string, string][] = [
    ['empty roomID', 1002011, '', 'user_1'],
    ['roomID with a space', 1002012, 'room 1', 'user_1'],
    ['roomID over 128 bytes', 1002013, 'r'.repeat(129), 'user_1'],
    ['empty userID', 1002005, 'room_1', ''],
  ];

  test.each(loginCases)('loginRoom, %s -> %d', async (_label, code, roomID, userID) => {
    const sdkLogin = jest.spyOn(proto, 'loginRoom');
    const engine = createRtcEngine(CONFIG, QUIET);
    const field = userID ? 'roomID' : 'userID';

    await expect(engine.loginRoom(roomID, 'token', { userID, userName: 'n' })).rejects.toEqual({
      code,
      msg: expect.stringContaining(field),
    });
    expect(sdkLogin).not.toHaveBeenCalled();

    // The same input straight into the SDK fails with the same code.
    sdkLogin.mockRestore();
    const sdk = new ZegoExpressEngine(CONFIG.appID, CONFIG.server);
    sdk.setLogConfig(QUIET);
    await expect(sdk.loginRoom(roomID, 'token', { userID, userName: 'n' })).rejects.toMatchObject({ code });
  });

  const streamCases: [string, number, string][] = [
    ['empty streamID', 1000015, ''],
    ['streamID with a space', 1000016, 'stream 1'],
    ['streamID over 256 bytes', 1000014, 's'.repeat(257)],
  ];

  test.each(streamCases)('start publishing/playing, %s -> %d', async (_label, code, streamID) => {
    const sdkPublish = jest.spyOn(proto, 'startPublishingStream');
    const sdkPlay = jest.spyOn(proto, 'startPlayingStream');
    const engine = createRtcEngine(CONFIG, QUIET);

    const expected = { code, msg: expect.stringContaining('streamID') };
    await expect(engine.startPublishingStream(streamID)).rejects.toEqual(expected);
    await expect(engine.startPlayingStream(streamID)).rejects.toEqual(expected);
    expect(sdkPublish).not.toHaveBeenCalled();
    expect(sdkPlay).not.toHaveBeenCalled();

    sdkPublish.mockRestore();
    const sdk = new ZegoExpressEngine(CONFIG.appID, CONFIG.server);
    sdk.setLogConfig(QUIET);
    await expect(sdk.startPublishingStream(streamID)).rejects.toMatchObject({ code });
  });

  test('an SDK rejection becomes an RtcError {code, msg}: publishing before login is 1103001', async () => {
    const engine = createRtcEngine(CONFIG, QUIET);
    await expect(engine.startPublishingStream('stream_1')).rejects.toEqual({
      code: 1103001,
      msg: expect.any(String),
    });
  });
});

describe('login and logout through the SDK', () => {
  test('loginRoom opens the ZEGO access hub socket and sends roomID, userID and token in the login frame', async () => {
    const sdkLogin = jest.spyOn(proto, 'loginRoom');
    const engine = createRtcEngine(CONFIG, QUIET);
    engine.setEventHandler(mockHandler());

    void engine.loginRoom('room_42', 'TOKEN_04_secret_abc', USER).catch(() => undefined);
    await flush();

    expect(sdkLogin).toHaveBeenCalledWith(
      'room_42',
      'TOKEN_04_secret_abc',
      USER,
      expect.objectContaining({ userUpdate: true }),
    );
    expect(fake.sockets.map((s) => s.url)).toEqual(['wss://accesshub-wss.zego.im/accesshub']);
    const socket = fake.sockets[0];
    expect(socket.sent).toHaveLength(0);

    socket.fireOpen();
    await flush();

    expect(socket.sent.length).toBeGreaterThan(0);
    expect(socket.sentContains('room_42')).toBe(true);
    expect(socket.sentContains('user_1')).toBe(true);
    expect(socket.sentContains('TOKEN_04_secret_abc')).toBe(true);
  });

  test('while joining, roomStateUpdate CONNECTING reaches our handler; logoutRoom makes it DISCONNECTED', async () => {
    const engine = createRtcEngine(CONFIG, QUIET);
    const handler = mockHandler();
    engine.setEventHandler(handler);

    void engine.loginRoom('room_42', 'token', USER).catch(() => undefined);
    await flush();
    fake.sockets[0].fireOpen();
    await flush();
    expect(handler.roomStateUpdate).toHaveBeenLastCalledWith({
      roomID: 'room_42',
      state: 'CONNECTING',
      errorCode: 0,
      extendedData: '',
    });

    engine.logoutRoom('room_42');
    await flush();

    expect(handler.roomStateUpdate).toHaveBeenLastCalledWith({
      roomID: 'room_42',
      state: 'DISCONNECTED',
      errorCode: 0,
      extendedData: '',
    });
    expect(handler.roomStateChanged).toHaveBeenLastCalledWith(
      expect.objectContaining({ roomID: 'room_42', reason: 'LOGOUT' }),
    );
  });
});

describe('callbacks: registered once, before login, and removable', () => {
  test('installing the handler registers every RTC_EVENT_NAMES callback exactly once, before loginRoom reaches the SDK', async () => {
    const on = jest.spyOn(proto, 'on');
    const sdkLogin = jest.spyOn(proto, 'loginRoom');
    const engine = createRtcEngine(CONFIG, QUIET);
    expect(engine.listenerCount()).toBe(0);
    engine.setEventHandler(mockHandler());
    void engine.loginRoom('room_1', 'token', USER).catch(() => undefined);
    await flush();

    const names = on.mock.calls.map(([name]) => name);
    expect([...names].sort()).toEqual([...RTC_EVENT_NAMES].sort());
    // The SDK accepted every name (it answers false for events it does not know).
    expect(on.mock.results.map((r) => r.value)).toEqual(RTC_EVENT_NAMES.map(() => true));
    expect(engine.listenerCount()).toBe(RTC_EVENT_NAMES.length);
    const lastOn = Math.max(...on.mock.invocationCallOrder);
    expect(sdkLogin.mock.invocationCallOrder[0]).toBeGreaterThan(lastOn);
  });

  test('setEventHandler(null) offs every callback it registered; installing again re-registers once', async () => {
    const on = jest.spyOn(proto, 'on');
    const off = jest.spyOn(proto, 'off');
    const engine = createRtcEngine(CONFIG, QUIET);
    engine.setEventHandler(mockHandler());
    const registeredCallbacks = new Map(on.mock.calls.map(([name, cb]) => [name, cb]));

    engine.setEventHandler(null);
    expect(engine.listenerCount()).toBe(0);
    expect(off).toHaveBeenCalledTimes(RTC_EVENT_NAMES.length);
    for (const [name, cb] of off.mock.calls) expect(cb).toBe(registeredCallbacks.get(name));

    const handler = mockHandler();
    engine.setEventHandler(handler);
    expect(engine.listenerCount()).toBe(RTC_EVENT_NAMES.length);
    expect(on).toHaveBeenCalledTimes(2 * RTC_EVENT_NAMES.length);

    // The SDK really dropped the old callbacks: one logout reaches the handler once, not twice.
    void engine.loginRoom('room_1', 'token', USER).catch(() => undefined);
    await flush();
    handler.roomStateUpdate.mockClear();
    engine.logoutRoom('room_1');
    await flush();
    expect(handler.roomStateUpdate.mock.calls.filter(([p]) => p.state === 'DISCONNECTED')).toHaveLength(1);
  });

  test('SDK callback arguments are translated to our payloads (stats normalised)', () => {
    const on = jest.spyOn(proto, 'on');
    const engine = createRtcEngine(CONFIG, QUIET);
    const handler = mockHandler();
    engine.setEventHandler(handler);
    const sdkCallback = (name: keyof RtcEvents) =>
      on.mock.calls.find(([n]) => n === name)![1] as (...a: unknown[]) => void;

    // The mini-program SDK builds quality from live-pusher netstatus: bitrates in kbps, videoWidth/videoHeight.
    sdkCallback('publishQualityUpdate')('stream_1', {
      video: { videoBitrate: 800, videoFPS: 15, videoWidth: 360, videoHeight: 640 },
      audio: { audioBitrate: 48 },
    });
    expect(handler.publishQualityUpdate).toHaveBeenCalledWith({
      streamID: 'stream_1',
      stats: {
        videoBitrateKbps: 800,
        audioBitrateKbps: 48,
        videoFps: 15,
        packetLossRate: 0,
        frameWidth: 360,
        frameHeight: 640,
        quality: -1,
      },
    });

    sdkCallback('playQualityUpdate')('stream_2', {
      video: {
        videoBitrate: 500,
        videoFPS: 20,
        frameWidth: 720,
        frameHeight: 1280,
        videoPacketsLostRate: 0.05,
        videoQuality: 1,
      },
      audio: { audioBitrate: 32, audioPacketsLostRate: 0 },
    });
    expect(handler.playQualityUpdate).toHaveBeenCalledWith({
      streamID: 'stream_2',
      stats: expect.objectContaining({
        videoBitrateKbps: 500,
        packetLossRate: 0.05,
        frameWidth: 720,
        quality: 1,
      }),
    });

    sdkCallback('publisherStateUpdate')({ streamID: 'stream_1', state: 'PUBLISHING', errorCode: undefined });
    expect(handler.publisherStateUpdate).toHaveBeenCalledWith({
      streamID: 'stream_1',
      state: 'PUBLISHING',
      errorCode: 0,
      extendedData: '',
    });

    sdkCallback('roomStreamUpdate')('room_1', 'ADD', [
      { streamID: 'stream_1', user: { userID: 'u1', userName: 'A' }, extraInfo: '', urlsFLV: 'x' },
    ]);
    expect(handler.roomStreamUpdate).toHaveBeenCalledWith({
      roomID: 'room_1',
      updateType: 'ADD',
      streams: [{ streamID: 'stream_1', user: { userID: 'u1', userName: 'A' }, extraInfo: '' }],
    });

    sdkCallback('IMRecvBroadcastMessage')('room_1', [
      { messageID: 7, fromUser: { userID: 'u2' }, message: 'hi', sendTime: 1000 },
    ]);
    expect(handler.IMRecvBroadcastMessage).toHaveBeenCalledWith({
      roomID: 'room_1',
      messages: [{ messageID: '7', fromUser: { userID: 'u2', userName: '' }, message: 'hi', sendTime: 1000 }],
    });
  });
});

describe('native events are forwarded to the SDK unchanged', () => {
  let engine: RtcEngine;
  beforeEach(() => {
    engine = createRtcEngine(CONFIG, QUIET);
  });

  test('updatePlayerState(streamID, event) reaches the SDK with the same streamID and event', () => {
    const sdkUpdate = jest.spyOn(proto, 'updatePlayerState');
    const event: NativeLiveEvent = { detail: { code: 1002, message: 'push started' } };
    engine.updatePlayerState('stream_7', event);
    expect(sdkUpdate).toHaveBeenCalledTimes(1);
    expect(sdkUpdate.mock.calls[0][0]).toBe('stream_7');
    expect(sdkUpdate.mock.calls[0][1]).toBe(event);
  });

  test('updatePlayerNetStatus(streamID, event) reaches the SDK with the same streamID and event', () => {
    const sdkNet = jest.spyOn(proto, 'updatePlayerNetStatus');
    const event: NativeLiveEvent = { detail: { info: { videoBitrate: 600, videoFPS: 15 } } };
    engine.updatePlayerNetStatus('stream_8', event);
    expect(sdkNet).toHaveBeenCalledTimes(1);
    expect(sdkNet.mock.calls[0][0]).toBe('stream_8');
    expect(sdkNet.mock.calls[0][1]).toBe(event);
  });
});

describe('system check', () => {
  test('checkSystemRequirements: code 0 with permissions on a recent base library', async () => {
    const engine = createRtcEngine(CONFIG, QUIET);
    await expect(engine.checkSystemRequirements()).resolves.toEqual({ code: 0, msg: '' });
  });
});

describe('loadRtcEngine', () => {
  type LoadModule = typeof import('../../miniprogram/services/rtc-engine');
  /**
   * A fresh loader module (empty memo), its subpackage module load answered by the real engine module (WeChat's
   * require.async in the app), and a spy on the SDK's setLogConfig (once per engine).
   */
  const freshModule = (): LoadModule & { engineCreations: jest.SpyInstance; moduleLoads: () => number } => {
    let mod: (LoadModule & { engineCreations: jest.SpyInstance; moduleLoads: () => number }) | undefined;
    jest.isolateModules(() => {
      const sdk = require('zego-express-engine-miniprogram') as { ZegoExpressEngine: { prototype: Proto } };
      const engineCreations = jest.spyOn(sdk.ZegoExpressEngine.prototype, 'setLogConfig');
      const loader = require('../../miniprogram/services/rtc-engine') as LoadModule;
      const engineModule = require('../../miniprogram/pages/engine/zego-engine') as LiveEngineModule;
      let loads = 0;
      loader.liveEngineModule.load = async () => {
        loads += 1;
        return engineModule;
      };
      mod = { ...loader, engineCreations, moduleLoads: () => loads };
    });
    return mod!;
  };
  const configRequests = () => fake.requests.filter((r) => r.url.endsWith('/api/config'));
  const CONFIG_ANSWER = {
    statusCode: 200,
    data: { appID: CONFIG.appID, server: [CONFIG.server], configured: true },
  };

  test('fetches /api/config once and creates one engine for every caller, the subpackage module loaded once', async () => {
    const { loadRtcEngine, engineCreations, moduleLoads } = freshModule();
    const first = loadRtcEngine();
    const second = loadRtcEngine();
    expect(configRequests()).toHaveLength(1);
    configRequests()[0].success?.(CONFIG_ANSWER);

    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(await loadRtcEngine()).toBe(a);
    expect(configRequests()).toHaveLength(1);
    expect(engineCreations).toHaveBeenCalledTimes(1);
    expect(moduleLoads()).toBe(1);
  });

  test('the next launch creates its engine from the stored config without asking the service', async () => {
    const first = freshModule();
    const loaded = first.loadRtcEngine();
    configRequests()[0].success?.(CONFIG_ANSWER);
    await loaded;
    expect(configRequests()).toHaveLength(1);

    // a new app launch: fresh modules, same storage
    const next = freshModule();
    await expect(next.loadRtcEngine()).resolves.toEqual(
      expect.objectContaining({ loginRoom: expect.any(Function) }),
    );
    expect(configRequests()).toHaveLength(1);
    expect(next.engineCreations).toHaveBeenCalledTimes(1);
  });

  test('a failed load can be retried', async () => {
    const { loadRtcEngine } = freshModule();
    const failed = loadRtcEngine();
    configRequests()[0].fail?.({ errMsg: 'request:fail' });
    await expect(failed).rejects.toMatchObject({ code: 'NETWORK' });

    const retried = loadRtcEngine();
    expect(configRequests()).toHaveLength(2);
    configRequests()[1].success?.(CONFIG_ANSWER);
    await expect(retried).resolves.toEqual(expect.objectContaining({ loginRoom: expect.any(Function) }));
  });

  test('a subpackage that cannot be downloaded fails the load, and the next load tries again', async () => {
    const { loadRtcEngine, liveEngineModule } = freshModule();
    const real = liveEngineModule.load;
    liveEngineModule.load = () => Promise.reject(new Error('loadSubpackage:fail'));
    const failed = loadRtcEngine();
    configRequests()[0].success?.(CONFIG_ANSWER);
    await expect(failed).rejects.toThrow('loadSubpackage:fail');
    liveEngineModule.load = real;
    await expect(loadRtcEngine()).resolves.toEqual(
      expect.objectContaining({ loginRoom: expect.any(Function) }),
    );
    expect(configRequests()).toHaveLength(1); // the config was stored by the first try
  });
});
