/**
 * Publishing: the local stream. In ZEGO's order: startPublishingStream -> the URL on zego-pusher -> start(); stop
 * is the SDK first, then the component. Forwards every pusher statechange / netstatus into the SDK with the own
 * stream ID and reacts to publisherStateUpdate. Owns the pusher's view and the camera controls.
 */
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { NativeLiveEvent, RtcEvents } from '../../services/rtc-types';
import { describeError } from '../../utils/error-catalog';
import { nativeReaction, type NativeReaction } from './native-codes';
import { codeOf, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { PusherView, SessionError } from '../../stores/session-types';
import type { MediaScope } from '../../services/platform-types';

/** What the media parts ask of the session around them. */
export interface MediaHost {
  /** A native code's reaction (reconnect, interrupt, notice, error) from the codes table. */
  react(reaction: NativeReaction, code: number): void;
  /** Something dropped: reconnect (with fresh URLs when `refresh`). */
  dropped(refresh: boolean): void;
  /** A stream is running again: the reconnect may be over. */
  streamBack(): void;
  /** The first player (whose quality the screen shows) stopped. */
  mainPlayerGone(): void;
  /** What a refused camera or microphone means on this visit (a call's words differ from going live). */
  permissionError(scope: MediaScope): SessionError;
}

/** The local stream. */
export class Publishing {
  pusher: PusherView | null = null;
  /** The user asked to be on air (go live, or a call): recovery publishes again while it holds. */
  private wanted = false;

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: MediaHost,
  ) {
    makeAutoObservable<Publishing, 'ctx' | 'status' | 'host' | 'wanted'>(
      this,
      { ctx: false, status: false, host: false, wanted: false },
      { autoBind: true },
    );
  }

  /** The session means to be on air. */
  get wantsToPublish(): boolean {
    return this.wanted;
  }

  /** The pusher's URL is set (pushing, or about to). */
  get hasUrl(): boolean {
    return !!this.pusher?.url;
  }

  /** Logged in with a stream of our own: the camera preview appears, nothing is pushed yet. */
  prepare(streamID: string): void {
    this.pusher = {
      streamID,
      url: '',
      state: 'NO_PUBLISH',
      enableCamera: true,
      muted: false,
      beauty: 5,
      whiteness: 3,
      devicePosition: 'front',
    };
  }

  /** Pushes the own stream; false when it did not start (the reason is on screen when the caller shows it). */
  async start(): Promise<boolean> {
    if (!this.ctx.engine || !this.pusher || this.wanted) return false;
    const epoch = this.ctx.epoch;
    this.wanted = true;
    this.status.setError(null);
    this.pusher = { ...this.pusher, state: 'PUBLISH_REQUESTING' };
    const ok = await this.publish(epoch);
    // a drop meanwhile leaves the wish to the recovery
    if (!ok && !this.ctx.isStale(epoch) && !this.ctx.machine.in('reconnecting', 'interrupted'))
      this.notStarted();
    return ok;
  }

  private notStarted(): void {
    this.wanted = false;
    if (this.pusher) this.pusher = { ...this.pusher, url: '', state: 'NO_PUBLISH' };
  }

  /** Asks the SDK for a push URL, puts it on the pusher, starts the component. */
  async publish(epoch: number): Promise<boolean> {
    const { ctx } = this;
    const engine = ctx.engine;
    const streamID = this.pusher?.streamID;
    if (!engine || !streamID) return false;
    let url: string;
    try {
      url = (await engine.startPublishingStream(streamID)).url;
    } catch (error) {
      if (!ctx.isStale(epoch) && !ctx.machine.in('reconnecting'))
        this.status.setError(describeError(codeOf(error)));
      return false;
    }
    if (ctx.isStale(epoch) || !this.pusher) return false;
    this.setUrl(url);
    try {
      await ctx.view?.startPusher();
    } catch {
      if (ctx.isStale(epoch)) return false;
      engine.stopPublishingStream(streamID);
      if (!ctx.machine.in('reconnecting')) {
        this.status.setError({
          code: 'PUSHER_START',
          message: '摄像头推流没有启动，请重试',
          action: 'retry',
        });
      }
      return false;
    }
    return !ctx.isStale(epoch);
  }

  private setUrl(url: string): void {
    if (this.pusher) this.pusher = { ...this.pusher, url };
  }

  /** Stops pushing (SDK, then component) and stays in the room; false when nothing was pushed. */
  stop(): boolean {
    const pusher = this.pusher;
    if (!pusher || !this.ctx.engine || (!this.wanted && !pusher.url)) return false;
    this.wanted = false;
    this.stopStream(pusher.streamID);
    this.pusher = { ...pusher, url: '', state: 'NO_PUBLISH' };
    return true;
  }

  /** Stops the push for a fresh start (recovery): SDK, then component; the wish to be on air stays. */
  restart(epoch: number): Promise<boolean> {
    if (this.pusher) this.stopStream(this.pusher.streamID);
    return this.publish(epoch);
  }

  /** Needs a fresh push (recovery): on air by wish, and not publishing or forced. */
  needsRestart(force: boolean): boolean {
    return this.wanted && !!this.pusher && (force || this.pusher.state !== 'PUBLISHING');
  }

  private stopStream(streamID: string): void {
    try {
      this.ctx.engine?.stopPublishingStream(streamID);
    } catch {
      // the SDK may have stopped it already (kick-out, logout)
    }
    this.ctx.view?.stopPusher();
  }

  /** zego-pusher statechange: into the SDK first, then the codes table. */
  onStateChange(event: NativeLiveEvent): void {
    const engine = this.ctx.engine;
    const streamID = this.pusher?.streamID;
    if (!engine || !streamID) return;
    engine.updatePlayerState(streamID, event);
    const code = event.detail.code;
    const reaction = nativeReaction('pusher', code);
    if (!reaction || code === undefined) return;
    if (reaction.kind === 'reconnect' && reaction.whilePublishing && !this.wanted) return;
    this.host.react(reaction, code);
  }

  /** zego-pusher netstatus: into the SDK (quality comes back through publishQualityUpdate). */
  onNetStatus(event: NativeLiveEvent): void {
    const engine = this.ctx.engine;
    const streamID = this.pusher?.streamID;
    if (engine && streamID) engine.updatePlayerNetStatus(streamID, event);
  }

  /**
   * live-pusher's binderror: the camera (10001) or microphone (10002) was refused at the system level, or a resource
   * failed (10003 background music, 10004 waiting image). Refusals offer the settings page; the rest are shown.
   */
  onError(detail: { errCode: number; errMsg: string }): void {
    if (detail.errCode === 10001) this.status.setError(this.host.permissionError('scope.camera'));
    else if (detail.errCode === 10002) this.status.setError(this.host.permissionError('scope.record'));
    else if (detail.errCode === 10004) this.status.flash('等待画面加载失败，切到后台时观众可能看到黑屏');
    else
      this.status.setError({
        code: detail.errCode,
        message: `推流组件出错（${detail.errCode}）：${detail.errMsg}`,
        action: 'none',
      });
  }

  /** publisherStateUpdate: the pusher's state; on air, or a failure (in preview: shown; on air: reconnect). */
  onPublisherStateUpdate(p: RtcEvents['publisherStateUpdate'], onAir: () => void): void {
    const pusher = this.pusher;
    if (!pusher || p.streamID !== pusher.streamID) return;
    if (pusher.state !== p.state) this.pusher = { ...pusher, state: p.state };
    if (p.state === 'PUBLISHING') {
      if (this.wanted) onAir();
      return;
    }
    if (p.state !== 'NO_PUBLISH' || p.errorCode === 0 || !this.wanted) return;
    if (this.ctx.machine.in('preview')) {
      this.wanted = false;
      this.stopStream(pusher.streamID);
      this.pusher = { ...pusher, url: '', state: 'NO_PUBLISH' };
      this.status.setError(describeError(p.errorCode));
    } else {
      this.host.dropped(true);
    }
  }

  /** Camera on/off. */
  toggleCamera(): void {
    if (this.pusher) this.pusher = { ...this.pusher, enableCamera: !this.pusher.enableCamera };
  }

  /** Microphone on/off. */
  toggleMicrophone(): void {
    if (this.pusher) this.pusher = { ...this.pusher, muted: !this.pusher.muted };
  }

  /** Front/back camera: zego-pusher's device-position follows (one switch; the native context is not called). */
  switchCamera(): void {
    if (!this.pusher) return;
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

  /** The page went to the background: pause (viewers see the waiting image). */
  pause(): void {
    if (this.pusher) this.ctx.view?.pausePusher();
  }

  /** Back in the foreground. */
  resume(): void {
    if (this.pusher) this.ctx.view?.resumePusher();
  }

  /** The visit is over: the push stopped (SDK, then component), the view gone. */
  dispose(): void {
    const pusher = this.pusher;
    if (pusher && this.ctx.engine && (this.wanted || pusher.url)) this.stopStream(pusher.streamID);
    this.wanted = false;
    runInAction(() => (this.pusher = null));
  }
}

function clampLevel(level: number): number {
  return Math.max(0, Math.min(9, Math.round(Number.isFinite(level) ? level : 0)));
}
