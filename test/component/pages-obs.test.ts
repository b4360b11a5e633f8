/**
 * The anchor page's 用电脑 OBS 推流 sheet in miniprogram-simulate with the real store: the room's OBS server and
 * stream key with copy buttons, 换新密钥 after a confirmation (the old key stops working), and a clear message when
 * the service cannot give an address.
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
  settle,
  type PageHarness,
  type WxFakes,
} from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

jest.setTimeout(30_000);
engineSlot.engine = new FakeEngine(new CallLog());

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', anchor: ANCHOR });
const ADDRESS = {
  server: 'rtmp://203.0.113.7:1935/1234567890/',
  streamKey: 'room_1_obs_AbCdEf123456',
  validUntil: Date.now() + 7_200_000,
};

let wxFakes: WxFakes;
let page: PageHarness | null = null;
let clipboard: jest.Mock;

beforeEach(() => {
  const platform = new FakePlatform();
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_1', user: ANCHOR });
  setPlatform(platform);
  wxFakes = installWxFakes();
  clipboard = jest.fn();
  (wx as unknown as { setClipboardData: jest.Mock }).setClipboardData = clipboard;
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: ANCHOR.id,
    streamID: 'room_1_main',
  });
  mockedApi.getRtmpAddress.mockReset();
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

test('the anchor opens the sheet: server and key from the service, each copied with its button', async () => {
  mockedApi.getRtmpAddress.mockResolvedValue(ADDRESS);
  page = await openPage('anchor', { roomID: 'room_1' });
  await settle(8);
  await page.tap('#obs-open');
  await settle();
  expect(mockedApi.getRtmpAddress).toHaveBeenCalledWith('room_1', false);
  expect(page.text('#obs-server')).toBe(ADDRESS.server);
  expect(page.text('#obs-key')).toBe(ADDRESS.streamKey);
  await page.tap('#obs-copy-server');
  await page.tap('#obs-copy-key');
  expect(clipboard.mock.calls.map((c) => (c[0] as { data: string }).data)).toEqual([
    ADDRESS.server,
    ADDRESS.streamKey,
  ]);
  await page.tap('#obs-close');
  expect(page.exists('#obs-sheet')).toBe(false);
});

test('换新密钥 asks first, then shows the new key and says the old one no longer pushes', async () => {
  mockedApi.getRtmpAddress.mockResolvedValue(ADDRESS);
  page = await openPage('anchor', { roomID: 'room_1' });
  await settle(8);
  await page.tap('#obs-open');
  await settle();
  mockedApi.getRtmpAddress.mockResolvedValue({ ...ADDRESS, streamKey: 'room_1_obs_New000000000' });
  await page.tap('#obs-renew');
  await settle();
  expect(wxFakes.showModal).toHaveBeenCalled();
  expect(mockedApi.getRtmpAddress).toHaveBeenLastCalledWith('room_1', true);
  expect(page.text('#obs-key')).toBe('room_1_obs_New000000000');
  expect(page.text('#obs-note')).toContain('旧密钥不能再推流');
});

test('when the service cannot give an address: the catalog says so, never the service English', async () => {
  mockedApi.getRtmpAddress.mockRejectedValue(
    new ApiError(
      'RTMP_UNAVAILABLE',
      'ZEGO gave no RTMP push node (is RTMP push enabled by ZEGO support?)',
      503,
    ),
  );
  page = await openPage('anchor', { roomID: 'room_1' });
  await settle(8);
  await page.tap('#obs-open');
  await settle();
  expect(page.text('#obs-error')).toBe('暂时拿不到推流地址，请稍后重试');
});
