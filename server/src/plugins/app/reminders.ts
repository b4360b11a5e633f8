/**
 * Start reminders (开播提醒): when a room goes live, each of its pending subscriptions is sent one subscribe
 * message. Sending runs after the go-live answer, a few at a time, and never fails going live. Each reminder is
 * claimed by one conditional UPDATE (pending -> sending), so with any number of instances it is sent at most once;
 * its outcome is recorded (sent, refused 43101, failed with WeChat's errcode). A transient failure (WeChat busy,
 * unreachable) is retried once after RETRY_DELAY_MS, nothing more.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import { audiencePath } from '@zego-live/contract';
import type { Room } from '../../store/types';
import { WeChatError } from '../../wechat/access-token';
import {
  REFUSED_ERRCODE,
  type SubscribeMessageClient,
  chinaTime,
  fitKeyword,
  miniprogramStateOf,
} from '../../wechat/subscribe-message';
import type { LiveContext } from './live';

/**
 * A reminder still 'sending' this long after its claim was left by an instance that died mid-send; it is claimed
 * again. A send takes seconds at most (two attempts of wechatTimeoutMs and the retry delay). Should the dead
 * instance's send have reached WeChat after all, the second one uses no subscription (WeChat refuses it, 43101):
 * nobody gets two messages.
 */
export const RECLAIM_AFTER_MS = 10 * 60_000;

/** How many messages are in flight at once per room going live. */
export const SEND_CONCURRENCY = 4;
/** Attempts per reminder: the first, and one retry of a transient failure. */
export const MAX_ATTEMPTS = 2;
const RETRY_DELAY_MS = 1000;
/** errcodes worth one retry: WeChat busy or rate limited. */
const TRANSIENT_ERRCODES = new Set([-1, 45009, 45011]);

/** The outcome of one reminder, as recorded. */
interface Outcome {
  state: 'sent' | 'refused' | 'failed';
  errcode: number | null;
  attempts: number;
}

/** Sends a room's reminders when it goes live; one per service instance. */
export class ReminderSender {
  private readonly running = new Set<Promise<void>>();
  private readonly client: SubscribeMessageClient | null;

  constructor(
    private readonly live: LiveContext,
    private readonly log: FastifyBaseLogger,
    private readonly retryDelayMs = RETRY_DELAY_MS,
  ) {
    const template = live.config.wechat?.liveTemplate ?? null;
    this.client = template === null ? null : (live.wechat?.subscribeMessage ?? null);
  }

  /** The template ID the app asks wx.requestSubscribeMessage for, or null: reminders are unavailable. */
  get templateId(): string | null {
    return this.client === null ? null : (this.live.config.wechat?.liveTemplate?.id ?? null);
  }

  /** Starts sending the room's pending reminders after the current answer (returns at once; errors are logged). */
  dispatch(roomId: string): void {
    if (this.client === null) return;
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.live.store.rooms.get(roomId))
      .then((room) => (room === null ? undefined : this.sendAll(room)))
      .catch((error: unknown) => {
        this.log.warn({ err: error, roomId }, 'start reminders not sent');
      });
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  /** Sends again what died with another instance: each live room with a reminder claimed long ago and unsent. */
  async resendStale(): Promise<string[]> {
    if (this.client === null) return [];
    const rooms = await this.live.store.reminders.roomsWithStaleSends(this.live.now() - RECLAIM_AFTER_MS);
    for (const roomId of rooms) this.dispatch(roomId);
    return rooms;
  }

  /** Resolves when every dispatch started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async sendAll(room: Room): Promise<void> {
    const now = this.live.now();
    const claimed = await this.live.store.reminders.claimPending(room.id, now, now - RECLAIM_AFTER_MS);
    if (claimed.length === 0) return;
    const anchor = room.ownerId === null ? null : await this.live.store.users.get(room.ownerId);
    const data = this.dataFor(room, anchor?.nickname ?? '主播');
    const queue = [...claimed];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const outcome: Outcome =
          next.openid === null
            ? { state: 'failed', errcode: null, attempts: 0 }
            : await this.sendOne(next.openid, room, data);
        await this.live.store.reminders.finish(room.id, next.userId, outcome, this.live.now());
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, worker));
    this.log.info({ roomId: room.id, reminders: claimed.length }, 'start reminders sent');
  }

  private dataFor(room: Room, anchorName: string): Record<string, string> {
    const keys = this.live.config.wechat?.liveTemplate?.keys;
    if (!keys) return {};
    return {
      [keys.title]: fitKeyword(keys.title, room.title),
      [keys.time]: chinaTime(room.startedAt ?? this.live.now()),
      [keys.anchor]: fitKeyword(keys.anchor, anchorName),
    };
  }

  private async sendOne(openid: string, room: Room, data: Record<string, string>): Promise<Outcome> {
    const client = this.client as SubscribeMessageClient;
    const wechat = this.live.config.wechat;
    let errcode: number | null = null;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      let transient: boolean;
      try {
        const answer = await client.send({
          touser: openid,
          templateId: wechat?.liveTemplate?.id ?? '',
          page: audiencePath(room.id),
          data,
          miniprogramState: miniprogramStateOf(wechat?.envVersion ?? 'release'),
        });
        if (answer.ok) return { state: 'sent', errcode: null, attempts: attempt };
        errcode = answer.errcode;
        if (errcode === REFUSED_ERRCODE) return { state: 'refused', errcode, attempts: attempt };
        transient = TRANSIENT_ERRCODES.has(errcode);
      } catch (error) {
        if (!(error instanceof WeChatError)) throw error;
        errcode = error.errcode ?? null;
        transient = true;
      }
      if (!transient || attempt === MAX_ATTEMPTS) return { state: 'failed', errcode, attempts: attempt };
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
    }
    return { state: 'failed', errcode, attempts: MAX_ATTEMPTS };
  }
}

/** How long a start reminder waits before its one retry (default 1000 ms). */
export interface RemindersOptions {
  retryDelayMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    reminders: ReminderSender;
  }
}

/**
 * Decorates `reminders`; each sweep pass sends again what another instance claimed and died before sending, and the
 * app's close waits for the sends in flight.
 */
export default fp<RemindersOptions>(
  async (app, { retryDelayMs }) => {
    const reminders = new ReminderSender(app.live, app.log, retryDelayMs);
    app.decorate('reminders', reminders);
    app.sweeper.addStep('stale reminder', async () => {
      const rooms = await reminders.resendStale();
      if (rooms.length > 0)
        app.log.info({ rooms }, 'start reminders left by another instance: sending again');
    });
    app.addHook('onClose', async () => reminders.idle());
  },
  { name: 'reminders', dependencies: ['live', 'sweeper'] },
);
