/**
 * The live session: the facade the pages bind to. One room visit (anchor, viewer or call member), moved through
 * the one transition table (session-table.ts) and carried out by parts with one job each: room entry, publishing
 * (the local stream), watching (the remote streams), recovery, interruptions and background, token renewal, the
 * room chat and the anchor's report, the call. The facade wires them, routes the SDK's callbacks and tears a visit
 * down by asking each part to dispose of what it owns.
 */
import { configure, makeAutoObservable } from 'mobx-miniprogram';
import type {
  NativeLiveEvent,
  RtcEngine,
  RtcEventHandler,
  RtcEvents,
  RtcStream,
  RtcUser,
} from '../services/rtc-types';
import { ACTION_TEXT, describeError, isKickout } from '../utils/error-catalog';
import { CallState, PEER_LEFT_TEXT, formatDuration } from './call';
import { Interruptions } from './interruptions';
import type { NativeReaction } from './native-codes';
import { Publishing } from './publishing';
import { Recovery, type ReconnectPolicy } from './recovery';
import { RoomChat } from './room-chat';
import { RoomEntry, publishes, type StartOptions } from './room-entry';
import { RoomReport } from './room-report';
import { SessionContext, type LiveSessionDeps as BaseDeps } from './session-context';
import { SessionStatus } from './session-status';
import {
  ACTIVE_PHASES,
  SessionMachine,
  type RefusalReporter,
  type SessionEvent,
  type SessionPhase,
} from './session-table';
import type {
  ChatLine,
  LiveViewPort,
  PlayerView,
  PusherView,
  QualityView,
  Role,
  RoomState,
  SessionError,
} from './session-types';
import { TOKEN_RENEW_FAILED, TokenRenewal } from './token-renewal';
import { Watching } from './watching';

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
export { NOTICE_MS } from './session-status';
export { RECONNECT_BACKOFF_MS, BackoffPolicy } from './recovery';
export type { ReconnectPolicy } from './recovery';
export { STATS_INTERVAL_MS } from './room-report';
export { TOKEN_RENEW_RETRIES, TOKEN_RETRY_MS } from './token-renewal';
export { CHAT_MAX_LENGTH } from './room-chat';
export type { StartOptions } from './room-entry';

/** What the session needs from the outside world; the reconnect policy and the refusal reporter are optional. */
export interface LiveSessionDeps extends BaseDeps {
  reconnectPolicy?: ReconnectPolicy;
  reportRefusal?: RefusalReporter;
}

const STATUS_TEXT: Record<SessionPhase, string> = {
  idle: '未进入直播间',
  checking: '正在检查手机环境…',
  authorizing: '需要摄像头和麦克风权限',
  joining: '正在进入直播间…',
  preview: '准备开播',
  live: '直播中',
  watching: '观看中',
  calling: '通话中',
  reconnecting: '网络不稳定，正在重连…',
  interrupted: '通话中，直播已暂停',
  ended: '直播已结束',
  kicked: '你已离开直播间',
  failed: '出错了',
};

/** Phases in which the screen is kept on. */
const SCREEN_ON: readonly SessionPhase[] = ['live', 'watching', 'calling'];

/** In development builds (DevTools, trial), a refused event is worth a warning; in release, silence. */
const defaultRefusalReporter: RefusalReporter = (phase, event) => {
  const env = (globalThis as { __wxConfig?: { envVersion?: string } }).__wxConfig?.envVersion;
  if (env === 'develop' || env === 'trial') console.warn(`[live-session] ${event} refused in ${phase}`);
};

/** The live session store. */
export class LiveSession {
  private readonly ctx: SessionContext;
  private readonly machine: SessionMachine;
  private readonly status: SessionStatus;
  private readonly entry: RoomEntry;
  private readonly publishing: Publishing;
  private readonly watching: Watching;
  private readonly recovery: Recovery;
  private readonly interruptions: Interruptions;
  private readonly renewal: TokenRenewal;
  private readonly room: RoomChat;
  private readonly report: RoomReport;
  private readonly call: CallState;
  private readonly handler: RtcEventHandler;
  /** Go live again by itself after a retry (the anchor was live when the session failed). */
  private autoPublish = false;
  private keepScreen = false;
  private listening = false;

  constructor(deps: LiveSessionDeps) {
    this.machine = new SessionMachine(
      () => ({ role: this.entry.role }),
      deps.reportRefusal ?? defaultRefusalReporter,
    );
    const ctx = (this.ctx = new SessionContext(deps, this.machine));
    const status = (this.status = new SessionStatus(this.machine));
    this.entry = new RoomEntry(ctx, status, {
      fail: (error) => this.finish('failed', error),
      kick: (code) => this.kick(code),
      listen: (engine) => this.listen(engine),
      joined: (streamID) => this.joined(streamID),
      connectionChanged: (state) => {
        if (state === 'CONNECTED') this.recovery.roomConnected();
        else this.recovery.begin(state === 'DISCONNECTED');
      },
    });
    const media = {
      react: (reaction: NativeReaction, code: number) => this.react(reaction, code),
      dropped: (refresh: boolean) => this.recovery.begin(refresh),
      streamBack: () => this.recovery.streamBack(),
      mainPlayerGone: () => this.room.clearPlayQuality(),
    };
    this.publishing = new Publishing(ctx, status, media);
    this.watching = new Watching(ctx, status, media, () => this.entry.role !== 'anchor');
    this.recovery = new Recovery(
      ctx,
      status,
      {
        roomState: () => this.entry.roomState,
        hidden: () => this.interruptions.hidden,
        rejoin: (epoch) => this.entry.rejoin(epoch),
        restoreMedia: (epoch, force) => this.restoreMedia(epoch, force),
        giveUp: (error) => {
          this.autoPublish = this.machine.returnTo === 'live';
          this.finish('gaveUp', error);
        },
      },
      deps.reconnectPolicy,
    );
    this.interruptions = new Interruptions(ctx, status, {
      pauseMedia: () => this.pauseMedia(),
      resumeMedia: () => this.resumeMedia(),
      resumeComponents: () => {
        this.publishing.resume();
        this.watching.resumePlayers();
      },
      networkChanged: (status) => this.recovery.onNetworkChange(status),
      feedPaused: (paused) => this.room.setPaused(paused),
      pauseRecovery: () => this.recovery.pauseForInterruption(),
      interruptionEnded: () => this.recovery.afterInterruptionEnded(),
      active: () => this.machine.in(...ACTIVE_PHASES),
    });
    const roomID = () => this.entry.roomID;
    const inRoom = () => this.entry.inRoom;
    this.renewal = new TokenRenewal(ctx, status, { roomID, role: () => this.entry.role, inRoom });
    this.room = new RoomChat(ctx, status, {
      roomID,
      inRoom,
      mainPlayer: () => this.watching.players[0]?.streamID,
      ownStream: () => this.publishing.pusher?.streamID,
    });
    this.report = new RoomReport(ctx, {
      roomID,
      figures: () => ({
        viewers: this.room.peakOnline,
        likes: this.room.likes,
        messages: this.room.messages,
      }),
    });
    this.call = new CallState(() => this.entry.userID);
    this.machine.onChange((from, to, event) => this.phaseChanged(from, to, event));
    this.handler = this.sdkHandler();
    makeAutoObservable<
      LiveSession,
      | 'ctx'
      | 'machine'
      | 'status'
      | 'entry'
      | 'publishing'
      | 'watching'
      | 'recovery'
      | 'interruptions'
      | 'renewal'
      | 'room'
      | 'report'
      | 'call'
      | 'handler'
      | 'autoPublish'
      | 'keepScreen'
      | 'listening'
    >(
      this,
      {
        ctx: false,
        machine: false,
        status: false,
        entry: false,
        publishing: false,
        watching: false,
        recovery: false,
        interruptions: false,
        renewal: false,
        room: false,
        report: false,
        call: false,
        handler: false,
        autoPublish: false,
        keepScreen: false,
        listening: false,
      },
      { autoBind: true },
    );
  }

  /** One method per SDK callback, each routed to the part whose job it is. */
  private sdkHandler(): RtcEventHandler {
    return {
      roomStateUpdate: (p) => this.entry.onRoomStateUpdate(p),
      roomStateChanged: (p) => this.entry.onRoomStateChanged(p),
      roomStreamUpdate: (p) => this.onRoomStreamUpdate(p),
      roomUserUpdate: (p) => this.onRoomUserUpdate(p),
      roomOnlineUserCountUpdate: (p) => this.room.onRoomOnlineUserCountUpdate(p),
      publisherStateUpdate: (p) => this.onPublisherStateUpdate(p),
      publishQualityUpdate: (p) => this.room.onPublishQualityUpdate(p),
      playerStateUpdate: (p) => this.onPlayerStateUpdate(p),
      playQualityUpdate: (p) => this.room.onPlayQualityUpdate(p),
      IMRecvBroadcastMessage: (p) => this.room.onBroadcastMessages(p),
      IMRecvBarrageMessage: (p) => this.room.onBarrageMessages(p),
      IMRecvCustomCommand: (p) => this.onCustomCommand(p),
      roomExtraInfoUpdate: (p) => this.onRoomExtraInfo(p),
      tokenWillExpire: (p) => {
        if (p.roomID === this.entry.roomID) void this.renewal.renew();
      },
    };
  }

  // ---- What pages bind ----

  get phase(): SessionPhase {
    return this.status.phase;
  }
  get role(): Role | null {
    return this.entry.role;
  }
  get roomID(): string {
    return this.entry.roomID;
  }
  get roomTitle(): string {
    return this.entry.roomTitle;
  }
  get roomState(): RoomState {
    return this.entry.roomState;
  }
  get error(): SessionError | null {
    return this.status.error;
  }
  get notice(): string {
    return this.status.notice;
  }
  get pusher(): PusherView | null {
    return this.publishing.pusher;
  }
  get players(): PlayerView[] {
    return this.watching.players;
  }
  get streams(): RtcStream[] {
    return this.watching.streams;
  }
  get onlineCount(): number {
    return this.room.onlineCount;
  }
  get users(): RtcUser[] {
    return this.room.users;
  }
  get publishQuality(): QualityView | null {
    return this.room.publishQuality;
  }
  get playQuality(): QualityView | null {
    return this.room.playQuality;
  }
  get chat(): ChatLine[] {
    return this.room.chat;
  }
  get likes(): number {
    return this.room.likes;
  }
  /** The other member of a call, once seen. */
  get callPeer(): RtcUser | null {
    return this.call.peer;
  }
  /** The call is connected: the other's video has played. */
  get callConnected(): boolean {
    return this.call.connectedAt !== null;
  }
  /** When the call was first connected (epoch ms), for the page's running clock; 0 before. */
  get callConnectedAt(): number {
    return this.call.connectedAt ?? 0;
  }
  /** The end screen's line for a call: who ended it and how long it lasted. */
  get callSummary(): string {
    if (this.entry.role !== 'call' || this.status.phase !== 'ended') return '';
    const who = this.call.endedBy === 'peerLeft' ? PEER_LEFT_TEXT : '通话已结束';
    return this.call.connectedAt === null ? who : `${who}，通话时长 ${formatDuration(this.call.durationMs)}`;
  }

  /** Chinese label of the phase, for the status line. */
  get statusText(): string {
    const phase = this.status.phase;
    const error = this.status.error;
    if ((phase === 'failed' || phase === 'kicked') && error) return error.message;
    if (phase === 'watching' && this.anchorOffline) return '主播暂时离开了，请稍候';
    if (this.entry.role === 'call') {
      if (phase === 'calling') return this.callConnected ? '通话中' : '等待对方加入…';
      if (phase === 'ended') return this.callSummary;
      if (phase === 'joining') return '正在接通…';
      if (phase === 'interrupted') return '来电中，通话已暂停';
    }
    return STATUS_TEXT[phase];
  }

  /** The anchor is on air. */
  get isLive(): boolean {
    return this.status.phase === 'live';
  }

  /**
   * The anchor is on air: live, or reconnecting / interrupted while pushing (the screen keeps the end button; a
   * drop or a call must not turn it back into a disabled go-live button).
   */
  get onAir(): boolean {
    if (this.entry.role !== 'anchor') return false;
    const phase = this.status.phase;
    if (phase === 'live') return true;
    return (phase === 'reconnecting' || phase === 'interrupted') && this.publishing.hasUrl;
  }

  /** The anchor's preview is ready and can go live. */
  get canGoLive(): boolean {
    return this.status.phase === 'preview';
  }

  /** The viewer is in the room but nothing is playing (the anchor has not started, or left). */
  get anchorOffline(): boolean {
    return this.entry.role === 'audience' && this.status.phase === 'watching' && !this.watching.anyPlaying;
  }

  /** The label of the error's button ('' when there is nothing to press). */
  get errorActionText(): string {
    return this.status.error ? ACTION_TEXT[this.status.error.action] : '';
  }

  // ---- The page's components ----

  /** The page hands over its native components (zego-pusher / zego-player). */
  attachView(port: LiveViewPort): void {
    this.ctx.view = port;
  }

  /** The page is going away. */
  detachView(): void {
    this.ctx.view = null;
  }

  // ---- Entering ----

  /** Checks the phone, asks for permissions (roles that publish), joins: preview, watching or calling. */
  async start(options: StartOptions): Promise<void> {
    if (this.machine.in(...ACTIVE_PHASES)) {
      this.machine.send('start'); // refused, and reported in development builds
      return;
    }
    this.newVisit();
    this.autoPublish = false;
    await this.entry.start(options);
  }

  /** Drops whatever the last visit left and goes back to idle. */
  private newVisit(): void {
    this.teardown();
    this.resetState();
  }

  private joined(streamID: string): void {
    this.room.joined();
    if (publishes(this.entry.role)) this.publishing.prepare(streamID);
    this.machine.send('joined');
    this.watching.playAll(this.entry.inRoom);
    if (this.entry.role === 'call') void this.publishing.start();
  }

  private listen(engine: RtcEngine): void {
    if (this.listening) return;
    this.listening = true;
    engine.setEventHandler(this.handler);
    this.interruptions.listen(this.ctx.deps.platform());
  }

  // ---- Publishing ----

  /** Goes live: push URL from the SDK onto zego-pusher, then start it; 'live' once the SDK says PUBLISHING. */
  async startPublishing(): Promise<void> {
    if (this.entry.role !== 'anchor' || !this.machine.in('preview')) return;
    await this.publishing.start();
  }

  /** Stops pushing: the SDK first, then the component; the anchor stays in the room, in preview. */
  stopPublishing(): void {
    if (!this.publishing.stop()) return;
    this.report.offAir();
    if (this.machine.in('live', 'reconnecting', 'interrupted')) {
      this.recovery.stop();
      this.machine.send('unpublished');
      this.status.setNotice('');
    }
  }

  /** The anchor ends the show: stop pushing, end the room on the service, leave; the page shows the end screen. */
  async endLive(): Promise<void> {
    if (this.entry.role !== 'anchor') return;
    const roomID = this.entry.roomID;
    this.stopPublishing();
    this.report.report();
    try {
      await this.ctx.deps.api.endRoom(roomID);
    } catch {
      // the service also ends rooms whose anchor is gone; the anchor should still get out
    }
    this.finish('ended', null);
  }

  /** A call member hangs up: both streams stopped (SDK first), the call ended on the service, logged out. */
  async hangUp(): Promise<void> {
    if (this.entry.role !== 'call' || !this.machine.in(...ACTIVE_PHASES)) return;
    const roomID = this.entry.roomID;
    this.call.end('hungUp');
    this.finish('ended', null);
    try {
      await this.ctx.deps.api.endRoom(roomID);
    } catch {
      // the other side sees our stream go and ends too; the service ends a call nobody is in
    }
  }

  private onPublisherStateUpdate(p: RtcEvents['publisherStateUpdate']): void {
    this.publishing.onPublisherStateUpdate(p, () => {
      if (this.machine.in('preview')) this.machine.send('published');
      else this.recovery.streamBack();
    });
  }

  // ---- Watching ----

  /** Plays a stream: play URL from the SDK onto zego-player, then play(). */
  startPlaying(streamID: string): Promise<void> {
    return this.watching.startPlaying(streamID, this.entry.inRoom);
  }

  /** Stops a stream: the SDK first, then the component. */
  stopPlaying(streamID: string): void {
    this.watching.stopPlaying(streamID);
  }

  private onRoomStreamUpdate(p: RtcEvents['roomStreamUpdate']): void {
    if (p.roomID !== this.entry.roomID) return;
    const peerLeft = this.entry.role === 'call' && this.call.onRoomStreamUpdate(p);
    const gone = this.watching.onRoomStreamUpdate(
      p,
      this.machine.in('watching', 'calling'),
      this.interruptions.hidden,
    );
    if (peerLeft) this.peerLeft();
    else if (gone.length > 0 && this.entry.role === 'audience' && this.watching.streams.length === 0) {
      void this.checkRoomEnded(this.ctx.epoch);
    }
  }

  private onRoomUserUpdate(p: RtcEvents['roomUserUpdate']): void {
    if (p.roomID !== this.entry.roomID) return;
    this.room.onRoomUserUpdate(p);
    if (this.entry.role === 'call' && this.call.onRoomUserUpdate(p)) this.peerLeft();
  }

  private onPlayerStateUpdate(p: RtcEvents['playerStateUpdate']): void {
    const playing = this.watching.onPlayerStateUpdate(p);
    if (playing && this.entry.role === 'call') this.call.connected();
  }

  /** The other member left: the call is over for us too. */
  private peerLeft(): void {
    if (!this.machine.in(...ACTIVE_PHASES)) return;
    const roomID = this.entry.roomID;
    this.call.end('peerLeft');
    this.finish('ended', null);
    // best effort, so a call whose hang-up request was lost does not stay open on the service
    this.ctx.deps.api.endRoom(roomID).catch(() => undefined);
  }

  /** The anchor's stream went away: if the service says the room ended, show the end screen. */
  private async checkRoomEnded(epoch: number): Promise<void> {
    try {
      const { room } = await this.ctx.deps.api.getRoom(this.entry.roomID);
      if (!this.ctx.isStale(epoch) && room.status === 'ended' && this.watching.streams.length === 0)
        this.finish('ended', null);
    } catch {
      // keep waiting for the anchor
    }
  }

  /** Custom commands are signalling between members; nothing acts on them until the service confirms (co-hosting). */
  private onCustomCommand(_p: RtcEvents['IMRecvCustomCommand']): void {
    // no command is defined yet: an app never takes a privilege from another app's message
  }

  /** Room extra info (the co-host layout, later); nothing reads it yet. */
  private onRoomExtraInfo(_p: RtcEvents['roomExtraInfoUpdate']): void {
    // reserved for the co-hosting layout the service publishes
  }

  // ---- Native component events ----

  /** zego-pusher statechange: into the SDK first (with the own stream ID), then the codes table. */
  onPusherStateChange(event: NativeLiveEvent): void {
    this.publishing.onStateChange(event);
  }

  /** zego-pusher netstatus: into the SDK. */
  onPusherNetStatus(event: NativeLiveEvent): void {
    this.publishing.onNetStatus(event);
  }

  /** live-pusher's binderror (camera / microphone refused by the system, resources). */
  onPusherError(detail: { errCode: number; errMsg: string }): void {
    this.publishing.onError(detail);
  }

  /** zego-player statechange: into the SDK first (with that player's stream ID), then the codes table. */
  onPlayerStateChange(streamID: string, event: NativeLiveEvent): void {
    this.watching.onStateChange(streamID, event);
  }

  /** zego-player netstatus: into the SDK. */
  onPlayerNetStatus(streamID: string, event: NativeLiveEvent): void {
    this.watching.onNetStatus(streamID, event);
  }

  /** What a native code means for the session (native-codes.ts). */
  private react(reaction: NativeReaction, code: number): void {
    switch (reaction.kind) {
      case 'reconnect':
        this.recovery.begin(reaction.refresh);
        return;
      case 'interrupt':
        this.interruptions.begin(reaction.by);
        return;
      case 'recovered':
        if (this.machine.in('reconnecting')) this.recovery.streamBack();
        return;
      case 'notice':
        this.status.flash(reaction.text ?? describeError(code).message);
        return;
      case 'error':
        this.status.setError(describeError(code));
        return;
    }
  }

  // ---- Controls ----

  /** Camera on/off. */
  toggleCamera(): void {
    this.publishing.toggleCamera();
  }

  /** Microphone on/off. */
  toggleMicrophone(): void {
    this.publishing.toggleMicrophone();
  }

  /** Front/back camera. */
  switchCamera(): void {
    this.publishing.switchCamera();
  }

  /** Beauty 0..9. */
  setBeauty(level: number): void {
    this.publishing.setBeauty(level);
  }

  /** Whitening 0..9. */
  setWhiteness(level: number): void {
    this.publishing.setWhiteness(level);
  }

  // ---- Chat and likes ----

  /** Sends a chat line to the room; the own line shows at once. False when it was not sent. */
  sendChat(text: string): Promise<boolean> {
    return this.room.send(text, this.ctx.deps.currentUser()?.nickname ?? '我');
  }

  /** One like: counted at once, sent to the room batched. */
  like(): void {
    this.room.like();
  }

  /** Hides the current error (for errors whose action is 'none'). */
  dismissError(): void {
    this.status.setError(null);
  }

  // ---- Recovery ----

  /** The error's retry button: renew the token, publish again, play again, or start again from 'failed'. */
  async retry(): Promise<void> {
    const error = this.status.error;
    if (error?.code === TOKEN_RENEW_FAILED && this.machine.in(...ACTIVE_PHASES)) {
      this.status.setError(null);
      await this.renewal.renew();
      return;
    }
    if (this.machine.in('preview')) {
      this.status.setError(null);
      await this.startPublishing();
      return;
    }
    if (this.machine.in('watching', 'calling') && error) {
      this.status.setError(null);
      if (this.entry.role === 'call' && !this.publishing.wantsToPublish) await this.publishing.start();
      for (const stream of this.watching.streams) await this.startPlaying(stream.streamID);
      return;
    }
    const last = this.entry.lastStart;
    if (!this.machine.in('failed') || !last) return;
    const autoPublish = this.autoPublish;
    await this.start(last);
    if (autoPublish && this.canGoLive) await this.startPublishing();
  }

  /** Opens WeChat's settings page, then checks the permissions again and carries on joining. */
  async openSetting(): Promise<void> {
    const epoch = this.ctx.epoch;
    try {
      await this.ctx.deps.platform().openSetting();
    } catch {
      // the user closed it; the checks below tell what is granted
    }
    if (this.ctx.isStale(epoch)) return;
    if (this.machine.in('authorizing') && publishes(this.entry.role)) {
      await this.entry.resumeAuthorizing();
      return;
    }
    if (this.status.error?.action === 'openSetting') this.status.setError(null);
  }

  /** The page went to the background: the pusher pauses (viewers see the waiting image), players stop. */
  pageHidden(): void {
    this.interruptions.pageHidden();
  }

  /** The page is back: resume the pusher, replay what was playing, show what arrived meanwhile. */
  pageShown(): void {
    this.interruptions.pageShown();
  }

  private pauseMedia(): void {
    this.publishing.pause();
    if (this.entry.role !== 'anchor') this.watching.pause();
  }

  private resumeMedia(): void {
    this.publishing.resume();
    if (this.entry.role === 'anchor') return;
    if (!this.machine.in('watching', 'calling')) {
      // reconnecting or interrupted: the recovery replays everything once it can
      this.watching.takeHidden();
      this.recovery.needFreshMedia();
      return;
    }
    this.watching.resume(this.entry.inRoom);
  }

  /** Publishes / plays again what was running, with fresh URLs when forced. */
  private async restoreMedia(epoch: number, force: boolean): Promise<boolean> {
    if (this.publishing.needsRestart(force) && !(await this.publishing.restart(epoch))) return false;
    if (!this.interruptions.hidden && !(await this.watching.restore(epoch, force))) return false;
    return !this.ctx.isStale(epoch);
  }

  /** Leaves the room: stops every stream (SDK first), logs out, removes listeners and timers, back to idle. */
  leave(): void {
    this.teardown();
    this.resetState();
    this.entry.lastStart = null;
  }

  // ---- Phases, ending, tearing down ----

  private phaseChanged(from: SessionPhase, to: SessionPhase, event: SessionEvent): void {
    if (SCREEN_ON.includes(to)) this.keepScreenOn(true);
    else if (to === 'preview' || !this.machine.in(...ACTIVE_PHASES)) this.keepScreenOn(false);
    if (event === 'published' && from === 'preview') this.report.onAir();
  }

  private kick(code: number): void {
    const known = describeError(code);
    this.finish('kicked', {
      code,
      message: isKickout(code) ? known.message : '你已在其他设备登录或被移出了房间',
      action: 'leave',
    });
  }

  /** Ends the visit in a final phase: everything torn down, the reason kept on screen. */
  private finish(event: 'ended' | 'kicked' | 'failed' | 'gaveUp', error: SessionError | null): void {
    this.teardown();
    if (!this.machine.send(event)) return;
    this.status.setError(error);
    this.status.setNotice('');
  }

  /** Asks every part to stop what it runs and drop what it owns; the machine keeps its phase. */
  private teardown(): void {
    this.ctx.epoch += 1;
    this.publishing.dispose();
    this.watching.dispose();
    this.entry.logout();
    const engine = this.ctx.engine;
    if (engine && this.listening) engine.setEventHandler(null);
    this.listening = false;
    this.interruptions.dispose();
    this.recovery.dispose();
    this.renewal.dispose();
    this.room.dispose();
    this.report.dispose();
    this.keepScreenOn(false);
  }

  /** Back to idle with nothing on screen. */
  private resetState(): void {
    this.machine.send('leave');
    this.status.reset();
    this.entry.reset();
    this.room.reset();
    this.call.reset();
  }

  private keepScreenOn(on: boolean): void {
    if (this.keepScreen === on) return;
    this.keepScreen = on;
    this.ctx.deps.platform().setKeepScreenOn(on);
  }
}
