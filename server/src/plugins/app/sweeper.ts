import type { FastifyBaseLogger } from 'fastify';
import type { SweepResult } from '../../store/types';
import { endCohosting, endSilentCohosts } from '../../features/cohosts/service';
import type { LiveContext } from './live';

/**
 * Keeps room status honest: a live room whose anchor has been silent (no heartbeat, no stats) for
 * HEARTBEAT_PAUSE_MS is paused, and after HEARTBEAT_END_MS ended; a call whose members have all been silent for
 * HEARTBEAT_PAUSE_MS is ended. Every instance runs one; the store's
 * conditional UPDATEs make sure a room is paused or ended once, whichever instance gets there first.
 */
export class HeartbeatSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;

  constructor(
    private readonly live: LiveContext,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** One pass at the context's current time; concurrent calls share the pass in flight. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<SweepResult> {
    const now = this.live.now();
    const { pauseMs, endMs } = this.live.config.heartbeat;
    const result = await this.live.store.rooms.sweep(now, now - pauseMs, now - endMs);
    if (result.paused.length > 0) this.log.info({ rooms: result.paused }, 'no heartbeat: rooms paused');
    if (result.ended.length > 0) this.log.info({ rooms: result.ended }, 'no heartbeat: rooms ended');
    await this.sweepCohosts(now, result.ended);
    await this.resendStaleReminders();
    const calls = await this.sweepCalls(now);
    return { ...result, ended: [...result.ended, ...calls] };
  }

  /**
   * Ends calls none of whose members has sent a heartbeat for HEARTBEAT_PAUSE_MS. A call has no pause: a live room
   * pauses because its viewers wait for the anchor, but nobody waits for a call that none of its members is in.
   */
  private async sweepCalls(now: number): Promise<string[]> {
    const ended = await this.live.store.rooms.sweepCalls(now, now - this.live.config.heartbeat.pauseMs);
    if (ended.length > 0) this.log.info({ rooms: ended }, 'no heartbeat from any member: calls ended');
    return ended;
  }

  /** Start reminders an instance claimed and died before sending (a failure waits a pass). */
  private async resendStaleReminders(): Promise<void> {
    try {
      const rooms = await this.live.reminders.resendStale();
      if (rooms.length > 0)
        this.log.info({ rooms }, 'start reminders left by another instance: sending again');
    } catch (error) {
      this.log.warn({ err: error }, 'stale reminder sweep failed');
    }
  }

  /** Co-hosting: silent co-hosts end, and the rooms this pass ended end their co-hosting (a failure waits a pass). */
  private async sweepCohosts(now: number, endedRooms: readonly string[]): Promise<void> {
    try {
      for (const roomId of endedRooms) await endCohosting(this.live, this.log, roomId);
      await endSilentCohosts(this.live, this.log, now);
    } catch (error) {
      this.log.warn({ err: error }, 'co-host sweep failed');
    }
  }

  /** Sweeps every intervalMs until stop(); the timer does not keep the process alive. */
  start(intervalMs: number): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'heartbeat sweep failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
