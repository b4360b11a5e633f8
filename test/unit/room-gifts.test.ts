/**
 * Gifts as a viewer and the room see them: sending through the service with one key per tap (a network failure is
 * retried with the same key, so it is paid once), the combo, points; a room's gifts become chat lines, banners with
 * their combo count, full-screen effects one at a time (none while hidden), and the 贡献榜 counts them.
 */
import { giftSignal } from '@zego-live/contract';
import { ApiError } from '../../miniprogram/services/api';
import type { RtcRoomMessage } from '../../miniprogram/services/rtc-types';
import { FLUSH_INTERVAL_MS } from '../../miniprogram/pages/stores/live-session';
import { EFFECT_MS } from '../../miniprogram/pages/stores/gift-effects';
import { BANNER_MS } from '../../miniprogram/pages/stores/room-gifts';
import { SERVICE_SENDER } from '../helpers/service-chat';
import { ROOM, createHarness, settle, viewerWatching } from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

let sendNumber = 0;
/** A gift the service announces: 1 is the banner 小心心 (1 point), 2 the full-screen 火箭 (50). */
const gift = (userID: string, giftID: 1 | 2, count = 1): RtcRoomMessage => ({
  messageID: `g${(sendNumber += 1)}`,
  fromUser: SERVICE_SENDER,
  message: giftSignal({
    u: userID,
    n: `观众${userID}`,
    g: giftID,
    name: giftID === 1 ? '小心心' : '火箭',
    icon: '',
    effect: giftID === 1 ? 'banner' : 'fullscreen',
    c: count,
    i: sendNumber,
  }),
  sendTime: 0,
});

describe('sending', () => {
  it('loads the catalogue and the points; a tap sends one through the service, a tap again makes a combo', async () => {
    const h = await viewerWatching();
    await settle();
    const gifts = h.session.social.gifts;
    expect(gifts.catalogue.map((g) => g.name)).toEqual(['小心心', '火箭']);
    expect(gifts.points).toBe(100);
    expect(await gifts.send(1)).toBe(true);
    expect(await gifts.send(1)).toBe(true);
    expect(gifts.combo).toMatchObject({ giftId: 1, count: 2 });
    expect(gifts.points).toBe(98);
    const keys = h.api.callsOf('sendGift').map((args) => args[3]);
    expect(new Set(keys).size).toBe(2);
    expect(keys.every((k) => /^[A-Za-z0-9_-]{8,64}$/.test(String(k)))).toBe(true);
    jest.advanceTimersByTime(BANNER_MS + 1);
    expect(await gifts.send(1)).toBe(true);
    expect(gifts.combo).toMatchObject({ count: 1 });
  });

  it('a network failure is retried once with the same key: paid once', async () => {
    const h = await viewerWatching();
    await settle();
    h.api.fail('sendGift', new ApiError('NETWORK', 'unreachable', 0), 1);
    expect(await h.session.social.gifts.send(2)).toBe(true);
    const calls = h.api.callsOf('sendGift');
    expect(calls).toHaveLength(2);
    expect(calls[0][3]).toBe(calls[1][3]);
    expect(h.api.points).toBe(50);
  });

  it('not enough points: said at once, nothing sent; the service’s refusal reads in Chinese', async () => {
    const h = createHarness();
    h.api.points = 10;
    await viewerWatching(h);
    await settle();
    expect(await h.session.social.gifts.send(2)).toBe(false);
    expect(h.api.callsOf('sendGift')).toEqual([]);
    expect(h.session.notice).toBe('积分不够了，明天会再送你一些');
    h.session.social.gifts.points = 1000;
    expect(await h.session.social.gifts.send(2)).toBe(false);
    expect(h.session.notice).toBe('礼物没有送出：积分不够了，明天会再送你一些');
  });
});

describe('the room’s gifts on screen', () => {
  it('a chat line each, one banner per giver and gift counting the combo, the 贡献榜 counting points', async () => {
    const h = await viewerWatching();
    await settle();
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [gift('a', 1), gift('a', 1, 2)] });
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [gift('b', 1)] });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    const gifts = h.session.social.gifts;
    expect(h.session.chat.filter((l) => l.kind === 'gift').map((l) => `${l.nickname} ${l.text}`)).toEqual([
      '观众a 送出 小心心 ×1',
      '观众a 送出 小心心 ×2',
      '观众b 送出 小心心 ×1',
    ]);
    expect(gifts.banners.map((b) => [b.nickname, b.combo])).toEqual([
      ['观众a', 3],
      ['观众b', 1],
    ]);
    expect(gifts.topGivers.map((g) => [g.userId, g.points])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    jest.advanceTimersByTime(BANNER_MS);
    expect(gifts.banners).toEqual([]);
  });

  it('big gifts play full screen one at a time in order; none while the page is hidden', async () => {
    const h = await viewerWatching();
    await settle();
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [gift('a', 2), gift('b', 2)] });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    const gifts = h.session.social.gifts;
    expect(gifts.effect?.nickname).toBe('观众a');
    expect(gifts.banners).toEqual([]);
    jest.advanceTimersByTime(EFFECT_MS);
    expect(gifts.effect?.nickname).toBe('观众b');
    h.session.pageHidden();
    expect(gifts.effect).toBeNull();
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [gift('c', 2)] });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS * 5);
    expect(gifts.effect).toBeNull();
    h.session.pageShown();
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    // What came while hidden is skipped, not played late; the 贡献榜 still counts it.
    expect(gifts.effect).toBeNull();
    expect(gifts.leaderboard.total).toBe(150);
  });
});
