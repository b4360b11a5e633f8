import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { SweepResult } from '../../store/types';
import type { LiveContext } from './live';

/** One more thing a sweep pass does after the rooms' own sweep: told the time and the live rooms the pass ended. */
export type SweepStep = (now: number, endedRooms: readonly string[]) => Promise<void>;

/**
 * Keeps room status honest: a live room whose anchor has been silent (no heartbeat, no stats) for
 * HEARTBEAT_PAUSE_MS is paused, and after HEARTBEAT_END_MS ended; a call whose members have all been silent for
 * HEARTBEAT_PAUSE_MS is ended. Every instance runs one; the store's
 * conditional UPDATEs make sure a room is paused or ended once, whichever instance gets there first.
 */
export class HeartbeatSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;
  private readonly steps: { name: string; step: SweepStep }[] = [];

  constructor(
    private readonly live: Pick<LiveContext, 'store' | 'now' | 'config'>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Adds a step to every pass (co-hosts, stale reminders); a failing step is logged and waits a pass. */
  addStep(name: string, step: SweepStep): void {
    this.steps.push({ name, step });
  }

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
    for (const { name, step } of this.steps) {
      try {
        await step(now, result.ended);
      } catch (error) {
        this.log.warn({ err: error }, `${name} sweep failed`);
      }
    }
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

/** How often the sweeper runs by itself: HEARTBEAT_SWEEP_MS by default; false: never (tests sweep by hand). */
export interface SweeperOptions {
  intervalMs: number | false;
}

declare module 'fastify' {
  interface FastifyInstance {
    sweeper: HeartbeatSweeper;
  }
}

/** Decorates `sweeper`: started when the app is ready, stopped (its pass in flight awaited) as it starts closing. */
export default fp<SweeperOptions>(
  async (app, { intervalMs }) => {
    const sweeper = new HeartbeatSweeper(app.live, app.log);
    app.decorate('sweeper', sweeper);
    if (intervalMs !== false) app.addHook('onReady', async () => sweeper.start(intervalMs));
    app.addHook('preClose', async () => sweeper.stop());
  },
  { name: 'sweeper', dependencies: ['live'] },
);
