/**
 * The monitoring wall: every live room at once, kept current by polling GET /api/wall every WALL_POLL_MS while the
 * tab is visible (one small read per console; the event channel is not needed for figures a few seconds old). Per
 * room: a warning the anchor sees, a force-end with a reason the end screens show, the way to its moderation.
 */
import type { WallRoomView } from '@zego-live/contract/operators';
import { ApiFailure, type ConsoleApi } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure } from './format';

/** How often the wall refreshes while visible. */
export const WALL_POLL_MS = 3000;
/** A heartbeat older than this is shown as late (the service pauses a silent room after 30 s). */
const LATE_HEARTBEAT_MS = 15_000;

/** "1:02:03" or "2:03". */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hh > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The wall's card: its grid of rooms, its own poll, its actions. */
export class MonitoringWall {
  private timer: number | undefined;
  private api: ConsoleApi | null = null;
  /** What an operator typed per room survives the redraws of a poll. */
  private readonly drafts = new Map<string, string>();
  private readonly results = new Map<string, { ok: boolean; text: string }>();
  private lastJson = '';

  constructor(
    private readonly grid: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly changed: () => void,
  ) {}

  /** Starts polling with this client (null stops). */
  start(api: ConsoleApi | null): void {
    window.clearInterval(this.timer);
    this.api = api;
    this.lastJson = '';
    if (api === null) return;
    this.timer = window.setInterval(() => {
      if (!document.hidden) void this.refresh();
    }, WALL_POLL_MS);
    void this.refresh();
  }

  /** Reads the wall once and redraws it if anything changed. */
  async refresh(): Promise<void> {
    const client = this.api;
    if (!client) return;
    try {
      const { rooms } = await client.wall();
      if (client !== this.api) return;
      this.draw(rooms);
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.kind === 'network') return;
      this.empty.hidden = false;
      this.empty.textContent = `监控墙不可用 Wall unavailable: ${describeFailure(failure)}`;
    }
  }

  private draw(rooms: WallRoomView[]): void {
    const json = JSON.stringify([rooms, [...this.results]]);
    if (json === this.lastJson) return;
    // Keep focus and typing: an input being typed into is not rebuilt under the operator's fingers.
    const active = document.activeElement;
    if (active instanceof HTMLInputElement && this.grid.contains(active) && active.value !== '') return;
    this.lastJson = json;
    this.empty.hidden = rooms.length > 0;
    this.empty.textContent = '现在没有直播中的房间。No room is live.';
    replaceChildren(this.grid, ...rooms.map((room) => this.card(room)));
  }

  private card(room: WallRoomView): HTMLElement {
    const late = room.heartbeatAgeMs === null || room.heartbeatAgeMs > LATE_HEARTBEAT_MS;
    const input = h('input', {
      name: 'wall-text',
      maxlength: 100,
      placeholder: '提醒内容或结束原因 Warning / reason',
      'aria-label': `「${room.title}」的提醒或结束原因`,
      value: this.drafts.get(room.id) ?? '',
      oninput: () => this.drafts.set(room.id, input.value),
    });
    const result = this.results.get(room.id);
    const figure = (label: string, value: string, cls = '') =>
      h(
        'div',
        { class: `wall-figure ${cls}` },
        h('span', { class: 'wall-value' }, value),
        h('span', {}, label),
      );
    return h(
      'article',
      { class: `wall-card ${room.status}`, 'data-wall-room-id': room.id },
      h(
        'header',
        { class: 'wall-head' },
        h('strong', { class: 'wall-title' }, room.title),
        h('span', { class: `status status-${room.status}` }, room.status === 'live' ? '直播中' : '已暂停'),
      ),
      h('p', { class: 'wall-anchor' }, `主播 ${room.anchor?.nickname ?? '(未认领)'}`),
      h(
        'div',
        { class: 'wall-figures' },
        figure('在线/峰值', `${room.viewers}/${room.peakViewers}`),
        figure('点赞', String(room.likes)),
        figure('评论', String(room.messages)),
        figure('连麦', String(room.cohosts)),
        figure('已播', clock(room.liveMs)),
        figure(
          '心跳',
          room.heartbeatAgeMs === null ? '无' : `${Math.round(room.heartbeatAgeMs / 1000)} 秒前`,
          late ? 'late' : '',
        ),
      ),
      input,
      h(
        'div',
        { class: 'wall-actions' },
        h(
          'button',
          { type: 'button', class: 'button small', onclick: () => void this.warn(room, input) },
          '发送提醒 Warn',
        ),
        h(
          'button',
          { type: 'button', class: 'button small danger', onclick: () => void this.end(room, input) },
          '强制结束 End',
        ),
        h(
          'button',
          { type: 'button', class: 'button small ghost', onclick: () => this.moderate(room) },
          '聊天管理 Moderate',
        ),
      ),
      h(
        'p',
        { class: result && !result.ok ? 'wall-result form-error' : 'wall-result', role: 'status' },
        result?.text ?? '',
      ),
    );
  }

  private async act(room: WallRoomView, input: HTMLInputElement, run: (text: string) => Promise<string>) {
    const text = input.value.trim();
    if (!text) {
      this.results.set(room.id, { ok: false, text: '请先填写内容 Type the words first' });
      this.lastJson = '';
      return this.refresh();
    }
    try {
      this.results.set(room.id, { ok: true, text: await run(text) });
      this.drafts.delete(room.id);
      input.value = '';
    } catch (failure) {
      this.results.set(room.id, { ok: false, text: describeFailure(failure) });
    }
    this.lastJson = '';
    await this.refresh();
    this.changed();
  }

  private warn(room: WallRoomView, input: HTMLInputElement): Promise<void> {
    return this.act(room, input, async (text) => {
      const { signalled } = (await this.api?.warn(room.id, text)) ?? { signalled: false };
      return signalled ? `已提醒主播:${text}` : '提醒未送达(主播不在房间或未配置 ZEGO 服务端 API)';
    });
  }

  private end(room: WallRoomView, input: HTMLInputElement): Promise<void> {
    if (!window.confirm(`确定强制结束「${room.title}」吗?主播和观众将看到结束原因。`))
      return Promise.resolve();
    return this.act(room, input, async (reason) => {
      await this.api?.endRoom(room.id, reason);
      return `已结束:${reason}`;
    });
  }

  /** The way to the room's moderation: its block in the chat moderation card. */
  private moderate(room: WallRoomView): void {
    const block = document.querySelector<HTMLElement>(`[data-chat-room-id="${CSS.escape(room.id)}"]`);
    block?.scrollIntoView({ block: 'start' });
    block?.querySelector<HTMLElement>('select, button')?.focus();
  }
}
