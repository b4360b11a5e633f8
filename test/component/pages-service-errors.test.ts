/**
 * The service's English error message never reaches the screen: each kind of place the pages show a failed service
 * call (the sign-in line, the line under 创建房间, the room list's error, a live page's full-screen notice and its
 * error panel) is fed an ApiError with an English message and shows the error catalog's Chinese instead.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { engineSlot, installWxFakes, openPage, roomFixture, type PageHarness } from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

// The first page opened compiles its WXML: slow on a busy machine.
jest.setTimeout(30_000);

const mockedApi = api as jest.Mocked<typeof api>;
const USER = { id: 'u_1', nickname: '小王', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', status: 'live' });
const engine = new FakeEngine(new CallLog());
engineSlot.engine = engine;

/** What an English service message would leave on the screen: any run of Latin words. */
const ENGLISH = /[A-Za-z]{4,}/;

let platform: FakePlatform;
let page: PageHarness | null = null;

async function open(...args: Parameters<typeof openPage>): Promise<PageHarness> {
  page = await openPage(...args);
  return page;
}

beforeEach(() => {
  platform = new FakePlatform();
  setPlatform(platform);
  installWxFakes();
  mockedApi.signInWithWechat.mockResolvedValue({ sessionToken: 'session_1', user: USER });
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: USER.id,
  });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('the service’s English message is never on screen', () => {
  it('sign-in: "登录失败：" and the catalog’s row', async () => {
    mockedApi.signInWithWechat.mockRejectedValueOnce(
      new ApiError('WECHAT_CODE_INVALID', 'The WeChat login code is invalid or already used', 401),
    );
    const p = await open('login');
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(p.text('#sign-in-error')).toBe('登录失败：微信登录凭证已失效，请重试');
  });

  it('creating a room: "创建失败：" and the catalog’s row', async () => {
    mockedApi.createRoom.mockRejectedValueOnce(
      new ApiError('RATE_LIMITED', 'Too many requests; try again in 12 s', 429),
    );
    const p = await open('login', { role: 'anchor' });
    await p.input('#nickname', '小王');
    await p.tap('#create');
    expect(p.text('#create-error')).toBe('创建失败：操作太频繁了，请稍后再试');
    expect(p.text()).not.toContain('Too many requests');
  });

  it('the room list: the catalog’s row under 加载失败', async () => {
    mockedApi.listLobby.mockRejectedValueOnce(
      new ApiError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly', 503),
    );
    const p = await open('rooms');
    expect(p.text('#error')).toContain('服务暂时不可用，请稍后重试');
    expect(p.text('#error')).not.toMatch(ENGLISH);
  });

  it('a live page that cannot look its room up: the notice in Chinese', async () => {
    platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_1', user: USER });
    mockedApi.getRoom.mockRejectedValue(new ApiError('SHUTTING_DOWN', 'This instance is shutting down', 503));
    const p = await open('audience', { roomID: 'room_1' });
    expect(p.text('#blocked')).toContain('服务正在更新，请稍后重试');
    expect(p.text('#blocked')).not.toMatch(ENGLISH);
  });

  it('a visit the service refuses: the error panel in Chinese', async () => {
    platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_1', user: USER });
    mockedApi.getRoomToken.mockRejectedValue(
      new ApiError('ZEGO_NOT_CONFIGURED', 'Live streaming is not configured: set ZEGO_APP_ID', 503),
    );
    const p = await open('audience', { roomID: 'room_1' });
    expect(p.text('#error')).toContain('直播服务还没有配置好，暂时不能直播或观看，请联系管理员');
    expect(p.text('#error')).not.toMatch(ENGLISH);
    expect(p.text('#error-action')).toBe('离开');
    expect(engine.callsOf('loginRoom')).toEqual([]);
  });
});
