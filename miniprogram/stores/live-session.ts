/**
 * The live session: one MobX store holding the state machine of a room visit (anchor or audience), driving the
 * engine adapter and the page's native components in ZEGO's order, and recovering from network drops, phone calls,
 * background and token expiry. Pages bind its fields and call its actions; it never touches WXML.
 */
import { configure, makeAutoObservable, runInAction } from 'mobx-miniprogram';
import { CHAT_WINDOW } from '../config';
import { ApiError } from '../services/api';
import type { Api, ApiRoomToken } from '../services/api';
import type { MediaScope, NetworkStatus, Platform, Unsubscribe } from '../services/platform';
import type {
  NativeLiveEvent,
  RtcEngine,
  RtcEventHandler,
  RtcEvents,
  RtcRoomMessage,
  RtcStream,
  RtcUser,
} from '../services/rtc-types';
import { ACTION_TEXT, describeError, isKickout } from '../utils/error-catalog';
import { validateRoomID, validateStreamID } from '../utils/validate';
import { RoomFeed } from './room-feed';
import type { FeedBatch } from './room-feed';
import type {
  ChatLine,
  LiveViewPort,
  PlayerView,
  PusherView,
  QualityView,
  Role,
  RoomState,
  SessionError,
  SessionPhase,
} from './session-types';

configure({ enforceActions: 'observed' });

export {
  FLUSH_INTERVAL_MS,
  LIKE_SEND_INTERVAL_MS,
  SLOW_INTERVAL_MS,
  USERS_WINDOW,
  decodeLikes,
  encodeLikes,
  toQualityView,
} from './room-feed';
export type { LikePayload } from './room-feed';

/** What the session needs from the outside world (the real ones are wired in stores/index.ts). */
export interface LiveSessionDeps {
  loadEngine: () => Promise<RtcEngine>;
  api: Pick<Api, 'getRoomToken' | 'getRoom' | 'markLive' | 'endRoom' | 'reportStats'>;
  platform: () => Platform;
  currentUser: () => { id: string; nickname: string } | null;
}

/** What start() takes. */
export interface StartOptions {
  roomID: string;
  role: Role;
  title?: string;
}

/** Waits between reconnect attempts; their count bounds the attempts before giving up. */
export const RECONNECT_BACKOFF_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000];
/** The anchor reports audience figures to the service at most this often. */
export const STATS_INTERVAL_MS = 10000;
/** A transient notice stays this long. */
export const NOTICE_MS = 3000;
/** Token renewal: first try plus this many retries, this far apart. */
export const TOKEN_RENEW_RETRIES = 2;
export const TOKEN_RETRY_MS = 2000;
/** Longest chat message. */
export const CHAT_MAX_LENGTH = 100;

const SCOPES: readonly MediaScope[] = ['scope.camera', 'scope.record'];

const PERMISSION_ERRORS: Record<MediaScope, SessionError> = {
  'scope.camera': {
    code: 'permission.CAMERA',
    message: '直播需要使用摄像头，请在设置中允许',
    action: 'openSetting',
  },
  'scope.record': {
    code: 'permission.RECORD',
    message: '直播需要使用麦克风，请在设置中允许',
    action: 'openSetting',
  },
};

const ENGINE_ERROR: SessionError = {
  code: 'ENGINE',
  message: '直播组件加载失败，请检查网络后重试',
  action: 'retry',
};

const DEVTOOLS_ERROR: SessionError = {
  code: 'DEVTOOLS',
  message: '开发者工具的模拟器不能推流或播放直播，请用手机扫码预览或真机调试',
  action: 'leave',
};

const RECONNECT_FAILED = 'RECONNECT_FAILED';
const TOKEN_RENEW_FAILED = 'TOKEN_RENEW_FAILED';
const RECONNECTING_NOTICE = '网络不稳定，正在重连…';
const OFFLINE_NOTICE = '网络已断开，等待网络恢复…';
const INTERRUPTED_NOTICE = '通话中，直播已暂停，结束后自动恢复';

/** Phases in which a session is under way (start() is refused, leave() is needed). */
const ACTIVE_PHASES: readonly SessionPhase[] = [
  'checking',
  'authorizing',
  'joining',
  'preview',
  'live',
  'watching',
  'reconnecting',
  'interrupted',
];
/** Phases from which a drop or a call moves the session to reconnecting / interrupted. */
const RUNNING_PHASES: readonly SessionPhase[] = ['preview', 'live', 'watching'];

const STATUS_TEXT: Record<SessionPhase, string> = {
  idle: '未进入直播间',
  checking: '正在检查手机环境…',
  authorizing: '需要摄像头和麦克风权限',
  joining: '正在进入直播间…',
  preview: '准备开播',
  live: '直播中',
  watching: '观看中',
  reconnecting: RECONNECTING_NOTICE,
  interrupted: '通话中，直播已暂停',
  ended: '直播已结束',
  kicked: '你已离开直播间',
  failed: '出错了',
};

/** The numeric code of a rejection (RtcError, ApiError or anything else). */
function codeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : -1;
}

/** A service error as the screen shows it. */
function apiFailure(error: unknown): SessionError {
  if (error instanceof ApiError) {
    const retryable = error.status === 0 || error.status === 429 || error.status >= 500;
    return { code: error.code, message: error.message, action: retryable ? 'retry' : 'leave' };
  }
  return { code: 'SERVICE', message: '直播服务暂时不可用，请稍后重试', action: 'retry' };
}

type Timer = ReturnType<typeof setTimeout>;

/** Non-observable bookkeeping of one session (engine handles, timers, the room feed, listeners). */
class Runtime {
  constructor(
    /** The room's chat, likes, users, count and quality on their way to the screen. */
    readonly feed: RoomFeed,
  ) {}

  enginePromise: Promise<RtcEngine> | null = null;
  engine: RtcEngine | null = null;
  view: LiveViewPort | null = null;
  /** Bumped by every teardown: async work started under an older epoch stops at its next step. */
  epoch = 0;
  lastStart: StartOptions | null = null;
  /** Go live again by itself after a retry (the anchor was live when the session failed). */
  autoPublish = false;
  streamID = '';
  loggedIn = false;
  listening = false;
  wasConnected = false;
  networkConnected = true;
  wantPublish = false;
  markedLive = false;
  keepScreen = false;
  hidden = false;
  /** Streams stopped because the page was hidden, replayed when shown. */
  hiddenStreams: string[] = [];
  /** Plays in flight, by stream ID, with a ticket so a cancelled one knows it. */
  playRequests = new Map<string, number>();
  playTicket = 0;
  unsubscribers: Unsubscribe[] = [];
  // Reconnection.
  resumePhase: SessionPhase = 'idle';
  attempt = 0;
  recovering = false;
  refreshMedia = false;
  reconnectAfterInterruption = false;
  interruptedFrom: SessionPhase = 'idle';
  /** 'call': ends with onAudioInterruptionEnd; 'suspend' (pusher 5000): ends when the app is shown again. */
  interruptedBy: 'call' | 'suspend' = 'call';
  renewing = false;
  // Timers (the feed has its own).
  reconnectTimer: Timer | null = null;
  statsTimer: ReturnType<typeof setInterval> | null = null;
  noticeTimer: Timer | null = null;
  renewTimer: Timer | null = null;
  localLineID = 0;
  // Stats for the service.
  peakOnline = 0;
  messages = 0;
}

/** The live session store. */
export class LiveSession {
  phase: SessionPhase = 'idle';
  role: Role | null = null;
  roomID = '';
  roomTitle = '';
  roomState: RoomState = 'DISCONNECTED';
  error: SessionError | null = null;
  notice = '';
  pusher: PusherView | null = null;
  players: PlayerView[] = [];
  streams: RtcStream[] = [];
  onlineCount = 0;
  users: RtcUser[] = [];
  publishQuality: QualityView | null = null;
  playQuality: QualityView | null = null;
  chat: ChatLine[] = [];
  likes = 0;

  private rt: Runtime;
  private readonly handler: RtcEventHandler;

  constructor(private readonly deps: LiveSessionDeps) {
    this.rt = this.newRuntime();
    this.handler = {
      roomStateUpdate: (p) => this.onRoomStateUpdate(p),
      roomStateChanged: (p) => this.onRoomStateChanged(p),
      roomStreamUpdate: (p) => this.onRoomStreamUpdate(p),
      roomUserUpdate: (p) => this.onRoomUserUpdate(p),
      roomOnlineUserCountUpdate: (p) => this.onRoomOnlineUserCountUpdate(p),
      publisherStateUpdate: (p) => this.onPublisherStateUpdate(p),
      publishQualityUpdate: (p) => this.onPublishQualityUpdate(p),
      playerStateUpdate: (p) => this.onPlayerStateUpdate(p),
      playQualityUpdate: (p) => this.onPlayQualityUpdate(p),
      IMRecvBroadcastMessage: (p) => this.onBroadcastMessages(p.roomID, p.messages),
      IMRecvBarrageMessage: (p) => this.onBarrageMessages(p.roomID, p.messages),
      IMRecvCustomCommand: () => undefined,
      roomExtraInfoUpdate: () => undefined,
      tokenWillExpire: (p) => {
        if (p.roomID === this.roomID) void this.renewToken();
      },
    };
    makeAutoObservable<LiveSession, 'deps' | 'rt' | 'handler'>(
      this,
      { deps: false, rt: false, handler: false },
      { autoBind: true },
    );
  }

  // ---- Getters ----

  /** Chinese label of the phase, for the status line. */
  get statusText(): string {
    if ((this.phase === 'failed' || this.phase === 'kicked') && this.error) return this.error.message;
    if (this.phase === 'watching' && this.anchorOffline) return '主播暂时离开了，请稍候';
    return STATUS_TEXT[this.phase];
  }

  /** The anchor is on air. */
  get isLive(): boolean {
    return this.phase === 'live';
  }

  /**
   * The anchor is on air: live, or reconnecting / interrupted while pushing (the screen keeps the end button; a
   * drop or a call must not turn it back into a disabled go-live button).
   */
  get onAir(): boolean {
    if (this.role !== 'anchor') return false;
    if (this.phase === 'live') return true;
    return (this.phase === 'reconnecting' || this.phase === 'interrupted') && !!this.pusher?.url;
  }

  /** The anchor's preview is ready and can go live. */
  get canGoLive(): boolean {
    return this.phase === 'preview';
  }

  /** The viewer is in the room but nothing is playing (the anchor has not started, or left). */
  get anchorOffline(): boolean {
    return this.role === 'audience' && this.phase === 'watching' && !this.players.some((p) => p.url);
  }

  /** The label of the error's button ('' when there is nothing to press). */
  get errorActionText(): string {
    return this.error ? ACTION_TEXT[this.error.action] : '';
  }

  // ---- The page's components ----

  /** The page hands over its native components (zego-pusher / zego-player). */
  attachView(port: LiveViewPort): void {
    this.rt.view = port;
  }

  /** The page is going away. */
  detachView(): void {
    this.rt.view = null;
  }

  // ---- Entering the room ----

  /** Checks the phone, asks for permissions (anchor), joins; ends in 'preview' (anchor) or 'watching' (audience). */
  async start(options: StartOptions): Promise<void> {
    if (ACTIVE_PHASES.includes(this.phase)) return;
    this.teardown();
    this.resetState();
    const rt = this.rt;
    const epoch = rt.epoch;
    rt.lastStart = { ...options };
    rt.autoPublish = false;
    this.roomID = options.roomID;
    this.role = options.role;
    this.roomTitle = options.title ?? '';
    const invalid = validateRoomID(options.roomID);
    if (invalid) {
      this.finish('failed', { code: `roomID.${invalid.code}`, message: invalid.message, action: 'leave' });
      return;
    }
    this.phase = 'checking';
    if (this.deps.platform().getDeviceInfo().platform === 'devtools') {
      this.finish('failed', DEVTOOLS_ERROR);
      return;
    }
    let engine: RtcEngine;
    try {
      engine = await this.loadEngine();
    } catch {
      if (this.isStale(epoch)) return;
      this.finish('failed', ENGINE_ERROR);
      return;
    }
    if (this.isStale(epoch)) return;
    let checkCode: number;
    try {
      checkCode = (await engine.checkSystemRequirements()).code;
    } catch (error) {
      checkCode = codeOf(error);
    }
    if (this.isStale(epoch)) return;
    if (checkCode === 10001) {
      this.finish('failed', describeError(10001));
      return;
    }
    // 10002 means camera/record are not granted: only the anchor needs them, and asking is how to get them.
    if (checkCode !== 0 && checkCode !== 10002) {
      this.finish('failed', describeError(checkCode));
      return;
    }
    if (options.role === 'anchor') {
      const granted = await this.authorizeMedia(epoch);
      if (!granted) return;
    }
    await this.join(options.roomID, options.role);
  }

  /** Fetches a token and logs into the room (start() calls it; pages may call it after their own checks). */
  async join(roomID: string, role: Role): Promise<void> {
    const rt = this.rt;
    const epoch = rt.epoch;
    if (!rt.lastStart || rt.lastStart.roomID !== roomID || rt.lastStart.role !== role) {
      rt.lastStart = { roomID, role, title: this.roomTitle };
    }
    this.roomID = roomID;
    this.role = role;
    const user = this.deps.currentUser();
    if (!user) {
      this.finish('failed', { code: 'NOT_SIGNED_IN', message: '请先登录再进入直播间', action: 'leave' });
      return;
    }
    this.phase = 'joining';
    this.error = null;
    let engine: RtcEngine;
    let token: ApiRoomToken;
    try {
      engine = await this.loadEngine();
    } catch {
      if (this.isStale(epoch)) return;
      this.finish('failed', ENGINE_ERROR);
      return;
    }
    try {
      token = await this.deps.api.getRoomToken(roomID, role);
    } catch (error) {
      if (this.isStale(epoch)) return;
      this.finish('failed', apiFailure(error));
      return;
    }
    if (this.isStale(epoch)) return;
    if (role === 'anchor') {
      const streamID = token.streamID || `${roomID}_${token.userID}`;
      const invalid = validateStreamID(streamID);
      if (invalid) {
        this.finish('failed', {
          code: `streamID.${invalid.code}`,
          message: invalid.message,
          action: 'leave',
        });
        return;
      }
      rt.streamID = streamID;
    }
    this.listen(engine);
    try {
      await engine.loginRoom(roomID, token.token, { userID: token.userID, userName: user.nickname });
    } catch (error) {
      if (this.isStale(epoch)) return;
      this.finish('failed', describeError(codeOf(error)));
      return;
    }
    if (this.isStale(epoch)) {
      // left while logging in: undo the login the SDK just completed
      engine.logoutRoom(roomID);
      return;
    }
    runInAction(() => this.joined());
    if (!this.roomTitle) void this.loadRoomTitle(epoch);
  }

  // ---- Publishing (anchor) ----

  /** Goes live: push URL from the SDK onto zego-pusher, then start it; 'live' once the SDK says PUBLISHING. */
  async startPublishing(): Promise<void> {
    const rt = this.rt;
    const engine = rt.engine;
    const pusher = this.pusher;
    if (this.role !== 'anchor' || !engine || !pusher || this.phase !== 'preview' || rt.wantPublish) return;
    const epoch = rt.epoch;
    rt.wantPublish = true;
    this.error = null;
    this.pusher = { ...pusher, state: 'PUBLISH_REQUESTING' };
    const ok = await this.publish(epoch);
    if (!ok && !this.isStale(epoch) && this.phase === 'preview') {
      runInAction(() => {
        rt.wantPublish = false;
        if (this.pusher) this.pusher = { ...this.pusher, url: '', state: 'NO_PUBLISH' };
      });
    }
  }

  /** Stops pushing: the SDK first, then the component. */
  stopPublishing(): void {
    const rt = this.rt;
    const pusher = this.pusher;
    if (!pusher || !rt.engine || (!rt.wantPublish && !pusher.url)) return;
    rt.wantPublish = false;
    this.stopPushing(pusher.streamID);
    this.pusher = { ...pusher, url: '', state: 'NO_PUBLISH' };
    this.stopStats();
    if (this.phase === 'live' || this.phase === 'reconnecting' || this.phase === 'interrupted') {
      this.clearReconnect();
      this.phase = 'preview';
      this.notice = '';
      this.keepScreenOn(false);
    }
  }

  /** The anchor ends the show: stop pushing, end the room on the service, leave; the page shows the end screen. */
  async endLive(): Promise<void> {
    if (this.role !== 'anchor') return;
    const roomID = this.roomID;
    this.stopPublishing();
    this.reportStats();
    try {
      await this.deps.api.endRoom(roomID);
    } catch {
      // the service also ends rooms whose anchor is gone; the anchor should still get out
    }
    this.finish('ended', null);
  }

  // ---- Playing (audience) ----

  /** Plays a stream: play URL from the SDK onto zego-player, then play(). */
  async startPlaying(streamID: string): Promise<void> {
    const rt = this.rt;
    const engine = rt.engine;
    if (!engine || !rt.loggedIn) return;
    const invalid = validateStreamID(streamID);
    if (invalid) {
      this.error = { code: `streamID.${invalid.code}`, message: invalid.message, action: 'none' };
      return;
    }
    if (rt.playRequests.has(streamID) || this.players.some((p) => p.streamID === streamID && p.url)) return;
    const ticket = ++rt.playTicket;
    rt.playRequests.set(streamID, ticket);
    const ok = await this.play(streamID, ticket);
    if (!ok) rt.playRequests.delete(streamID);
  }

  /** Stops a stream: the SDK first, then the component. */
  stopPlaying(streamID: string): void {
    const rt = this.rt;
    const playing = this.players.some((p) => p.streamID === streamID) || rt.playRequests.has(streamID);
    if (!playing || !rt.engine) return;
    rt.playRequests.delete(streamID);
    this.stopPlayer(streamID);
    const first = this.players[0]?.streamID === streamID;
    this.players = this.players.filter((p) => p.streamID !== streamID);
    if (first) this.playQuality = null;
  }

  /** Audience: mutes or unmutes what plays. */
  toggleMute(): void {
    const muted = !this.players.every((p) => p.muted);
    this.players = this.players.map((p) => ({ ...p, muted }));
  }

  // ---- Native component events ----

  /** zego-pusher statechange: into the SDK first, then into the state machine. */
  onPusherStateChange(event: NativeLiveEvent): void {
    const engine = this.rt.engine;
    const streamID = this.pusher?.streamID ?? this.rt.streamID;
    if (!engine || !streamID) return;
    engine.updatePlayerState(streamID, event);
    const code = event.detail.code;
    if (code === undefined) return;
    switch (code) {
      case -1307:
        if (this.rt.wantPublish) this.beginReconnecting(true);
        return;
      case 5000:
        this.beginInterruption('suspend');
        return;
      case 5001:
        this.beginInterruption('call');
        return;
      case -1301:
      case -1302:
      case -1305:
      case -1306:
      case -1308:
      case -1309:
        this.error = describeError(code);
        return;
      case 1021:
      case 1101:
      case 1102:
      case 3001:
      case 3002:
      case 3003:
      case 3004:
      case 3005:
        this.showNotice(code === 1101 ? '网络不佳，画面可能卡顿' : describeError(code).message);
        return;
      default:
        return;
    }
  }

  /** zego-pusher netstatus: into the SDK (quality comes back through publishQualityUpdate). */
  /**
   * live-pusher's binderror: the camera (10001) or microphone (10002) was refused at the system level, or a resource
   * failed (10003 background music, 10004 waiting image). Refusals offer the settings page; the rest are shown.
   */
  onPusherError(detail: { errCode: number; errMsg: string }): void {
    if (detail.errCode === 10001) this.error = PERMISSION_ERRORS['scope.camera'];
    else if (detail.errCode === 10002) this.error = PERMISSION_ERRORS['scope.record'];
    else if (detail.errCode === 10004) this.showNotice('等待画面加载失败，切到后台时观众可能看到黑屏');
    else
      this.error = {
        code: detail.errCode,
        message: `推流组件出错（${detail.errCode}）：${detail.errMsg}`,
        action: 'none',
      };
  }

  onPusherNetStatus(event: NativeLiveEvent): void {
    const engine = this.rt.engine;
    const streamID = this.pusher?.streamID ?? this.rt.streamID;
    if (engine && streamID) engine.updatePlayerNetStatus(streamID, event);
  }

  /** zego-player statechange: into the SDK first, then into the state machine. */
  onPlayerStateChange(streamID: string, event: NativeLiveEvent): void {
    const engine = this.rt.engine;
    if (!engine) return;
    engine.updatePlayerState(streamID, event);
    const code = event.detail.code;
    switch (code) {
      case 2103:
        // the player reconnects by itself; 2004 tells it worked, the backoff replays if it did not
        this.beginReconnecting(false);
        return;
      case 3005:
      case -2301:
      case -2302:
        // the connection broke (3005) or the player gave up: play again with a fresh URL
        this.beginReconnecting(true);
        return;
      case 2004:
        if (this.phase === 'reconnecting' && this.canRecoverNow()) this.recovered();
        return;
      case 2101:
      case 2102:
      case 2104:
      case 2105:
        this.showNotice(describeError(code).message);
        return;
      default:
        return;
    }
  }

  /** zego-player netstatus: into the SDK. */
  onPlayerNetStatus(streamID: string, event: NativeLiveEvent): void {
    this.rt.engine?.updatePlayerNetStatus(streamID, event);
  }

  // ---- Anchor controls ----

  /** Camera on/off. */
  toggleCamera(): void {
    if (this.pusher) this.pusher = { ...this.pusher, enableCamera: !this.pusher.enableCamera };
  }

  /** Microphone on/off. */
  toggleMicrophone(): void {
    if (this.pusher) this.pusher = { ...this.pusher, muted: !this.pusher.muted };
  }

  /** Front/back camera. */
  switchCamera(): void {
    if (!this.pusher) return;
    this.rt.view?.switchCamera();
    this.pusher = {
      ...this.pusher,
      devicePosition: this.pusher.devicePosition === 'front' ? 'back' : 'front',
    };
  }

  /** Beauty 0..9. */
  setBeauty(level: number): void {
    if (this.pusher) this.pusher = { ...this.pusher, beauty: clampLevel(level) };
  }

  /** Whitening 0..9. */
  setWhiteness(level: number): void {
    if (this.pusher) this.pusher = { ...this.pusher, whiteness: clampLevel(level) };
  }

  // ---- Chat and likes ----

  /** Sends a chat line to the room; the own line shows at once. False when it was not sent. */
  async sendChat(text: string): Promise<boolean> {
    const rt = this.rt;
    const trimmed = text.trim();
    if (!trimmed) {
      this.error = { code: 'chat.EMPTY', message: '说点什么吧', action: 'none' };
      return false;
    }
    if (trimmed.length > CHAT_MAX_LENGTH) {
      this.error = { code: 'chat.TOO_LONG', message: `消息不能超过 ${CHAT_MAX_LENGTH} 个字`, action: 'none' };
      return false;
    }
    const engine = rt.engine;
    if (!engine || !rt.loggedIn) {
      this.error = { code: 'chat.NOT_IN_ROOM', message: '还没有进入直播间，稍后再发', action: 'none' };
      return false;
    }
    const nickname = this.deps.currentUser()?.nickname ?? '我';
    this.chat = [
      ...this.chat,
      { id: `local-${++rt.localLineID}`, nickname, text: trimmed, kind: 'chat' as const },
    ].slice(-CHAT_WINDOW);
    rt.messages += 1;
    const epoch = rt.epoch;
    try {
      await engine.sendBroadcastMessage(this.roomID, trimmed);
      return true;
    } catch (error) {
      if (!this.isStale(epoch)) this.showNotice(`消息没有发出去：${describeError(codeOf(error)).message}`);
      return false;
    }
  }

  /** One like: counted at once, sent to the room batched (one barrage message a second at most). */
  like(): void {
    const rt = this.rt;
    if (!rt.loggedIn) return;
    this.likes += 1;
    rt.feed.queueLike();
  }

  /** Hides the current error (for errors whose action is 'none'). */
  dismissError(): void {
    this.error = null;
  }

  // ---- Recovery ----

  /** The error's retry button: start again from 'failed', renew the token, or publish again. */
  async retry(): Promise<void> {
    const rt = this.rt;
    if (this.error?.code === TOKEN_RENEW_FAILED && ACTIVE_PHASES.includes(this.phase)) {
      this.error = null;
      await this.renewToken();
      return;
    }
    if (this.phase === 'preview') {
      this.error = null;
      await this.startPublishing();
      return;
    }
    if (this.phase === 'watching' && this.error) {
      this.error = null;
      for (const stream of this.streams) await this.startPlaying(stream.streamID);
      return;
    }
    if (this.phase !== 'failed' || !rt.lastStart) return;
    const last = rt.lastStart;
    const autoPublish = rt.autoPublish;
    await this.start(last);
    if (autoPublish && this.canGoLive) await this.startPublishing();
  }

  /** Opens WeChat's settings page, then checks the permissions again and carries on joining. */
  async openSetting(): Promise<void> {
    const platform = this.deps.platform();
    const epoch = this.rt.epoch;
    try {
      await platform.openSetting();
    } catch {
      // the user closed it; the checks below tell what is granted
    }
    if (this.isStale(epoch)) return;
    if (this.phase === 'authorizing' && this.role === 'anchor') {
      const granted = await this.authorizeMedia(epoch);
      if (granted && !this.isStale(epoch)) await this.join(this.roomID, 'anchor');
      return;
    }
    if (this.error?.action === 'openSetting') runInAction(() => (this.error = null));
  }

  /** The page went to the background: the anchor's pusher pauses (viewers see the waiting image), players stop. */
  pageHidden(): void {
    const rt = this.rt;
    if (rt.hidden) return;
    rt.hidden = true;
    rt.feed.pause();
    if (!rt.engine || !ACTIVE_PHASES.includes(this.phase)) return;
    if (this.role === 'anchor' && this.pusher) {
      rt.view?.pausePusher();
      return;
    }
    // Observable players stay as they are: no setData while hidden; pageShown replays with fresh URLs.
    rt.hiddenStreams = this.players.filter((p) => p.url).map((p) => p.streamID);
    for (const streamID of rt.hiddenStreams) this.stopPlayer(streamID);
  }

  /** The page is back: resume the pusher, replay what was playing, show what arrived meanwhile. */
  pageShown(): void {
    const rt = this.rt;
    if (!rt.hidden) return;
    rt.hidden = false;
    rt.feed.resume();
    if (this.phase === 'interrupted' && rt.interruptedBy === 'suspend') this.endInterruption(false);
    if (!rt.engine || !ACTIVE_PHASES.includes(this.phase)) return;
    if (this.role === 'anchor' && this.pusher) {
      rt.view?.resumePusher();
      return;
    }
    const streams = rt.hiddenStreams;
    rt.hiddenStreams = [];
    if (this.phase !== 'watching') {
      // reconnecting or interrupted: the recovery replays everything once it can
      rt.refreshMedia = true;
      return;
    }
    for (const streamID of streams) void this.replay(streamID, rt.epoch, true);
    for (const stream of this.streams) {
      if (!streams.includes(stream.streamID) && !this.players.some((p) => p.streamID === stream.streamID)) {
        void this.startPlaying(stream.streamID);
      }
    }
  }

  /** Leaves the room: stops every stream (SDK first), logs out, removes listeners and timers, back to idle. */
  leave(): void {
    this.teardown();
    this.resetState();
    this.rt.lastStart = null;
  }

  // ---- Internals: entering ----

  private loadEngine(): Promise<RtcEngine> {
    const rt = this.rt;
    if (!rt.enginePromise) {
      rt.enginePromise = this.deps.loadEngine().then(
        (engine) => {
          rt.engine = engine;
          return engine;
        },
        (error: unknown) => {
          rt.enginePromise = null;
          throw error;
        },
      );
    }
    return rt.enginePromise;
  }

  private async authorizeMedia(epoch: number): Promise<boolean> {
    const platform = this.deps.platform();
    runInAction(() => {
      this.phase = 'authorizing';
    });
    for (const scope of SCOPES) {
      try {
        await platform.authorize(scope);
      } catch {
        if (!this.isStale(epoch)) runInAction(() => (this.error = PERMISSION_ERRORS[scope]));
        return false;
      }
      if (this.isStale(epoch)) return false;
    }
    runInAction(() => (this.error = null));
    return true;
  }

  private joined(): void {
    const rt = this.rt;
    rt.loggedIn = true;
    rt.wasConnected = true;
    this.roomState = 'CONNECTED';
    if (this.onlineCount === 0) this.onlineCount = 1;
    rt.peakOnline = Math.max(rt.peakOnline, this.onlineCount);
    if (this.role === 'anchor') {
      this.pusher = {
        streamID: rt.streamID,
        url: '',
        state: 'NO_PUBLISH',
        enableCamera: true,
        muted: false,
        beauty: 5,
        whiteness: 3,
        devicePosition: 'front',
      };
      this.phase = 'preview';
      return;
    }
    this.phase = 'watching';
    this.keepScreenOn(true);
    for (const stream of this.streams) void this.startPlaying(stream.streamID);
  }

  private async loadRoomTitle(epoch: number): Promise<void> {
    try {
      const { room } = await this.deps.api.getRoom(this.roomID);
      if (!this.isStale(epoch) && !this.roomTitle) runInAction(() => (this.roomTitle = room.title));
    } catch {
      // the title is decoration
    }
  }

  private listen(engine: RtcEngine): void {
    const rt = this.rt;
    if (rt.listening) return;
    rt.listening = true;
    engine.setEventHandler(this.handler);
    const platform = this.deps.platform();
    rt.unsubscribers.push(
      platform.onNetworkStatusChange((status) => this.onNetworkChange(status)),
      platform.onAudioInterruptionBegin(() => this.beginInterruption('call')),
      platform.onAudioInterruptionEnd(() => this.endInterruption()),
      platform.onAppHide(() => this.pageHidden()),
      platform.onAppShow(() => this.pageShown()),
    );
  }

  // ---- Internals: media ----

  /** Asks the SDK for a push URL, puts it on the pusher, starts the component. */
  private async publish(epoch: number): Promise<boolean> {
    const rt = this.rt;
    const engine = rt.engine;
    const streamID = this.pusher?.streamID;
    if (!engine || !streamID) return false;
    let url: string;
    try {
      url = (await engine.startPublishingStream(streamID)).url;
    } catch (error) {
      if (!this.isStale(epoch) && this.phase === 'preview')
        runInAction(() => (this.error = describeError(codeOf(error))));
      return false;
    }
    if (this.isStale(epoch) || !this.pusher) return false;
    runInAction(() => {
      if (this.pusher) this.pusher = { ...this.pusher, url };
    });
    try {
      await rt.view?.startPusher();
    } catch {
      if (this.isStale(epoch)) return false;
      engine.stopPublishingStream(streamID);
      if (this.phase === 'preview') {
        runInAction(() => {
          this.error = { code: 'PUSHER_START', message: '摄像头推流没有启动，请重试', action: 'retry' };
        });
      }
      return false;
    }
    return !this.isStale(epoch);
  }

  /** Stops the push: SDK, then component. */
  private stopPushing(streamID: string): void {
    try {
      this.rt.engine?.stopPublishingStream(streamID);
    } catch {
      // the SDK may have stopped it already (kick-out, logout)
    }
    this.rt.view?.stopPusher();
  }

  /** Asks the SDK for a play URL, puts it on the player, plays. */
  private async play(streamID: string, ticket: number): Promise<boolean> {
    const rt = this.rt;
    const engine = rt.engine;
    if (!engine) return false;
    const epoch = rt.epoch;
    const cancelled = () => this.isStale(epoch) || rt.playRequests.get(streamID) !== ticket;
    let url: string;
    try {
      url = (await engine.startPlayingStream(streamID)).url;
    } catch (error) {
      if (!cancelled() && this.phase === 'watching') {
        runInAction(() => (this.error = { ...describeError(codeOf(error)), action: 'retry' }));
      }
      return false;
    }
    if (cancelled()) return false;
    runInAction(() => {
      const userName = this.streams.find((s) => s.streamID === streamID)?.user.userName ?? '';
      const existing = this.players.find((p) => p.streamID === streamID);
      const player: PlayerView = {
        streamID,
        url,
        state: 'PLAY_REQUESTING',
        muted: existing?.muted ?? false,
        userName,
      };
      this.players = this.orderPlayers([...this.players.filter((p) => p.streamID !== streamID), player]);
    });
    try {
      await rt.view?.playPlayer(streamID);
    } catch {
      if (cancelled()) return false;
      if (this.phase === 'watching') {
        runInAction(() => {
          this.error = { code: 'PLAYER_START', message: '画面没有播放起来，请重试', action: 'retry' };
        });
      }
      return false;
    }
    return !cancelled();
  }

  /** Stops a play: SDK, then component (the observable list is the caller's business). */
  private stopPlayer(streamID: string): void {
    this.rt.playRequests.delete(streamID);
    try {
      this.rt.engine?.stopPlayingStream(streamID);
    } catch {
      // already stopped by the SDK
    }
    this.rt.view?.stopPlayer(streamID);
  }

  /** Plays a stream again with a fresh URL (after a drop or coming back from the background). */
  private async replay(streamID: string, epoch: number, alreadyStopped = false): Promise<boolean> {
    const rt = this.rt;
    if (this.isStale(epoch) || !rt.engine) return false;
    const running = this.players.some((p) => p.streamID === streamID) || rt.playRequests.has(streamID);
    if (running && !alreadyStopped) this.stopPlayer(streamID);
    const ticket = ++rt.playTicket;
    rt.playRequests.set(streamID, ticket);
    const ok = await this.play(streamID, ticket);
    if (!ok && rt.playRequests.get(streamID) === ticket) rt.playRequests.delete(streamID);
    return ok;
  }

  /** Players in the order of the room's streams (the anchor's first). */
  private orderPlayers(players: PlayerView[]): PlayerView[] {
    const index = (id: string) => {
      const i = this.streams.findIndex((s) => s.streamID === id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return [...players].sort((a, b) => index(a.streamID) - index(b.streamID));
  }

  // ---- Internals: SDK events ----

  private onRoomStateUpdate(p: RtcEvents['roomStateUpdate']): void {
    const rt = this.rt;
    if (p.roomID !== this.roomID) return;
    if (p.state === 'DISCONNECTED' && isKickout(p.errorCode)) {
      this.kick(p.errorCode);
      return;
    }
    this.roomState = p.state;
    if (p.state === 'CONNECTED') {
      rt.wasConnected = true;
      if (this.phase === 'reconnecting') void this.attemptRecovery();
      return;
    }
    // CONNECTING after CONNECTED: the SDK is reconnecting the room; DISCONNECTED while logged in: it gave up.
    if (rt.loggedIn && rt.wasConnected) this.beginReconnecting(p.state === 'DISCONNECTED');
  }

  private onRoomStateChanged(p: RtcEvents['roomStateChanged']): void {
    if (p.roomID !== this.roomID) return;
    if (p.reason === 'KICKOUT') this.kick(p.errorCode || 1002050);
  }

  private onRoomStreamUpdate(p: RtcEvents['roomStreamUpdate']): void {
    if (p.roomID !== this.roomID) return;
    const ids = new Set(p.streams.map((s) => s.streamID));
    if (p.updateType === 'ADD') {
      this.streams = [...this.streams.filter((s) => !ids.has(s.streamID)), ...p.streams];
      if (this.role === 'audience' && this.phase === 'watching' && !this.rt.hidden) {
        for (const stream of p.streams) void this.startPlaying(stream.streamID);
      }
      return;
    }
    this.streams = this.streams.filter((s) => !ids.has(s.streamID));
    this.rt.hiddenStreams = this.rt.hiddenStreams.filter((id) => !ids.has(id));
    for (const id of ids) this.stopPlaying(id);
    if (this.role === 'audience' && this.streams.length === 0) void this.checkRoomEnded(this.rt.epoch);
  }

  /** The anchor's stream went away: if the service says the room ended, show the end screen. */
  private async checkRoomEnded(epoch: number): Promise<void> {
    try {
      const { room } = await this.deps.api.getRoom(this.roomID);
      if (!this.isStale(epoch) && room.status === 'ended' && this.streams.length === 0)
        this.finish('ended', null);
    } catch {
      // keep waiting for the anchor
    }
  }

  private onRoomUserUpdate(p: RtcEvents['roomUserUpdate']): void {
    if (p.roomID !== this.roomID) return;
    this.rt.feed.updateUsers(p.updateType, p.users);
  }

  private onRoomOnlineUserCountUpdate(p: RtcEvents['roomOnlineUserCountUpdate']): void {
    if (p.roomID !== this.roomID) return;
    // the peak counts even if a lower figure replaces it before the next flush
    this.rt.peakOnline = Math.max(this.rt.peakOnline, p.count);
    this.rt.feed.updateOnlineCount(p.count);
  }

  private onPublisherStateUpdate(p: RtcEvents['publisherStateUpdate']): void {
    const pusher = this.pusher;
    if (!pusher || p.streamID !== pusher.streamID) return;
    if (pusher.state !== p.state) this.pusher = { ...pusher, state: p.state };
    if (p.state === 'PUBLISHING') {
      if (this.phase === 'preview' && this.rt.wantPublish) this.goLive();
      else if (this.phase === 'reconnecting' && this.canRecoverNow()) this.recovered();
      return;
    }
    if (p.state === 'NO_PUBLISH' && p.errorCode !== 0 && this.rt.wantPublish) {
      if (this.phase === 'preview') {
        this.rt.wantPublish = false;
        this.stopPushing(pusher.streamID);
        this.pusher = { ...pusher, url: '', state: 'NO_PUBLISH' };
        this.error = describeError(p.errorCode);
      } else {
        this.beginReconnecting(true);
      }
    }
  }

  private onPlayerStateUpdate(p: RtcEvents['playerStateUpdate']): void {
    const player = this.players.find((x) => x.streamID === p.streamID);
    if (!player) return;
    if (player.state !== p.state) {
      this.players = this.players.map((x) => (x.streamID === p.streamID ? { ...x, state: p.state } : x));
    }
    if (p.state === 'PLAYING') {
      if (this.phase === 'reconnecting' && this.canRecoverNow()) this.recovered();
      return;
    }
    if (p.state === 'NO_PLAY' && p.errorCode !== 0) this.beginReconnecting(true);
  }

  private onPublishQualityUpdate(p: RtcEvents['publishQualityUpdate']): void {
    if (!this.pusher || p.streamID !== this.pusher.streamID) return;
    this.rt.feed.updatePublishQuality(p.stats);
  }

  private onPlayQualityUpdate(p: RtcEvents['playQualityUpdate']): void {
    if (this.players[0]?.streamID !== p.streamID) return;
    this.rt.feed.updatePlayQuality(p.stats);
  }

  private onBroadcastMessages(roomID: string, messages: RtcRoomMessage[]): void {
    if (roomID !== this.roomID || messages.length === 0) return;
    this.rt.messages += messages.length;
    this.rt.feed.addChat(messages);
  }

  private onBarrageMessages(roomID: string, messages: RtcRoomMessage[]): void {
    if (roomID === this.roomID) this.rt.feed.addBarrage(messages);
  }

  // ---- Internals: the room feed ----

  /** A session's runtime with a fresh room feed wired to this store. */
  private newRuntime(): Runtime {
    return new Runtime(
      new RoomFeed({
        apply: (batch) => this.applyFeed(batch),
        sendBarrage: (message) => this.sendBarrage(message),
      }),
    );
  }

  /** One flush of the room feed, in one action (one render). */
  private applyFeed(batch: FeedBatch): void {
    if (batch.chat) this.chat = [...this.chat, ...batch.chat].slice(-CHAT_WINDOW);
    if (batch.likes) this.likes += batch.likes;
    if (batch.users) this.users = batch.users;
    if (batch.onlineCount !== undefined) this.setOnlineCount(batch.onlineCount);
    if (batch.publishQuality && !sameQuality(this.publishQuality, batch.publishQuality)) {
      this.publishQuality = batch.publishQuality;
    }
    if (batch.playQuality && !sameQuality(this.playQuality, batch.playQuality)) {
      this.playQuality = batch.playQuality;
    }
  }

  private setOnlineCount(count: number): void {
    if (this.onlineCount !== count) this.onlineCount = count;
    this.rt.peakOnline = Math.max(this.rt.peakOnline, count);
  }

  /** Our batched likes; best effort: a lost like batch is not worth bothering the viewer. */
  private sendBarrage(message: string): void {
    const rt = this.rt;
    if (!rt.engine || !rt.loggedIn) return;
    rt.engine.sendBarrageMessage(this.roomID, message).catch(() => undefined);
  }

  private showNotice(text: string): void {
    const rt = this.rt;
    if (this.phase === 'reconnecting' || this.phase === 'interrupted') return;
    this.notice = text;
    if (rt.noticeTimer) clearTimeout(rt.noticeTimer);
    rt.noticeTimer = setTimeout(() => this.clearNotice(text), NOTICE_MS);
  }

  private clearNotice(text: string): void {
    this.rt.noticeTimer = null;
    if (this.notice === text) this.notice = '';
  }

  // ---- Internals: live, stats, screen ----

  private goLive(): void {
    const rt = this.rt;
    this.phase = 'live';
    this.keepScreenOn(true);
    this.startStats();
    if (!rt.markedLive) {
      rt.markedLive = true;
      this.deps.api.markLive(this.roomID).catch(() => {
        rt.markedLive = false;
      });
    }
  }

  private startStats(): void {
    const rt = this.rt;
    if (rt.statsTimer) return;
    rt.statsTimer = setInterval(() => this.reportStats(), STATS_INTERVAL_MS);
  }

  private stopStats(): void {
    if (this.rt.statsTimer) clearInterval(this.rt.statsTimer);
    this.rt.statsTimer = null;
  }

  /** Best effort: the console's figures are not worth an error on the anchor's screen. */
  private reportStats(): void {
    const rt = this.rt;
    if (this.role !== 'anchor' || !this.roomID) return;
    this.deps.api
      .reportStats(this.roomID, { viewers: rt.peakOnline, likes: this.likes, messages: rt.messages })
      .catch(() => undefined);
  }

  private keepScreenOn(on: boolean): void {
    const rt = this.rt;
    if (rt.keepScreen === on) return;
    rt.keepScreen = on;
    this.deps.platform().setKeepScreenOn(on);
  }

  // ---- Internals: reconnecting ----

  /** The room, the network or a stream dropped: show it and start bounded, backed-off recovery. */
  private beginReconnecting(refreshMedia: boolean): void {
    const rt = this.rt;
    if (refreshMedia) rt.refreshMedia = true;
    if (this.phase === 'interrupted') {
      rt.reconnectAfterInterruption = true;
      return;
    }
    if (this.phase === 'reconnecting' || !RUNNING_PHASES.includes(this.phase)) return;
    rt.resumePhase = this.phase;
    rt.attempt = 0;
    this.phase = 'reconnecting';
    this.notice = rt.networkConnected ? RECONNECTING_NOTICE : OFFLINE_NOTICE;
    this.scheduleAttempt();
  }

  private scheduleAttempt(): void {
    const rt = this.rt;
    if (rt.reconnectTimer) clearTimeout(rt.reconnectTimer);
    const delay = RECONNECT_BACKOFF_MS[Math.min(rt.attempt, RECONNECT_BACKOFF_MS.length - 1)];
    rt.reconnectTimer = setTimeout(() => {
      rt.reconnectTimer = null;
      void this.attemptRecovery();
    }, delay);
  }

  private clearReconnect(): void {
    const rt = this.rt;
    if (rt.reconnectTimer) clearTimeout(rt.reconnectTimer);
    rt.reconnectTimer = null;
    rt.attempt = 0;
  }

  /** True when nothing stands in the way of declaring the session recovered. */
  private canRecoverNow(): boolean {
    return this.rt.networkConnected && this.roomState === 'CONNECTED' && !this.rt.refreshMedia;
  }

  /** One recovery attempt; counts towards the bound whether it was the timer or an event that triggered it. */
  private async attemptRecovery(): Promise<void> {
    const rt = this.rt;
    if (this.phase !== 'reconnecting' || rt.recovering) return;
    if (rt.reconnectTimer) clearTimeout(rt.reconnectTimer);
    rt.reconnectTimer = null;
    rt.attempt += 1;
    rt.recovering = true;
    const epoch = rt.epoch;
    let ok = false;
    try {
      ok = await this.recoverOnce(epoch);
    } finally {
      rt.recovering = false;
    }
    if (this.isStale(epoch) || this.phase !== 'reconnecting') return;
    if (ok) this.recovered();
    else if (rt.attempt >= RECONNECT_BACKOFF_MS.length) this.giveUp();
    else this.scheduleAttempt();
  }

  private async recoverOnce(epoch: number): Promise<boolean> {
    const rt = this.rt;
    const engine = rt.engine;
    if (!engine || !rt.networkConnected) return false;
    // the SDK is still reconnecting the room by itself: wait for it
    if (this.roomState === 'CONNECTING') return false;
    if (this.roomState === 'DISCONNECTED') {
      const rejoined = await this.rejoin(engine, epoch);
      if (!rejoined) return false;
    }
    return this.restoreMedia(epoch);
  }

  /** The SDK gave up on the room: log in again with a fresh token. */
  private async rejoin(engine: RtcEngine, epoch: number): Promise<boolean> {
    const user = this.deps.currentUser();
    const role = this.role;
    if (!user || !role) return false;
    try {
      const token = await this.deps.api.getRoomToken(this.roomID, role);
      if (this.isStale(epoch)) return false;
      await engine.loginRoom(this.roomID, token.token, { userID: token.userID, userName: user.nickname });
    } catch {
      return false;
    }
    if (this.isStale(epoch)) return false;
    runInAction(() => {
      this.roomState = 'CONNECTED';
      this.rt.refreshMedia = true;
    });
    return true;
  }

  /** Publishes / plays again what was running, with fresh URLs where the stream dropped. */
  private async restoreMedia(epoch: number): Promise<boolean> {
    const rt = this.rt;
    const force = rt.refreshMedia;
    if (this.role === 'anchor') {
      const pusher = this.pusher;
      if (rt.wantPublish && pusher && (force || pusher.state !== 'PUBLISHING')) {
        this.stopPushing(pusher.streamID);
        if (!(await this.publish(epoch))) return false;
      }
    } else if (!rt.hidden) {
      for (const stream of this.streams) {
        const player = this.players.find((p) => p.streamID === stream.streamID);
        if (force || !player || player.state !== 'PLAYING') {
          if (!(await this.replay(stream.streamID, epoch))) return false;
        }
      }
    }
    if (this.isStale(epoch)) return false;
    rt.refreshMedia = false;
    return true;
  }

  private recovered(): void {
    const rt = this.rt;
    this.clearReconnect();
    rt.refreshMedia = false;
    this.phase = rt.resumePhase;
    this.notice = '';
    if (this.phase === 'live' || this.phase === 'watching') this.keepScreenOn(true);
  }

  private giveUp(): void {
    this.rt.autoPublish = this.rt.resumePhase === 'live';
    this.finish('failed', {
      code: RECONNECT_FAILED,
      message: `网络连接失败，已自动重试 ${RECONNECT_BACKOFF_MS.length} 次，请检查网络后重试`,
      action: 'retry',
    });
  }

  private onNetworkChange(status: NetworkStatus): void {
    const rt = this.rt;
    const was = rt.networkConnected;
    rt.networkConnected = status.isConnected;
    if (!status.isConnected) {
      if (this.phase === 'reconnecting') this.notice = OFFLINE_NOTICE;
      else this.beginReconnecting(true);
      return;
    }
    if (!was && this.phase === 'reconnecting') {
      this.notice = RECONNECTING_NOTICE;
      void this.attemptRecovery();
    }
  }

  // ---- Internals: interruptions (phone calls) ----

  private beginInterruption(by: 'call' | 'suspend'): void {
    const rt = this.rt;
    if (this.phase === 'interrupted') {
      if (by === 'call') rt.interruptedBy = 'call';
      return;
    }
    rt.interruptedBy = by;
    if (this.phase === 'reconnecting') {
      rt.interruptedFrom = rt.resumePhase;
      rt.reconnectAfterInterruption = true;
      this.clearReconnect();
    } else if (RUNNING_PHASES.includes(this.phase)) {
      rt.interruptedFrom = this.phase;
    } else {
      return;
    }
    this.phase = 'interrupted';
    this.notice = INTERRUPTED_NOTICE;
  }

  /** The call is over (or the app is back after pusher 5000): back where it was, media resumed. */
  private endInterruption(resumeMedia = true): void {
    const rt = this.rt;
    if (this.phase !== 'interrupted') return;
    this.phase = rt.interruptedFrom;
    this.notice = '';
    if (resumeMedia && !rt.hidden) {
      if (this.role === 'anchor' && this.pusher) rt.view?.resumePusher();
      else for (const p of this.players) rt.view?.resumePlayer(p.streamID);
    }
    if (rt.reconnectAfterInterruption || rt.refreshMedia) {
      rt.reconnectAfterInterruption = false;
      this.beginReconnecting(true);
      void this.attemptRecovery();
    }
  }

  // ---- Internals: tokens, kick-out, leaving ----

  /** tokenWillExpire: fetch a new token and hand it to the SDK; retried, and shown when it keeps failing. */
  private async renewToken(): Promise<void> {
    const rt = this.rt;
    const engine = rt.engine;
    const role = this.role;
    if (rt.renewing || !engine || !role || !rt.loggedIn) return;
    rt.renewing = true;
    const epoch = rt.epoch;
    let reason = '';
    for (let i = 0; i <= TOKEN_RENEW_RETRIES; i++) {
      if (i > 0) {
        await new Promise<void>((resolve) => {
          rt.renewTimer = setTimeout(() => {
            rt.renewTimer = null;
            resolve();
          }, TOKEN_RETRY_MS);
        });
      }
      if (this.isStale(epoch)) return;
      try {
        const token = await this.deps.api.getRoomToken(this.roomID, role);
        if (this.isStale(epoch)) return;
        if (engine.renewToken(this.roomID, token.token)) {
          rt.renewing = false;
          if (this.error?.code === TOKEN_RENEW_FAILED) runInAction(() => (this.error = null));
          return;
        }
        reason = '直播服务拒绝了新的凭证';
      } catch (error) {
        reason = error instanceof ApiError ? error.message : '请求新的凭证失败';
      }
    }
    if (this.isStale(epoch)) return;
    rt.renewing = false;
    runInAction(() => {
      this.error = {
        code: TOKEN_RENEW_FAILED,
        message: `登录凭证续期失败（${reason}），直播可能很快中断，请重试`,
        action: 'retry',
      };
    });
  }

  private kick(code: number): void {
    const known = describeError(code);
    this.finish('kicked', {
      code,
      message: isKickout(code) ? known.message : '你已在其他设备登录或被移出了房间',
      action: 'leave',
    });
  }

  /** Ends the session in a final phase: everything torn down, the reason kept on screen. */
  private finish(phase: 'ended' | 'kicked' | 'failed', error: SessionError | null): void {
    this.teardown();
    this.phase = phase;
    this.error = error;
    this.notice = '';
    this.roomState = 'DISCONNECTED';
    this.pusher = null;
    this.players = [];
    this.streams = [];
    this.publishQuality = null;
    this.playQuality = null;
  }

  /** Stops streams (SDK first), logs out, removes the SDK handler, platform listeners and every timer. */
  private teardown(): void {
    const rt = this.rt;
    rt.epoch += 1;
    const engine = rt.engine;
    if (engine) {
      if (this.pusher && (rt.wantPublish || this.pusher.url)) this.stopPushing(this.pusher.streamID);
      const playing = new Set([
        ...this.players.filter((p) => p.url).map((p) => p.streamID),
        ...rt.playRequests.keys(),
      ]);
      for (const id of rt.hiddenStreams) playing.delete(id);
      for (const id of playing) this.stopPlayer(id);
      if (rt.loggedIn) {
        rt.loggedIn = false;
        try {
          engine.logoutRoom(this.roomID);
        } catch {
          // logging out of a room the SDK already dropped
        }
      }
      if (rt.listening) engine.setEventHandler(null);
    }
    rt.listening = false;
    for (const unsubscribe of rt.unsubscribers.splice(0)) unsubscribe();
    rt.feed.dispose();
    for (const timer of [rt.reconnectTimer, rt.noticeTimer, rt.renewTimer]) {
      if (timer) clearTimeout(timer);
    }
    if (rt.statsTimer) clearInterval(rt.statsTimer);
    this.keepScreenOn(false);
    const keep = {
      enginePromise: rt.enginePromise,
      engine,
      view: rt.view,
      epoch: rt.epoch,
      lastStart: rt.lastStart,
    };
    const autoPublish = rt.autoPublish;
    this.rt = Object.assign(this.newRuntime(), keep, { autoPublish });
  }

  private resetState(): void {
    this.phase = 'idle';
    this.role = null;
    this.roomID = '';
    this.roomTitle = '';
    this.roomState = 'DISCONNECTED';
    this.error = null;
    this.notice = '';
    this.pusher = null;
    this.players = [];
    this.streams = [];
    this.onlineCount = 0;
    this.users = [];
    this.publishQuality = null;
    this.playQuality = null;
    this.chat = [];
    this.likes = 0;
  }

  private isStale(epoch: number): boolean {
    return epoch !== this.rt.epoch;
  }
}

function clampLevel(level: number): number {
  return Math.max(0, Math.min(9, Math.round(Number.isFinite(level) ? level : 0)));
}

function sameQuality(a: QualityView | null, b: QualityView): boolean {
  return !!a && a.bitrateKbps === b.bitrateKbps && a.fps === b.fps && a.grade === b.grade;
}
