/**
 * The setData bench's load and measurements, shared by the real pages and the naive page: a deterministic schedule
 * of engine events per simulated second (200 chat messages, 50 likes, 20 joins, 1 quality + 1 netstatus), and
 * counts of setData calls and bytes per simulated second, message latency to the screen, and setData while hidden.
 */
import { giftSignal } from '@zego-live/contract';
import { chatFromService, SERVICE_SENDER } from '../helpers/service-chat';
import type { RtcEvents } from '../../miniprogram/services/rtc-types';
import type { SetDataRecord } from '../helpers/page-harness';

/** Events per simulated second (docs/design.md, Budgets). */
export const LOAD = {
  chatPerSecond: 200,
  likesPerSecond: 50,
  joinsPerSecond: 20,
  qualityHz: 1,
  netstatusHz: 1,
  /** Gifts the service announces (every other one a full-screen effect); none in the base load. */
  giftsPerSecond: 0,
};
/** A burst of joins (a room being shared around): LOAD with 100 joins a second instead of 20. */
export const JOIN_BURST: Partial<typeof LOAD> = { joinsPerSecond: 100 };
/** A gift storm: LOAD with 20 gifts a second, half of them with a full-screen effect (issue 28). */
export const GIFT_STORM: Partial<typeof LOAD> = { giftsPerSecond: 20 };
/** The budget a page must meet under LOAD. */
export const BUDGET = { maxCallsPerSecond: 10, maxBytesPerSecond: 16 * 1024, maxMessageLatencyMs: 250 };
/** The schedule's resolution: every event lands on a multiple of this many ms. */
export const STEP_MS = 5;

/** What the load does to one page: emit an engine event, or fire the native component's netstatus. */
export interface LoadTarget {
  emit<K extends keyof RtcEvents>(event: K, payload: RtcEvents[K]): void;
  netstatus(info: Record<string, unknown>): Promise<void>;
  /** Advances simulated time (fake timers) by ms, letting bindings and promises settle. */
  advance(ms: number): Promise<void>;
}

/** The marker each chat message carries, so it can be found in setData payloads whatever their shape. */
export const chatText = (index: number) => `弹幕#${index}#`;

/** One emitted message: its index and when it arrived (simulated ms since the load started). */
export interface SentMessage {
  index: number;
  at: number;
}

/**
 * Runs LOAD for `seconds` simulated seconds on a page, starting at simulated time `start` (Date.now()).
 * `seq` continues message/user numbering across phases. Returns the chat messages sent, with their times.
 */
export async function runLoad(
  target: LoadTarget,
  options: {
    roomID: string;
    streamID: string;
    seconds: number;
    quality: 'play' | 'publish';
    seq: { n: number };
    /** Co-host streams playing on the page too: each reports its play quality at the same rate. */
    cohostStreams?: string[];
    /** Rates that differ from LOAD (e.g. JOIN_BURST). */
    load?: Partial<typeof LOAD>;
  },
): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  const start = Date.now();
  const every = (perSecond: number) => 1000 / perSecond;
  const load = { ...LOAD, ...options.load };
  for (let t = 0; t < options.seconds * 1000; t += STEP_MS) {
    if (t % every(load.chatPerSecond) === 0) {
      const index = (options.seq.n += 1);
      sent.push({ index, at: Date.now() - start });
      target.emit('IMRecvBroadcastMessage', {
        roomID: options.roomID,
        // As the live service delivers chat: from its own sender identity, the writer inside.
        messages: [
          chatFromService(`m${index}`, `v${index % 500}`, `观众${index % 500}`, chatText(index), Date.now()),
        ],
      });
    }
    if (t % every(load.likesPerSecond) === 0) {
      target.emit('IMRecvBarrageMessage', {
        roomID: options.roomID,
        messages: [
          {
            messageID: `l${t}`,
            fromUser: { userID: 'v1', userName: '观众1' },
            message: JSON.stringify({ t: 'like', n: 1 }),
            sendTime: Date.now(),
          },
        ],
      });
    }
    if (load.giftsPerSecond > 0 && t % every(load.giftsPerSecond) === 0) {
      const n = (options.seq.n += 1);
      const big = n % 2 === 0;
      target.emit('IMRecvBroadcastMessage', {
        roomID: options.roomID,
        messages: [
          {
            messageID: `g${n}`,
            fromUser: SERVICE_SENDER,
            message: giftSignal({
              u: `v${n % 50}`,
              n: `观众${n % 50}`,
              g: big ? 2 : 1,
              name: big ? '火箭' : '小心心',
              icon: '',
              effect: big ? 'fullscreen' : 'banner',
              c: 1,
              i: n,
            }),
            sendTime: Date.now(),
          },
        ],
      });
    }
    if (t % every(load.joinsPerSecond) === 0) {
      const n = (options.seq.n += 1);
      target.emit('roomUserUpdate', {
        roomID: options.roomID,
        updateType: 'ADD',
        users: [{ userID: `j${n}`, userName: `新观众${n}` }],
      });
    }
    if (t % 1000 === 500) {
      const stats = {
        videoBitrateKbps: 1200 + (t % 7),
        audioBitrateKbps: 48,
        videoFps: 25,
        packetLossRate: 0.01,
        frameWidth: 720,
        frameHeight: 1280,
        quality: 1,
      };
      if (options.quality === 'play') target.emit('playQualityUpdate', { streamID: options.streamID, stats });
      else target.emit('publishQualityUpdate', { streamID: options.streamID, stats });
      for (const streamID of options.cohostStreams ?? [])
        target.emit('playQualityUpdate', { streamID, stats });
      await target.netstatus({ videoBitrate: 1200, audioBitrate: 48, videoFPS: 25, netSpeed: 1300 });
    }
    await target.advance(STEP_MS);
  }
  return sent;
}

/** What one page did under the load. */
export interface PhaseStats {
  seconds: number;
  setDataCalls: number;
  bytes: number;
  callsPerSecond: number[];
  bytesPerSecond: number[];
  maxCallsPerSecond: number;
  maxBytesPerSecond: number;
  maxBytesPerCall: number;
}

/** Buckets setData records into simulated seconds from `start`. */
export function perSecond(records: SetDataRecord[], start: number, seconds: number): PhaseStats {
  const calls = new Array<number>(seconds).fill(0);
  const bytes = new Array<number>(seconds).fill(0);
  for (const record of records) {
    const second = Math.floor((record.at - start) / 1000);
    if (second < 0 || second >= seconds) continue;
    calls[second] += 1;
    bytes[second] += record.bytes;
  }
  return {
    seconds,
    setDataCalls: calls.reduce((a, b) => a + b, 0),
    bytes: bytes.reduce((a, b) => a + b, 0),
    callsPerSecond: calls,
    bytesPerSecond: bytes,
    maxCallsPerSecond: Math.max(0, ...calls),
    maxBytesPerSecond: Math.max(0, ...bytes),
    maxBytesPerCall: Math.max(0, ...records.map((r) => r.bytes)),
  };
}

/** How fast chat reached the screen. */
export interface LatencyStats {
  messages: number;
  /** Longest time from a message's arrival until a setData carried it or a newer message (the list caught up). */
  maxLatencyMs: number;
  /** Messages that were ever in a setData payload (the rest scrolled out of the visible window between renders). */
  rendered: number;
}

/**
 * For each message, the first setData at or after its arrival that carries it or a newer message. A chat window
 * shows the newest lines only, so at 200 messages/s most lines are superseded before any screen could show them;
 * "caught up" is what the viewer can see.
 */
export function messageLatency(records: SetDataRecord[], sent: SentMessage[], start: number): LatencyStats {
  const marker = /弹幕#(\d+)#/g;
  const renders = records.map((record) => {
    const json = JSON.stringify(record.data) ?? '';
    let newest = 0;
    const carried = new Set<number>();
    for (const match of json.matchAll(marker)) {
      const index = Number(match[1]);
      carried.add(index);
      newest = Math.max(newest, index);
    }
    return { at: record.at - start, newest, carried };
  });
  let maxLatencyMs = 0;
  const rendered = new Set<number>();
  for (const render of renders) render.carried.forEach((i) => rendered.add(i));
  for (const message of sent) {
    const render = renders.find((r) => r.at >= message.at && r.newest >= message.index);
    const latency = render ? render.at - message.at : Infinity;
    maxLatencyMs = Math.max(maxLatencyMs, latency);
  }
  return {
    messages: sent.length,
    maxLatencyMs,
    rendered: sent.filter((m) => rendered.has(m.index)).length,
  };
}
