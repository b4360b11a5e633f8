/**
 * Builds a LiveSession on fakes (engine, platform, view and service sharing one ordered call log), plus helpers
 * to settle promises under fake timers and to count what the page would render (one setData per changed batch).
 */
import { autorun, comparer, reaction, toJS } from 'mobx-miniprogram';
import { ApiError } from '../../miniprogram/services/api';
import type { ApiRoom, ApiRoomToken, ApiStats } from '../../miniprogram/services/api';
import type { RtcStreamStats, RtcUser } from '../../miniprogram/services/rtc-types';
import { BackoffPolicy, LiveSession, RECONNECT_BACKOFF_MS } from '../../miniprogram/stores/live-session';
import type { LiveSessionDeps } from '../../miniprogram/stores/live-session';
import type { Role } from '../../miniprogram/stores/session-types';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { FakeView } from '../helpers/fake-view';

type ApiMethod = 'getRoomToken' | 'getRoom' | 'markLive' | 'endRoom' | 'reportStats';

/** The service, scripted: tokens per role, failures per route, and a record of every call. */
export class FakeApi implements Pick<LiveSessionDeps['api'], ApiMethod> {
  readonly calls: { name: ApiMethod; args: unknown[] }[] = [];
  roomStatus: ApiRoom['status'] = 'live';
  private tokenCounter = 0;
  private readonly failures = new Map<ApiMethod, { error: unknown; times: number }>();

  constructor(readonly log: CallLog) {}

  /** The next `times` calls of `method` reject with `error` (an ApiError unless given something else). */
  fail(
    method: ApiMethod,
    error: unknown = new ApiError('NETWORK', '连接不上直播服务', 0),
    times = Infinity,
  ): this {
    this.failures.set(method, { error, times });
    return this;
  }

  succeed(method: ApiMethod): this {
    this.failures.delete(method);
    return this;
  }

  callsOf(name: ApiMethod): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  private async run<T>(name: ApiMethod, args: unknown[], body: () => T): Promise<T> {
    this.calls.push({ name, args });
    this.log.record('api', name, args);
    const failure = this.failures.get(name);
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) this.failures.delete(name);
      throw failure.error;
    }
    return body();
  }

  private room(roomID: string): ApiRoom {
    return {
      id: roomID,
      title: '周末读书会',
      kind: 'live',
      status: this.roomStatus,
      streamID: `stream_${roomID}`,
      anchor: { id: 'anchor-1', nickname: '主播', avatarUrl: '' },
      members: [],
      createdAt: 0,
      startedAt: null,
      endedAt: null,
      stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
    };
  }

  getRoomToken(roomID: string, role: Role): Promise<ApiRoomToken> {
    return this.run('getRoomToken', [roomID, role], () => ({
      token: `token-${++this.tokenCounter}`,
      expiresAt: Date.parse('2030-01-01T00:00:00.000Z'),
      roomID,
      appID: 1,
      userID: role === 'anchor' ? 'anchor-1' : role === 'call' ? CALLER : 'viewer-1',
      ...(role === 'anchor' ? { streamID: `stream_${roomID}` } : {}),
      ...(role === 'call' ? { streamID: `${roomID}_${CALLER}` } : {}),
    }));
  }

  getRoom(roomID: string): Promise<{ room: ApiRoom }> {
    return this.run('getRoom', [roomID], () => ({ room: this.room(roomID) }));
  }

  markLive(roomID: string): Promise<{ room: ApiRoom }> {
    return this.run('markLive', [roomID], () => ({ room: this.room(roomID) }));
  }

  endRoom(roomID: string): Promise<{ room: ApiRoom }> {
    return this.run('endRoom', [roomID], () => ({ room: this.room(roomID) }));
  }

  reportStats(roomID: string, stats: ApiStats): Promise<{ room: ApiRoom }> {
    return this.run('reportStats', [roomID, stats], () => ({ room: this.room(roomID) }));
  }
}

// Every field and getter is observed in every test (as bound pages would), and a MobX warning about a change
// outside an action fails the test. mobx-miniprogram's package main is its production build, which prints no
// warnings: the check bites when jest maps 'mobx-miniprogram' to dist/mobx.cjs.development.js.
let mobxWarnings: string[] = [];
const observers: (() => void)[] = [];
beforeEach(() => {
  mobxWarnings = [];
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    mobxWarnings.push(args.map(String).join(' '));
  });
});
afterEach(() => {
  for (const dispose of observers.splice(0)) dispose();
  (console.warn as jest.Mock).mockRestore?.();
  expect(mobxWarnings.filter((w) => w.includes('MobX'))).toEqual([]);
});

/** Every field a page may bind (the facade's getters over its parts). */
const SESSION_FIELDS = [
  'phase',
  'role',
  'roomID',
  'roomTitle',
  'roomState',
  'error',
  'notice',
  'pusher',
  'players',
  'streams',
  'onlineCount',
  'users',
  'publishQuality',
  'playQuality',
  'chat',
  'likes',
  'callPeer',
  'callConnected',
  'callSummary',
  'onAir',
] as const satisfies readonly (keyof LiveSession)[];

function observeEverything(session: LiveSession): void {
  observers.push(
    autorun(() => {
      for (const field of SESSION_FIELDS) toJS(session[field]);
      void [
        session.statusText,
        session.isLive,
        session.canGoLive,
        session.anchorOffline,
        session.errorActionText,
      ];
    }),
  );
}

/** Everything a test needs. */
export interface Harness {
  log: CallLog;
  engine: FakeEngine;
  platform: FakePlatform;
  view: FakeView;
  api: FakeApi;
  session: LiveSession;
  user: { id: string; nickname: string } | null;
  /** Events the transition table refused, as event@phase. */
  refused: string[];
}

/** A session on fresh fakes, with the view attached. */
export function createHarness(): Harness {
  const log = new CallLog();
  const engine = new FakeEngine(log);
  const platform = new FakePlatform(log);
  const view = new FakeView(log);
  const api = new FakeApi(log);
  const harness = {
    log,
    engine,
    platform,
    view,
    api,
    user: { id: 'u-1', nickname: '小明' },
    refused: [],
  } as unknown as Harness;
  harness.session = new LiveSession({
    loadEngine: async () => engine,
    api,
    platform: () => platform,
    currentUser: () => harness.user,
    // the base schedule, without jitter, so the tests can count the waits (the jitter has its own test)
    reconnectPolicy: new BackoffPolicy(RECONNECT_BACKOFF_MS, 0),
    reportRefusal: (phase, event) => harness.refused.push(`${event}@${phase}`),
  });
  harness.session.attachView(view);
  observeEverything(harness.session);
  return harness;
}

/** Lets pending promises (and timers due now) run. */
export async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

/** Moves the fake clock, running promises in between. */
export async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

export const ROOM = 'room_1';
/** The call member this phone is, and the other one. */
export const CALLER = 'caller-1';
export const CALLEE = 'callee-2';
export const OWN_CALL_STREAM = `${ROOM}_${CALLER}`;
export const PEER_CALL_STREAM = `${ROOM}_${CALLEE}`;
export const calleeUser: RtcUser = { userID: CALLEE, userName: '小红' };
export const ANCHOR_STREAM = `stream_${ROOM}`;
export const anchorUser: RtcUser = { userID: 'anchor-1', userName: '主播' };

/** An anchor in preview. */
export async function anchorInPreview(h: Harness = createHarness()): Promise<Harness> {
  await h.session.start({ roomID: ROOM, role: 'anchor', title: '周末读书会' });
  await settle();
  return h;
}

/** An anchor on air (publisherStateUpdate PUBLISHING received). */
export async function anchorLive(h: Harness = createHarness()): Promise<Harness> {
  await anchorInPreview(h);
  await h.session.startPublishing();
  h.engine.emit('publisherStateUpdate', {
    streamID: ANCHOR_STREAM,
    state: 'PUBLISHING',
    errorCode: 0,
    extendedData: '',
  });
  await settle();
  return h;
}

/** A viewer watching the anchor's stream. */
export async function viewerWatching(h: Harness = createHarness()): Promise<Harness> {
  await h.session.start({ roomID: ROOM, role: 'audience' });
  await settle();
  h.engine.emit('roomStreamUpdate', {
    roomID: ROOM,
    updateType: 'ADD',
    streams: [{ streamID: ANCHOR_STREAM, user: anchorUser, extraInfo: '' }],
  });
  await settle();
  h.engine.emit('playerStateUpdate', {
    streamID: ANCHOR_STREAM,
    state: 'PLAYING',
    errorCode: 0,
    extendedData: '',
  });
  await settle();
  return h;
}

/** A call member in the call, its own stream published, the peer's not there yet. */
export async function callerWaiting(h: Harness = createHarness()): Promise<Harness> {
  await h.session.start({ roomID: ROOM, role: 'call' });
  await settle();
  h.engine.emit('publisherStateUpdate', {
    streamID: OWN_CALL_STREAM,
    state: 'PUBLISHING',
    errorCode: 0,
    extendedData: '',
  });
  await settle();
  return h;
}

/** Both members in the call: the peer's stream plays. */
export async function callConnected(h: Harness = createHarness()): Promise<Harness> {
  await callerWaiting(h);
  h.engine.emit('roomUserUpdate', { roomID: ROOM, updateType: 'ADD', users: [calleeUser] });
  h.engine.emit('roomStreamUpdate', {
    roomID: ROOM,
    updateType: 'ADD',
    streams: [{ streamID: PEER_CALL_STREAM, user: calleeUser, extraInfo: '' }],
  });
  await settle();
  h.engine.emit('playerStateUpdate', {
    streamID: PEER_CALL_STREAM,
    state: 'PLAYING',
    errorCode: 0,
    extendedData: '',
  });
  await settle();
  return h;
}

/** Stats as the SDK reports them. */
export function stats(partial: Partial<RtcStreamStats> = {}): RtcStreamStats {
  return {
    videoBitrateKbps: 800,
    audioBitrateKbps: 48,
    videoFps: 15,
    packetLossRate: 0,
    frameWidth: 540,
    frameHeight: 960,
    quality: 0,
    ...partial,
  };
}

/** Counts renders the page would do: one per batch in which any of the bound fields changed. */
export function watchRenders(session: LiveSession): {
  count: number;
  times: number[];
  bytes: number;
  stop: () => void;
} {
  const result = { count: 0, times: [] as number[], bytes: 0, stop: () => undefined as void };
  const dispose = reaction(
    () => [
      session.chat,
      session.likes,
      session.users,
      session.onlineCount,
      session.publishQuality,
      session.playQuality,
      session.phase,
      session.notice,
      session.players,
      session.pusher,
    ],
    (now, before) => {
      result.count += 1;
      result.times.push(Date.now());
      const changed = now.filter((value, i) => value !== before[i]);
      result.bytes += JSON.stringify(changed).length;
    },
    { equals: comparer.shallow },
  );
  result.stop = dispose;
  return result;
}
