/**
 * The Alipay call page in a harness of Alipay's page model, with the real shared session, a fake engine (the SDK's
 * side), a fake platform (my.* the session uses), a fake `my` for rtc-room and prepareRTCResource, and a mocked
 * service: the whole call as ZEGO's Alipay guide has it.
 */
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { installFakeMy, type FakeMy } from './fake-my';
import { installPageGlobals, loadPage, settle, type AlipayPage } from './page-model';

const slot: { engine: FakeEngine | null } = { engine: null };
jest.mock('../../alipay/services/engine-loader', () => ({
  loadAlipayEngine: () => Promise.resolve(slot.engine),
}));
jest.mock('../../alipay/services/api', () => {
  const actual = jest.requireActual('../../miniprogram/services/api-client') as Record<string, unknown>;
  const names = [
    'config',
    'signInWithAlipay',
    'signInForDevelopment',
    'uploadAvatar',
    'getRoom',
    'getRoomToken',
    'getRtcRoomParams',
    'markLive',
    'endRoom',
    'reportStats',
    'listRooms',
    'createRoom',
    'createCall',
    'claimRoom',
    'sendProblemReport',
  ];
  return { ...actual, alipayApi: Object.fromEntries(names.map((n) => [n, jest.fn()])) };
});

type Api = Record<string, jest.Mock>;
const ME = { id: 'u_ali', nickname: '支付宝小张', avatarUrl: '' };
const CALLER = { id: 'u_wx', nickname: '微信小明', avatarUrl: '' };
const OWN = 'call_1_u_ali';
const PEER = 'call_1_u_wx';
const PEER_STREAM = { streamID: PEER, user: { userID: 'u_wx', userName: '微信小明' }, extraInfo: '' };
const PARAMS = { bizName: 'biz', subBiz: 'sub', serverUrl: 'wss://mrtc.example', signature: 'sig-123' };
const CALL = {
  id: 'call_1',
  title: '微信小明的视频通话',
  status: 'live',
  kind: 'call',
  members: [CALLER],
  anchor: CALLER,
  startedAt: null,
  endedAt: null,
  stats: { peakViewers: 0, likes: 0, messages: 0 },
};

let log: CallLog;
let engine: FakeEngine;
let platform: FakePlatform;
let fakeMy: FakeMy;
let api: Api;
let session: typeof import('../../alipay/session');
let page: AlipayPage;

async function open(query: Record<string, string> = { roomID: 'call_1' }): Promise<AlipayPage> {
  page = loadPage('pages/call/index');
  page.call('onLoad', query);
  page.call('onShow');
  await settle();
  return page;
}

async function peerArrives(): Promise<void> {
  engine.emit('roomUserUpdate', { roomID: 'call_1', updateType: 'ADD', users: [PEER_STREAM.user] });
  engine.emit('roomStreamUpdate', { roomID: 'call_1', updateType: 'ADD', streams: [PEER_STREAM] });
  await settle();
  engine.emit('playerStateUpdate', { streamID: PEER, state: 'PLAYING', errorCode: 0, extendedData: '' });
  await settle();
}

const extraInfo = () => (page.data.rtcRoom as { extraInfo: Record<string, unknown> } | null)?.extraInfo;

beforeEach(() => {
  jest.resetModules();
  installPageGlobals();
  log = new CallLog();
  engine = new FakeEngine(log);
  slot.engine = engine;
  fakeMy = installFakeMy(log);
  platform = new FakePlatform(log);
  platform.storage.set('live.session', { sessionToken: 'session_ali', user: ME });
  // the modules of this test's registry
  (require('../../alipay/services/platform') as typeof import('../../alipay/services/platform')).setPlatform(
    platform,
  );
  api = (require('../../alipay/services/api') as { alipayApi: Api }).alipayApi;
  session = require('../../alipay/session') as typeof import('../../alipay/session');
  api.getRoom.mockResolvedValue({ room: CALL });
  api.getRtcRoomParams.mockResolvedValue(PARAMS);
  api.endRoom.mockResolvedValue({ room: { ...CALL, status: 'ended' } });
  api.getRoomToken.mockResolvedValue({
    token: 'zego_token_ali',
    expiresAt: Date.now() + 3600_000,
    appID: 1,
    userID: 'u_ali',
    streamID: OWN,
  });
});

afterEach(() => {
  page?.call('onUnload');
  session?.userStore.signOut();
});

describe('Alipay call page', () => {
  it('waits for prepareRTCResource, then a call token, login, and the push URL in a new rtc-room', async () => {
    await open();
    expect(fakeMy.resourceCalls).toBe(1);
    expect(api.getRtcRoomParams).toHaveBeenCalledWith('call_1');
    expect(api.getRoomToken).toHaveBeenCalledWith('call_1', 'call');
    expect(engine.callsOf('loginRoom')[0]).toEqual([
      'call_1',
      'zego_token_ali',
      { userID: 'u_ali', userName: '支付宝小张' },
    ]);
    expect(engine.callsOf('startPublishingStream')).toEqual([[OWN]]);
    expect(page.data.rtcRoom).toMatchObject({
      id: 'rtcroom-1',
      signature: 'sig-123',
      enableCamera: true,
      mute: false,
    });
    expect(extraInfo()).toEqual({
      ...PARAMS,
      isAliPay: true,
      rtmpPushUrl: expect.stringContaining(OWN),
      rtmpPullUrl: '',
    });
    expect(fakeMy.contexts.map((c) => c.id)).toEqual(['rtcroom-1']);
    expect(page.data.statusText).toBe('等待对方加入…');
  });

  it('the peer’s stream: its pull URL re-creates rtc-room (hidden, old context stopped, new id, shown)', async () => {
    await open();
    log.clear();
    await peerArrives();
    expect(engine.callsOf('startPlayingStream')).toEqual([[PEER]]);
    expect(fakeMy.contexts.map((c) => [c.id, c.stopped])).toEqual([
      ['rtcroom-1', true],
      ['rtcroom-2', false],
    ]);
    expect(page.setDataCalls.some((d) => 'rtcRoom' in d && d.rtcRoom === null)).toBe(true);
    expect(extraInfo()).toMatchObject({
      rtmpPushUrl: expect.stringContaining(OWN),
      rtmpPullUrl: expect.stringContaining(PEER),
    });
    // the SDK gave the URL before rtc-room was re-created
    expect(log.indexOf('startPlayingStream')).toBeLessThan(log.indexOf('create'));
    expect(page.data.statusText).toBe('通话中');
    expect(page.data.peerName).toBe('微信小明');
  });

  it.each([
    [3800, OWN],
    [3801, OWN],
    [3802, PEER],
    [3803, PEER],
  ])('onRtmpEvent %d reaches updatePlayerState with stream %s', async (code, streamID) => {
    await open();
    await peerArrives();
    page.fire('rtc-room', 'onRtmpEvent', { code, message: 'rtmp' });
    expect(engine.callsOf('updatePlayerState')).toEqual([[streamID, { detail: { code, message: 'rtmp' } }]]);
  });

  it('the peer hangs up (DELETE): stopPlayingStream before rtc-room is stopped; 对方已挂断 with the duration', async () => {
    await open();
    await peerArrives();
    log.clear();
    engine.emit('roomStreamUpdate', { roomID: 'call_1', updateType: 'DELETE', streams: [PEER_STREAM] });
    await settle();
    const names = log.entries.map((e) => `${e.source}:${e.name}`);
    expect(names.indexOf('engine:stopPlayingStream')).toBeLessThan(names.indexOf('rtc-room:stop'));
    expect(names.lastIndexOf('engine:logoutRoom')).toBeGreaterThan(names.indexOf('engine:stopPlayingStream'));
    expect(page.data.phase).toBe('ended');
    expect(page.data.callSummary).toMatch(/^对方已挂断，通话时长 \d\d:\d\d$/);
    expect(api.endRoom).toHaveBeenCalledWith('call_1');
  });

  it('hang up: both streams stopped in the SDK, then logoutRoom last; rtc-room gone', async () => {
    await open();
    await peerArrives();
    log.clear();
    page.tap('#hang-up');
    await settle();
    const names = log.names('engine');
    expect(names).toEqual(expect.arrayContaining(['stopPublishingStream', 'stopPlayingStream']));
    expect(names.indexOf('logoutRoom')).toBeGreaterThan(names.indexOf('stopPublishingStream'));
    expect(names.indexOf('logoutRoom')).toBeGreaterThan(names.indexOf('stopPlayingStream'));
    expect(page.data.rtcRoom).toBeNull();
    expect(page.data.callSummary).toMatch(/^通话已结束/);
  });

  it('camera and microphone: the context’s enableCamera / mute; on iOS rtc-room is re-created as well', async () => {
    await open();
    page.tap('#camera');
    page.tap('#mic');
    expect(fakeMy.contexts[0].calls.map((c) => [c.name, c.args[0]])).toEqual([
      ['enableCamera', { enable: false }],
      ['mute', { muted: false }],
      ['enableCamera', { enable: false }],
      ['mute', { muted: true }],
    ]);
    await settle();
    expect(page.data.enableCamera).toBe(false);
    expect(fakeMy.contexts).toHaveLength(1);
    fakeMy.platform = 'iOS';
    page.tap('#camera');
    await settle();
    expect(fakeMy.contexts.map((c) => c.id)).toEqual(['rtcroom-1', 'rtcroom-2']);
    expect(page.data.rtcRoom).toMatchObject({ enableCamera: true, mute: true });
  });

  it('checkSystemRequirements 10002 with the camera refused: the error offers the settings page (my.openSetting)', async () => {
    engine.systemCheck = { code: 10002, msg: 'no permission' };
    platform.settings['scope.camera'] = false;
    platform.settingsPageGrants = { 'scope.camera': true };
    await open();
    expect(page.data.error).toMatchObject({ action: 'openSetting' });
    expect(engine.callsOf('loginRoom')).toEqual([]);
    page.tap('#error-action');
    await settle();
    expect(platform.calls).toContain('openSetting');
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('prepareRTCResource failing: a clear screen, and 重试 asks again', async () => {
    fakeMy.resourceOk = false;
    await open();
    expect(page.data.screen).toBe('blocked');
    expect(page.data.blocked).toMatchObject({ title: '通话组件准备失败', action: 'retry' });
    expect(api.getRoomToken).not.toHaveBeenCalled();
    fakeMy.resourceOk = true;
    page.tap('#blocked-action');
    await settle();
    expect(fakeMy.resourceCalls).toBe(2);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('no rtc-room parameters on the service (503): says the call is not open yet, and leaves the room', async () => {
    // ApiError of this test's module registry (jest.resetModules), the class the page checks against
    const { ApiError } =
      require('../../miniprogram/services/api-client') as typeof import('../../miniprogram/services/api-client');
    api.getRtcRoomParams.mockRejectedValue(
      new ApiError('RTC_ROOM_NOT_CONFIGURED', 'Set ALIPAY_RTC_BIZ_NAME ...', 503),
    );
    await open();
    await settle();
    expect(page.data.blocked).toMatchObject({ title: '暂不能通话' });
    // asked only once the call token made this user a member; then out again, nothing left on
    expect(log.indexOf('loginRoom')).toBeGreaterThan(-1);
    expect(engine.callsOf('logoutRoom')).toEqual([['call_1']]);
    expect(page.data.rtcRoom).toBeNull();
    expect(fakeMy.contexts).toEqual([]);
  });

  it('a full call: 通话已满, no token, no rtc-room', async () => {
    api.getRoom.mockResolvedValue({
      room: { ...CALL, members: [CALLER, { id: 'u_3', nickname: '第三人', avatarUrl: '' }] },
    });
    await open();
    expect(page.data.blocked).toMatchObject({ title: '通话已满' });
    expect(api.getRoomToken).not.toHaveBeenCalled();
    expect(fakeMy.contexts).toEqual([]);
  });

  it('not signed in: the sign-in screen; my.getAuthCode’s code goes to the service’s Alipay sign-in, then the call', async () => {
    platform.storage.clear();
    api.signInWithAlipay.mockResolvedValue({ sessionToken: 'fresh', user: ME });
    await open();
    expect(page.data.screen).toBe('signin');
    page.fire('#nickname', 'onInput', { value: '支付宝小张' });
    await page.tap('#sign-in');
    await settle();
    expect(platform.calls).toContain('login');
    expect(api.signInWithAlipay).toHaveBeenCalledWith(expect.any(String), '支付宝小张', undefined);
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('rtc-room onError: the code and Alipay’s text on the error panel (the shared catalog’s generic entry)', async () => {
    await open();
    page.fire('rtc-room', 'onError', { errorCode: 1003, errorMessage: 'camera busy' });
    await settle();
    expect(page.data.error).toMatchObject({ code: 1003, message: expect.stringContaining('1003') });
    expect(String((page.data.error as { message: string }).message)).toContain('camera busy');
  });

  it('the network drops and comes back: the notice, then both streams again and rtc-room re-created', async () => {
    await open();
    await peerArrives();
    const created = fakeMy.contexts.length;
    platform.network(false);
    await settle();
    expect(page.data.phase).toBe('reconnecting');
    expect(page.data.notice).toBe('网络已断开，等待网络恢复…');
    platform.network(true);
    await settle();
    await settle();
    expect(engine.callsOf('startPublishingStream')).toHaveLength(2);
    expect(engine.callsOf('startPlayingStream')).toHaveLength(2);
    expect(fakeMy.contexts.length).toBeGreaterThan(created);
    expect(page.data.phase).toBe('calling');
  });

  it('hidden: no setData; unload: no handler, listener or rtc-room context left', async () => {
    await open();
    await peerArrives();
    page.call('onHide');
    const before = page.setDataCalls.length;
    engine.emit('roomOnlineUserCountUpdate', { roomID: 'call_1', count: 2 });
    engine.emit('publisherStateUpdate', {
      streamID: OWN,
      state: 'PUBLISHING',
      errorCode: 0,
      extendedData: '',
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect(page.setDataCalls.slice(before).filter((d) => !('rtcRoom' in d))).toEqual([]);
    page.call('onShow');
    page.call('onUnload');
    await settle();
    expect(engine.handler).toBeNull();
    expect(platform.listenerCount()).toBe(0);
    expect(fakeMy.contexts.every((c) => c.stopped)).toBe(true);
  });
});

describe('Alipay call page: the service’s English message is never on screen', () => {
  // ApiError of each test's module registry (jest.resetModules), the class the shared code checks against
  const apiError = (code: string, message: string, status: number) => {
    const { ApiError } =
      require('../../miniprogram/services/api-client') as typeof import('../../miniprogram/services/api-client');
    return new ApiError(code, message, status);
  };

  it('a failed Alipay sign-in: "登录失败：" and the catalog’s row', async () => {
    platform.storage.clear();
    api.signInWithAlipay.mockRejectedValue(
      apiError('ALIPAY_UNAVAILABLE', 'Alipay login service is unavailable, please try again', 503),
    );
    api.signInForDevelopment.mockRejectedValue(apiError('FORBIDDEN', 'Development sign-in is off', 403));
    await open();
    page.fire('#nickname', 'onInput', { value: '支付宝小张' });
    await page.tap('#sign-in');
    await settle();
    expect(page.data.signInError).toBe('登录失败：支付宝服务暂时不可用，请稍后重试');
    expect(engine.callsOf('loginRoom')).toEqual([]);
  });

  it('a call the service will not show: the notice in Chinese', async () => {
    api.getRoom.mockRejectedValue(apiError('RATE_LIMITED', 'Too many requests; try again in 5 s', 429));
    await open();
    expect(page.data.blocked).toMatchObject({ title: '加载失败', message: '操作太频繁了，请稍后再试' });
    expect(api.getRoomToken).not.toHaveBeenCalled();
  });
  it('遇到问题？ sends the words, the device and the log lines, with no token, session or signature in them', async () => {
    await open();
    await peerArrives();
    api.sendProblemReport.mockResolvedValue({ id: 7 });
    // 取消 sends nothing.
    fakeMy.promptAnswer = null;
    page.call('onReportProblem');
    await settle();
    expect(api.sendProblemReport).not.toHaveBeenCalled();

    fakeMy.promptAnswer = '  看不到对方画面 ';
    page.call('onReportProblem');
    await settle();
    expect(api.sendProblemReport).toHaveBeenCalledTimes(1);
    const [report] = api.sendProblemReport.mock.calls[0] as [
      { roomId: string; description: string; device: Record<string, string>; logs: string[] },
    ];
    expect(report).toMatchObject({ roomId: 'call_1', description: '看不到对方画面' });
    expect(report.device).toMatchObject({ zegoSdk: expect.any(String) });
    // What led up to it: the session's phase changes and the SDK's callbacks are in the lines.
    expect(report.logs.some((l) => /playerStateUpdate/.test(l))).toBe(true);
    const sent = JSON.stringify(report);
    for (const secret of ['zego_token_ali', 'session_ali', PARAMS.signature])
      expect(sent).not.toContain(secret);
    expect(fakeMy.toasts).toEqual(['已发送，谢谢反馈']);

    // A refusal is said in the user's words.
    const { ApiError } = jest.requireActual('../../miniprogram/services/api-client') as {
      ApiError: new (code: string, message: string, status: number) => Error;
    };
    api.sendProblemReport.mockRejectedValue(new ApiError('RATE_LIMITED', 'Too many reports', 429));
    page.call('onReportProblem');
    await settle();
    expect(fakeMy.toasts[1]).toBe('操作太频繁了，请稍后再试');
  });
});
