/**
 * Join notices and the anchor's viewer list, rendered by miniprogram-simulate with the real store (fake timers):
 * 「某某 来了」 lines in the chat area through the feed's batching (a burst collapses into 「某某 等 N 人来了」, at most
 * one line a second, never crowding chat out), no notice for those already in the room at login; the viewer list
 * panel read from the service (newest first, nickname and avatar) with mute / remove through the existing routes.
 */
import { api } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { chatFromService } from '../helpers/service-chat';
import { FakePlatform } from '../helpers/fake-platform';
import {
  engineSlot,
  goLive,
  installWxFakes,
  openPage,
  roomFixture,
  settle,
  type PageHarness,
} from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live', anchor: ANCHOR });
const STREAM = 'room_1_main';

const engine = new FakeEngine(new CallLog());
engineSlot.engine = engine;
let page: PageHarness | null = null;
let actionSheet: jest.Mock;

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const joins = (users: { userID: string; userName: string }[]) =>
  engine.emit('roomUserUpdate', { roomID: 'room_1', updateType: 'ADD', users });
const user = (i: number) => ({ userID: `v${i}`, userName: `观众${i}` });
/** The text of every element matching the selector, in order. */
const texts = (p: PageHarness, selector: string): string[] =>
  (p.component.querySelectorAll(selector) as unknown as { dom?: { textContent?: string } }[]).map((node) =>
    (node.dom?.textContent ?? '').replace(/\s+/g, ' ').trim(),
  );
/** The chat area's lines, as text. */
const lines = (p: PageHarness) => texts(p, '.chat-line');

// The first page load compiles the pages and stores (ts-jest): slow on a busy machine.
jest.setTimeout(30_000);

beforeAll(() => {
  jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterAll(() => {
  jest.useRealTimers();
});

beforeEach(() => {
  engine.calls.length = 0;
  const platform = new FakePlatform();
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_anchor', user: ANCHOR });
  setPlatform(platform);
  installWxFakes();
  actionSheet = jest.fn((options: { success?: (res: { tapIndex: number }) => void }) =>
    options.success?.({ tapIndex: 1 }),
  );
  (wx as unknown as Record<string, unknown>).showActionSheet = actionSheet;
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.claimRoom.mockResolvedValue({ room: ROOM });
  mockedApi.markLive.mockResolvedValue({ room: ROOM });
  mockedApi.reportStats.mockResolvedValue({ room: ROOM });
  mockedApi.removeViewer.mockResolvedValue({ userId: 'v2', kicked: true });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token',
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: ANCHOR.id,
    streamID: STREAM,
  });
});

afterEach(async () => {
  page?.unload();
  page = null;
  await settle();
  userStore.signOut();
});

/** The anchor page, on air; `present` are the users the SDK lists right after login. */
async function anchorOnAir(present: { userID: string; userName: string }[] = []): Promise<PageHarness> {
  page = await openPage('anchor', { roomID: 'room_1' });
  if (present.length > 0) joins(present);
  await advance(500);
  await goLive(page, engine, STREAM);
  await advance(3000);
  return page;
}

describe('join notices', () => {
  it('「某某 来了」 for one viewer; nobody announced who was here at login', async () => {
    const p = await anchorOnAir([user(1), user(2)]);
    expect(lines(p).some((l) => l.includes('来了'))).toBe(false);
    joins([{ userID: 'v9', userName: '小张' }]);
    // Through the feed's slow lane: on screen within a second.
    await advance(1000);
    expect(lines(p)).toEqual(['小张 来了']);
  });

  it('a burst collapses into one line, 「某某 等 N 人来了」, which replaces the last join line while nobody spoke', async () => {
    const p = await anchorOnAir();
    joins([user(1)]);
    await advance(1000);
    expect(lines(p)).toEqual(['观众1 来了']);
    const before = p.setDataCalls.length;
    // 100 joins in one second, one event each.
    for (let i = 2; i <= 101; i += 1) {
      joins([user(i)]);
      await advance(10);
    }
    await advance(1000);
    const joinLines = lines(p).filter((l) => l.includes('来了'));
    expect(joinLines).toHaveLength(1);
    expect(joinLines[0]).toMatch(/^观众\d+ 等 \d+ 人来了$/);
    const counted = [
      ...lines(p)
        .join('')
        .matchAll(/等 (\d+) 人/g),
    ].map((m) => Number(m[1]));
    // One line on screen for the whole burst (each new one replaced the one before: nobody spoke).
    expect(counted.length).toBe(1);
    // Two seconds of a 100-joins/s burst: a handful of setData, not one per join.
    expect(p.setDataCalls.length - before).toBeLessThanOrEqual(4);
  });

  it('join lines never crowd chat out: a viewer’s line stays, the newest join line comes after it', async () => {
    const p = await anchorOnAir();
    joins([user(1)]);
    await advance(1000);
    engine.emit('IMRecvBroadcastMessage', {
      roomID: 'room_1',
      messages: [chatFromService('m1', 'v1', '观众1', '主播好')],
    });
    await advance(300);
    joins([user(2), user(3)]);
    await advance(1000);
    expect(lines(p)).toEqual(['观众1 来了', '观众1：主播好', '观众3 等 2 人来了']);
    joins([user(4)]);
    await advance(1000);
    expect(lines(p)).toEqual(['观众1 来了', '观众1：主播好', '观众4 来了']);
  });
});

describe('viewer list', () => {
  const VIEWERS = [
    { userId: 'v3', nickname: '小红', avatarUrl: 'https://cdn.example.com/a3.png', joinedAt: 3 },
    { userId: 'v2', nickname: '小明', avatarUrl: null, joinedAt: 2 },
    { userId: 'v1', nickname: '老李', avatarUrl: null, joinedAt: 1 },
  ];

  it('the viewers badge opens the list from the service: newest first, avatar or initial; it closes', async () => {
    mockedApi.getViewers.mockResolvedValue({ viewers: VIEWERS, limit: 100 });
    const p = await anchorOnAir();
    expect(p.exists('#viewer-list')).toBe(false);
    await p.tap('#viewers');
    await settle();
    expect(mockedApi.getViewers).toHaveBeenCalledWith('room_1');
    expect(p.text('#viewer-list')).toMatch(/最近 100 位/);
    expect(texts(p, '.viewer-row')).toEqual(['小红', '小小明', '老老李']);
    expect(p.nodes('image').filter((n) => n.src === 'https://cdn.example.com/a3.png')).toHaveLength(1);
    await p.tap('#viewer-list-close');
    await settle();
    expect(p.exists('#viewer-list')).toBe(false);
  });

  it('tapping a viewer offers mute, remove and 设为房管; removed, they leave the list', async () => {
    mockedApi.getViewers.mockResolvedValue({ viewers: VIEWERS, limit: 100 });
    const p = await anchorOnAir();
    await p.tap('#viewers');
    await settle();
    await p.tap('#viewer-v2');
    await settle();
    expect(actionSheet).toHaveBeenCalledWith(
      expect.objectContaining({ alertText: '小明', itemList: ['禁言 10 分钟', '移出直播间', '设为房管'] }),
    );
    expect(mockedApi.removeViewer).toHaveBeenCalledWith('room_1', 'v2');
    expect(p.exists('#viewer-v2')).toBe(false);
    expect(p.exists('#viewer-v3')).toBe(true);
  });

  it('a list the service cannot give says so', async () => {
    mockedApi.getViewers.mockRejectedValue(new Error('boom'));
    const p = await anchorOnAir();
    await p.tap('#viewers');
    await settle();
    expect(p.text('#viewer-list-error')).toBe('观众列表加载失败');
  });
});
