/**
 * The login page: the room ID is validated before anything else (error under the field, no navigation), sign-in
 * goes through the user store (WeChat code, development fallback), then the anchor or audience page opens.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { FakePlatform } from '../helpers/fake-platform';
import {
  installWxFakes,
  openPage,
  roomFixture,
  type PageHarness,
  type WxFakes,
} from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());

const mockedApi = api as jest.Mocked<typeof api>;
const USER = { id: 'u_1', nickname: '小王', avatarUrl: '' };

let platform: FakePlatform;
let wxFakes: WxFakes;
let page: PageHarness | null = null;

async function open(query: Record<string, string> = {}): Promise<PageHarness> {
  page = await openPage('login', query);
  return page;
}

beforeEach(() => {
  platform = new FakePlatform();
  setPlatform(platform);
  wxFakes = installWxFakes();
  mockedApi.signInWithWechat.mockResolvedValue({ sessionToken: 'session_1', user: USER });
  mockedApi.signInForDevelopment.mockResolvedValue({ sessionToken: 'session_dev', user: USER });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('login page', () => {
  it.each([
    ['with bad characters', 'room 1!', '房间号只能包含字母、数字和下划线'],
    ['empty', '', '请输入房间号'],
    ['too long', 'r'.repeat(129), '不能超过 128'],
  ])('a room ID %s shows the error under the field and navigates nowhere', async (_name, roomID, message) => {
    const p = await open();
    await p.input('#nickname', '小王');
    await p.input('#room-id', roomID);
    await p.tap('#enter');
    expect(p.text('#room-id-error')).toContain(message);
    expect(wxFakes.navigateTo).not.toHaveBeenCalled();
    expect(wxFakes.redirectTo).not.toHaveBeenCalled();
    expect(mockedApi.signInWithWechat).not.toHaveBeenCalled();
  });

  it('a good room ID signs in and opens the audience page with it', async () => {
    const p = await open();
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(mockedApi.signInWithWechat).toHaveBeenCalledWith(expect.any(String), '小王', undefined);
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/audience/index?roomID=room_42' }),
    );
    expect(platform.storage.get(SESSION_STORAGE_KEY)).toEqual({ sessionToken: 'session_1', user: USER });
    expect(p.exists('#room-id-error')).toBe(false);
  });

  it('as 主播 it opens the anchor page', async () => {
    const p = await open();
    await p.input('#nickname', '小王');
    await p.fire('#role', 'change', { value: 'anchor' });
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/anchor/index?roomID=room_42' }),
    );
  });

  it('a missing nickname is said under its field', async () => {
    const p = await open();
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(p.text('#nickname-error')).toBe('请输入昵称');
    expect(wxFakes.navigateTo).not.toHaveBeenCalled();
  });

  it('falls back to the development sign-in when the service has no WeChat credentials', async () => {
    mockedApi.signInWithWechat.mockRejectedValueOnce(
      new ApiError('WECHAT_UNAVAILABLE', 'WeChat sign-in is not configured', 503),
    );
    const p = await open();
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(mockedApi.signInForDevelopment).toHaveBeenCalledWith('小王');
    expect(wxFakes.navigateTo).toHaveBeenCalledTimes(1);
  });

  it('WeChat down on a WeChat-mode service: says WeChat is unavailable, not that the development route is closed', async () => {
    mockedApi.signInWithWechat.mockRejectedValueOnce(
      new ApiError('WECHAT_UNAVAILABLE', '微信登录服务暂时不可用，请稍后重试', 503),
    );
    mockedApi.signInForDevelopment.mockRejectedValueOnce(
      new ApiError('FORBIDDEN', 'Development sign-in is disabled (AUTH_MODE=wechat)', 403),
    );
    const p = await open();
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(p.text('#sign-in-error')).toContain('微信登录服务暂时不可用');
    expect(wxFakes.navigateTo).not.toHaveBeenCalled();
  });

  it('a failed sign-in shows why and stays', async () => {
    mockedApi.signInWithWechat.mockRejectedValueOnce(
      new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0),
    );
    const p = await open();
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(p.text('#sign-in-error')).toContain('连接不上直播服务');
    expect(wxFakes.navigateTo).not.toHaveBeenCalled();
  });

  it('an anchor without a room creates one and goes live there', async () => {
    mockedApi.createRoom.mockResolvedValue({ room: roomFixture({ id: 'room_new', title: '小王的直播间' }) });
    const p = await open({ role: 'anchor' });
    await p.input('#nickname', '小王');
    await p.tap('#create');
    expect(mockedApi.createRoom).toHaveBeenCalledWith('小王的直播间');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/anchor/index?roomID=room_new' }),
    );
  });

  it('sent here to sign in: goes back to the page that asked, with its room and invite', async () => {
    const back = '/pages/anchor/index?roomID=room_1&invite=inv_123';
    const p = await open({ role: 'anchor', roomID: 'room_1', redirect: encodeURIComponent(back) });
    expect(p.data.roomID).toBe('room_1');
    expect(p.data.role).toBe('anchor');
    await p.input('#nickname', '小王');
    await p.tap('#enter');
    expect(wxFakes.redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: back }));
    expect(wxFakes.navigateTo).not.toHaveBeenCalled();
  });

  it('ignores a redirect outside our pages', async () => {
    const p = await open({ roomID: 'room_1', redirect: encodeURIComponent('https://evil.example.com') });
    await p.input('#nickname', '小王');
    await p.tap('#enter');
    expect(wxFakes.redirectTo).not.toHaveBeenCalled();
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/audience/index?roomID=room_1' }),
    );
  });

  it('links to the room list', async () => {
    const p = await open();
    await p.tap('#rooms-link');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/rooms/index' }));
  });
});

describe('UserStore (behind the login page)', () => {
  it('sends the wx.login code, the nickname and only an http(s) avatar to the service', async () => {
    const ok = await userStore.signIn(' 小王 ', 'wxfile://tmp/avatar.png');
    expect(ok).toBe(true);
    expect(mockedApi.signInWithWechat).toHaveBeenCalledWith('fake-wx-code', '小王', undefined);
    await userStore.signIn('小张', 'https://cdn.example.com/a.png');
    expect(mockedApi.signInWithWechat).toHaveBeenLastCalledWith(
      'fake-wx-code',
      '小张',
      'https://cdn.example.com/a.png',
    );
  });

  it('restores the saved session on the next launch and forgets it on sign-out', () => {
    platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'saved', user: USER });
    expect(userStore.restore()).toBe(true);
    expect(userStore.user).toEqual(USER);
    userStore.signOut();
    expect(userStore.user).toBeNull();
    expect(platform.storage.has(SESSION_STORAGE_KEY)).toBe(false);
    expect(userStore.restore()).toBe(false);
  });

  it('uses the development sign-in when wx.login gives no code (DevTools without an AppID)', async () => {
    jest.spyOn(platform, 'login').mockRejectedValueOnce(new Error('no code'));
    expect(await userStore.signIn('小王')).toBe(true);
    expect(mockedApi.signInWithWechat).not.toHaveBeenCalled();
    expect(mockedApi.signInForDevelopment).toHaveBeenCalledWith('小王');
  });

  it('does not fall back on other service errors, and says what went wrong', async () => {
    mockedApi.signInWithWechat.mockRejectedValueOnce(new ApiError('WECHAT_CODE_INVALID', 'bad code', 401));
    expect(await userStore.signIn('小王')).toBe(false);
    expect(mockedApi.signInForDevelopment).not.toHaveBeenCalled();
    expect(userStore.error).toMatchObject({ code: 'WECHAT_CODE_INVALID', action: 'retry' });
    expect(userStore.signingIn).toBe(false);
  });
});
