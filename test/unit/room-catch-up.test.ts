/**
 * What a viewer who comes in late sees, and what the room pins: the last lines before the live ones, in order, none
 * twice when a live line arrives while the history loads, no join notice replayed; the announcement (公告) read on
 * entry and changed by the service's notice (the newer wins); the admins' badges; the anchor's calls.
 */
import { adminsSignal, announcementSignal, chatLine } from '@zego-live/contract';
import { ApiError } from '../../miniprogram/services/api';
import type { RtcRoomMessage } from '../../miniprogram/services/rtc-types';
import { FLUSH_INTERVAL_MS, SLOW_INTERVAL_MS } from '../../miniprogram/pages/stores/live-session';
import { SERVICE_SENDER } from '../helpers/service-chat';
import { ROOM, advance, anchorLive, createHarness, settle, viewerWatching } from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

const fromService = (message: string, messageID = `m${Math.random()}`): RtcRoomMessage => ({
  messageID,
  fromUser: SERVICE_SENDER,
  message,
  sendTime: 0,
});
/** A kept line as the service delivers it live (its number `i` travels with it). */
const liveLine = (i: number, text: string, userID = `u${i}`): RtcRoomMessage =>
  fromService(chatLine({ id: userID, nickname: `观众${i}` }, text, i));
const historyLine = (i: number, text: string) => ({
  id: i,
  userId: `u${i}`,
  nickname: `观众${i}`,
  text,
  sentAt: 1000 + i,
});
const texts = (h: { session: { chat: { text: string }[] } }): string[] => h.session.chat.map((l) => l.text);

describe('history for late joiners', () => {
  it('the room’s last lines show before the live ones, in order, as chat lines', async () => {
    const h = createHarness();
    h.api.catchUp.lines = [historyLine(1, '第一句'), historyLine(2, '第二句')];
    await viewerWatching(h);
    await settle();
    expect(h.api.callsOf('getCatchUp')).toEqual([[ROOM]]);
    expect(h.session.chat.map((l) => [l.id, l.kind, l.nickname, l.text])).toEqual([
      ['line-1', 'chat', '观众1', '第一句'],
      ['line-2', 'chat', '观众2', '第二句'],
    ]);
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [liveLine(3, '第三句')] });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(texts(h)).toEqual(['第一句', '第二句', '第三句']);
  });

  it('a live line that arrives while the history loads is shown once, after the older lines', async () => {
    const h = createHarness();
    let open = (): void => undefined;
    h.api.catchUpGate = new Promise<void>((resolve) => (open = resolve));
    // Line 3 was kept before the history was read, so the history carries it too.
    h.api.catchUp.lines = [historyLine(1, '一'), historyLine(2, '二'), historyLine(3, '三')];
    await viewerWatching(h);
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [liveLine(3, '三')] });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(texts(h)).toEqual(['三']);
    // And line 4 arrives after the history was read but before the feed flushes.
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [liveLine(4, '四')] });
    h.api.catchUp.lines = [...h.api.catchUp.lines, historyLine(4, '四')];
    open();
    await settle();
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(texts(h)).toEqual(['一', '二', '三', '四']);
    expect(new Set(h.session.chat.map((l) => l.id)).size).toBe(4);
  });

  it('join notices are not replayed: the history holds chat only, and a notice on screen stays once', async () => {
    const h = createHarness();
    let open = (): void => undefined;
    h.api.catchUpGate = new Promise<void>((resolve) => (open = resolve));
    h.api.catchUp.lines = [historyLine(1, '早到的话')];
    await viewerWatching(h);
    await advance(3000);
    h.engine.emit('roomUserUpdate', {
      roomID: ROOM,
      updateType: 'ADD',
      users: [{ userID: 'late', userName: '晚来的' }],
    });
    jest.advanceTimersByTime(SLOW_INTERVAL_MS);
    open();
    await settle();
    expect(h.session.chat.map((l) => [l.kind, l.text])).toEqual([
      ['chat', '早到的话'],
      ['join', '晚来的 来了'],
    ]);
  });

  it('a failed history read loses nothing live', async () => {
    const h = createHarness();
    h.api.fail('getCatchUp', new ApiError('NETWORK', 'unreachable', 0), 1);
    await viewerWatching(h);
    await settle();
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [liveLine(9, '直播中')] });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(texts(h)).toEqual(['直播中']);
  });
});

describe('the announcement', () => {
  it('a late joiner sees it at once; a change reaches everyone; a take-down clears it', async () => {
    const h = createHarness();
    h.api.catchUp.announcement = { text: '今晚抽奖', at: 100 };
    await viewerWatching(h);
    await settle();
    expect(h.session.social.notices.announcement).toEqual({ text: '今晚抽奖', at: 100 });
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [fromService(announcementSignal('八点开始', 200))],
    });
    expect(h.session.social.notices.announcement?.text).toBe('八点开始');
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [fromService(announcementSignal(null, 300))],
    });
    expect(h.session.social.notices.announcement?.text ?? '').toBe('');
  });

  it('a read that answers after a newer notice does not bring the old text back', async () => {
    const h = createHarness();
    let open = (): void => undefined;
    h.api.catchUpGate = new Promise<void>((resolve) => (open = resolve));
    h.api.catchUp.announcement = { text: '旧公告', at: 100 };
    await viewerWatching(h);
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [fromService(announcementSignal('新公告', 200))],
    });
    open();
    await settle();
    expect(h.session.social.notices.announcement).toEqual({ text: '新公告', at: 200 });
  });

  it('only the service’s notice counts: the same text from anyone else is ignored', async () => {
    const h = await viewerWatching();
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [
        { ...fromService(announcementSignal('假公告', 999)), fromUser: { userID: 'u9', userName: 'x' } },
      ],
    });
    expect(h.session.social.notices.announcement).toBeNull();
  });

  it('the anchor sets it through the service; over 60 characters is refused on the phone', async () => {
    const h = await anchorLive();
    expect(await h.session.social.notices.announce('  欢迎来到直播间  ')).toBe(true);
    expect(h.api.callsOf('setAnnouncement')).toEqual([[ROOM, '欢迎来到直播间']]);
    expect(h.session.social.notices.announcement?.text).toBe('欢迎来到直播间');
    expect(h.session.notice).toBe('公告已更新');
    expect(await h.session.social.notices.announce('长'.repeat(61))).toBe(false);
    expect(h.api.callsOf('setAnnouncement')).toHaveLength(1);
    expect(h.session.notice).toBe('公告最多 60 个字');
    h.api.fail('setAnnouncement', new ApiError('MESSAGE_REJECTED', 'risky', 400), 1);
    expect(await h.session.social.notices.announce('不好的话')).toBe(false);
    expect(h.session.notice).toBe('操作没有成功：消息含有不适合发布的内容，换个说法吧');
    expect(h.session.social.notices.announcement?.text).toBe('欢迎来到直播间');
  });
});

describe('room admins', () => {
  it('the badges follow the service: read on entry, changed by its notice', async () => {
    const h = createHarness();
    h.api.catchUp.admins = ['u1'];
    await viewerWatching(h);
    await settle();
    expect(h.session.social.notices.admins).toEqual({ u1: true });
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [fromService(adminsSignal(['u1', 'u2']))],
    });
    expect(h.session.social.notices.admins).toEqual({ u1: true, u2: true });
  });

  it('the anchor appoints and dismisses; the sixth is refused with the catalog’s words', async () => {
    const h = await anchorLive();
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(await h.session.social.notices.appoint(id)).toBe(true);
    expect(h.session.notice).toBe('已设为房管');
    expect(Object.keys(h.session.social.notices.admins)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await h.session.social.notices.appoint('f')).toBe(false);
    expect(h.session.notice).toBe('操作没有成功：房管最多 5 位，请先撤掉一位');
    expect(await h.session.social.notices.dismiss('c')).toBe(true);
    expect(h.api.callsOf('dismissAdmin')).toEqual([[ROOM, 'c']]);
    expect(Object.keys(h.session.social.notices.admins)).toEqual(['a', 'b', 'd', 'e']);
  });
});
