/**
 * The replay page in miniprogram-simulate with the real store: the replay plays with the room's title, anchor and
 * figures and its own count and length; it starts where this viewer left off and remembers where they are; 倍速
 * cycles the speed; a missing replay, a file that fails and a failed load each get a clear screen with a way out.
 * Also 「看回放」 in the room list and on the audience's end screens.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { replayPositionKey } from '../../miniprogram/stores/replays';
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
const ROOM = roomFixture({
  id: 'room_9',
  title: '周末音乐直播',
  status: 'ended',
  stats: { viewers: 0, peakViewers: 86, likes: 12_345, messages: 345 },
});
const REPLAY = {
  parts: [
    { url: 'https://replays.example.com/replays/a.mp4', durationMs: 600_000 },
    { url: 'https://replays.example.com/replays/b.mp4', durationMs: 125_000 },
  ],
  durationMs: 725_000,
  views: 41,
};
const MISSING = new ApiError('REPLAY_NOT_FOUND', 'Room room_9 has no replay', 404);

let platform: FakePlatform;
let wxFakes: WxFakes;
let page: PageHarness | null = null;

beforeEach(() => {
  wxFakes = installWxFakes();
  platform = new FakePlatform();
  platform.storage.set(SESSION_STORAGE_KEY, {
    sessionToken: 'session_v',
    user: { id: 'u_v', nickname: '观众小李', avatarUrl: '' },
  });
  setPlatform(platform);
  mockedApi.getReplay.mockReset();
  mockedApi.countReplayView.mockReset();
  mockedApi.listReplays.mockReset();
  mockedApi.getReplay.mockResolvedValue({ room: ROOM, replay: REPLAY });
  mockedApi.countReplayView.mockResolvedValue({ views: 42 });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

const video = (p: PageHarness, attr: string): unknown => p.nativeAttr('video', attr);

describe('replay page', () => {
  test('plays the first part with the room, the anchor, the figures, its own views and length', async () => {
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    expect(mockedApi.getReplay).toHaveBeenCalledWith('room_9');
    expect(video(page, 'src')).toBe(REPLAY.parts[0].url);
    expect(video(page, 'initialTime')).toBe(0);
    expect(page.text('#title')).toBe('周末音乐直播');
    expect(page.text('#anchor')).toBe('主播小王');
    expect(page.text('#replay-duration')).toBe('12分05秒');
    // The opening counted: 41 before, 42 with this one.
    expect(page.text('#replay-views')).toBe('42');
    expect(page.text('#figures')).toContain('1.2万');
    expect(page.text()).toContain('第 1/2 段');
    expect(page.exists('#resumed')).toBe(false);
  });

  test('resumes where this viewer left off and remembers the position every few seconds, not every tick', async () => {
    platform.storage.set(replayPositionKey('room_9'), { part: 1, seconds: 73.4 });
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    expect(video(page, 'src')).toBe(REPLAY.parts[1].url);
    expect(video(page, 'initialTime')).toBe(73);
    expect(page.text('#resumed')).toContain('继续播放');

    const before = page.setDataCalls.length;
    for (const t of [73.6, 74, 75, 76, 77, 78.5, 79])
      await page.nativeEvent('video', 'timeupdate', { currentTime: t, duration: 125 });
    expect(page.setDataCalls.length).toBe(before);
    expect(platform.storage.get(replayPositionKey('room_9'))).toEqual({ part: 1, seconds: 78.5 });

    // The last part ends: next time starts from the beginning.
    await page.nativeEvent('video', 'ended', {});
    expect(platform.storage.has(replayPositionKey('room_9'))).toBe(false);
  });

  test('a part that ends moves on to the next one', async () => {
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    await page.nativeEvent('video', 'ended', {});
    await settle();
    expect(video(page, 'src')).toBe(REPLAY.parts[1].url);
    expect(page.text()).toContain('第 2/2 段');
    expect(platform.storage.get(replayPositionKey('room_9'))).toEqual({ part: 1, seconds: 0 });
  });

  test('倍速 cycles 1x → 1.25x → 1.5x → 2x → 0.75x → 1x through the video context', async () => {
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    const create = (wx as unknown as { createVideoContext: jest.Mock }).createVideoContext;
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await page.tap('#speed');
      const context = create.mock.results.at(-1)?.value as { playbackRate: jest.Mock };
      seen.push(context.playbackRate.mock.calls.at(-1)?.[0] as number);
    }
    expect(seen).toEqual([1.25, 1.5, 2, 0.75, 1]);
    expect(create.mock.calls[0][0]).toBe('replay-video');
    expect(page.text('#speed')).toContain('1x');
  });

  test('no replay: a clear screen that says why, with a retry and a way out', async () => {
    mockedApi.getReplay.mockRejectedValue(MISSING);
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    expect(page.exists('video')).toBe(false);
    expect(page.text('#missing')).toContain('这场直播没有回放');
    expect(mockedApi.countReplayView).not.toHaveBeenCalled();
    mockedApi.getReplay.mockResolvedValue({ room: ROOM, replay: REPLAY });
    await page.tap('#missing-retry');
    await settle();
    expect(video(page, 'src')).toBe(REPLAY.parts[0].url);
  });

  test('a file that fails to play: its own screen; 重试 loads it again; 去看看其他直播 goes to the list', async () => {
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    await page.nativeEvent('video', 'error', { errMsg: 'MEDIA_ERR_SRC_NOT_SUPPORTED' });
    await settle();
    expect(page.text('#failed')).toContain('回放播放失败');
    await page.tap('#failed-retry');
    await settle();
    expect(video(page, 'src')).toBe(REPLAY.parts[0].url);
    await page.nativeEvent('video', 'error', {});
    await settle();
    await page.tap('#failed-leave');
    expect(wxFakes.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: '/home/rooms/index' }));
  });

  test('a failed load: the catalog says what to do, never the service English', async () => {
    mockedApi.getReplay.mockRejectedValue(new ApiError('DATABASE_UNAVAILABLE', 'pg pool exhausted', 503));
    page = await openPage('replay', { roomID: 'room_9' });
    await settle();
    expect(page.text('#error')).toContain('服务暂时不可用');
    expect(page.text('#error')).not.toContain('pg pool');
    expect(page.exists('#error-retry')).toBe(true);
  });
});

describe('「看回放」 elsewhere', () => {
  test('the room list shows finished rooms with a replay; tapping opens the replay page', async () => {
    mockedApi.listLobby.mockResolvedValue({ rooms: [], nextCursor: null });
    mockedApi.listReplays.mockResolvedValue({ rooms: [ROOM] });
    page = await openPage('rooms');
    await settle();
    expect(page.text('#replays')).toContain('看回放');
    await page.tap('#replay-room_9');
    expect(wxFakes.navigateTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/replay/index?roomID=room_9' }),
    );
  });

  test('the room list without replays (or when they fail to load) shows no shelf and still the live rooms', async () => {
    mockedApi.listLobby.mockResolvedValue({
      rooms: [roomFixture({ id: 'live_1', status: 'live' })],
      nextCursor: null,
    });
    mockedApi.listReplays.mockRejectedValue(new ApiError('NETWORK', 'down', 0));
    page = await openPage('rooms');
    await settle();
    expect(page.exists('#replays')).toBe(false);
    expect(page.exists('#room-live_1')).toBe(true);
  });

  test('a shared card opened after the end: 「看回放」 when the room has one, none when it has not', async () => {
    mockedApi.getRoom.mockResolvedValue({ room: ROOM });
    mockedApi.getRoomToken.mockResolvedValue({
      token: 'zego_token_viewer',
      expiresAt: Date.now() + 3600_000,
      roomID: ROOM.id,
      appID: 1,
      userID: 'u_v',
    });
    page = await openPage('audience', { roomID: 'room_9' });
    await settle(8);
    expect(page.text('#blocked')).toContain('直播已结束');
    await page.tap('#blocked-replay');
    expect(wxFakes.redirectTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/replay/index?roomID=room_9' }),
    );
    page.unload();

    mockedApi.getReplay.mockRejectedValue(MISSING);
    page = await openPage('audience', { roomID: 'room_9' });
    await settle(8);
    expect(page.text('#blocked')).toContain('直播已结束');
    expect(page.exists('#blocked-replay')).toBe(false);
  });
});
