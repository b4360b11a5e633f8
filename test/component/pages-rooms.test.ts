/**
 * The room list (live rooms, then upcoming ones): first page on load, pull-to-refresh, more on scroll with the cursor, empty and error
 * states, tap to watch.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { plannedStartText } from '../../miniprogram/utils/planned-time';
import { installWxFakes, openPage, roomFixture, settle, type WxFakes } from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());

const mockedApi = api as jest.Mocked<typeof api>;
const live = (id: string, title: string) => roomFixture({ id, title, status: 'live' });

let wxFakes: WxFakes;

beforeEach(() => {
  wxFakes = installWxFakes();
});

describe('rooms page', () => {
  it('shows live rooms, then upcoming ones with their start time and cover', async () => {
    const start = new Date(2026, 11, 3, 20, 0).getTime();
    const cover = 'https://live.example.com/covers/r_u-abcdefghijklmnop.png';
    mockedApi.listLobby.mockResolvedValueOnce({
      rooms: [
        live('r_a', '晚间聊天'),
        roomFixture({ id: 'r_u', title: '周五夜聊', status: 'idle', plannedStartAt: start, coverUrl: cover }),
      ],
      nextCursor: null,
    });
    const page = await openPage('rooms');
    expect(page.text('#room-r_a')).toContain('直播中');
    expect(page.text('#room-r_u')).toContain(plannedStartText(start));
    expect(plannedStartText(start, new Date(2026, 10, 20).getTime())).toBe('12月3日 20:00 开播');
    expect(page.text('#room-r_u')).toContain('预告');
    expect(page.nodes('image').map((image) => image.src)).toContain(cover);
    page.unload();
  });

  it('an ended room says 已结束, not 直播中 or 预告', async () => {
    mockedApi.listLobby.mockResolvedValueOnce({
      rooms: [roomFixture({ id: 'r_e', title: '昨晚的直播', status: 'ended', plannedStartAt: Date.now() })],
      nextCursor: null,
    });
    const page = await openPage('rooms');
    expect(page.text('#room-r_e')).toContain('已结束');
    expect(page.text('#room-r_e')).not.toMatch(/直播中|预告/);
    page.unload();
  });

  it('lists live rooms and opens the audience page of the tapped one', async () => {
    mockedApi.listLobby.mockResolvedValueOnce({
      rooms: [live('r_a', '晚间聊天'), live('r_b', '户外骑行')],
      nextCursor: null,
    });
    const page = await openPage('rooms');
    expect(mockedApi.listLobby).toHaveBeenCalledWith();
    expect(page.text()).toContain('晚间聊天');
    expect(page.text()).toContain('户外骑行');
    expect(page.text()).toContain('没有更多了');
    await page.tap('#room-r_b');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/audience/index?roomID=r_b' }),
    );
    page.unload();
  });

  it('pull-to-refresh reloads from the first page and stops the spinner', async () => {
    mockedApi.listLobby.mockResolvedValueOnce({ rooms: [live('r_a', '旧的房间')], nextCursor: null });
    const page = await openPage('rooms');
    mockedApi.listLobby.mockResolvedValueOnce({ rooms: [live('r_c', '新开的房间')], nextCursor: null });
    page.call('onPullDownRefresh');
    await settle();
    expect(mockedApi.listLobby).toHaveBeenLastCalledWith();
    expect(page.text()).toContain('新开的房间');
    expect(page.text()).not.toContain('旧的房间');
    expect(wxFakes.stopPullDownRefresh).toHaveBeenCalled();
    page.unload();
  });

  it('loads the next page with the cursor on reaching the bottom, and stops at the last page', async () => {
    mockedApi.listLobby
      .mockResolvedValueOnce({ rooms: [live('r_1', '第一页')], nextCursor: 'c2' })
      .mockResolvedValueOnce({ rooms: [live('r_2', '第二页')], nextCursor: null });
    const page = await openPage('rooms');
    expect(page.text()).not.toContain('没有更多了');
    page.call('onReachBottom');
    await settle();
    expect(mockedApi.listLobby).toHaveBeenLastCalledWith('c2');
    expect(page.text()).toContain('第一页');
    expect(page.text()).toContain('第二页');
    expect(page.text()).toContain('没有更多了');
    page.call('onReachBottom');
    await settle();
    expect(mockedApi.listLobby).toHaveBeenCalledTimes(2);
    // The second page went to setData as appended rows, not as the whole list again.
    const appended = page.setDataCalls.find((call) => call.keys.includes('rooms[1]'));
    expect(appended).toBeDefined();
    page.unload();
  });

  it('shows the empty state when nothing is live', async () => {
    mockedApi.listLobby.mockResolvedValueOnce({ rooms: [], nextCursor: null });
    const page = await openPage('rooms');
    expect(page.text()).toContain('暂时没有正在直播的房间');
    expect(page.exists('#empty')).toBe(true);
    page.unload();
  });

  it('shows the error with a retry that loads again', async () => {
    mockedApi.listLobby.mockRejectedValueOnce(
      new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0),
    );
    const page = await openPage('rooms');
    expect(page.text()).toContain('连接不上直播服务');
    expect(page.exists('#empty')).toBe(false);
    mockedApi.listLobby.mockResolvedValueOnce({ rooms: [live('r_a', '恢复了')], nextCursor: null });
    await page.tap('#retry');
    expect(page.text()).toContain('恢复了');
    expect(page.exists('#error')).toBe(false);
    page.unload();
  });

  it('makes no setData while hidden and shows what loaded on show', async () => {
    mockedApi.listLobby.mockResolvedValueOnce({ rooms: [live('r_a', '第一次')], nextCursor: null });
    const page = await openPage('rooms');
    await page.hide();
    const before = page.setDataCalls.length;
    mockedApi.listLobby.mockResolvedValueOnce({ rooms: [live('r_b', '后台加载的')], nextCursor: null });
    page.call('onPullDownRefresh');
    await settle();
    expect(page.setDataSince(before)).toHaveLength(0);
    await page.show();
    expect(page.text()).toContain('后台加载的');
    page.unload();
  });
});
