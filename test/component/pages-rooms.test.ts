/**
 * The live rooms list: first page on load, pull-to-refresh, more on scroll with the cursor, empty and error
 * states, tap to watch.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { installWxFakes, openPage, roomFixture, settle, type WxFakes } from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());

const mockedApi = api as jest.Mocked<typeof api>;
const live = (id: string, title: string) => roomFixture({ id, title, status: 'live' });

let wxFakes: WxFakes;

beforeEach(() => {
  wxFakes = installWxFakes();
});

describe('rooms page', () => {
  it('lists live rooms and opens the audience page of the tapped one', async () => {
    mockedApi.listRooms.mockResolvedValueOnce({
      rooms: [live('r_a', '晚间聊天'), live('r_b', '户外骑行')],
      nextCursor: null,
    });
    const page = await openPage('rooms');
    expect(mockedApi.listRooms).toHaveBeenCalledWith('live');
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
    mockedApi.listRooms.mockResolvedValueOnce({ rooms: [live('r_a', '旧的房间')], nextCursor: null });
    const page = await openPage('rooms');
    mockedApi.listRooms.mockResolvedValueOnce({ rooms: [live('r_c', '新开的房间')], nextCursor: null });
    page.call('onPullDownRefresh');
    await settle();
    expect(mockedApi.listRooms).toHaveBeenLastCalledWith('live');
    expect(page.text()).toContain('新开的房间');
    expect(page.text()).not.toContain('旧的房间');
    expect(wxFakes.stopPullDownRefresh).toHaveBeenCalled();
    page.unload();
  });

  it('loads the next page with the cursor on reaching the bottom, and stops at the last page', async () => {
    mockedApi.listRooms
      .mockResolvedValueOnce({ rooms: [live('r_1', '第一页')], nextCursor: 'c2' })
      .mockResolvedValueOnce({ rooms: [live('r_2', '第二页')], nextCursor: null });
    const page = await openPage('rooms');
    expect(page.text()).not.toContain('没有更多了');
    page.call('onReachBottom');
    await settle();
    expect(mockedApi.listRooms).toHaveBeenLastCalledWith('live', 'c2');
    expect(page.text()).toContain('第一页');
    expect(page.text()).toContain('第二页');
    expect(page.text()).toContain('没有更多了');
    page.call('onReachBottom');
    await settle();
    expect(mockedApi.listRooms).toHaveBeenCalledTimes(2);
    // The second page went to setData as appended rows, not as the whole list again.
    const appended = page.setDataCalls.find((call) => call.keys.includes('rooms[1]'));
    expect(appended).toBeDefined();
    page.unload();
  });

  it('shows the empty state when nothing is live', async () => {
    mockedApi.listRooms.mockResolvedValueOnce({ rooms: [], nextCursor: null });
    const page = await openPage('rooms');
    expect(page.text()).toContain('暂时没有正在直播的房间');
    expect(page.exists('#empty')).toBe(true);
    page.unload();
  });

  it('shows the error with a retry that loads again', async () => {
    mockedApi.listRooms.mockRejectedValueOnce(
      new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0),
    );
    const page = await openPage('rooms');
    expect(page.text()).toContain('连接不上直播服务');
    expect(page.exists('#empty')).toBe(false);
    mockedApi.listRooms.mockResolvedValueOnce({ rooms: [live('r_a', '恢复了')], nextCursor: null });
    await page.tap('#retry');
    expect(page.text()).toContain('恢复了');
    expect(page.exists('#error')).toBe(false);
    page.unload();
  });

  it('makes no setData while hidden and shows what loaded on show', async () => {
    mockedApi.listRooms.mockResolvedValueOnce({ rooms: [live('r_a', '第一次')], nextCursor: null });
    const page = await openPage('rooms');
    await page.hide();
    const before = page.setDataCalls.length;
    mockedApi.listRooms.mockResolvedValueOnce({ rooms: [live('r_b', '后台加载的')], nextCursor: null });
    page.call('onPullDownRefresh');
    await settle();
    expect(page.setDataSince(before)).toHaveLength(0);
    await page.show();
    expect(page.text()).toContain('后台加载的');
    page.unload();
  });
});
