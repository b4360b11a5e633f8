/**
 * Builds a LiveSession on fakes (engine, platform, view and service sharing one ordered call log), plus helpers
 * to settle promises under fake timers and to count what the page would render (one setData per changed batch).
 */
import { autorun, comparer, reaction, toJS } from 'mobx-miniprogram';
import { ApiError } from '../../miniprogram/services/api';
import type {
  ApiChatMessage,
  ApiChatState,
  ApiCohost,
  ApiCohostChange,
  ApiCohostRequest,
  ApiCohosts,
  ApiRoom,
  ApiRoomStats,
  ApiRoomToken,
  ApiRoomViewer,
  ApiStats,
  TokenRole,
} from '../../miniprogram/services/api-client';
import type {
  AnnouncementView,
  GiftSentView,
  GiftView,
  LeaderboardView,
  RoomAdminsView,
  RoomCatchUpView,
} from '@zego-live/contract/schemas';
import type { RtcStreamStats, RtcUser } from '../../miniprogram/services/rtc-types';
import {
  BackoffPolicy,
  LiveSession,
  RECONNECT_BACKOFF_MS,
} from '../../miniprogram/pages/stores/live-session';
import type { LiveSessionDeps } from '../../miniprogram/pages/stores/live-session';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { FakeView } from '../helpers/fake-view';

/** Every route the session uses. */
type ApiMethod = keyof LiveSessionDeps['api'];

/** The service's co-hosting of one room, as the fake keeps it (the real rules live in server/; see its tests). */
export interface FakeCohosting {
  limit: number;
  cohosts: ApiCohost[];
  requests: ApiCohostRequest[];
  mixStreamId: string | null;
}

/** The service, scripted: tokens per role, failures per route, and a record of every call. */
export class FakeApi implements Pick<LiveSessionDeps['api'], ApiMethod> {
  readonly calls: { name: ApiMethod; args: unknown[] }[] = [];
  roomStatus: ApiRoom['status'] = 'live';
  /** Co-hosting as the service has it; tests change it to play the anchor's or another phone's part. */
  cohosting: FakeCohosting = { limit: 3, cohosts: [], requests: [], mixStreamId: null };
  /** Whether the service says it signalled (ZEGO's server API configured). */
  signalled = false;
  /** The user this phone is signed in as (whose `mine` the co-host answers carry). */
  me = 'viewer-1';
  /** The role of the last token asked for (a call member's heartbeat is answered as a call's). */
  private lastRole: TokenRole | null = null;
  /** The room's chat as the service has it (comments off, this phone's mute). */
  chatState: ApiChatState = { commentsOff: false, mutedUntil: null, removed: false, maxLength: 100 };
  /** Chat lines the service accepted, in order. */
  readonly delivered: string[] = [];
  /** Holds sendMessage answers until released (to see the pending line); null answers at once. */
  private heldMessages: (() => void)[] | null = null;
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

  getRoomToken(roomID: string, role: TokenRole): Promise<ApiRoomToken> {
    this.lastRole = role;
    return this.run('getRoomToken', [roomID, role], () => {
      if (role === 'cohost' && !this.cohosting.cohosts.some((c) => c.userId === this.me))
        throw new ApiError('NOT_COHOST', 'Not a co-host of this room', 403);
      return {
        token: `token-${++this.tokenCounter}`,
        expiresAt: Date.parse('2030-01-01T00:00:00.000Z'),
        roomID,
        appID: 1,
        userID: role === 'anchor' ? 'anchor-1' : role === 'call' ? CALLER : 'viewer-1',
        ...(role === 'anchor' ? { streamID: `stream_${roomID}` } : {}),
        ...(role === 'call' ? { streamID: `${roomID}_${CALLER}` } : {}),
        ...(role === 'cohost' ? { streamID: cohostStream(roomID, this.me) } : {}),
      };
    });
  }

  /** The co-hosting as `me` sees it. */
  cohostView(): ApiCohosts {
    const c = this.cohosting;
    const anchor = this.me === 'anchor-1';
    c.requests = c.requests.filter((r) => r.expiresAt > Date.now());
    const mine = c.cohosts.some((x) => x.userId === this.me)
      ? 'cohost'
      : c.requests.some((r) => r.userId === this.me)
        ? 'pending'
        : 'none';
    return {
      limit: c.limit,
      cohosts: c.cohosts.map((x) => ({ ...x })),
      requests: c.requests.filter((r) => anchor || r.userId === this.me).map((r) => ({ ...r })),
      mine: anchor ? 'none' : mine,
      mixStreamId: c.mixStreamId,
    };
  }

  private change(): ApiCohostChange {
    return { cohosts: this.cohostView(), signalled: this.signalled };
  }

  /** The service's side of an acceptance (what the anchor's phone or the console would cause). */
  acceptNow(roomID: string, userId: string, nickname = '小明'): void {
    this.cohosting.requests = this.cohosting.requests.filter((r) => r.userId !== userId);
    this.cohosting.cohosts.push({
      userId,
      nickname,
      avatarUrl: null,
      streamId: cohostStream(roomID, userId),
      since: Date.now(),
    });
  }

  heartbeat(roomID: string): Promise<unknown> {
    return this.run('heartbeat', [roomID], () => {
      if (this.roomStatus === 'ended') throw new ApiError('ROOM_ENDED', `Room ${roomID} has ended`, 409);
      if (this.lastRole === 'call') return {};
      if (!this.cohosting.cohosts.some((c) => c.userId === this.me))
        throw new ApiError('NOT_COHOST', 'Not a co-host of this room', 403);
      return {};
    });
  }

  getCohosts(roomID: string): Promise<ApiCohosts> {
    return this.run('getCohosts', [roomID], () => this.cohostView());
  }

  requestCohost(roomID: string): Promise<ApiCohostChange> {
    return this.run('requestCohost', [roomID], () => {
      if (this.cohosting.cohosts.length >= this.cohosting.limit)
        throw new ApiError('COHOST_FULL', 'The room has its co-hosts', 409);
      const now = Date.now();
      this.cohosting.requests = [
        ...this.cohosting.requests.filter((r) => r.userId !== this.me),
        { userId: this.me, nickname: '小明', avatarUrl: null, requestedAt: now, expiresAt: now + 30_000 },
      ];
      return this.change();
    });
  }

  cancelCohostRequest(roomID: string): Promise<ApiCohostChange> {
    return this.run('cancelCohostRequest', [roomID], () => {
      this.cohosting.requests = this.cohosting.requests.filter((r) => r.userId !== this.me);
      return this.change();
    });
  }

  acceptCohost(roomID: string, userId: string): Promise<ApiCohostChange> {
    return this.run('acceptCohost', [roomID, userId], () => {
      const request = this.cohosting.requests.find((r) => r.userId === userId);
      if (!request) throw new ApiError('REQUEST_NOT_FOUND', 'No such request', 404);
      if (this.cohosting.cohosts.length >= this.cohosting.limit)
        throw new ApiError('COHOST_FULL', 'The room has its co-hosts', 409);
      this.acceptNow(roomID, userId, request.nickname);
      return this.change();
    });
  }

  declineCohost(roomID: string, userId: string): Promise<ApiCohostChange> {
    return this.run('declineCohost', [roomID, userId], () => {
      this.cohosting.requests = this.cohosting.requests.filter((r) => r.userId !== userId);
      return this.change();
    });
  }

  endCohost(roomID: string, userId: string): Promise<ApiCohostChange> {
    return this.run('endCohost', [roomID, userId], () => {
      this.cohosting.cohosts = this.cohosting.cohosts.filter((c) => c.userId !== userId);
      return this.change();
    });
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

  /** sendMessage answers wait until release() from now on. */
  holdMessages(): void {
    this.heldMessages = [];
  }

  /** Lets every held sendMessage answer go, and answers at once again. */
  releaseMessages(): void {
    const held = this.heldMessages ?? [];
    this.heldMessages = null;
    for (const go of held) go();
  }

  async sendMessage(roomID: string, text: string): Promise<{ message: ApiChatMessage }> {
    if (this.heldMessages !== null) {
      const held = this.heldMessages;
      await new Promise<void>((resolve) => held.push(resolve));
    }
    return this.run('sendMessage', [roomID, text], () => {
      if (this.chatState.commentsOff && this.me !== 'anchor-1')
        throw new ApiError('COMMENTS_OFF', 'Comments are off in this room', 403);
      this.delivered.push(text);
      return { message: { id: this.delivered.length, text, sentAt: Date.now() } };
    });
  }

  sendLikes(roomID: string, count: number): Promise<{ likes: number }> {
    return this.run('sendLikes', [roomID, count], () => ({ likes: count }));
  }

  getChat(roomID: string): Promise<ApiChatState> {
    return this.run('getChat', [roomID], () => ({ ...this.chatState }));
  }

  setCommentsOff(roomID: string, off: boolean): Promise<{ chat: ApiChatState; signalled: boolean }> {
    return this.run('setCommentsOff', [roomID, off], () => {
      this.chatState = { ...this.chatState, commentsOff: off };
      return { chat: { ...this.chatState }, signalled: this.signalled };
    });
  }

  muteViewer(
    roomID: string,
    userID: string,
    seconds: number,
  ): Promise<{ userId: string; until: number; signalled: boolean }> {
    return this.run('muteViewer', [roomID, userID, seconds], () => ({
      userId: userID,
      until: Date.now() + seconds * 1000,
      signalled: this.signalled,
    }));
  }

  removeViewer(roomID: string, userID: string): Promise<{ userId: string; kicked: boolean }> {
    return this.run('removeViewer', [roomID, userID], () => ({ userId: userID, kicked: this.signalled }));
  }

  reportStats(roomID: string, stats: ApiStats): Promise<{ room: ApiRoom }> {
    return this.run('reportStats', [roomID, stats], () => ({ room: this.room(roomID) }));
  }

  /** The room's figures as the service keeps them (tests set `figures`). */
  figures: Omit<ApiRoomStats, 'roomId' | 'status'> = {
    viewers: 0,
    peakViewers: 0,
    likes: 0,
    messages: 0,
    durationMs: 0,
    startedAt: null,
    endedAt: null,
  };

  getStats(roomID: string): Promise<{ stats: ApiRoomStats }> {
    return this.run('getStats', [roomID], () => ({
      stats: { ...this.figures, roomId: roomID, status: this.roomStatus },
    }));
  }

  /** The anchor's viewer list as the service keeps it, the newest first. */
  viewerList: ApiRoomViewer[] = [];

  getViewers(roomID: string): Promise<{ viewers: ApiRoomViewer[]; limit: number }> {
    return this.run('getViewers', [roomID], () => ({ viewers: this.viewerList, limit: 100 }));
  }

  /** What a joiner reads first (the room's last lines, the announcement, the admins' IDs). */
  catchUp: RoomCatchUpView = { lines: [], announcement: null, admins: [] };
  /** While set, getCatchUp answers only once it resolves (a live line can arrive meanwhile). */
  catchUpGate: Promise<void> | null = null;

  async getCatchUp(roomID: string): Promise<RoomCatchUpView> {
    if (this.catchUpGate) await this.catchUpGate;
    return this.run('getCatchUp', [roomID], () => structuredClone(this.catchUp));
  }

  setAnnouncement(
    roomID: string,
    text: string,
  ): Promise<{ announcement: AnnouncementView; signalled: boolean }> {
    return this.run('setAnnouncement', [roomID, text], () => {
      this.catchUp.announcement = text ? { text, at: Date.now() } : null;
      return { announcement: this.catchUp.announcement, signalled: this.signalled };
    });
  }

  private adminsView(): RoomAdminsView {
    const admins = this.catchUp.admins.map((userId) => ({ userId, nickname: userId, appointedAt: 0 }));
    return { admins, signalled: this.signalled };
  }

  appointAdmin(roomID: string, userID: string): Promise<RoomAdminsView> {
    return this.run('appointAdmin', [roomID, userID], () => {
      if (this.catchUp.admins.length >= 5 && !this.catchUp.admins.includes(userID))
        throw new ApiError('ADMINS_FULL', 'A room has at most 5 admins', 409);
      if (!this.catchUp.admins.includes(userID)) this.catchUp.admins.push(userID);
      return this.adminsView();
    });
  }

  /** The catalogue, this phone's points, the sends by key (a key sent again is the same send), the 贡献榜. */
  gifts: GiftView[] = [
    {
      id: 1,
      name: '小心心',
      iconUrl: 'https://cdn.example.com/heart.png',
      price: 1,
      effect: 'banner',
      active: true,
    },
    {
      id: 2,
      name: '火箭',
      iconUrl: 'https://cdn.example.com/rocket.png',
      price: 50,
      effect: 'fullscreen',
      active: true,
    },
  ];
  points = 100;
  readonly giftSends = new Map<string, GiftSentView>();
  leaderboard: LeaderboardView = { givers: [], total: 0 };

  getGifts(): Promise<{ gifts: GiftView[] }> {
    return this.run('getGifts', [], () => ({ gifts: this.gifts }));
  }

  getPoints(): Promise<{ balance: number; dailyAllowance: number }> {
    return this.run('getPoints', [], () => ({ balance: this.points, dailyAllowance: 100 }));
  }

  sendGift(roomID: string, giftId: number, count: number, key: string): Promise<GiftSentView> {
    return this.run('sendGift', [roomID, giftId, count, key], () => {
      const before = this.giftSends.get(key);
      if (before) return { ...before, replayed: true };
      const gift = this.gifts.find((g) => g.id === giftId);
      if (!gift) throw new ApiError('NOT_FOUND', 'No such gift', 404);
      if (this.points < gift.price * count)
        throw new ApiError('POINTS_INSUFFICIENT', 'Not enough points', 409);
      this.points -= gift.price * count;
      const sent = {
        send: { id: this.giftSends.size + 1, giftId, count, points: gift.price * count, at: Date.now() },
        balance: this.points,
        replayed: false,
        signalled: this.signalled,
      };
      this.giftSends.set(key, sent);
      return sent;
    });
  }

  getLeaderboard(roomID: string): Promise<LeaderboardView> {
    return this.run('getLeaderboard', [roomID], () => structuredClone(this.leaderboard));
  }

  dismissAdmin(roomID: string, userID: string): Promise<RoomAdminsView> {
    return this.run('dismissAdmin', [roomID, userID], () => {
      this.catchUp.admins = this.catchUp.admins.filter((id) => id !== userID);
      return this.adminsView();
    });
  }

  sendProblemReport(report: unknown): Promise<{ id: number }> {
    return this.run('sendProblemReport', [report], () => ({ id: 1 }));
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
/** A co-host's stream, as the service names it. */
export const cohostStream = (roomID: string, userID: string): string => `${roomID}_co_${userID}`;
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

/** The SDK says this phone's stream is on air (publisherStateUpdate PUBLISHING). */
export function published(h: Harness, streamID: string): void {
  h.engine.emit('publisherStateUpdate', { streamID, state: 'PUBLISHING', errorCode: 0, extendedData: '' });
}

/** An anchor on air (publisherStateUpdate PUBLISHING received). */
export async function anchorLive(h: Harness = createHarness()): Promise<Harness> {
  await anchorInPreview(h);
  await h.session.startPublishing();
  published(h, ANCHOR_STREAM);
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
  published(h, OWN_CALL_STREAM);
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
