/**
 * Chat moderation of each live room from the console: comments off and on, mute a viewer for a chosen time, lift a
 * mute, remove a viewer. The viewers to pick from are the room's recent chat senders and the viewers its
 * moderation log names (the service keeps no other list of who is in a room); the anchor and removed viewers are
 * left out. Every action shows the service's answer and then refreshes the page (and so the moderation log).
 */
import { type ConsoleApi, type ModerationAction, type RecentChat, type Room } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure, formatTime } from './format';

/** The mute lengths offered (the service takes 1 minute to 24 hours). */
export const MUTE_CHOICES: readonly { seconds: number; label: string }[] = [
  { seconds: 600, label: '10 分钟 10 min' },
  { seconds: 3600, label: '1 小时 1 hour' },
  { seconds: 86_400, label: '24 小时 24 hours' },
];

/** A viewer a moderator can pick: who, and the last line they sent (null if only the log names them). */
export interface PickableViewer {
  userId: string;
  nickname: string;
  lastLine: string | null;
}

/** The service's answer to the last action on a room, as shown under it. */
interface Outcome {
  ok: boolean;
  text: string;
}

/**
 * The viewers of a room to pick from: recent senders (newest first), then the viewers its log names; never the
 * anchor, and not a viewer already removed (a removal is for good).
 */
export function pickableViewers(
  room: Room,
  chat: RecentChat,
  actions: readonly ModerationAction[],
): PickableViewer[] {
  const ofRoom = actions.filter((a) => a.roomId === room.id && a.targetId !== null);
  const removed = new Set(ofRoom.filter((a) => a.action === 'remove').map((a) => a.targetId));
  const viewers = new Map<string, PickableViewer>();
  const add = (userId: string, nickname: string | null, lastLine: string | null): void => {
    if (userId === room.anchor?.id || removed.has(userId) || viewers.has(userId)) return;
    viewers.set(userId, { userId, nickname: nickname ?? userId, lastLine });
  };
  for (const line of chat.messages) add(line.userId, line.nickname, line.text);
  for (const mute of chat.mutes) add(mute.userId, mute.nickname, null);
  for (const action of ofRoom) add(action.targetId ?? '', action.targetNickname, null);
  return [...viewers.values()];
}

/** The chat moderation card: one block per live or paused room, kept in step by `update` on every refresh. */
export class ChatModeration {
  private readonly blocks = new Map<string, { json: string; element: HTMLElement }>();
  private readonly outcomes = new Map<string, Outcome>();
  /** The viewer and mute length picked in each room, kept across the blocks' redraws. */
  private readonly picked = new Map<string, { userId?: string; seconds?: string }>();
  private client: ConsoleApi | null = null;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;

  /** `changed` refreshes the page after an action (rooms, the moderation log, and this card). */
  constructor(
    container: HTMLElement,
    private readonly changed: () => Promise<void>,
  ) {
    this.empty = h('p', { class: 'empty' }, '没有直播中的房间。No live rooms.');
    this.list = h('div', { class: 'chat-rooms' });
    container.append(this.empty, this.list);
  }

  /** Redraws the rooms whose chat, viewers or last answer changed; leaves the others (and their focus) alone. */
  async update(client: ConsoleApi, rooms: Room[], actions: ModerationAction[] | null): Promise<void> {
    this.client = client;
    const live = rooms.filter((room) => room.status === 'live' || room.status === 'paused');
    const chats = await Promise.all(
      live.map((room) =>
        client.recentChat(room.id).then(
          (chat) => ({ chat, error: null }),
          (failure: unknown) => ({ chat: null, error: describeFailure(failure, { withCode: true }) }),
        ),
      ),
    );
    if (client !== this.client) return;
    const elements = live.map((room, i) => {
      const { chat, error } = chats[i] ?? { chat: null, error: null };
      const viewers = chat ? pickableViewers(room, chat, actions ?? []) : [];
      const outcome = this.outcomes.get(room.id) ?? null;
      const json = JSON.stringify([room.title, chat, error, viewers, outcome]);
      const known = this.blocks.get(room.id);
      if (known && known.json === json) return known.element;
      const element = this.block(room, chat, error, viewers, outcome);
      if (known) known.element.replaceWith(element);
      this.blocks.set(room.id, { json, element });
      return element;
    });
    for (const id of [...this.blocks.keys()]) {
      if (!live.some((room) => room.id === id)) this.blocks.delete(id);
    }
    const same =
      this.list.children.length === elements.length &&
      elements.every((element, i) => this.list.children[i] === element);
    if (!same) replaceChildren(this.list, ...elements);
    this.empty.hidden = live.length > 0;
  }

  private block(
    room: Room,
    chat: RecentChat | null,
    error: string | null,
    viewers: PickableViewer[],
    outcome: Outcome | null,
  ): HTMLElement {
    const head = h(
      'div',
      { class: 'chat-room-head' },
      h('strong', { class: 'room-title' }, room.title),
      chat &&
        h(
          'span',
          {
            class: `chat-state ${chat.commentsOff ? 'off' : 'on'}`,
            'data-comments-off': String(chat.commentsOff),
          },
          chat.commentsOff ? '评论已关闭 Comments off' : '评论开启中 Comments on',
        ),
      chat &&
        h(
          'button',
          {
            type: 'button',
            class: chat.commentsOff ? 'button small' : 'button small danger',
            'aria-label': `${chat.commentsOff ? '开启' : '关闭'}「${room.title}」的评论`,
            onclick: () => void this.setComments(room, !chat.commentsOff),
          },
          chat.commentsOff ? '开启评论 Comments on' : '关闭评论 Comments off',
        ),
    );
    const result = h(
      'p',
      { class: outcome && !outcome.ok ? 'chat-result form-error' : 'chat-result', role: 'status' },
      outcome?.text ?? '',
    );
    if (!chat) {
      return h(
        'div',
        { class: 'chat-room', 'data-chat-room-id': room.id },
        head,
        h('p', { class: 'form-error' }, `无法读取聊天 Chat unavailable: ${error ?? ''}`),
        result,
      );
    }
    return h(
      'div',
      { class: 'chat-room', 'data-chat-room-id': room.id },
      head,
      this.viewerForm(room, viewers),
      this.mutes(room, chat),
      this.lines(chat),
      result,
    );
  }

  /** Pick a viewer and a length: 禁言 mutes, 移出 removes (after a confirmation). */
  private viewerForm(room: Room, viewers: PickableViewer[]): HTMLElement {
    const picked = this.picked.get(room.id) ?? {};
    const viewerSelect = h(
      'select',
      {
        name: 'viewer',
        'aria-label': `「${room.title}」的观众 Viewer`,
        disabled: viewers.length === 0,
        onchange: () => this.pick(room.id, { userId: viewerSelect.value }),
      },
      ...(viewers.length === 0
        ? [h('option', { value: '' }, '暂无可选观众 No viewers yet')]
        : viewers.map((v) =>
            h(
              'option',
              { value: v.userId, selected: v.userId === picked.userId },
              v.lastLine === null ? v.nickname : `${v.nickname}:${clip(v.lastLine)}`,
            ),
          )),
    );
    const lengthSelect = h(
      'select',
      {
        name: 'duration',
        'aria-label': '禁言时长 Mute length',
        onchange: () => this.pick(room.id, { seconds: lengthSelect.value }),
      },
      ...MUTE_CHOICES.map((choice) =>
        h(
          'option',
          { value: choice.seconds, selected: String(choice.seconds) === picked.seconds },
          choice.label,
        ),
      ),
    );
    const chosen = (): PickableViewer | undefined => viewers.find((v) => v.userId === viewerSelect.value);
    return h(
      'div',
      { class: 'chat-viewer-form' },
      h('label', {}, '观众 Viewer ', viewerSelect),
      h('label', {}, '时长 Length ', lengthSelect),
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          disabled: viewers.length === 0,
          onclick: () => {
            const viewer = chosen();
            if (viewer) void this.mute(room, viewer, Number(lengthSelect.value));
          },
        },
        '禁言 Mute',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button small danger',
          disabled: viewers.length === 0,
          onclick: () => {
            const viewer = chosen();
            if (viewer) void this.remove(room, viewer);
          },
        },
        '移出 Remove',
      ),
    );
  }

  /** The mutes still running, each with 解除禁言. */
  private mutes(room: Room, chat: RecentChat): HTMLElement {
    if (chat.mutes.length === 0) return h('p', { class: 'chat-mutes muted' }, '无禁言 No one is muted');
    return h(
      'ul',
      { class: 'chat-mutes' },
      ...chat.mutes.map((mute) => {
        const name = mute.nickname ?? mute.userId;
        return h(
          'li',
          { 'data-muted-user-id': mute.userId },
          `${name} 禁言至 muted until ${formatTime(mute.until)} `,
          h(
            'button',
            {
              type: 'button',
              class: 'button small',
              'aria-label': `解除「${name}」的禁言 Unmute`,
              onclick: () => void this.unmute(room, mute.userId, name),
            },
            '解除禁言 Unmute',
          ),
        );
      }),
    );
  }

  /** The room's newest lines, for context. */
  private lines(chat: RecentChat): HTMLElement {
    if (chat.messages.length === 0) return h('p', { class: 'chat-lines muted' }, '暂无评论 No messages yet');
    return h(
      'ol',
      { class: 'chat-lines' },
      ...chat.messages
        .slice(0, 10)
        .map((line) =>
          h(
            'li',
            { 'data-user-id': line.userId },
            h('span', { class: 'time' }, formatTime(line.sentAt).slice(6)),
            ' ',
            h('strong', {}, line.nickname),
            `:${line.text}`,
          ),
        ),
    );
  }

  private pick(roomId: string, choice: { userId?: string; seconds?: string }): void {
    this.picked.set(roomId, { ...this.picked.get(roomId), ...choice });
  }

  private setComments(room: Room, off: boolean): Promise<void> {
    return this.act(
      room,
      off ? '关闭评论失败 Could not turn comments off' : '开启评论失败 Could not turn comments on',
      async (client) => {
        await client.setCommentsOff(room.id, off);
        return off ? '已关闭评论 Comments are off' : '已开启评论 Comments are on';
      },
    );
  }

  private mute(room: Room, viewer: PickableViewer, seconds: number): Promise<void> {
    this.pick(room.id, { userId: viewer.userId, seconds: String(seconds) });
    return this.act(room, `禁言「${viewer.nickname}」失败 Could not mute`, async (client) => {
      const { until } = await client.mute(room.id, viewer.userId, seconds);
      return `已禁言「${viewer.nickname}」至 ${formatTime(until)} Muted`;
    });
  }

  private unmute(room: Room, userId: string, name: string): Promise<void> {
    return this.act(room, `解除「${name}」的禁言失败 Could not unmute`, async (client) => {
      await client.unmute(room.id, userId);
      return `已解除「${name}」的禁言 Unmuted`;
    });
  }

  private remove(room: Room, viewer: PickableViewer): Promise<void> {
    const question =
      `确定将「${viewer.nickname}」移出「${room.title}」吗?移出后不能再进入这个房间。\n` +
      'Remove this viewer? They cannot come back to this room.';
    if (!window.confirm(question)) return Promise.resolve();
    return this.act(room, `移出「${viewer.nickname}」失败 Could not remove`, async (client) => {
      const { kicked } = await client.removeViewer(room.id, viewer.userId);
      return kicked
        ? `已移出「${viewer.nickname}」 Removed`
        : `已移出「${viewer.nickname}」(未能从 ZEGO 房间踢出,但不能再进入) Removed; ZEGO did not kick them`;
    });
  }

  /** Runs one action, keeps the service's answer for the room's block, then refreshes the page. */
  private async act(
    room: Room,
    failedText: string,
    action: (client: ConsoleApi) => Promise<string>,
  ): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.blocks
      .get(room.id)
      ?.element.querySelectorAll('button')
      .forEach((button) => {
        button.disabled = true;
      });
    try {
      this.outcomes.set(room.id, { ok: true, text: await action(client) });
    } catch (failure) {
      this.outcomes.set(room.id, {
        ok: false,
        text: `${failedText}: ${describeFailure(failure, { withCode: true })}`,
      });
    }
    // Force a redraw of this room even if its chat did not change (the answer did; the buttons come back).
    this.blocks.delete(room.id);
    await this.changed();
  }
}

/** A line shortened for a menu. */
function clip(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}…` : text;
}
