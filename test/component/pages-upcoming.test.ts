/**
 * The audience page on an upcoming room (idle, with a planned start), rendered by miniprogram-simulate with the real
 * stores, a fake engine, a fake platform and a mocked service: cover, title, anchor and a countdown (at most one
 * setData a second, none while hidden, no timer left after unload), 「提醒我」 granted, refused and unavailable, and
 * the room playing by itself once the anchor goes live.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { liveSession, upcomingDeps } from '../../miniprogram/pages/stores/index';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { plannedStartText } from '../../miniprogram/utils/planned-time';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { engineSlot, installWxFakes, openPage, roomFixture, type PageHarness } from '../helpers/page-harness';
import * as simulate from 'miniprogram-simulate';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const TEMPLATE = 'TplLiveStart_0123456789';
const START = Date.now() + 2 * 3600_000 + 3 * 60_000 + 30_000;
const UPCOMING = roomFixture({
  id: 'room_1',
  title: '周五夜聊',
  status: 'idle',
  plannedStartAt: START,
  coverUrl: 'https://live.example.com/covers/room_1-abcdefghijklmnop.png',
});
const CONFIG = {
  appID: 1,
  server: ['wss://x'],
  configured: true,
  authMode: 'wechat' as const,
  reminderTemplateId: TEMPLATE,
};

const log = new CallLog();
const engine = new FakeEngine(log);
engineSlot.engine = engine;
let platform: FakePlatform;
let page: PageHarness | null = null;

const open = async (): Promise<PageHarness> => (page = await openPage('audience', { roomID: 'room_1' }));
const countdown = (p: PageHarness): string => p.text('#countdown');
const remindText = (p: PageHarness): string => p.text('#remind-text');
/** An attribute of the node with this tag and id, as simulate renders it. */
const attr = (p: PageHarness, tag: string, id: string, name: string): unknown =>
  p.nodes(tag).find((node) => node.id === id)?.[name];
const remindDisabled = (p: PageHarness): boolean => Boolean(attr(p, 'button', 'remind', 'disabled'));
const upcomingSets = (p: PageHarness, since = 0) =>
  p.setDataSince(since).filter((call) => Object.keys(call.data).some((key) => key.startsWith('upcoming')));

beforeEach(() => {
  log.clear();
  engine.calls.length = 0;
  platform = new FakePlatform(log);
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: 'session_2', user: VIEWER });
  setPlatform(platform);
  installWxFakes({ log });
  upcomingDeps.pollMs = 5000;
  mockedApi.getRoom.mockResolvedValue({ room: UPCOMING });
  mockedApi.config.mockResolvedValue(CONFIG);
  mockedApi.getReminder.mockResolvedValue({ roomId: 'room_1', subscribed: false, state: null });
  mockedApi.subscribeReminder.mockResolvedValue({ roomId: 'room_1', subscribed: true, state: 'pending' });
  mockedApi.getRoomToken.mockResolvedValue({
    token: 'zego_token_viewer',
    expiresAt: Date.now() + 3600_000,
    roomID: 'room_1',
    appID: 1,
    userID: 'u_viewer',
  });
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

describe('audience page: an upcoming room', () => {
  it('shows the cover, title, anchor, start time and a countdown, and does not join yet', async () => {
    const p = await open();
    expect(attr(p, 'image', 'upcoming-cover', 'src')).toBe(UPCOMING.coverUrl);
    expect(p.text()).toContain('周五夜聊');
    expect(p.text()).toContain('主播小王');
    expect(p.text()).toContain(plannedStartText(START));
    expect(countdown(p)).toMatch(/^02:03:[23]\d$/);
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
    expect(liveSession.phase).not.toBe('watching');
  });

  it('counts down with at most one setData a second, none while hidden, and leaves no timer after unload', async () => {
    const p = await open();
    const first = countdown(p);
    const mark = p.setDataCalls.length;
    await simulate.sleep(2100);
    const ticks = upcomingSets(p, mark).length;
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(ticks).toBeLessThanOrEqual(3);
    expect(countdown(p)).not.toBe(first);

    await p.hide();
    const hidden = p.setDataCalls.length;
    await simulate.sleep(1500);
    expect(upcomingSets(p, hidden)).toHaveLength(0);
    await p.show();

    // After unload nothing ticks or polls any more (a timer left behind would do one or the other).
    upcomingDeps.pollMs = 50;
    await p.hide();
    await p.show();
    const polls = mockedApi.getRoom.mock.calls.length;
    const sets = p.setDataCalls.length;
    p.unload();
    page = null;
    await simulate.sleep(1200);
    expect(mockedApi.getRoom.mock.calls.length).toBe(polls);
    expect(upcomingSets(p, sets)).toHaveLength(0);
  }, 15_000);

  it('plays by itself when the anchor goes live (the room is polled while visible)', async () => {
    upcomingDeps.pollMs = 50;
    const p = await open();
    expect(engine.callsOf('loginRoom')).toHaveLength(0);
    mockedApi.getRoom.mockResolvedValue({ room: { ...UPCOMING, status: 'live', startedAt: Date.now() } });
    await simulate.sleep(150);
    await simulate.sleep(0);
    expect(p.exists('#upcoming')).toBe(false);
    expect(engine.callsOf('loginRoom')[0]?.[0]).toBe('room_1');
    expect(liveSession.phase).toBe('watching');
  });

  it('提醒我 granted: asks WeChat for the template, stores it, says 开播时会提醒你', async () => {
    const p = await open();
    expect(remindDisabled(p)).toBe(false);
    await p.tap('#remind');
    await simulate.sleep(0);
    expect(log.entries.some((e) => e.name === 'requestSubscribeMessage' && e.args[0] === TEMPLATE)).toBe(
      true,
    );
    expect(mockedApi.subscribeReminder).toHaveBeenCalledWith('room_1');
    expect(remindText(p)).toBe('开播时会提醒你');
    expect(p.text()).toContain('已设置提醒');
  });

  it('提醒我 refused: nothing stored, a Chinese line, and the button stays', async () => {
    platform.subscribeAnswer = 'reject';
    const p = await open();
    await p.tap('#remind');
    await simulate.sleep(0);
    expect(mockedApi.subscribeReminder).not.toHaveBeenCalled();
    expect(remindText(p)).toBe('你没有允许开播提醒，需要时再点一次');
    expect(remindDisabled(p)).toBe(false);
  });

  it('already subscribed: shown as set', async () => {
    mockedApi.getReminder.mockResolvedValue({ roomId: 'room_1', subscribed: true, state: 'pending' });
    const p = await open();
    expect(remindText(p)).toBe('开播时会提醒你');
  });

  const unavailable: [string, () => void, string][] = [
    [
      'no template on the service',
      () => mockedApi.config.mockResolvedValue({ ...CONFIG, reminderTemplateId: null }),
      '开播提醒暂未开通',
    ],
    [
      'not a WeChat sign-in',
      () => mockedApi.config.mockResolvedValue({ ...CONFIG, authMode: 'dev' }),
      '开播提醒需要微信登录',
    ],
  ];
  it.each(unavailable)(
    'unavailable (%s): the button is disabled with the reason',
    async (_name, arrange, why) => {
      arrange();
      const p = await open();
      expect(remindDisabled(p)).toBe(true);
      expect(remindText(p)).toBe(why);
      await p.tap('#remind');
      expect(log.entries.some((e) => e.name === 'requestSubscribeMessage')).toBe(false);
    },
  );

  it('the service refusing a non-WeChat user turns the button into the reason', async () => {
    mockedApi.subscribeReminder.mockRejectedValue(
      new ApiError('REMINDER_NEEDS_WECHAT', 'Start reminders are WeChat subscribe messages', 403),
    );
    const p = await open();
    await p.tap('#remind');
    await simulate.sleep(0);
    expect(remindText(p)).toBe('开播提醒需要微信登录');
    expect(remindDisabled(p)).toBe(true);
  });
});
