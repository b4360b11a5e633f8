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
/** The real upload route (over the fake platform's uploadFile), for tests that check what reaches wx.uploadFile. */
const realApi = (jest.requireActual('../../miniprogram/services/api') as { api: typeof api }).api;
const USER = { id: 'u_1', nickname: '小王', avatarUrl: '' };
const UPLOADED = 'https://live.example.com/avatars/u_1-AbCdEfGhIjKlMnOp.png';

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
  mockedApi.uploadAvatar.mockImplementation(realApi.uploadAvatar);
  platform.uploadAnswer = {
    statusCode: 200,
    data: JSON.stringify({ user: { ...USER, avatarUrl: UPLOADED } }),
  };
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
      new ApiError('WECHAT_UNAVAILABLE', 'WeChat login service is unavailable, please try again', 503),
    );
    mockedApi.signInForDevelopment.mockRejectedValueOnce(
      new ApiError('FORBIDDEN', 'Development sign-in is disabled (AUTH_MODE=wechat)', 403),
    );
    const p = await open();
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(p.text('#sign-in-error')).toBe('登录失败：微信服务暂时不可用，请稍后重试');
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

  it('an anchor plans a room: start date and time, a cover from chooseMedia, uploaded after creating it', async () => {
    const next = new Date(Date.now() + 2 * 86_400_000);
    const date = `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-${String(next.getDate()).padStart(2, '0')}`;
    const start = new Date(next.getFullYear(), next.getMonth(), next.getDate(), 20, 30).getTime();
    mockedApi.createRoom.mockResolvedValue({ room: roomFixture({ id: 'room_plan', plannedStartAt: start }) });
    mockedApi.uploadCover.mockResolvedValue({
      room: roomFixture({ id: 'room_plan', plannedStartAt: start }),
    });
    const p = await open({ role: 'anchor' });
    await p.input('#nickname', '小王');
    await p.fire('#planned-date', 'change', { value: date });
    await p.fire('#planned-time', 'change', { value: '20:30' });
    await p.tap('#choose-cover');
    expect(p.nodes('image').map((image) => image.src)).toContain('http://tmp/cover.jpg');
    expect(p.text('#create')).toContain('创建直播预告');
    await p.tap('#create');
    expect(mockedApi.createRoom).toHaveBeenCalledWith('小王的直播间', start);
    expect(mockedApi.uploadCover).toHaveBeenCalledWith('room_plan', 'http://tmp/cover.jpg');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/anchor/index?roomID=room_plan' }),
    );
  });

  it('a planned start in the past is refused before anything is created', async () => {
    const p = await open({ role: 'anchor' });
    await p.input('#nickname', '小王');
    await p.fire('#planned-date', 'change', { value: '2020-01-01' });
    await p.tap('#create');
    expect(p.text('#create-error')).toBe('开播时间需要晚于现在');
    expect(mockedApi.createRoom).not.toHaveBeenCalled();
  });

  it('发起视频通话: signs in, creates a call room and opens its call page', async () => {
    mockedApi.createCall.mockResolvedValue({
      room: roomFixture({ id: 'call_new', title: '小王的视频通话', kind: 'call' }),
    });
    const p = await open();
    await p.input('#nickname', '小王');
    await p.tap('#start-call');
    expect(mockedApi.createCall).toHaveBeenCalledWith('小王的视频通话');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/call/index?roomID=call_new' }),
    );
  });

  it('发起视频通话 without a nickname asks for one and creates nothing', async () => {
    const p = await open();
    await p.tap('#start-call');
    expect(p.text('#nickname-error')).toBe('请输入昵称');
    expect(mockedApi.createCall).not.toHaveBeenCalled();
  });

  it('a failed call creation says why under the button', async () => {
    mockedApi.createCall.mockRejectedValue(new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0));
    const p = await open();
    await p.input('#nickname', '小王');
    await p.tap('#start-call');
    expect(p.text('#call-error')).toContain('连接不上直播服务');
    expect(wxFakes.navigateTo).not.toHaveBeenCalled();
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

  it('a chosen avatar is uploaded after sign-in, with the new session, and the stored user carries its URL', async () => {
    const p = await open();
    await p.fire('#avatar', 'chooseavatar', { avatarUrl: 'wxfile://tmp_avatar_1.jpg' });
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    // The temp path never goes to the sign-in route; it goes to wx.uploadFile once the session exists.
    expect(mockedApi.signInWithWechat).toHaveBeenCalledWith('fake-wx-code', '小王', undefined);
    expect(platform.calls.indexOf('login')).toBeLessThan(platform.calls.indexOf('uploadFile'));
    expect(platform.uploads).toEqual([
      {
        url: expect.stringMatching(/\/api\/me\/avatar$/),
        filePath: 'wxfile://tmp_avatar_1.jpg#w256',
        name: 'file',
        header: { Authorization: 'Bearer session_1' },
      },
    ]);
    expect(userStore.user?.avatarUrl).toBe(UPLOADED);
    expect(platform.storage.get(SESSION_STORAGE_KEY)).toEqual({
      sessionToken: 'session_1',
      user: { ...USER, avatarUrl: UPLOADED },
    });
    expect(p.data.avatarUrl).toBe(UPLOADED);
    expect(wxFakes.showToast).not.toHaveBeenCalled();
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/audience/index?roomID=room_42' }),
    );
  });

  it('a failed avatar upload keeps the user signed in, goes on to the room and toasts why', async () => {
    platform.uploadAnswer = { errMsg: 'uploadFile:fail timeout' };
    const p = await open();
    await p.fire('#avatar', 'chooseavatar', { avatarUrl: 'http://tmp/avatar.png' });
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(platform.uploads).toHaveLength(1);
    expect(userStore.user).toEqual(USER);
    expect(platform.storage.get(SESSION_STORAGE_KEY)).toEqual({ sessionToken: 'session_1', user: USER });
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/audience/index?roomID=room_42' }),
    );
    expect(wxFakes.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '头像上传失败，可稍后重新选择', icon: 'none' }),
    );
    expect(p.exists('#sign-in-error')).toBe(false);
  });

  it('an anchor already signed in who picks a new avatar uploads it before creating the room', async () => {
    mockedApi.createRoom.mockResolvedValue({ room: roomFixture({ id: 'room_new' }) });
    platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'saved', user: USER });
    const p = await open({ role: 'anchor' });
    await p.fire('#avatar', 'chooseavatar', { avatarUrl: 'wxfile://tmp_new.png' });
    await p.tap('#create');
    expect(mockedApi.signInWithWechat).not.toHaveBeenCalled();
    expect(platform.uploads[0]).toMatchObject({
      filePath: 'wxfile://tmp_new.png#w256',
      header: { Authorization: 'Bearer saved' },
    });
    expect(userStore.user?.avatarUrl).toBe(UPLOADED);
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/anchor/index?roomID=room_new' }),
    );
  });

  it('an image that cannot be compressed is uploaded as it is', async () => {
    platform.compressFails = true;
    const p = await open();
    await p.fire('#avatar', 'chooseavatar', { avatarUrl: 'wxfile://tmp_avatar_2.jpg' });
    await p.input('#nickname', '小王');
    await p.input('#room-id', 'room_42');
    await p.tap('#enter');
    expect(platform.uploads.map((u) => u.filePath)).toEqual(['wxfile://tmp_avatar_2.jpg']);
    expect(userStore.user?.avatarUrl).toBe(UPLOADED);
  });

  it('links to the room list', async () => {
    const p = await open();
    await p.tap('#rooms-link');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/home/rooms/index' }));
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

  it('a DevTools temp avatar (http://tmp/...) is not an avatar URL: it is uploaded, not sent to sign-in', async () => {
    expect(await userStore.signIn('小王', 'http://tmp/Cf3x.png')).toBe(true);
    expect(mockedApi.signInWithWechat).toHaveBeenCalledWith('fake-wx-code', '小王', undefined);
    expect(platform.uploads.map((u) => u.filePath)).toEqual(['http://tmp/Cf3x.png#w256']);
  });

  it.each([
    [413, 'PAYLOAD_TOO_LARGE', '头像图片太大'],
    [400, 'BAD_REQUEST', '头像格式不支持'],
    [500, 'INTERNAL', '头像上传失败'],
  ])('an upload answered %i stays signed in with a message', async (statusCode, code, message) => {
    platform.uploadAnswer = { statusCode, data: JSON.stringify({ error: { code, message: 'no' } }) };
    expect(await userStore.signIn('小王', 'wxfile://tmp_big.jpg')).toBe(true);
    expect(userStore.user).toEqual(USER);
    expect(userStore.error).toBeNull();
    expect(userStore.avatarError).toMatchObject({ code, action: 'none' });
    expect(userStore.avatarError?.message).toContain(message);
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
