/**
 * The end screens' figures, rendered by miniprogram-simulate with the real store: when the room ends, the anchor's
 * and the viewer's screens read GET /stats once and show duration, peak viewers, likes and messages; when that
 * request fails, what the phone saw stands in.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import {
  engineSlot,
  goLive,
  installWxFakes,
  openPage,
  roomFiguresFixture,
  roomFixture,
  type PageHarness,
} from '../helpers/page-harness';
import * as simulate from 'miniprogram-simulate';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live', anchor: ANCHOR });
const STREAM = 'room_1_main';
const ANCHOR_STREAM = {
  streamID: STREAM,
  user: { userID: ANCHOR.id, userName: ANCHOR.nickname },
  extraInfo: '',
};
/** The service's figures: 1 h 2 min 5 s live, peak 86, 1.2万 likes, 345 messages. */
const FIGURES = roomFiguresFixture();

// The first page load compiles the pages and stores (ts-jest): slow on a busy machine.
jest.setTimeout(30_000);

const engine = new FakeEngine(new CallLog());
engineSlot.engine = engine;
let page: PageHarness | null = null;

const settle = async () => {
  for (let i = 0; i < 4; i++) await simulate.sleep(0);
};

function signIn(user: typeof ANCHOR, token: string) {
  const platform = new FakePlatform();
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: token, user });
  setPlatform(platform);
}

beforeEach(() => {
  engine.calls.length = 0;
  installWxFakes();
  mockedApi.getStats.mockReset();
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.claimRoom.mockResolvedValue({ room: ROOM });
  mockedApi.markLive.mockResolvedValue({ room: ROOM });
  mockedApi.endRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
  mockedApi.reportStats.mockResolvedValue({ room: ROOM });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

/** The anchor page, live, with 37 online and one viewer's line; then 结束直播 (confirmed). */
async function anchorEnds(): Promise<PageHarness> {
  signIn(ANCHOR, 'session_anchor');
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: ANCHOR.id,
    streamID: STREAM,
  });
  page = await openPage('anchor', { roomID: 'room_1' });
  await goLive(page, engine, STREAM);
  engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 37 });
  await simulate.sleep(1100);
  await page.tap('#end-live');
  await settle();
  return page;
}

/** The audience page, watching; then the anchor's stream goes and the service says the room ended. */
async function viewerSeesEnd(): Promise<PageHarness> {
  signIn(VIEWER, 'session_viewer');
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token_viewer',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: VIEWER.id,
  });
  page = await openPage('audience', { roomID: 'room_1' });
  engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [ANCHOR_STREAM] });
  await settle();
  engine.emit('playerStateUpdate', { streamID: STREAM, state: 'PLAYING', errorCode: 0, extendedData: '' });
  engine.emit('roomOnlineUserCountUpdate', { roomID: 'room_1', count: 12 });
  await simulate.sleep(1100);
  page.tap('#like');
  mockedApi.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'ended' } });
  engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'DELETE', streams: [ANCHOR_STREAM] });
  await settle();
  return page;
}

describe('end screens: figures from the service', () => {
  it('the anchor’s end screen shows the service’s duration, peak viewers, likes and messages', async () => {
    mockedApi.getStats.mockResolvedValue({ stats: FIGURES });
    const p = await anchorEnds();
    expect(p.exists('#ended')).toBe(true);
    // Read once, after the service ended the room.
    expect(mockedApi.getStats).toHaveBeenCalledTimes(1);
    expect(mockedApi.getStats).toHaveBeenCalledWith('room_1');
    expect(mockedApi.endRoom.mock.invocationCallOrder[0]).toBeLessThan(
      mockedApi.getStats.mock.invocationCallOrder[0],
    );
    expect(p.text('#summary-duration')).toBe('1小时02分');
    expect(p.text('#summary-peak')).toBe('86');
    expect(p.text('#summary-likes')).toBe('1.2万');
    expect(p.text('#summary-messages')).toBe('345');
    expect(p.text('#summary')).toMatch(/直播时长[\s\S]*最高在线[\s\S]*获赞[\s\S]*评论/);
  });

  it('the viewer’s end screen shows the same figures', async () => {
    mockedApi.getStats.mockResolvedValue({ stats: { ...FIGURES, durationMs: 754_000 } });
    const p = await viewerSeesEnd();
    expect(p.text('#ended')).toContain('直播已结束');
    expect(mockedApi.getStats).toHaveBeenCalledTimes(1);
    expect(p.text('#summary-duration')).toBe('12分34秒');
    expect(p.text('#summary-peak')).toBe('86');
    expect(p.text('#summary-messages')).toBe('345');
  });

  it('when the service cannot be asked, the phone’s own figures stand in (peak online, likes)', async () => {
    mockedApi.getStats.mockRejectedValue(new ApiError('NETWORK', '连接不上直播服务', 0));
    const p = await viewerSeesEnd();
    expect(p.exists('#summary')).toBe(true);
    expect(p.text('#summary-peak')).toBe('12');
    expect(p.text('#summary-likes')).toBe('1');
    // Watched for a little over a second on the phone's clock.
    expect(p.text('#summary-duration')).toMatch(/^\d秒$/);
  });
});

describe('end screen: 「看回放」', () => {
  it('shows once the room has a replay and opens the replay page; not while it has none', async () => {
    mockedApi.getStats.mockResolvedValue({ stats: FIGURES });
    mockedApi.getReplay.mockRejectedValue(new ApiError('REPLAY_NOT_FOUND', 'no replay yet', 404));
    let p = await viewerSeesEnd();
    expect(p.text('#ended')).toContain('直播已结束');
    expect(p.exists('#ended-replay')).toBe(false);
    p.unload();

    mockedApi.getRoom.mockResolvedValue({ room: ROOM });
    mockedApi.getReplay.mockResolvedValue({
      room: { ...ROOM, status: 'ended' },
      replay: {
        parts: [{ url: 'https://replays.example.com/a.mp4', durationMs: 1000 }],
        durationMs: 1000,
        views: 0,
      },
    });
    p = await viewerSeesEnd();
    await settle();
    await p.tap('#ended-replay');
    expect((wx as unknown as { redirectTo: jest.Mock }).redirectTo).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/pages/replay/index?roomID=room_1' }),
    );
  });
});

describe('an operator’s force-end and warning', () => {
  it('the viewer’s end screen says an operator ended the room, and why', async () => {
    mockedApi.getStats.mockResolvedValue({ stats: { ...FIGURES, endReason: '直播内容违规' } });
    const p = await viewerSeesEnd();
    expect(p.text('#ended')).toContain('直播已结束');
    expect(p.text('#end-reason')).toBe('运营结束了这场直播：直播内容违规');
  });

  it('the anchor’s report answered ROOM_ENDED ends its live, and its end screen shows the reason', async () => {
    signIn(ANCHOR, 'session_anchor');
    mockedApi.getRoomToken.mockResolvedValue({
      token: 'zego_token',
      expiresAt: Date.now() + 3600_000,
      roomID: ROOM.id,
      appID: 1,
      userID: ANCHOR.id,
      streamID: STREAM,
    });
    mockedApi.getStats.mockResolvedValue({ stats: { ...FIGURES, endReason: '直播内容违规' } });
    const p = await openPage('anchor', { roomID: 'room_1' });
    page = p;
    await goLive(p, engine, STREAM);
    expect(p.exists('#ended')).toBe(false);
    // An operator ended the room on the service: the next report (every 10 s) is refused.
    mockedApi.reportStats.mockRejectedValue(new ApiError('ROOM_ENDED', 'Room room_1 has ended', 409));
    await simulate.sleep(10_200);
    await settle();
    expect(p.exists('#ended')).toBe(true);
    expect(p.text('#end-reason')).toBe('运营结束了这场直播：直播内容违规');
    // The anchor's stream stopped: nothing keeps publishing into an ended room.
    expect(engine.callsOf('stopPublishingStream')).toHaveLength(1);
  });

  it('the anchor sees 「运营提醒：…」 from the service, and nothing from anyone else', async () => {
    const p = await anchorLive();
    engine.emit('IMRecvCustomCommand', {
      roomID: 'room_1',
      fromUser: { userID: 'someone', userName: '冒充' },
      command: JSON.stringify({ t: 'warning', text: '假的提醒' }),
    });
    await settle();
    expect(p.exists('#notice') && p.text('#notice').includes('假的提醒')).toBe(false);
    engine.emit('IMRecvCustomCommand', {
      roomID: 'room_1',
      fromUser: { userID: 'live-service', userName: '直播服务' },
      command: JSON.stringify({ t: 'warning', text: '请注意直播内容' }),
    });
    await settle();
    expect(p.text('#notice')).toBe('运营提醒：请注意直播内容');
  });
});

/** The anchor page, live (no end). */
async function anchorLive(): Promise<PageHarness> {
  signIn(ANCHOR, 'session_anchor');
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: ANCHOR.id,
    streamID: STREAM,
  });
  page = await openPage('anchor', { roomID: 'room_1' });
  await goLive(page, engine, STREAM);
  return page;
}
