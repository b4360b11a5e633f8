/**
 * Faults on the live pages, driven by jest's fake timers: what the anchor (live) and the viewer (watching) see on
 * screen through a network drop, recovery, giving up and retrying, a phone call, hide/show, token expiry, a
 * kick-out, a refused permission, the SDK's pre-flight codes and DevTools; and that unloading a live page leaves no
 * timer, no SDK handler and no platform listener of ours, with the streams stopped in ZEGO's order.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { RECONNECT_BACKOFF_MS, TOKEN_RETRY_MS } from '../../miniprogram/pages/stores/live-session';
import { liveSession } from '../../miniprogram/pages/stores/index';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import {
  engineSlot,
  installWxFakes,
  openPage,
  roomFixture,
  type PageHarness,
  type WxFakes,
} from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', anchor: ANCHOR });
const STREAM = 'room_1_u_anchor';
const ANCHOR_STREAM = { streamID: STREAM, user: { userID: 'u_anchor', userName: '主播小王' }, extraInfo: '' };
/** The whole bounded retry: every backoff wait, and a little more. */
const ALL_BACKOFF_MS = RECONNECT_BACKOFF_MS.reduce((a, b) => a + b, 0) + 100;

const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;
let platform: FakePlatform;
let wxFakes: WxFakes;
let page: PageHarness | null = null;
let tokenCounter = 0;

/** Signs in as `user` and answers the token route with a fresh token each time. */
function signInAs(user: typeof ANCHOR): void {
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: `session_${user.id}`, user });
  mockedApi.getRoomToken.mockImplementation(async (_roomID, role) => ({
    token: `zego_token_${++tokenCounter}`,
    expiresAt: Date.now() + 3600_000,
    roomID: _roomID,
    appID: 1,
    userID: user.id,
    ...(role === 'anchor' ? { streamID: STREAM } : {}),
  }));
}

const pusherCalls = () => wxFakes.pusherContexts.flatMap((c) => c.calls);
const playerCalls = () => wxFakes.playerContexts.flatMap((c) => c.calls);
const pushURL = (n: number) => `rtmp://fake.zego/push/${STREAM}?n=${n}`;
const playURL = (n: number) => `rtmp://fake.zego/play/${STREAM}?n=${n}`;
const urlNumber = (url: unknown) => Number(String(url).split('?n=')[1]);

const roomState = (state: 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED', errorCode = 0) =>
  engine.emit('roomStateUpdate', { roomID: 'room_1', state, errorCode, extendedData: '' });

const publishing = () =>
  engine.emit('publisherStateUpdate', {
    streamID: STREAM,
    state: 'PUBLISHING',
    errorCode: 0,
    extendedData: '',
  });

const playing = () =>
  engine.emit('playerStateUpdate', { streamID: STREAM, state: 'PLAYING', errorCode: 0, extendedData: '' });

/**
 * Lets events, promise chains and renders settle. The bindings render on wx.nextTick, a 0 ms timeout in simulate
 * that jest's fake timers run 1 ms later when it is set inside another timer; so each turn advances 1 ms.
 */
async function settle(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await jest.advanceTimersByTimeAsync(1);
}

/** Opens a page and lets the session get as far as it goes by itself. */
async function open(name: 'anchor' | 'audience'): Promise<PageHarness> {
  page = await openPage(name, { roomID: 'room_1' });
  await settle();
  return page;
}

/** Lets fake time pass (timers fire, promises and renders settle in between). */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
  await settle();
}

/** The anchor page in preview (camera on, not yet live). */
async function anchorPreview(): Promise<PageHarness> {
  signInAs(ANCHOR);
  const p = await open('anchor');
  expect(p.text('#go-live')).toBe('开始直播');
  return p;
}

/** The anchor page on air: go-live tapped, the SDK says PUBLISHING. */
async function anchorLive(): Promise<PageHarness> {
  const p = await anchorPreview();
  await p.tap('#go-live');
  await settle();
  publishing();
  await settle();
  expect(p.text('#status')).toBe('直播中');
  expect(p.nativeAttr('live-pusher', 'url')).toBe(pushURL(urlNumber(p.nativeAttr('live-pusher', 'url'))));
  return p;
}

/** The audience page joined, the anchor's stream added and playing. */
async function viewerWatching(): Promise<PageHarness> {
  signInAs(VIEWER);
  const p = await open('audience');
  engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [ANCHOR_STREAM] });
  await settle();
  playing();
  await settle();
  expect(p.text('#status')).toBe('观看中');
  expect(p.nodes('live-player')).toHaveLength(1);
  return p;
}

beforeEach(() => {
  jest.useFakeTimers();
  log.clear();
  engine.calls.length = 0;
  engine.systemCheck = { code: 0, msg: '' };
  engine.renewResult = true;
  platform = new FakePlatform(log);
  setPlatform(platform);
  wxFakes = installWxFakes({ log });
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.claimRoom.mockResolvedValue({ room: ROOM });
  mockedApi.markLive.mockResolvedValue({ room: { ...ROOM, status: 'live' } });
  mockedApi.endRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
  mockedApi.reportStats.mockResolvedValue({ room: ROOM });
});

afterEach(async () => {
  page?.unload();
  page = null;
  userStore.signOut();
  await settle();
  jest.clearAllTimers();
  jest.useRealTimers();
});

describe('anchor page while live: network', () => {
  it('a drop shows the offline, then the reconnecting text; recovery republishes with a fresh URL and shows live', async () => {
    const p = await anchorLive();
    const firstURL = p.nativeAttr('live-pusher', 'url');
    expect(pusherCalls()).toEqual(['start']);

    platform.network(false);
    roomState('CONNECTING');
    await settle();
    expect(p.text('#notice')).toBe('网络已断开，等待网络恢复…');
    expect(p.text('#status')).not.toBe('直播中');
    // Still on air: the anchor can end the show, not start it again.
    expect(p.text('#end-live')).toBe('结束直播');
    expect(p.exists('#go-live')).toBe(false);

    platform.network(true);
    await settle();
    expect(p.text('#notice')).toBe('网络不稳定，正在重连…');
    expect(p.text('#status')).toBe('网络不稳定，正在重连…');

    roomState('CONNECTED');
    await settle();
    // A fresh push URL from the SDK, on the native live-pusher, and the component started again.
    expect(engine.callsOf('startPublishingStream')).toEqual([[STREAM], [STREAM]]);
    const freshURL = p.nativeAttr('live-pusher', 'url');
    expect(freshURL).not.toBe(firstURL);
    expect(freshURL).toBe(pushURL(urlNumber(freshURL)));
    expect(pusherCalls()).toEqual(['start', 'stop', 'start']);
    expect(p.text('#status')).toBe('直播中');
    expect(p.exists('#notice')).toBe(false);
    expect(p.exists('#error')).toBe(false);
    // Still the same room: the SDK reconnected it, nobody logged in again.
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('while reconnecting the anchor can still end the show: end screen, no more attempts', async () => {
    const p = await anchorLive();
    roomState('CONNECTING');
    await settle();
    expect(p.exists('#go-live')).toBe(false);
    await p.tap('#end-live');
    await settle();
    expect(mockedApi.endRoom).toHaveBeenCalledWith('room_1');
    expect(p.text('#ended')).toContain('直播已结束');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    roomState('CONNECTED');
    await advance(ALL_BACKOFF_MS);
    expect(engine.callsOf('startPublishingStream')).toHaveLength(1);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
    expect(p.text('#ended')).toContain('直播已结束');
  });

  it('the pusher’s own -1307 (push connection broke) recovers on the backoff timer with a fresh URL', async () => {
    const p = await anchorLive();
    await p.nativeEvent('live-pusher', 'statechange', {
      code: -1307,
      message: '网络断连，且经多次重连抢救无效',
    });
    await settle();
    expect(p.text('#notice')).toBe('网络不稳定，正在重连…');
    await advance(RECONNECT_BACKOFF_MS[0]);
    expect(engine.callsOf('startPublishingStream')).toHaveLength(2);
    expect(pusherCalls()).toEqual(['start', 'stop', 'start']);
    expect(p.text('#status')).toBe('直播中');
    expect(p.exists('#notice')).toBe(false);
  });

  it('gives up after the bounded retries: the failed state with a retry button; tapping it goes live again', async () => {
    const p = await anchorLive();
    const firstURL = p.nativeAttr('live-pusher', 'url');
    roomState('CONNECTING');
    await settle();
    expect(p.text('#status')).toBe('网络不稳定，正在重连…');

    // Not given up before the last backoff has run out.
    await advance(ALL_BACKOFF_MS - RECONNECT_BACKOFF_MS[RECONNECT_BACKOFF_MS.length - 1] - 200);
    expect(p.exists('#error')).toBe(false);
    await advance(RECONNECT_BACKOFF_MS[RECONNECT_BACKOFF_MS.length - 1] + 200);

    expect(p.text('#error')).toContain(`网络连接失败，已自动重试 ${RECONNECT_BACKOFF_MS.length} 次`);
    expect(p.text('#error-action')).toBe('重试');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    expect(p.text()).not.toContain('结束直播');
    expect(engine.callsOf('logoutRoom')).toEqual([['room_1']]);
    expect(platform.keepScreenOn).toBe(false);

    await p.tap('#error-action');

    await settle();
    // Joined again with a fresh token, and (it was live) publishing again by itself.
    expect(engine.callsOf('loginRoom')).toHaveLength(2);
    expect(engine.callsOf('startPublishingStream')).toHaveLength(2);
    expect(p.nodes('live-pusher')).toHaveLength(1);
    const retriedURL = p.nativeAttr('live-pusher', 'url');
    expect(retriedURL).toBe(pushURL(urlNumber(retriedURL)));
    expect(urlNumber(retriedURL)).toBeGreaterThan(urlNumber(firstURL));
    publishing();
    await settle();
    expect(p.text('#status')).toBe('直播中');
    expect(p.exists('#error')).toBe(false);
    expect(platform.keepScreenOn).toBe(true);
  });
});

describe('anchor page while live: phone call, background', () => {
  it('pusher 5001 (a call): the interrupted notice; the call ends: resumed and live again', async () => {
    const p = await anchorLive();
    await p.nativeEvent('live-pusher', 'statechange', { code: 5001, message: '系统电话打断' });
    await settle();
    expect(p.text('#notice')).toBe('通话中，直播已暂停，结束后自动恢复');
    expect(p.text('#status')).toBe('通话中，直播已暂停');
    // Still on air: the end button, not a go-live button.
    expect(p.exists('#end-live')).toBe(true);
    expect(p.exists('#go-live')).toBe(false);
    platform.audioInterruptionEnd();
    await settle();
    expect(pusherCalls()).toContain('resume');
    expect(p.text('#status')).toBe('直播中');
    expect(p.exists('#notice')).toBe(false);
  });

  it('audio interruption begin/end from the platform does the same', async () => {
    const p = await anchorLive();
    platform.audioInterruptionBegin();
    await settle();
    expect(p.text('#notice')).toBe('通话中，直播已暂停，结束后自动恢复');
    platform.audioInterruptionEnd();
    await settle();
    expect(p.text('#status')).toBe('直播中');
    expect(p.exists('#notice')).toBe(false);
  });

  it('pusher 5000 (app suspended) then hide and show: paused with the waiting image, resumed, live again', async () => {
    const p = await anchorLive();
    expect(p.nativeAttr('live-pusher', 'waitingImage')).toBeTruthy();
    await p.nativeEvent('live-pusher', 'statechange', { code: 5000, message: '被挂起' });
    await settle();
    await p.hide();
    await settle();
    expect(pusherCalls()).toContain('pause');
    await advance(5000);
    await p.show();
    await settle();
    expect(pusherCalls()[pusherCalls().length - 1]).toBe('resume');
    expect(p.text('#status')).toBe('直播中');
    expect(p.exists('#notice')).toBe(false);
    // Paused and resumed, not republished.
    expect(engine.callsOf('startPublishingStream')).toHaveLength(1);
  });
});

describe('anchor page while live: token, kick-out', () => {
  it('tokenWillExpire: a new token from the service goes to engine.renewToken; nothing shows', async () => {
    const p = await anchorLive();
    engine.emit('tokenWillExpire', { roomID: 'room_1' });
    await settle();
    expect(mockedApi.getRoomToken).toHaveBeenLastCalledWith('room_1', 'anchor');
    const [roomID, token] = engine.callsOf('renewToken')[0];
    expect(roomID).toBe('room_1');
    expect(token).toBe(`zego_token_${tokenCounter}`);
    expect(p.exists('#error')).toBe(false);
    expect(p.text('#status')).toBe('直播中');
  });

  it('renewal keeps failing: a visible message with retry; retry renews and the message goes', async () => {
    const p = await anchorLive();
    mockedApi.getRoomToken.mockRejectedValue(new ApiError('UNAVAILABLE', 'Service Unavailable', 503));
    engine.emit('tokenWillExpire', { roomID: 'room_1' });
    await advance(TOKEN_RETRY_MS * 2 + 100);
    expect(p.text('#error')).toContain('登录凭证续期失败（服务暂时不可用，请稍后重试）');
    expect(p.text('#error')).not.toContain('Unavailable');
    expect(p.text('#error-action')).toBe('重试');
    // Still on air while the old token lasts.
    expect(p.text('#status')).toBe('直播中');
    expect(engine.callsOf('renewToken')).toHaveLength(0);

    signInAs(ANCHOR);
    await p.tap('#error-action');
    await settle();
    expect(engine.callsOf('renewToken')).toHaveLength(1);
    expect(p.exists('#error')).toBe(false);
  });

  it('the SDK refuses the new token: the message says so', async () => {
    const p = await anchorLive();
    engine.renewResult = false;
    engine.emit('tokenWillExpire', { roomID: 'room_1' });
    await advance(TOKEN_RETRY_MS * 2 + 100);
    expect(engine.callsOf('renewToken')).toHaveLength(3);
    expect(p.text('#error')).toContain('直播服务拒绝了新的凭证');
  });

  it('KICKOUT: the kicked screen, the pusher gone, and no rejoin however long it waits', async () => {
    const p = await anchorLive();
    engine.emit('roomStateChanged', {
      roomID: 'room_1',
      reason: 'KICKOUT',
      errorCode: 1002050,
      extendedData: '',
    });
    await settle();
    expect(p.text('#error')).toContain('你的账号已在其他设备进入了这个房间');
    expect(p.text('#error-action')).toBe('离开');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    expect(engine.publishing.size).toBe(0);
    await advance(60_000);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
    expect(p.text('#error')).toContain('你的账号已在其他设备进入了这个房间');
    await p.tap('#error-action');
    await settle();
    expect(wxFakes.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: '/home/rooms/index' }));
  });
});

describe('anchor page: before going live', () => {
  it('camera refused: the open-settings button; granted there: the preview carries on', async () => {
    signInAs(ANCHOR);
    platform.answers['scope.camera'] = 'deny';
    const p = await open('anchor');
    expect(p.text('#error')).toContain('直播需要使用摄像头');
    expect(p.text('#error-action')).toBe('去设置');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    expect(engine.callsOf('loginRoom')).toHaveLength(0);

    // Closed the settings page without switching it on: still the same message and button.
    await p.tap('#error-action');
    await settle();
    expect(platform.calls.filter((c) => c === 'openSetting')).toHaveLength(1);
    expect(p.text('#error-action')).toBe('去设置');
    expect(engine.callsOf('loginRoom')).toHaveLength(0);

    platform.settingsPageGrants = { 'scope.camera': true };
    await p.tap('#error-action');
    await settle();
    expect(platform.calls.filter((c) => c === 'openSetting')).toHaveLength(2);
    expect(p.exists('#error')).toBe(false);
    expect(p.text('#status')).toBe('准备开播');
    expect(p.nodes('live-pusher')).toHaveLength(1);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('checkSystemRequirements 10001: the upgrade-WeChat action, no login', async () => {
    engine.systemCheck = { code: 10001, msg: 'wechat version too low' };
    signInAs(ANCHOR);
    const p = await open('anchor');
    expect(p.text('#error')).toContain('当前微信版本过低');
    expect(p.text('#error-action')).toBe('升级微信');
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
    await p.tap('#error-action');
    await settle();
    expect(wxFakes.updateWeChatApp).toHaveBeenCalled();
  });

  it('checkSystemRequirements 10002: the anchor is asked for the permissions and, granted, previews', async () => {
    engine.systemCheck = { code: 10002, msg: 'no permission' };
    const p = await anchorPreview();
    expect(platform.calls.filter((c) => c === 'authorize')).toHaveLength(2);
    expect(p.text('#status')).toBe('准备开播');
    expect(p.exists('#error')).toBe(false);
  });

  it('DevTools: says the simulator cannot push, and offers to leave', async () => {
    platform.device = { ...platform.device, platform: 'devtools' };
    signInAs(ANCHOR);
    const p = await open('anchor');
    expect(p.text('#error')).toContain('开发者工具的模拟器不能推流或播放直播');
    expect(p.text('#error-action')).toBe('离开');
    expect(p.nodes('live-pusher')).toHaveLength(0);
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
  });
});

describe('audience page while watching: network', () => {
  it('a network drop shows the offline text; back online: replays with a fresh URL and shows watching', async () => {
    const p = await viewerWatching();
    const firstURL = p.nativeAttr('live-player', 'src');
    platform.network(false);
    await settle();
    expect(p.text('#notice')).toBe('网络已断开，等待网络恢复…');
    expect(p.text('#status')).toBe('网络不稳定，正在重连…');
    platform.network(true);
    await settle();
    expect(engine.callsOf('startPlayingStream')).toHaveLength(2);
    const freshURL = p.nativeAttr('live-player', 'src');
    expect(freshURL).not.toBe(firstURL);
    expect(freshURL).toBe(playURL(urlNumber(freshURL)));
    expect(playerCalls()).toEqual(['play', 'stop', 'play']);
    // SDK stop before the component's stop.
    const sdkStop = log.indexOf('stopPlayingStream');
    const componentStop = log.entries.findIndex((e) => e.source === 'native-player' && e.name === 'stop');
    expect(sdkStop).toBeGreaterThanOrEqual(0);
    expect(componentStop).toBeGreaterThan(sdkStop);
    expect(p.text('#status')).toBe('观看中');
    expect(p.exists('#notice')).toBe(false);
  });

  it('room CONNECTING after CONNECTED: the reconnecting text; CONNECTED again: watching', async () => {
    const p = await viewerWatching();
    roomState('CONNECTING');
    await settle();
    expect(p.text('#notice')).toBe('网络不稳定，正在重连…');
    roomState('CONNECTED');
    await settle();
    expect(p.text('#status')).toBe('观看中');
    expect(p.exists('#notice')).toBe(false);
    expect(p.nodes('live-player')).toHaveLength(1);
  });

  it('the player’s 3005 (stream broke): reconnecting, then a fresh URL on the backoff timer', async () => {
    const p = await viewerWatching();
    await p.nativeEvent('live-player', 'statechange', { code: 3005, message: 'RTMP 读/写失败' });
    await settle();
    expect(p.text('#notice')).toBe('网络不稳定，正在重连…');
    await advance(RECONNECT_BACKOFF_MS[0]);
    expect(engine.callsOf('startPlayingStream')).toHaveLength(2);
    expect(p.nativeAttr('live-player', 'src')).toBe(playURL(urlNumber(p.nativeAttr('live-player', 'src'))));
    expect(p.text('#status')).toBe('观看中');
  });

  it('gives up after the bounded retries: failed with a retry button; tapping it rejoins and plays', async () => {
    const p = await viewerWatching();
    roomState('CONNECTING');
    await advance(ALL_BACKOFF_MS);
    expect(p.text('#error')).toContain(`网络连接失败，已自动重试 ${RECONNECT_BACKOFF_MS.length} 次`);
    expect(p.text('#error-action')).toBe('重试');
    expect(p.nodes('live-player')).toHaveLength(0);
    expect(engine.callsOf('logoutRoom')).toEqual([['room_1']]);

    await p.tap('#error-action');

    await settle();
    expect(engine.callsOf('loginRoom')).toHaveLength(2);
    expect(p.exists('#error')).toBe(false);
    // After login the SDK lists the room's streams again.
    engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [ANCHOR_STREAM] });
    await settle();
    playing();
    await settle();
    expect(p.nodes('live-player')).toHaveLength(1);
    expect(p.text('#status')).toBe('观看中');
    expect(p.text()).not.toContain('主播暂时离开');
  });
});

describe('audience page while watching: phone call, background, token, kick-out', () => {
  it('a phone call: the interrupted notice; the call ends: the player resumes', async () => {
    const p = await viewerWatching();
    platform.audioInterruptionBegin();
    await settle();
    expect(p.text('#notice')).toBe('通话中，直播已暂停，结束后自动恢复');
    expect(p.text('#status')).toBe('通话中，直播已暂停');
    platform.audioInterruptionEnd();
    await settle();
    expect(playerCalls()).toContain('resume');
    expect(p.text('#status')).toBe('观看中');
    expect(p.exists('#notice')).toBe(false);
  });

  it('hide stops the player (SDK first); show plays again with a fresh URL', async () => {
    const p = await viewerWatching();
    await p.hide();
    await settle();
    expect(engine.callsOf('stopPlayingStream')).toEqual([[STREAM]]);
    expect(playerCalls()).toEqual(['play', 'stop']);
    await advance(10_000);
    await p.show();
    await settle();
    expect(engine.callsOf('startPlayingStream')).toHaveLength(2);
    expect(playerCalls()).toEqual(['play', 'stop', 'play']);
    expect(p.nativeAttr('live-player', 'src')).toBe(playURL(urlNumber(p.nativeAttr('live-player', 'src'))));
    expect(p.text('#status')).toBe('观看中');
  });

  it('tokenWillExpire: renewed through the service and engine.renewToken', async () => {
    const p = await viewerWatching();
    engine.emit('tokenWillExpire', { roomID: 'room_1' });
    await settle();
    expect(mockedApi.getRoomToken).toHaveBeenLastCalledWith('room_1', 'audience');
    expect(engine.callsOf('renewToken')).toEqual([['room_1', `zego_token_${tokenCounter}`]]);
    expect(p.exists('#error')).toBe(false);
  });

  it('renewal failing: a visible message', async () => {
    const p = await viewerWatching();
    mockedApi.getRoomToken.mockRejectedValue(new Error('offline'));
    engine.emit('tokenWillExpire', { roomID: 'room_1' });
    await advance(TOKEN_RETRY_MS * 2 + 100);
    expect(p.text('#error')).toContain('登录凭证续期失败（请求新的凭证失败）');
    expect(p.text('#error-action')).toBe('重试');
  });

  it('KICKOUT: the kicked screen, the player gone, no rejoin', async () => {
    const p = await viewerWatching();
    engine.emit('roomStateChanged', {
      roomID: 'room_1',
      reason: 'KICKOUT',
      errorCode: 63000002,
      extendedData: '',
    });
    await settle();
    expect(p.text('#error')).toContain('你已被移出房间');
    expect(p.text('#error-action')).toBe('离开');
    expect(p.nodes('live-player')).toHaveLength(0);
    expect(engine.playing.size).toBe(0);
    await advance(60_000);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });
});

describe('audience page: pre-flight', () => {
  it('checkSystemRequirements 10001: the upgrade-WeChat action, no login', async () => {
    engine.systemCheck = { code: 10001, msg: 'wechat version too low' };
    signInAs(VIEWER);
    const p = await open('audience');
    expect(p.text('#error')).toContain('当前微信版本过低');
    expect(p.text('#error-action')).toBe('升级微信');
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
    await p.tap('#error-action');
    await settle();
    expect(wxFakes.updateWeChatApp).toHaveBeenCalled();
  });

  it('checkSystemRequirements 10002 (no camera/record permission): a viewer needs none and watches', async () => {
    engine.systemCheck = { code: 10002, msg: 'no permission' };
    signInAs(VIEWER);
    const p = await open('audience');
    expect(platform.calls).not.toContain('authorize');
    expect(p.exists('#error')).toBe(false);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
    engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [ANCHOR_STREAM] });
    await settle();
    expect(p.nodes('live-player')).toHaveLength(1);
    expect(p.text('#status')).toBe('观看中');
  });

  it('DevTools: the simulator message', async () => {
    platform.device = { ...platform.device, platform: 'devtools' };
    signInAs(VIEWER);
    const p = await open('audience');
    expect(p.text('#error')).toContain('开发者工具的模拟器不能推流或播放直播');
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
  });
});

describe('unload leaves nothing behind', () => {
  /** Nothing of ours keeps running: no timer, no SDK handler, no platform listener, the screen may sleep. */
  function expectNothingLeft(): void {
    expect(liveSession.phase).toBe('idle');
    expect(jest.getTimerCount()).toBe(0);
    expect(engine.handler).toBeNull();
    expect(engine.listenerCount()).toBe(0);
    expect(platform.listenerCount()).toBe(0);
    expect(platform.keepScreenOn).toBe(false);
    expect(engine.callsOf('logoutRoom')).toEqual([['room_1']]);
    expect(engine.rooms.size).toBe(0);
  }

  /** Index of the native component's `stop` after the SDK call `sdkStop`. */
  function nativeStopAfter(kind: 'native-pusher' | 'native-player', sdkStop: number): number {
    return log.entries.findIndex((e, i) => i > sdkStop && e.source === kind && e.name === 'stop');
  }

  it('anchor page while live (chat, likes, quality, a notice in flight)', async () => {
    const p = await anchorLive();
    // Give every timer of the store a reason to exist: stats, flush, notice.
    engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 8 });
    await p.nativeEvent('live-pusher', 'statechange', { code: 1101, message: '网络不佳' });
    await settle();
    expect(p.text('#notice')).toBe('网络不佳，画面可能卡顿');
    expect(platform.keepScreenOn).toBe(true);
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    expect(platform.listenerCount()).toBeGreaterThan(0);

    p.unload();
    page = null;
    await settle();
    expectNothingLeft();
    expect(platform.calls.filter((c) => c === 'setKeepScreenOn').length).toBeGreaterThanOrEqual(2);
    const sdkStop = log.indexOf('stopPublishingStream');
    expect(sdkStop).toBeGreaterThanOrEqual(0);
    expect(nativeStopAfter('native-pusher', sdkStop)).toBeGreaterThan(sdkStop);
    expect(log.indexOf('logoutRoom')).toBeGreaterThan(sdkStop);
    expect(engine.publishing.size).toBe(0);
    expect(p.nodes('live-pusher')).toHaveLength(0);
    // Nothing the SDK says afterwards reaches the page or the store.
    expect(
      engine.emit('roomStateUpdate', {
        roomID: 'room_1',
        state: 'CONNECTING',
        errorCode: 0,
        extendedData: '',
      }),
    ).toBe(false);
  });

  it('anchor page while reconnecting (a backoff timer pending)', async () => {
    const p = await anchorLive();
    roomState('CONNECTING');
    await settle();
    expect(p.text('#status')).toBe('网络不稳定，正在重连…');
    p.unload();
    page = null;
    await settle();
    expectNothingLeft();
    await advance(ALL_BACKOFF_MS);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
    expect(engine.callsOf('startPublishingStream')).toHaveLength(1);
  });

  it('audience page while watching (a like batch and a token retry pending)', async () => {
    const p = await viewerWatching();
    await p.tap('#like');
    await settle();
    mockedApi.getRoomToken.mockRejectedValue(new Error('offline'));
    engine.emit('tokenWillExpire', { roomID: 'room_1' });
    await settle();
    expect(platform.keepScreenOn).toBe(true);
    expect(jest.getTimerCount()).toBeGreaterThan(0);

    p.unload();
    page = null;
    await settle();
    expectNothingLeft();
    const sdkStop = log.indexOf('stopPlayingStream');
    expect(sdkStop).toBeGreaterThanOrEqual(0);
    expect(nativeStopAfter('native-player', sdkStop)).toBeGreaterThan(sdkStop);
    expect(log.indexOf('logoutRoom')).toBeGreaterThan(sdkStop);
    expect(engine.playing.size).toBe(0);
    expect(p.nodes('live-player')).toHaveLength(0);
    await advance(TOKEN_RETRY_MS * 3);
    expect(engine.callsOf('renewToken')).toHaveLength(0);
    expect(engine.barrages).toHaveLength(0);
  });
});
