/**
 * A room shared to Moments (朋友圈) opens in WeChat's single-page mode (scene 1154): no sign-in (wx.login is not
 * there), no navigation, no engine. The audience page (and the anchor page, which an anchor shares to Moments too)
 * shows only the room's card, read without a session: cover or placeholder, title, anchor, status, and the way to
 * the full mini-program (WeChat's bottom bar 「前往小程序」). Its share cards still work. Any other scene behaves as
 * before.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
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
const engineLoads = jest.fn();
jest.mock('../../miniprogram/services/rtc-engine', () => {
  const real = require('../helpers/page-harness').mockRtcEngineModule();
  return {
    loadRtcEngine: () => {
      engineLoads();
      return real.loadRtcEngine();
    },
  };
});

// The first page opened compiles its WXML: slow on a busy machine.
jest.setTimeout(30_000);

const mockedApi = api as jest.Mocked<typeof api>;
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live' });
const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;

let platform: FakePlatform;
let wxFakes: WxFakes;
let wxLogin: jest.Mock;
let page: PageHarness | null = null;

/** WeChat's entry options for this test: the scene the page was opened with. */
function enterWith(scene: number): void {
  const target = wx as unknown as Record<string, unknown>;
  target.getEnterOptionsSync = jest.fn(() => ({ scene, path: 'pages/audience/index', query: {} }));
  target.getLaunchOptionsSync = jest.fn(() => ({ scene, path: 'pages/audience/index', query: {} }));
}

/** Every route the page called on the service. */
const routesCalled = (): string[] =>
  Object.entries(mockedApi)
    .filter(([, fn]) => jest.isMockFunction(fn) && (fn as jest.Mock).mock.calls.length > 0)
    .map(([name]) => name);

const noNavigation = (): void => {
  expect(wxFakes.navigateTo).not.toHaveBeenCalled();
  expect(wxFakes.redirectTo).not.toHaveBeenCalled();
  expect(wxFakes.reLaunch).not.toHaveBeenCalled();
  expect(wxFakes.navigateBack).not.toHaveBeenCalled();
};

beforeEach(() => {
  log.clear();
  engine.calls.length = 0;
  engineLoads.mockClear();
  platform = new FakePlatform(log);
  setPlatform(platform);
  wxFakes = installWxFakes({ log });
  wxLogin = jest.fn();
  (wx as unknown as Record<string, unknown>).login = wxLogin;
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token_viewer',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: VIEWER.id,
  });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('scene 1154 (Moments single-page mode)', () => {
  beforeEach(() => enterWith(1154));

  it('the audience page shows the room’s card: no sign-in, no session request, no navigation, no engine', async () => {
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.text('#moments-title')).toBe('周末音乐直播');
    expect(page.text('#moments-status')).toBe('直播中');
    expect(page.text('#moments-anchor')).toContain('主播小王');
    expect(page.text('#moments-hint')).toContain('「前往小程序」');
    // No cover on this room: the placeholder.
    expect(page.exists('#moments-placeholder')).toBe(true);
    expect(page.exists('#moments-cover')).toBe(false);
    // Read anonymously: the only route is the public room lookup; nothing signs in.
    expect(routesCalled()).toEqual(['getRoom']);
    expect(mockedApi.getRoom).toHaveBeenCalledWith('room_1');
    expect(wxLogin).not.toHaveBeenCalled();
    expect(platform.calls).not.toContain('login');
    expect(userStore.user).toBeNull();
    noNavigation();
    expect(engineLoads).not.toHaveBeenCalled();
    expect(engine.calls).toEqual([]);
    expect(page.nodes('live-player')).toHaveLength(0);
    // Nothing of the live room is on screen (its share button's open-type is refused in this mode).
    expect(page.exists('#share')).toBe(false);
    expect(page.exists('#chat-input')).toBe(false);
  });

  it('a saved session is not used either (single-page mode has its own storage and no login state)', async () => {
    platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_2', user: VIEWER });
    page = await openPage('audience', { roomID: 'room_1' });
    expect(routesCalled()).toEqual(['getRoom']);
    expect(userStore.user).toBeNull();
    expect(page.text('#moments-title')).toBe('周末音乐直播');
  });

  it.each([
    ['idle', '未开播'],
    ['paused', '主播暂时离开'],
    ['ended', '已结束'],
  ] as const)('a room %s reads %s, and still points to the mini-program', async (status, text) => {
    mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, status } });
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.text('#moments-status')).toBe(text);
    expect(page.text('#moments-hint')).toContain('「前往小程序」');
    noNavigation();
  });

  it('a planned room reads its start time, not just 未开播', async () => {
    const start = new Date(2027, 0, 15, 20, 30).getTime();
    mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'idle', plannedStartAt: start } });
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.text('#moments-status')).toMatch(/(1月15日|今天|明天) 20:30 开播/);
    noNavigation();
  });

  it('a room with a cover shows it', async () => {
    const cover = 'https://live.example.com/covers/room_1.jpg';
    mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, coverUrl: cover } });
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.nodes('image').map((image) => image.src)).toContain(cover);
    expect(page.exists('#moments-placeholder')).toBe(false);
  });

  it('the share menu still works: a chat card and Moments of this room', async () => {
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.call('onShareAppMessage')).toMatchObject({
      title: '周末音乐直播 正在直播',
      path: 'pages/audience/index?roomID=room_1',
    });
    expect(page.call('onShareTimeline')).toMatchObject({
      title: '周末音乐直播 正在直播',
      query: 'roomID=room_1',
    });
  });

  it('an unknown room: why in Chinese, no button that navigates', async () => {
    mockedApi.getRoom.mockRejectedValue(new ApiError('NOT_FOUND', 'Room room_1 does not exist', 404));
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.text('#moments')).toContain('找不到这个直播间');
    expect(page.text('#moments')).not.toContain('does not exist');
    expect(page.exists('#moments-retry')).toBe(false);
    expect(page.exists('#blocked-action')).toBe(false);
    noNavigation();
  });

  it('the network failed: 重试 reads the room again, still without a session', async () => {
    mockedApi.getRoom.mockRejectedValueOnce(new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0));
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.text('#moments')).toContain('连接不上直播服务');
    await page.tap('#moments-retry');
    expect(page.text('#moments-title')).toBe('周末音乐直播');
    expect(routesCalled()).toEqual(['getRoom']);
    noNavigation();
  });

  it('a link without a room: says so, and nothing is asked', async () => {
    page = await openPage('audience', {});
    expect(page.text('#moments')).toContain('无法打开这个直播间');
    expect(routesCalled()).toEqual([]);
    noNavigation();
  });

  it('the anchor page shared to Moments shows the same card: no sign-in, no claim, no redirect', async () => {
    page = await openPage('anchor', { roomID: 'room_1' });
    expect(page.text('#moments-title')).toBe('周末音乐直播');
    expect(page.text('#moments-status')).toBe('直播中');
    expect(routesCalled()).toEqual(['getRoom']);
    expect(wxLogin).not.toHaveBeenCalled();
    noNavigation();
    expect(engineLoads).not.toHaveBeenCalled();
    expect(page.exists('live-pusher')).toBe(false);
    expect(page.nodes('live-pusher')).toHaveLength(0);
  });

  it('hidden and shown again: the card stays, the session is never touched', async () => {
    page = await openPage('audience', { roomID: 'room_1' });
    await page.hide();
    await page.show();
    expect(page.text('#moments-title')).toBe('周末音乐直播');
    page.unload();
    page = null;
    expect(engine.calls).toEqual([]);
    noNavigation();
  });
});

describe('any other scene: the page as before', () => {
  it('a chat card (1007) signs the viewer in when needed, then joins and plays', async () => {
    enterWith(1007);
    platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_2', user: VIEWER });
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.exists('#moments')).toBe(false);
    expect(mockedApi.getRoomToken).toHaveBeenCalledWith('room_1', 'audience');
    expect(engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('signed out (1155, the full app from Moments): to the login page as today', async () => {
    enterWith(1155);
    page = await openPage('audience', { roomID: 'room_1' });
    expect(page.exists('#moments')).toBe(false);
    expect(wxFakes.redirectTo).toHaveBeenCalled();
  });
});
