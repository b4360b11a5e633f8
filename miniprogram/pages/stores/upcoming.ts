/**
 * An upcoming room on the audience page (an idle room with a planned start): its cover, title, anchor and countdown,
 * the 「提醒我」 button (开播提醒: wx.requestSubscribeMessage, then the service stores the subscription), and the
 * watch for the start. The countdown renders at most once a second and the room is asked for every POLL_MS, both
 * only while the page is visible; stop() clears every timer. When the room is live, `onLive` gets it (the page then
 * joins as usual); the service's live loop has nothing to offer before the anchor publishes, so this polls.
 */
import type { ApiConfig, ApiReminder, ApiRoom } from '../../services/api-client';
import { ApiError } from '../../services/api-client';
import type { Platform } from '../../services/platform-types';
import { countdownText, plannedStartText } from '../../utils/planned-time';

/** How often an upcoming room is asked whether it went live (while the page is visible). */
export const POLL_MS = 5000;

/** Where the reminder stands for this viewer. */
export type RemindState = 'unknown' | 'available' | 'asking' | 'subscribed' | 'unavailable';

/** What the page renders of an upcoming room (data key `upcoming`). */
export interface UpcomingView {
  title: string;
  anchorName: string;
  anchorAvatar: string;
  coverUrl: string;
  /** 「12月3日 20:00 开播」. */
  startText: string;
  /** 「01:02:03」 / 「即将开播」. */
  countdown: string;
  remind: RemindState;
  /** The line under (or on) the button: why it is unavailable, what the answer was. */
  remindText: string;
}

/** What the upcoming part needs from the outside (tests pass fakes). */
export interface UpcomingDeps {
  api: {
    getRoom(roomID: string): Promise<{ room: ApiRoom }>;
    config(): Promise<ApiConfig>;
    subscribeReminder(roomID: string): Promise<ApiReminder>;
    getReminder(roomID: string): Promise<ApiReminder>;
  };
  platform: () => Pick<Platform, 'requestSubscribeMessage'>;
  now?: () => number;
  pollMs?: number;
}

/** Whether a room is upcoming: not live yet, with a planned start. */
export const isUpcoming = (room: ApiRoom): boolean =>
  room.status === 'idle' && typeof room.plannedStartAt === 'number';

const UNAVAILABLE = {
  notConfigured: '开播提醒暂未开通',
  notWechat: '开播提醒需要微信登录',
  unsupported: '当前微信版本不支持开播提醒',
} as const;
const SUBSCRIBED = '开播时会提醒你';

/** The line for a failed wx.requestSubscribeMessage (its errCode, see WeChat's list). */
function askFailure(error: unknown): string {
  const errCode = (error as { errCode?: number } | null)?.errCode;
  if (errCode === 20004) return '你关闭了订阅消息，请在小程序设置里打开后再试';
  if (errCode === 20005) return '开播提醒暂不可用';
  return '暂时无法订阅开播提醒，请稍后重试';
}

/** One upcoming room shown on one page. */
export class UpcomingRoom {
  private room: ApiRoom | null = null;
  private templateId: string | null = null;
  private visible = true;
  private stopped = false;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly now: () => number;
  private readonly pollMs: number;
  private remind: Pick<UpcomingView, 'remind' | 'remindText'> = { remind: 'unknown', remindText: '' };

  constructor(
    private readonly deps: UpcomingDeps,
    /** Receives the view (a whole object each time: the page sets `upcoming`). */
    private readonly sink: (view: UpcomingView) => void,
    /** The room went live (or ended): the page leaves the upcoming screen. */
    private readonly onStarted: (room: ApiRoom) => void,
  ) {
    this.now = deps.now ?? Date.now;
    this.pollMs = deps.pollMs ?? POLL_MS;
  }

  /** Shows the room and starts the countdown and the watch; finds out whether reminders can be offered. */
  start(room: ApiRoom): void {
    this.room = room;
    this.render();
    this.schedule();
    void this.loadReminder(room.id);
  }

  /** Visible again: the countdown catches up at once and the watch asks right away. */
  show(): void {
    if (this.stopped || this.visible) return;
    this.visible = true;
    this.render();
    this.clearTimers();
    void this.poll();
    this.scheduleTick();
  }

  /** Hidden: no setData and no polling until show(). */
  hide(): void {
    this.visible = false;
    this.clearTimers();
  }

  /** The page goes: every timer cleared, nothing more is rendered. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
  }

  /** 「提醒我」 (from a tap): asks WeChat for the template, then the service stores the subscription. */
  async remindMe(): Promise<void> {
    const room = this.room;
    const ask = this.deps.platform().requestSubscribeMessage;
    if (!room || this.templateId === null || !ask || this.remind.remind !== 'available') return;
    this.setRemind('asking', '');
    let answer: string;
    try {
      answer = await ask.call(this.deps.platform(), this.templateId);
    } catch (error) {
      this.setRemind('available', askFailure(error));
      return;
    }
    if (answer !== 'accept' && answer !== 'acceptWithAudio') {
      this.setRemind(
        'available',
        answer === 'ban' ? '你已关闭这类消息，可在小程序设置里打开' : '你没有允许开播提醒，需要时再点一次',
      );
      return;
    }
    try {
      await this.deps.api.subscribeReminder(room.id);
      this.setRemind('subscribed', SUBSCRIBED);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'REMINDER_NEEDS_WECHAT')
        this.setRemind('unavailable', UNAVAILABLE.notWechat);
      else if (error instanceof ApiError && error.code === 'REMINDERS_UNAVAILABLE')
        this.setRemind('unavailable', UNAVAILABLE.notConfigured);
      else if (error instanceof ApiError && error.code === 'ROOM_NOT_UPCOMING') void this.poll();
      else this.setRemind('available', '订阅没有成功，请稍后重试');
    }
  }

  private async loadReminder(roomID: string): Promise<void> {
    let config: ApiConfig;
    try {
      config = await this.deps.api.config();
    } catch {
      this.setRemind('unavailable', '暂时无法订阅开播提醒，请稍后重试');
      return;
    }
    const templateId = config.reminderTemplateId ?? null;
    if (templateId === null) return this.setRemind('unavailable', UNAVAILABLE.notConfigured);
    if (config.authMode !== 'wechat') return this.setRemind('unavailable', UNAVAILABLE.notWechat);
    if (!this.deps.platform().requestSubscribeMessage)
      return this.setRemind('unavailable', UNAVAILABLE.unsupported);
    this.templateId = templateId;
    const mine = await this.deps.api.getReminder(roomID).catch(() => null);
    if (mine?.subscribed) this.setRemind('subscribed', SUBSCRIBED);
    else this.setRemind('available', '');
  }

  private setRemind(remind: RemindState, remindText: string): void {
    this.remind = { remind, remindText };
    this.render();
  }

  private render(): void {
    const room = this.room;
    if (!room || this.stopped || !this.visible) return;
    const plannedStartAt = room.plannedStartAt ?? this.now();
    this.sink({
      title: room.title || room.id,
      anchorName: room.anchor?.nickname ?? '主播',
      anchorAvatar: room.anchor?.avatarUrl ?? '',
      coverUrl: room.coverUrl ?? '',
      startText: plannedStartText(plannedStartAt, this.now()),
      countdown: countdownText(plannedStartAt, this.now()),
      ...this.remind,
    });
  }

  private schedule(): void {
    this.scheduleTick();
    this.schedulePoll();
  }

  /** The countdown: on the next whole second, once a second, while visible. */
  private scheduleTick(): void {
    if (this.stopped || !this.visible) return;
    const delay = 1000 - (this.now() % 1000) || 1000;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      this.render();
      this.scheduleTick();
    }, delay);
  }

  private schedulePoll(): void {
    if (this.stopped || !this.visible || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.poll();
    }, this.pollMs);
  }

  /** Asks for the room: live or ended -> onStarted; otherwise the (maybe moved) plan, and the next poll. */
  private async poll(): Promise<void> {
    const current = this.room;
    if (!current || this.stopped) return;
    let room: ApiRoom | null = null;
    try {
      room = (await this.deps.api.getRoom(current.id)).room;
    } catch {
      // A failed poll is retried at the next one.
    }
    if (this.stopped) return;
    if (room && !isUpcoming(room) && room.status !== 'idle') {
      this.stop();
      this.onStarted(room);
      return;
    }
    if (room) {
      this.room = room;
      this.render();
    }
    this.schedulePoll();
  }

  private clearTimers(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.tickTimer = null;
    this.pollTimer = null;
  }
}
