/**
 * Interruptions and background: a phone call (wx.onAudioInterruptionBegin, pusher 5001) or the system suspending
 * the pusher (5000) pauses the session until the call ends (or the app is shown again); the app going to the
 * background pauses the pusher (viewers see the waiting image) and stops the players, coming back resumes them.
 * Owns the platform listeners of a visit and whether the page is hidden.
 */
import type { NetworkStatus, Platform, Unsubscribe } from '../../services/platform-types';
import type { SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import { appLog } from '../../utils/log-ring';

export const INTERRUPTED_NOTICE = '通话中，直播已暂停，结束后自动恢复';

/** What interruptions ask of the session around them. */
export interface InterruptionsHost {
  /** Pauses the media for the background. */
  pauseMedia(): void;
  /** Back from the background: resume, or (while reconnecting / interrupted) leave it to the recovery. */
  resumeMedia(): void;
  /** Resumes the components after a call. */
  resumeComponents(): void;
  /** The network changed. */
  networkChanged(status: NetworkStatus): void;
  /** The room feed stops / starts flushing. */
  feedPaused(paused: boolean): void;
  /** A reconnect was under way when the call began: it waits. */
  pauseRecovery(): void;
  /** The call is over: reconnect if something dropped meanwhile. */
  interruptionEnded(): void;
  /** The session is in a room with its media (not idle, not final). */
  active(): boolean;
}

/** Phone calls and the background. */
export class Interruptions {
  private by: 'call' | 'suspend' = 'call';
  private hiddenNow = false;
  private readonly unsubscribers: Unsubscribe[] = [];

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: InterruptionsHost,
  ) {}

  /** The page is in the background. */
  get hidden(): boolean {
    return this.hiddenNow;
  }

  /** Installs the platform listeners of this visit (once). */
  listen(platform: Platform): void {
    if (this.unsubscribers.length > 0) return;
    this.unsubscribers.push(
      platform.onNetworkStatusChange((status) => {
        appLog.add('network', `connected=${String(status.isConnected)} type=${status.networkType}`);
        this.host.networkChanged(status);
      }),
      platform.onAudioInterruptionBegin(
        () => (appLog.add('lifecycle', 'audio interruption'), this.begin('call')),
      ),
      platform.onAudioInterruptionEnd(() => (appLog.add('lifecycle', 'audio back'), this.end())),
      platform.onAppHide(() => (appLog.add('lifecycle', 'app hidden'), this.pageHidden())),
      platform.onAppShow(() => (appLog.add('lifecycle', 'app shown'), this.pageShown())),
    );
  }

  /** A call (or a suspended pusher) pauses the session. */
  begin(by: 'call' | 'suspend'): void {
    const { machine } = this.ctx;
    if (machine.in('interrupted')) {
      if (by === 'call') this.by = 'call';
      machine.send('interrupted');
      return;
    }
    const wasReconnecting = machine.in('reconnecting');
    if (!machine.send('interrupted')) return;
    this.by = by;
    if (wasReconnecting) this.host.pauseRecovery();
    this.status.setNotice(INTERRUPTED_NOTICE);
  }

  /** The call is over (or the app is back after pusher 5000): back where it was, media resumed. */
  end(resumeMedia = true): void {
    if (!this.ctx.machine.send('resumed')) return;
    this.status.setNotice('');
    if (resumeMedia && !this.hiddenNow) this.host.resumeComponents();
    this.host.interruptionEnded();
  }

  /** The page went to the background. */
  pageHidden(): void {
    if (this.hiddenNow) return;
    this.hiddenNow = true;
    this.host.feedPaused(true);
    if (this.ctx.engine && this.host.active()) this.host.pauseMedia();
  }

  /** The page is back. */
  pageShown(): void {
    if (!this.hiddenNow) return;
    this.hiddenNow = false;
    this.host.feedPaused(false);
    if (this.ctx.machine.in('interrupted') && this.by === 'suspend') this.end(false);
    if (this.ctx.engine && this.host.active()) this.host.resumeMedia();
  }

  /** The visit is over: listeners removed, nothing paused. */
  dispose(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.by = 'call';
    this.hiddenNow = false;
  }
}
