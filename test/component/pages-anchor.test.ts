/**
 * The anchor page, rendered by miniprogram-simulate with the real store and zego-pusher, a fake engine, a fake
 * platform and a mocked service: every entry form, the claim failures, going live, native events reaching the
 * SDK, sharing, and no setData while hidden.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { liveSession } from '../../miniprogram/pages/stores/index';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { chatFromService } from '../helpers/service-chat';
import { FakePlatform } from '../helpers/fake-platform';
import {
  engineSlot,
  installWxFakes,
  openPage,
  roomFixture,
  type PageHarness,
  type WxFakes,
} from '../helpers/page-harness';
import * as simulate from 'miniprogram-simulate';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', anchor: ANCHOR });
const STREAM = 'room_1_u_anchor';

const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;
let platform: FakePlatform;
let wxFakes: WxFakes;
let page: PageHarness | null = null;

/** Opens the anchor page and remembers it so afterEach closes it (leave). */
async function open(query: Record<string, string>): Promise<PageHarness> {
  page = await openPage('anchor', query);
  return page;
}

const stats = (kbps: number, fps: number) => ({
  videoBitrateKbps: kbps,
  audioBitrateKbps: 0,
  videoFps: fps,
  packetLossRate: 0,
  frameWidth: 720,
  frameHeight: 1280,
  quality: 0,
});

beforeEach(() => {
  log.clear();
  engine.calls.length = 0;
  platform = new FakePlatform(log);
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_1', user: ANCHOR });
  setPlatform(platform);
  wxFakes = installWxFakes({ log });
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.claimRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: 'u_anchor',
    streamID: STREAM,
  });
  mockedApi.markLive.mockResolvedValue({ room: { ...ROOM, status: 'live' } });
  mockedApi.endRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
  mockedApi.reportStats.mockResolvedValue({ room: ROOM });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('anchor page: entry forms', () => {
  const invite = 'inv_123';
  const forms: [string, Record<string, string>, string][] = [
    ['scene <roomID>.<invite>', { scene: encodeURIComponent(`room_1.${invite}`) }, 'scene'],
    ['compact scene r=&i=', { scene: encodeURIComponent(`r=room_1&i=${invite}`) }, 'scene'],
    [
      'scene with roomID=&invite= keys',
      { scene: encodeURIComponent(`roomID=room_1&invite=${invite}`) },
      'scene',
    ],
    [
      'q (plain QR link)',
      { q: encodeURIComponent(`https://live.example.com/anchor?roomID=room_1&invite=${invite}`) },
      'link',
    ],
    ['plain roomID + invite', { roomID: 'room_1', invite }, 'query'],
  ];

  it.each(forms)('%s: claims the room with the invite and opens the camera preview', async (_name, query) => {
    const p = await open(query);
    expect(mockedApi.claimRoom).toHaveBeenCalledWith('room_1', invite);
    expect(liveSession.phase).toBe('preview');
    expect(p.text()).toContain('准备开播');
    expect(p.text()).toContain('开始直播');
    expect(p.nodes('live-pusher')).toHaveLength(1);
    expect(engine.callsOf('loginRoom')[0]).toEqual([
      'room_1',
      'zego_token',
      { userID: 'u_anchor', userName: '主播小王' },
    ]);
  });

  it('plain roomID without an invite looks the room up instead of claiming it', async () => {
    const p = await open({ roomID: 'room_1' });
    expect(mockedApi.claimRoom).not.toHaveBeenCalled();
    expect(mockedApi.getRoom).toHaveBeenCalledWith('room_1');
    expect(p.text()).toContain('周末音乐直播');
    expect(p.text()).toContain('开始直播');
  });

  it('plain roomID of someone else’s room (e.g. from Moments): opens the audience page instead', async () => {
    mockedApi.getRoom.mockResolvedValue({
      room: { ...ROOM, anchor: { id: 'someone_else', nickname: 'x', avatarUrl: '' } },
    });
    await open({ roomID: 'room_1' });
    expect(wxFakes.redirectTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/audience/index?roomID=room_1' }),
    );
    expect(mockedApi.getRoomToken).not.toHaveBeenCalled();
  });

  it('plain roomID of a room nobody claimed yet: says to scan the operator’s QR code', async () => {
    mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, anchor: null } });
    const p = await open({ roomID: 'room_1' });
    expect(p.text()).toContain('还不能开播');
    expect(mockedApi.getRoomToken).not.toHaveBeenCalled();
  });

  const bad: [string, Record<string, string>, string][] = [
    ['no room at all', {}, '没有房间号'],
    ['a scene that is not URL-encoded text', { scene: '%E0%A4%A' }, '二维码内容无法识别'],
    [
      'a scene with a bad room ID',
      { scene: encodeURIComponent('r=bad room!&i=x') },
      '房间号只能包含字母、数字和下划线',
    ],
    ['a q that is not a link', { q: encodeURIComponent('hello world') }, '二维码链接无法识别'],
    [
      'a q link without roomID',
      { q: encodeURIComponent('https://live.example.com/anchor?invite=x') },
      '没有房间号',
    ],
    ['a plain roomID with bad characters', { roomID: 'room-1!' }, '房间号只能包含字母、数字和下划线'],
    ['a roomID that is too long', { roomID: 'a'.repeat(129) }, '不能超过 128'],
  ];

  it.each(bad)('%s: a clear screen, no service call, no session', async (_name, query, message) => {
    const p = await open(query);
    expect(p.text()).toContain('无法识别开播二维码');
    expect(p.text()).toContain(message);
    expect(p.text()).toContain('去房间列表');
    expect(mockedApi.claimRoom).not.toHaveBeenCalled();
    expect(mockedApi.getRoomToken).not.toHaveBeenCalled();
    expect(p.nodes('live-pusher')).toHaveLength(0);
    await p.tap('#blocked-action');
    expect(wxFakes.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: '/home/rooms/index' }));
  });

  const claimFailures: [string, ApiError, string][] = [
    ['invite used by someone else (409)', new ApiError('INVITE_USED', 'used', 409), '房间已有主播'],
    ['room already has an anchor (409)', new ApiError('ROOM_ALREADY_CLAIMED', 'owned', 409), '房间已有主播'],
    ['unknown room (404)', new ApiError('NOT_FOUND', 'no room', 404), '房间不存在'],
    ['ended room', new ApiError('ROOM_ENDED', 'ended', 409), '直播已结束'],
    ['expired invite (410)', new ApiError('INVITE_EXPIRED', 'expired', 410), '二维码已过期'],
  ];

  it.each(claimFailures)(
    'claim fails, %s: says what happened and what to do',
    async (_name, error, title) => {
      mockedApi.claimRoom.mockRejectedValueOnce(error);
      mockedApi.getRoom.mockResolvedValue({
        room: { ...ROOM, anchor: { id: 'someone_else', nickname: 'x', avatarUrl: '' } },
      });
      const p = await open({ roomID: 'room_1', invite: 'inv_123' });
      expect(p.text()).toContain(title);
      expect(p.text()).toContain('运营人员');
      expect(mockedApi.getRoomToken).not.toHaveBeenCalled();
      expect(p.nodes('live-pusher')).toHaveLength(0);
    },
  );

  it('a rescan by the room’s own anchor (invite already used by them) goes on to the preview', async () => {
    mockedApi.claimRoom.mockRejectedValueOnce(new ApiError('INVITE_USED', 'used', 409));
    const p = await open({ roomID: 'room_1', invite: 'inv_123' });
    expect(p.text()).toContain('开始直播');
  });

  it('claim answers 401: signs out and goes to sign in, coming back to the same room and invite', async () => {
    mockedApi.claimRoom.mockRejectedValueOnce(new ApiError('UNAUTHORIZED', 'sign in', 401));
    const p = await open({ scene: encodeURIComponent('room_1.inv_123') });
    expect(wxFakes.redirectTo).toHaveBeenCalledTimes(1);
    const url = wxFakes.redirectTo.mock.calls[0][0].url as string;
    expect(url.startsWith('/home/login/index?')).toBe(true);
    expect(decodeURIComponent(url)).toContain('/pages/anchor/index?roomID=room_1&invite=inv_123');
    expect(userStore.user).toBeNull();
    expect(p.text()).toContain('请先登录');
  });

  it('not signed in at all: goes to sign in before claiming', async () => {
    platform.storage.clear();
    await open({ roomID: 'room_1', invite: 'inv_123' });
    expect(mockedApi.claimRoom).not.toHaveBeenCalled();
    expect(wxFakes.redirectTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: expect.stringContaining('/home/login/index') }),
    );
  });
});

describe('anchor page: going live', () => {
  it('go-live puts the push URL on the native live-pusher, then starts it through the pusher context', async () => {
    const p = await open({ roomID: 'room_1' });
    expect(p.nativeAttr('live-pusher', 'url')).toBe('');
    await p.tap('#go-live');
    expect(engine.callsOf('startPublishingStream')).toEqual([[STREAM]]);
    const url = `rtmp://fake.zego/push/${STREAM}?n=1`;
    expect(p.nativeAttr('live-pusher', 'url')).toBe(url);
    expect(wxFakes.pusherContexts.flatMap((c) => c.calls)).toEqual(['start']);
    // SDK first, then the component.
    expect(log.indexOf('startPublishingStream')).toBeLessThan(log.indexOf('start'));
  });

  it('native statechange and netstatus on the live-pusher reach the SDK with the pusher’s stream ID', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.tap('#go-live');
    await p.nativeEvent('live-pusher', 'statechange', {
      code: 1002,
      message: '已经与服务器握手完毕,开始推流',
    });
    expect(engine.callsOf('updatePlayerState')).toEqual([
      [STREAM, { detail: expect.objectContaining({ code: 1002 }) }],
    ]);
    const info = { videoBitrate: 1200, audioBitrate: 48, videoFPS: 25 };
    await p.nativeEvent('live-pusher', 'netstatus', { info });
    expect(engine.callsOf('updatePlayerNetStatus')).toEqual([
      [STREAM, { detail: expect.objectContaining({ info }) }],
    ]);
  });

  it('publisherStateUpdate PUBLISHING turns the screen live; quality, viewers, likes and chat show', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.tap('#go-live');
    expect(p.text()).not.toContain('结束直播');
    engine.emit('publisherStateUpdate', {
      streamID: STREAM,
      state: 'PUBLISHING',
      errorCode: 0,
      extendedData: '',
    });
    engine.emit('publishQualityUpdate', { streamID: STREAM, stats: stats(1180, 24) });
    engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 37 });
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m1', 'v1', '小李', '主播好！')],
    });
    await simulate.sleep(300);
    expect(p.text()).toContain('直播中');
    expect(p.text()).toContain('结束直播');
    expect(p.text()).not.toContain('开始直播');
    expect(p.text()).toContain('推流中');
    expect(p.text()).toContain('1180 kbps · 24 fps · 优');
    expect(p.text()).toContain('37 人在看');
    expect(p.text()).toContain('小李：主播好！');
    expect(mockedApi.markLive).toHaveBeenCalledWith('room_1');
  });

  it('end live asks first, then stops the SDK before the pusher and shows the end screen', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.tap('#go-live');
    engine.emit('publisherStateUpdate', {
      streamID: STREAM,
      state: 'PUBLISHING',
      errorCode: 0,
      extendedData: '',
    });
    await simulate.sleep(0);
    await p.tap('#end-live');
    expect(wxFakes.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '结束直播' }));
    await simulate.sleep(10);
    expect(mockedApi.endRoom).toHaveBeenCalledWith('room_1');
    const stopSDK = log.indexOf('stopPublishingStream');
    expect(stopSDK).toBeGreaterThanOrEqual(0);
    expect(
      log.entries.findIndex((e, i) => i > stopSDK && e.source === 'native-pusher' && e.name === 'stop'),
    ).toBeGreaterThan(stopSDK);
    expect(p.text()).toContain('直播已结束');
    expect(p.nodes('live-pusher')).toHaveLength(0);
  });

  it('camera, microphone and switch-camera buttons reach the pusher', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.tap('#camera');
    expect(p.nativeAttr('live-pusher', 'enableCamera')).toBe(false);
    expect(p.text()).toContain('开摄像头');
    await p.tap('#microphone');
    expect(p.nativeAttr('live-pusher', 'muted')).toBe(true);
    expect(p.text()).toContain('开麦克风');
    expect(p.nativeAttr('live-pusher', 'devicePosition')).toBe('front');
    await p.tap('#switch-camera');
    expect(p.nativeAttr('live-pusher', 'devicePosition')).toBe('back');
    // one switch: the attribute, not also the native context (which would switch it back on a phone)
    expect(wxFakes.pusherContexts.flatMap((c) => c.calls)).not.toContain('switchCamera');
  });

  it('a WeChat too old for live video: the error offers the upgrade', async () => {
    engine.systemCheck = { code: 10001, msg: 'wechat version too low' };
    try {
      const p = await open({ roomID: 'room_1' });
      expect(p.exists('#error')).toBe(true);
      expect(p.text('#error-action')).toBe('升级微信');
      await p.tap('#error-action');
      expect(wxFakes.updateWeChatApp).toHaveBeenCalled();
    } finally {
      engine.systemCheck = { code: 0, msg: '' };
    }
  });

  it('the error panel offers the store’s action, wired to it', async () => {
    platform.answers['scope.camera'] = 'deny';
    const p = await open({ roomID: 'room_1' });
    expect(p.text()).toContain('直播需要使用摄像头');
    expect(p.text(`#error-action`)).toBe('去设置');
    platform.settingsPageGrants = { 'scope.camera': true, 'scope.record': true };
    await p.tap('#error-action');
    expect(platform.calls).toContain('openSetting');
    expect(liveSession.phase).toBe('preview');
    expect(p.exists('#error')).toBe(false);
  });

  it('the camera refused at the system level (live-pusher error 10001): says so and offers the settings page', async () => {
    const p = await open({ roomID: 'room_1' });
    expect(p.exists('#error')).toBe(false);
    await p.nativeEvent('live-pusher', 'error', { errCode: 10001, errMsg: 'user refuse camera' });
    expect(p.text('#error')).toContain('直播需要使用摄像头');
    expect(p.text('#error-action')).toBe('去设置');
    await p.tap('#error-action');
    expect(platform.calls).toContain('openSetting');
    expect(p.exists('#error')).toBe(false);
  });

  it('any other live-pusher error is shown with its code', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.nativeEvent('live-pusher', 'error', { errCode: 10003, errMsg: 'bgm load failed' });
    expect(p.text('#error')).toContain('10003');
  });
});

describe('anchor page: sharing and background', () => {
  it('shares the audience page of the room, to chats and to Moments', async () => {
    const p = await open({ roomID: 'room_1' });
    expect(p.call('onShareAppMessage')).toEqual({
      title: '周末音乐直播 正在直播',
      path: 'pages/audience/index?roomID=room_1',
      imageUrl: '/images/share.png',
    });
    expect(p.call('onShareTimeline')).toEqual({
      title: '周末音乐直播 正在直播',
      query: 'roomID=room_1',
      imageUrl: '/images/share.png',
    });
  });

  it('no setData while hidden; after show the screen is current', async () => {
    const p = await open({ roomID: 'room_1' });
    await p.tap('#go-live');
    engine.emit('publisherStateUpdate', {
      streamID: STREAM,
      state: 'PUBLISHING',
      errorCode: 0,
      extendedData: '',
    });
    await simulate.sleep(0);
    await p.hide();
    expect(wxFakes.pusherContexts.flatMap((c) => c.calls)).toContain('pause');
    const before = p.setDataCalls.length;
    engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 12 });
    engine.emit('publishQualityUpdate', { streamID: STREAM, stats: stats(900, 20) });
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m9', 'v2', '阿强', '还在吗')],
    });
    await p.nativeEvent('live-pusher', 'netstatus', { info: { videoBitrate: 900 } });
    // The room connection drops while hidden: the store's phase changes at once (not buffered).
    engine.emit('roomStateUpdate', { roomID: 'room_1', state: 'CONNECTING', errorCode: 0, extendedData: '' });
    expect(liveSession.phase).toBe('reconnecting');
    await simulate.sleep(1100);
    expect(p.setDataSince(before)).toHaveLength(0);
    await p.show();
    await simulate.sleep(300);
    expect(wxFakes.pusherContexts.flatMap((c) => c.calls)).toContain('resume');
    expect(p.text()).toContain('网络不稳定，正在重连');
    expect(p.text()).toContain('12 人在看');
    expect(p.text()).toContain('阿强：还在吗');
    expect(p.text()).toContain('900 kbps');
  });
});
