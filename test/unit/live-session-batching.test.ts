/**
 * Chat, likes, joins and quality under load: incoming traffic is buffered and flushed with one timer so the page
 * renders at most 5 times a second, within budget, every message on screen within 250 ms, nothing while hidden.
 */
import { CHAT_WINDOW } from '../../miniprogram/config';
import {
  FLUSH_INTERVAL_MS,
  LIKE_SEND_INTERVAL_MS,
  STATS_INTERVAL_MS,
  USERS_WINDOW,
  decodeLikes,
  encodeLikes,
  toQualityView,
} from '../../miniprogram/pages/stores/live-session';
import type { RtcRoomMessage } from '../../miniprogram/services/rtc-types';
import { chatFromService } from '../helpers/service-chat';
import {
  ANCHOR_STREAM,
  ROOM,
  advance,
  anchorLive,
  settle,
  stats,
  viewerWatching,
  watchRenders,
} from './session-harness';
import type { Harness } from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

let messageCounter = 0;
/** A chat line as the service delivers it, written by one of 50 viewers. */
function chat(text: string): RtcRoomMessage {
  messageCounter += 1;
  return chatFromService(
    `m${messageCounter}`,
    `viewer-${messageCounter % 50}`,
    `观众${messageCounter % 50}`,
    text,
    Date.now(),
  );
}
function message(text: string, from = 'viewer'): RtcRoomMessage {
  messageCounter += 1;
  return {
    messageID: `m${messageCounter}`,
    fromUser: { userID: `${from}-${messageCounter % 50}`, userName: `观众${messageCounter % 50}` },
    message: text,
    sendTime: Date.now(),
  };
}

/**
 * Drives the docs/design.md load for `seconds`: 200 chat messages/s, 50 likes/s, 20 joins/s, 1 Hz quality and count.
 * Returns when each message arrived, by ID.
 */
function drive(h: Harness, seconds: number): Map<string, number> {
  const arrived = new Map<string, number>();
  for (let ms = 0; ms < seconds * 1000; ms += 5) {
    const m = chat(`主播好！第 ${messageCounter + 1} 条弹幕`);
    arrived.set(m.messageID, Date.now());
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [m] });
    if (ms % 20 === 0)
      h.engine.emit('IMRecvBarrageMessage', { roomID: ROOM, messages: [message(encodeLikes(1))] });
    if (ms % 50 === 0) {
      h.engine.emit('roomUserUpdate', {
        roomID: ROOM,
        updateType: 'ADD',
        users: [{ userID: `join-${ms}`, userName: `新观众${ms}` }],
      });
    }
    if (ms % 1000 === 0) {
      h.engine.emit('playQualityUpdate', {
        streamID: ANCHOR_STREAM,
        stats: stats({ videoBitrateKbps: 800 + ms }),
      });
      h.engine.emit('publishQualityUpdate', {
        streamID: ANCHOR_STREAM,
        stats: stats({ videoBitrateKbps: 900 + ms }),
      });
    }
    jest.advanceTimersByTime(5);
  }
  return arrived;
}

/** The largest number of renders in any window of one second. */
function maxPerSecond(times: number[]): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    const within = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
    max = Math.max(max, within);
  }
  return max;
}

describe('incoming load (200 msgs/s, 50 likes/s, 20 joins/s, 1 Hz quality)', () => {
  it('a viewer renders at most 5 times a second, under 16 KB/s, each message on screen within 250 ms', async () => {
    const h = await viewerWatching();
    const renders = watchRenders(h.session);
    const shownAt = new Map<string, number>();
    const seen = new Set<string>();
    const { reaction } = await import('mobx-miniprogram');
    const dispose = reaction(
      () => h.session.chat,
      (chat) => {
        for (const line of chat) {
          // the viewers' lines (the 「来了」 notices are the slow lane's, at most one a second)
          if (line.kind === 'chat' && !seen.has(line.id)) {
            seen.add(line.id);
            shownAt.set(line.id, Date.now());
          }
        }
      },
    );
    const seconds = 5;
    const arrived = drive(h, seconds);
    jest.advanceTimersByTime(1000);
    dispose();
    renders.stop();

    expect(maxPerSecond(renders.times)).toBeLessThanOrEqual(1000 / FLUSH_INTERVAL_MS);
    expect(renders.count).toBeLessThanOrEqual((1000 / FLUSH_INTERVAL_MS) * (seconds + 1));
    expect(renders.bytes / (seconds + 1)).toBeLessThan(16 * 1024);

    // Every message that stayed on screen long enough to be seen showed within 250 ms of arriving.
    expect(shownAt.size).toBeGreaterThan(0);
    for (const [id, at] of shownAt) expect(at - arrived.get(id)!).toBeLessThanOrEqual(FLUSH_INTERVAL_MS);
    expect(FLUSH_INTERVAL_MS).toBeLessThan(250);
    // The newest messages are the ones on screen, CHAT_WINDOW of them.
    expect(h.session.chat).toHaveLength(CHAT_WINDOW);
    const viewersLines = h.session.chat.filter((line) => line.kind === 'chat');
    expect(viewersLines[viewersLines.length - 1].id).toBe(`m${[...arrived.keys()].pop()!.slice(1)}`);
    // The joins came too: one 「来了」 line among them, the newest.
    expect(h.session.chat.filter((line) => line.kind === 'join')).toHaveLength(1);

    expect(h.session.likes).toBe(seconds * 50);
    expect(h.session.users).toHaveLength(USERS_WINDOW);
    expect(h.session.onlineCount).toBe(seconds * 20 + 1);
    expect(h.session.playQuality?.bitrateKbps).toBe(Math.round(800 + 4000 + 48));
  });

  it('the naive pattern (one render per event) would have been far over budget', async () => {
    const h = await viewerWatching();
    let events = 0;
    const emit = h.engine.emit.bind(h.engine);
    h.engine.emit = ((event, payload) => {
      events += 1;
      return emit(event, payload);
    }) as typeof h.engine.emit;
    const renders = watchRenders(h.session);
    drive(h, 1);
    jest.advanceTimersByTime(1000);
    renders.stop();
    expect(events).toBeGreaterThan(250);
    // One second of load, then the last buffered lines: one render per flush interval, plus that tail.
    expect(renders.count).toBeLessThanOrEqual(1000 / FLUSH_INTERVAL_MS + 1);
  });

  it('joins alone never render one by one: the user list and count move at most once a second', async () => {
    const h = await viewerWatching();
    const renders = watchRenders(h.session);
    for (let i = 0; i < 40; i++) {
      h.engine.emit('roomUserUpdate', {
        roomID: ROOM,
        updateType: 'ADD',
        users: [{ userID: `u${i}`, userName: `u${i}` }],
      });
      jest.advanceTimersByTime(50);
    }
    jest.advanceTimersByTime(1000);
    renders.stop();
    expect(renders.count).toBeLessThanOrEqual(3);
    expect(h.session.onlineCount).toBe(41);
    h.engine.emit('roomUserUpdate', {
      roomID: ROOM,
      updateType: 'DELETE',
      users: [{ userID: 'u39', userName: 'u39' }],
    });
    h.engine.emit('roomOnlineUserCountUpdate', { roomID: ROOM, count: 120 });
    jest.advanceTimersByTime(1000);
    expect(h.session.users.map((u) => u.userID)).not.toContain('u39');
    expect(h.session.onlineCount).toBe(120);
  });

  it('quality at 5 Hz reaches the screen at most once a second, and an unchanged figure not at all', async () => {
    const h = await anchorLive();
    const changes: number[] = [];
    const { reaction } = await import('mobx-miniprogram');
    const dispose = reaction(
      () => h.session.publishQuality,
      () => changes.push(Date.now()),
    );
    for (let i = 0; i < 25; i++) {
      h.engine.emit('publishQualityUpdate', {
        streamID: ANCHOR_STREAM,
        stats: stats({ videoBitrateKbps: 500 + i }),
      });
      jest.advanceTimersByTime(200);
    }
    jest.advanceTimersByTime(1000);
    expect(maxPerSecond(changes)).toBe(1);
    const before = changes.length;
    h.engine.emit('publishQualityUpdate', {
      streamID: ANCHOR_STREAM,
      stats: stats({ videoBitrateKbps: 524 }),
    });
    jest.advanceTimersByTime(1500);
    expect(changes.length).toBe(before);
    dispose();
  });

  it('nothing renders while the page is hidden; what arrived shows once it is back', async () => {
    const h = await viewerWatching();
    h.session.pageHidden();
    const renders = watchRenders(h.session);
    drive(h, 1);
    expect(renders.count).toBe(0);
    h.session.pageShown();
    await settle();
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    renders.stop();
    expect(h.session.chat).toHaveLength(CHAT_WINDOW);
    expect(h.session.likes).toBe(50);
  });
});

describe('quality', () => {
  it('reduces SDK stats to bitrate, fps and a grade', () => {
    expect(toQualityView(stats({ quality: 0 }))).toEqual({ bitrateKbps: 848, fps: 15, grade: 'excellent' });
    expect(toQualityView(stats({ quality: 2 })).grade).toBe('poor');
    expect(toQualityView(stats({ quality: 4 })).grade).toBe('bad');
    expect(toQualityView(stats({ quality: -1, packetLossRate: 0.03 })).grade).toBe('good');
    expect(toQualityView(stats({ quality: -1, packetLossRate: 0.3 })).grade).toBe('bad');
    expect(
      toQualityView(stats({ quality: -1, videoBitrateKbps: 0, audioBitrateKbps: 0, videoFps: 0 })).grade,
    ).toBe('unknown');
  });
});

describe('likes', () => {
  it('counts a tap at once and sends taps batched as {"t":"like","n":k}, at most once a second', async () => {
    const h = await viewerWatching();
    for (let i = 0; i < 10; i++) h.session.like();
    expect(h.session.likes).toBe(10);
    expect(h.engine.callsOf('sendBarrageMessage')).toEqual([]);
    await advance(LIKE_SEND_INTERVAL_MS);
    expect(h.engine.callsOf('sendBarrageMessage')).toEqual([[ROOM, '{"t":"like","n":10}']]);
    h.session.like();
    await advance(LIKE_SEND_INTERVAL_MS);
    expect(h.engine.callsOf('sendBarrageMessage')).toHaveLength(2);
    expect(decodeLikes(h.engine.barrages[1])).toBe(1);
  });

  it('reads the like protocol and ignores anything else', () => {
    expect(decodeLikes('{"t":"like","n":3}')).toBe(3);
    expect(decodeLikes('{"t":"like","n":-5}')).toBe(0);
    expect(decodeLikes('{"t":"gift","n":3}')).toBe(0);
    expect(decodeLikes('not json')).toBe(0);
    expect(decodeLikes('null')).toBe(0);
  });

  it('incoming likes add up', async () => {
    const h = await anchorLive();
    h.engine.emit('IMRecvBarrageMessage', {
      roomID: ROOM,
      messages: [message(encodeLikes(3)), message(encodeLikes(2)), message('hello')],
    });
    expect(h.session.likes).toBe(0);
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(h.session.likes).toBe(5);
  });
});

describe('anchor stats for the console', () => {
  it('reports the viewers online now (the service keeps the peak), likes and messages every 10 s while live, best effort, and stops with the show', async () => {
    const h = await anchorLive();
    h.engine.emit('roomOnlineUserCountUpdate', { roomID: ROOM, count: 12 });
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [chat('hi'), chat('yo')] });
    h.engine.emit('IMRecvBarrageMessage', { roomID: ROOM, messages: [message(encodeLikes(4))] });
    h.engine.emit('roomOnlineUserCountUpdate', { roomID: ROOM, count: 8 });
    h.api.fail('reportStats', undefined, 1);
    await advance(STATS_INTERVAL_MS);
    expect(h.session.error).toBeNull();
    await advance(STATS_INTERVAL_MS);
    // 12 were online, then 8: the report says 8, not the phone's peak.
    expect(h.api.callsOf('reportStats')).toEqual([
      [ROOM, { viewers: 8, likes: 4, messages: 2 }],
      [ROOM, { viewers: 8, likes: 4, messages: 2 }],
    ]);
    h.session.stopPublishing();
    await advance(3 * STATS_INTERVAL_MS);
    expect(h.api.callsOf('reportStats')).toHaveLength(2);
  });
});
