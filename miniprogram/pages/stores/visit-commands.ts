/**
 * What the user does to the visit as a whole: start it, go live and off air, end the show or hang up the call,
 * press the error's button (retry, settings). Each is a sequence over the parts, in the order ZEGO and the table
 * want.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import { publishes, type StartOptions } from './room-entry';
import type { SessionCore } from './session-core';
import { ACTIVE_PHASES, PLAYING_PHASES } from './session-table';
import { TOKEN_RENEW_FAILED } from './token-renewal';
import type { Role } from '../../stores/session-types';

/** The visit's commands. */
export class VisitCommands {
  constructor(private readonly core: SessionCore) {
    makeAutoObservable<VisitCommands, 'core'>(this, { core: false }, { autoBind: true });
  }

  /** Leaves the room: stops every stream (SDK first), logs out, removes listeners and timers, back to idle. */
  leave(): void {
    this.core.teardown();
    this.core.resetState();
    this.core.entry.lastStart = null;
    this.core.entry.forgetEarlyToken();
  }

  /** Before a visit: the engine loaded and (withToken) the room's token asked for; nothing while one is under way. */
  prepare(options: { roomID: string; role: Role; withToken: boolean }): void {
    if (this.core.machine.in(...ACTIVE_PHASES)) return;
    this.core.entry.prepare(options.roomID, options.role, options.withToken);
  }

  /** Checks the phone, asks for permissions (roles that publish), joins: preview, watching or calling. */
  async start(options: StartOptions): Promise<void> {
    if (this.core.machine.in(...ACTIVE_PHASES)) {
      this.core.machine.send('start'); // refused, and reported in development builds
      return;
    }
    this.core.newVisit();
    this.core.autoPublish = false;
    await this.core.entry.start(options);
  }

  /** Stops pushing: the SDK first, then the component; the anchor stays in the room, in preview. */
  stopPublishing(): void {
    if (!this.core.publishing.stop()) return;
    this.core.report.offAir();
    if (this.core.machine.in('live', 'reconnecting', 'interrupted')) {
      this.core.recovery.stop();
      this.core.machine.send('unpublished');
      this.core.status.setNotice('');
    }
  }

  /** The anchor ends the show: stop pushing, end the room on the service, leave; the page shows the end screen. */
  async endLive(): Promise<void> {
    if (this.core.entry.role !== 'anchor') return;
    const roomID = this.core.entry.roomID;
    this.stopPublishing();
    this.core.report.report();
    try {
      await this.core.ctx.deps.api.endRoom(roomID);
    } catch {
      // the service also ends rooms whose anchor is gone; the anchor should still get out
    }
    this.core.finish('ended', null);
  }

  /** A call member hangs up: both streams stopped (SDK first), the call ended on the service, logged out. */
  async hangUp(): Promise<void> {
    if (this.core.entry.role !== 'call' || !this.core.machine.in(...ACTIVE_PHASES)) return;
    const roomID = this.core.entry.roomID;
    this.core.call.end('hungUp');
    this.core.finish('ended', null);
    try {
      await this.core.ctx.deps.api.endRoom(roomID);
    } catch {
      // the other side sees our stream go and ends too; the service ends a call nobody is in
    }
  }

  /** The error's retry button: renew the token, publish again, play again, or start again from 'failed'. */
  async retry(): Promise<void> {
    const error = this.core.status.error;
    if (error?.code === TOKEN_RENEW_FAILED && this.core.machine.in(...ACTIVE_PHASES)) {
      this.core.status.setError(null);
      await this.core.renewal.renew();
      return;
    }
    if (this.core.machine.in('preview')) {
      this.core.status.setError(null);
      await this.startPublishing();
      return;
    }
    if (this.core.machine.in(...PLAYING_PHASES) && error) {
      this.core.status.setError(null);
      if (this.core.entry.role === 'call' && !this.core.publishing.wantsToPublish)
        await this.core.publishing.start();
      for (const stream of this.core.watching.streams)
        await this.core.watching.startPlaying(stream.streamID, this.core.entry.inRoom);
      return;
    }
    const last = this.core.entry.lastStart;
    if (!this.core.machine.in('failed') || !last) return;
    const autoPublish = this.core.autoPublish;
    await this.start(last);
    if (autoPublish && this.core.machine.in('preview')) await this.startPublishing();
  }

  /** Opens WeChat's settings page, then checks the permissions again and carries on joining. */
  async openSetting(): Promise<void> {
    const epoch = this.core.ctx.epoch;
    try {
      await this.core.ctx.deps.platform().openSetting();
    } catch {
      // the user closed it; the checks below tell what is granted
    }
    if (this.core.ctx.isStale(epoch)) return;
    if (this.core.machine.in('authorizing') && publishes(this.core.entry.role)) {
      await this.core.entry.resumeAuthorizing();
      return;
    }
    if (this.core.status.error?.action === 'openSetting') this.core.status.setError(null);
  }

  /** Goes live: push URL from the SDK onto zego-pusher, then start it; 'live' once the SDK says PUBLISHING. */
  async startPublishing(): Promise<void> {
    if (this.core.entry.role !== 'anchor' || !this.core.machine.in('preview')) return;
    await this.core.publishing.start();
  }
}
