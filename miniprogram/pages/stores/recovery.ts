/**
 * Recovery: when the room, the network or a stream drops, the session shows it and tries again on a schedule the
 * reconnect policy decides (bounded, backed off, with jitter), logging in again when the SDK gave up on the room
 * and publishing / playing again with fresh URLs; after the policy's last attempt it gives up with a retry button.
 * Owns its attempts, its timer and what it knows of the network.
 */
import type { NetworkStatus } from '../../services/platform-types';
import { OwnedTimer, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import type { RoomState, SessionError } from '../../stores/session-types';
import { BackoffPolicy, type ReconnectPolicy } from '../../utils/backoff';

export { RECONNECT_BACKOFF_MS, BackoffPolicy, type ReconnectPolicy } from '../../utils/backoff';

export const RECONNECT_FAILED = 'RECONNECT_FAILED';
export const RECONNECTING_NOTICE = '网络不稳定，正在重连…';
export const OFFLINE_NOTICE = '网络已断开，等待网络恢复…';

/** What recovery asks of the session around it. */
export interface RecoveryHost {
  roomState(): RoomState;
  /** The page is in the background (players stay stopped until it is shown). */
  hidden(): boolean;
  /** Logs in again with a fresh token (the SDK gave up on the room). */
  rejoin(epoch: number): Promise<boolean>;
  /** Publishes / plays again what was running (`force`: with fresh URLs); false at the first failure. */
  restoreMedia(epoch: number, force: boolean): Promise<boolean>;
  /** Gives up: 'failed' with this reason. */
  giveUp(error: SessionError): void;
}

/** Reconnecting. */
export class Recovery {
  private attempt = 0;
  private running = false;
  /** The next recovery must publish / play again with fresh URLs (a stream dropped, or the page was away). */
  private refreshMedia = false;
  /** A drop arrived during an interruption: reconnect once it is over. */
  private afterInterruption = false;
  private networkConnected = true;
  /** Where the backoff waits start again: the network came back, so the next wait is the shortest one. */
  private backoffFrom = 0;
  /** The network came back while an attempt was under way: try again as soon as it is over. */
  private retryWhenDone = false;
  private readonly timer = new OwnedTimer();

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: RecoveryHost,
    private readonly policy: ReconnectPolicy = new BackoffPolicy(),
  ) {}

  /** The network is up and the room connected, with nothing left to replay. */
  canRecoverNow(): boolean {
    return this.networkConnected && this.host.roomState() === 'CONNECTED' && !this.refreshMedia;
  }

  /** The next recovery replays everything (the page was hidden while reconnecting). */
  needFreshMedia(): void {
    this.refreshMedia = true;
  }

  /** Something dropped: show it and start recovering (during an interruption: once it is over). */
  begin(refresh: boolean): void {
    const { machine } = this.ctx;
    if (refresh) this.refreshMedia = true;
    if (machine.in('interrupted')) {
      this.afterInterruption = true;
      machine.send('dropped');
      return;
    }
    const fresh = !machine.in('reconnecting');
    if (!machine.send('dropped') || !fresh) return;
    this.attempt = 0;
    this.backoffFrom = 0;
    this.status.setNotice(this.networkConnected ? RECONNECTING_NOTICE : OFFLINE_NOTICE);
    this.schedule();
  }

  /** An interruption began while reconnecting: stop trying until it is over. */
  pauseForInterruption(): void {
    this.afterInterruption = true;
    this.timer.clear();
    this.attempt = 0;
    this.backoffFrom = 0;
  }

  /** The interruption is over: reconnect now if something dropped meanwhile. */
  afterInterruptionEnded(): void {
    if (!this.afterInterruption && !this.refreshMedia) return;
    this.afterInterruption = false;
    this.begin(true);
    void this.attemptNow();
  }

  /** The room is connected again (roomStateUpdate CONNECTED): try now. */
  roomConnected(): void {
    if (!this.ctx.machine.in('reconnecting')) return;
    // the room is back: a failure from here on waits the shortest step again
    this.backoffFrom = this.attempt + 1;
    if (this.running) this.retryWhenDone = true;
    else void this.attemptNow();
  }

  /** A stream runs again (PUBLISHING, PLAYING, player 2004): recovered if nothing else is missing. */
  streamBack(): void {
    if (this.ctx.machine.in('reconnecting') && this.canRecoverNow()) this.recovered();
  }

  private schedule(): void {
    // the bound counts every attempt; the wait restarts from the shortest one once the network is back
    if (this.attempt >= this.policy.maxAttempts) {
      this.giveUp();
      return;
    }
    const delay = this.policy.nextDelayMs(Math.max(0, this.attempt - this.backoffFrom));
    if (delay === null) {
      this.giveUp();
      return;
    }
    this.timer.set(delay, () => void this.attemptNow());
  }

  /** One attempt; counts towards the bound whether the timer or an event triggered it. */
  async attemptNow(): Promise<void> {
    if (!this.ctx.machine.in('reconnecting') || this.running) return;
    this.timer.clear();
    this.attempt += 1;
    this.running = true;
    const epoch = this.ctx.epoch;
    let ok: boolean;
    try {
      ok = await this.recoverOnce(epoch);
    } finally {
      this.running = false;
    }
    if (this.ctx.isStale(epoch) || !this.ctx.machine.in('reconnecting')) return;
    const again = this.retryWhenDone;
    this.retryWhenDone = false;
    if (ok) this.recovered();
    else if (this.attempt >= this.policy.maxAttempts) this.giveUp();
    else if (again) void this.attemptNow();
    else this.schedule();
  }

  private async recoverOnce(epoch: number): Promise<boolean> {
    if (!this.ctx.engine || !this.networkConnected) return false;
    const state = this.host.roomState();
    // the SDK is still reconnecting the room by itself: wait for it
    if (state === 'CONNECTING') return false;
    if (state === 'DISCONNECTED') {
      if (!(await this.host.rejoin(epoch))) return false;
      this.refreshMedia = true;
    }
    const ok = await this.host.restoreMedia(epoch, this.refreshMedia);
    if (!ok || this.ctx.isStale(epoch)) return false;
    this.refreshMedia = false;
    return true;
  }

  private recovered(): void {
    this.timer.clear();
    this.attempt = 0;
    this.backoffFrom = 0;
    this.refreshMedia = false;
    if (this.ctx.machine.send('recovered')) this.status.setNotice('');
  }

  private giveUp(): void {
    this.host.giveUp({
      code: RECONNECT_FAILED,
      message: `网络连接失败，已自动重试 ${this.policy.maxAttempts} 次，请检查网络后重试`,
      action: 'retry',
    });
  }

  /** wx.onNetworkStatusChange: offline starts a reconnect, online tries at once. */
  onNetworkChange(status: NetworkStatus): void {
    const was = this.networkConnected;
    this.networkConnected = status.isConnected;
    if (!status.isConnected) {
      if (this.ctx.machine.in('reconnecting')) this.status.setNotice(OFFLINE_NOTICE);
      else this.begin(true);
      return;
    }
    if (!was && this.ctx.machine.in('reconnecting')) {
      this.status.setNotice(RECONNECTING_NOTICE);
      // back online: try now (or right after the attempt under way), then wait the shortest step again
      this.backoffFrom = this.attempt + 1;
      if (this.running) this.retryWhenDone = true;
      else void this.attemptNow();
    }
  }

  /** Stops trying (the anchor stopped pushing, or the visit is over). */
  stop(): void {
    this.timer.clear();
    this.attempt = 0;
    this.backoffFrom = 0;
    this.retryWhenDone = false;
  }

  /** The visit is over. */
  dispose(): void {
    this.stop();
    this.running = false;
    this.refreshMedia = false;
    this.afterInterruption = false;
    this.networkConnected = true;
  }
}
