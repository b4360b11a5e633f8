/**
 * The live session's core: it builds the parts, wires what each needs of the others, routes the SDK's callbacks
 * to the part whose job each is, and ends a visit by asking every part to dispose of what it owns. The facade
 * (live-session.ts) is what pages bind; this is how it works. Holds no observable state of its own: every field a
 * page renders belongs to a part.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { TokenRole } from '../../services/api-client';
import type { RtcEngine, RtcEventHandler } from '../../services/rtc-types';
import { describeError, isKickout } from '../../utils/error-catalog';
import { CallState } from './call';
import { Cohosting } from './cohosting';
import { Interruptions } from './interruptions';
import type { NativeReaction } from './native-codes';
import { Publishing, type MediaHost } from './publishing';
import { Recovery, type ReconnectPolicy } from './recovery';
import { RoomChat } from './room-chat';
import { RoomEntry, permissionError, publishes } from './room-entry';
import { RoomReport } from './room-report';
import { RoomSummary } from './room-summary';
import { ViewerList } from './viewer-list';
import { RoomSignals } from './room-signals';
import { SessionContext, type LiveSessionDeps as BaseDeps } from './session-context';
import { SessionStatus } from './session-status';
import {
  ACTIVE_PHASES,
  PLAYING_PHASES,
  RUNNING_PHASES,
  SessionMachine,
  warnInDevelopment,
  type RefusalReporter,
  type SessionEvent,
  type SessionPhase,
} from './session-table';
import type { SessionError } from '../../stores/session-types';
import { TokenRenewal } from './token-renewal';
import { Watching } from './watching';
import { sdkRoutes } from './sdk-routes';
import { loggedHandler, logPhase } from './session-log';

/** What the session needs from the outside world; the reconnect policy and the refusal reporter are optional. */
export interface LiveSessionDeps extends BaseDeps {
  reconnectPolicy?: ReconnectPolicy;
  reportRefusal?: RefusalReporter;
}

/** Phases in which the screen is kept on. */
const SCREEN_ON: readonly SessionPhase[] = ['live', 'watching', 'calling', 'cohosting'];

/** In development builds (DevTools, trial), a refused event is worth a warning; in release, silence. */
const defaultRefusalReporter: RefusalReporter = warnInDevelopment('live-session');

const PARTS = [
  'ctx',
  'machine',
  'status',
  'entry',
  'publishing',
  'watching',
  'recovery',
  'interruptions',
  'renewal',
  'room',
  'report',
  'summary',
  'viewerList',
  'call',
  'signals',
  'cohost',
  'handler',
  'autoPublish',
  'keepScreen',
  'listening',
] as const;
/** None of the core's fields is observable (the parts make their own state observable). */
const CORE_NOT_OBSERVABLE = Object.fromEntries(PARTS.map((name) => [name, false])) as Record<
  (typeof PARTS)[number],
  false
>;

/** The parts of one live session and how they work together. */
export class SessionCore {
  readonly ctx: SessionContext;
  readonly machine: SessionMachine;
  readonly status: SessionStatus;
  readonly entry: RoomEntry;
  readonly publishing: Publishing;
  readonly watching: Watching;
  readonly recovery: Recovery;
  readonly interruptions: Interruptions;
  readonly renewal: TokenRenewal;
  readonly room: RoomChat;
  readonly report: RoomReport;
  readonly summary: RoomSummary;
  readonly viewerList: ViewerList;
  readonly call: CallState;
  readonly signals: RoomSignals;
  readonly cohost: Cohosting;
  readonly handler: RtcEventHandler;
  /** Go live again by itself after a retry (the anchor was live when the session failed). */
  autoPublish = false;
  keepScreen = false;
  listening = false;

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
      tokenRole: () => this.tokenRole(),
    });
    const media: MediaHost = {
      react: (reaction: NativeReaction, code: number) => this.react(reaction, code),
      dropped: (refresh: boolean) => this.recovery.begin(refresh),
      streamBack: () => this.recovery.streamBack(),
      mainPlayerGone: () => this.room.clearPlayQuality(),
      permissionError: (scope) => permissionError(scope, this.entry.role),
    };
    this.publishing = new Publishing(ctx, status, media);
    this.watching = new Watching(ctx, status, media, {
      plays: (stream) => this.cohost.plays(stream),
      mix: () => this.cohost.mixToPlay,
    });
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
    this.renewal = new TokenRenewal(ctx, status, { roomID, role: () => this.tokenRole(), inRoom });
    this.room = new RoomChat(ctx, status, {
      roomID,
      inRoom,
      mainPlayer: () => this.watching.players[0]?.streamID,
      ownStream: () => this.publishing.pusher?.streamID,
      userID: () => this.entry.userID,
      isAnchor: () => this.entry.role === 'anchor',
    });
    this.report = new RoomReport(ctx, {
      roomID,
      // Viewers online now (the SDK's count, as the badge shows it): the service keeps the peak and the series.
      figures: () => ({
        viewers: this.room.onlineCount,
        likes: this.room.likes,
        messages: this.room.messages,
      }),
    });
    this.summary = new RoomSummary(ctx);
    this.viewerList = new ViewerList(ctx, roomID);
    this.call = new CallState(() => this.entry.userID);
    this.signals = new RoomSignals(roomID);
    this.cohost = new Cohosting(
      ctx,
      status,
      {
        roomID,
        inRoom,
        userID: () => this.entry.userID,
        role: () => this.entry.role,
        watching: () => this.status.phase === 'watching', // observable: what the screens derive from it follows
        streams: () => this.watching.streams,
        authorizeMedia: () => this.entry.authorizeMedia(this.ctx.epoch),
        goOnStage: (streamID) => this.goOnStage(streamID),
        leaveStage: () => this.leaveStage(),
        replan: () => this.replan(),
        anchorGone: () => void this.checkRoomEnded(this.ctx.epoch, false),
      },
      (listener) => this.signals.onCommand(listener),
    );
    // The service's mutes reach this viewer as custom commands.
    this.signals.onCommand((command) => this.room.moderation.onCommand(command));
    this.machine.onChange((from, to, event) => this.phaseChanged(from, to, event));
    this.handler = loggedHandler(sdkRoutes(this));
    makeAutoObservable(this, CORE_NOT_OBSERVABLE, { autoBind: true });
  }

  /** Drops whatever the last visit left and goes back to idle. */
  newVisit(): void {
    this.teardown();
    this.resetState();
  }

  joined(streamID: string): void {
    this.room.joined();
    if (this.entry.role !== 'call') this.room.readRoomState();
    if (publishes(this.entry.role)) this.publishing.prepare(streamID);
    this.machine.send('joined');
    this.watching.playAll(this.entry.inRoom);
    if (this.entry.role === 'call') void this.publishing.start();
    this.cohost.joined();
  }

  /** The role a token is for now: a viewer on stage is a co-host. */
  tokenRole(): TokenRole | null {
    return this.cohost.onStage ? 'cohost' : this.entry.role;
  }

  /** Plays what the plan says now (co-hosts came or went, a mix started or stopped). */
  replan(): void {
    this.watching.replan(this.entry.inRoom, this.machine.in(...RUNNING_PHASES), this.interruptions.hidden);
  }

  /** Accepted as a co-host: cohosting, the original streams instead of the mix, then the own stream. */
  async goOnStage(streamID: string): Promise<boolean> {
    if (!this.machine.send('cohostStarted')) return false;
    this.publishing.prepare(streamID);
    this.replan();
    return this.publishing.start();
  }

  /** Off stage: the own stream stopped (SDK, then component) and its preview gone; watching (the mix, if any). */
  leaveStage(): void {
    this.publishing.dispose();
    this.machine.send('cohostEnded');
    this.replan();
  }

  /** The anchor's stream went away: if the service says the room ended, show the end screen. */
  async checkRoomEnded(epoch: number, onlyWhenNothingPlays = true): Promise<void> {
    try {
      const { room } = await this.ctx.deps.api.getRoom(this.entry.roomID);
      if (this.ctx.isStale(epoch) || room.status !== 'ended') return;
      if (!onlyWhenNothingPlays || this.watching.streams.length === 0) this.finish('ended', null);
    } catch {
      // keep waiting for the anchor
    }
  }

  /** Installs the SDK handler and the platform listeners (once per visit). */
  listen(engine: RtcEngine): void {
    if (this.listening) return;
    this.listening = true;
    engine.setEventHandler(this.handler);
    this.interruptions.listen(this.ctx.deps.platform());
  }

  /** What a native code means for the session (native-codes.ts). */
  react(reaction: NativeReaction, code: number): void {
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

  pauseMedia(): void {
    this.publishing.pause();
    this.watching.pause();
  }

  resumeMedia(): void {
    this.publishing.resume();
    if (this.entry.role === 'anchor') {
      // the anchor's players are its co-hosts; its own push is the recovery's business
      if (this.machine.in(...RUNNING_PHASES)) this.watching.resume(this.entry.inRoom);
      else this.watching.takeHidden();
      return;
    }
    if (!this.machine.in(...PLAYING_PHASES)) {
      // reconnecting or interrupted: the recovery replays everything once it can
      this.watching.takeHidden();
      this.recovery.needFreshMedia();
      return;
    }
    this.watching.resume(this.entry.inRoom);
  }

  /** Publishes / plays again what was running, with fresh URLs when forced. */
  async restoreMedia(epoch: number, force: boolean): Promise<boolean> {
    if (this.publishing.needsRestart(force) && !(await this.publishing.restart(epoch))) return false;
    if (!this.interruptions.hidden && !(await this.watching.restore(epoch, force))) return false;
    return !this.ctx.isStale(epoch);
  }

  phaseChanged(from: SessionPhase, to: SessionPhase, event: SessionEvent): void {
    logPhase(from, to, event, this.entry.roomID);
    if (SCREEN_ON.includes(to)) this.keepScreenOn(true);
    else if (to === 'preview' || !this.machine.in(...ACTIVE_PHASES)) this.keepScreenOn(false);
    if (event === 'published' && from === 'preview') this.report.onAir(() => this.finish('ended', null));
    if (to === 'live' || to === 'watching') this.summary.onAir();
    if (event === 'joined' && to === 'calling') this.report.inCall(() => this.callOver());
    if (event === 'recovered' || event === 'resumed') this.cohost.recovered();
  }

  /** The service says the call ended (the other member hung up and our heartbeat learnt it first). */
  callOver(): void {
    if (!this.machine.in(...ACTIVE_PHASES)) return;
    this.call.end('peerLeft');
    this.finish('ended', null);
  }

  kick(code: number): void {
    const known = describeError(code);
    this.finish('kicked', {
      code,
      message: isKickout(code) ? known.message : '你已在其他设备登录或被移出了房间',
      action: 'leave',
    });
  }

  /** Ends the visit in a final phase: everything torn down, the reason kept on screen. */
  finish(event: 'ended' | 'kicked' | 'failed' | 'gaveUp', error: SessionError | null): void {
    // What this phone saw, taken before the parts drop it: the end screen's figures until the service answers.
    const roomID = this.entry.roomID;
    const own = {
      peakViewers: Math.max(this.room.peakOnline, this.room.onlineCount),
      likes: this.room.likes,
      messages: this.room.messages,
    };
    this.teardown();
    if (!this.machine.send(event)) return;
    this.status.setError(error);
    this.status.setNotice('');
    if (event === 'ended' && this.entry.role !== 'call') void this.summary.ended(roomID, own);
  }

  /** Asks every part to stop what it runs and drop what it owns; the machine keeps its phase. */
  teardown(): void {
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
    this.cohost.dispose();
    this.keepScreenOn(false);
  }

  /** Back to idle with nothing on screen. */
  resetState(): void {
    this.machine.send('leave');
    this.status.reset();
    this.entry.reset();
    this.room.reset();
    this.summary.reset();
    this.viewerList.reset();
    this.call.reset();
    this.signals.reset();
    this.cohost.reset();
  }

  keepScreenOn(on: boolean): void {
    if (this.keepScreen === on) return;
    this.keepScreen = on;
    this.ctx.deps.platform().setKeepScreenOn(on);
  }
}
