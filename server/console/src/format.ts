/** View-only formatting: status labels and times, in Chinese with English where it helps. */
import { ApiFailure, type ModerationAction, type Room } from './api';

/** A moderation action in words. */
export const MODERATION_LABELS: Record<ModerationAction['action'], string> = {
  comments_off: '关闭评论 Comments off',
  comments_on: '开启评论 Comments on',
  mute: '禁言 Mute',
  unmute: '解除禁言 Unmute',
  remove: '移出 Removed',
  held: '待审核 Held for review',
  announcement: '公告 Announcement',
  admin_appointed: '设为房管 Admin appointed',
  admin_dismissed: '撤销房管 Admin dismissed',
};

/** Who acted, in words. */
export const MODERATOR_LABELS: Record<ModerationAction['actorKind'], string> = {
  anchor: '主播 Anchor',
  admin: '房管 Admin',
  operator: '运营 Operator',
  content_check: '内容安全 Content check',
};

/** Status label shown in the list. */
export const STATUS_LABELS: Record<Room['status'], string> = {
  idle: '未开播 Idle',
  live: '直播中 Live',
  paused: '已暂停 Paused',
  ended: '已结束 Ended',
};

/** A time as `MM-DD HH:mm:ss` in the browser's time zone, or a dash. */
export function formatTime(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** The same time as a machine-readable ISO string for `<time datetime>`, or null. */
export function isoTime(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** "now / peak" viewers; just the peak when the service reports no current count. */
export function formatViewers(stats: Room['stats']): string {
  return stats.viewers === undefined ? `— / ${stats.peakViewers}` : `${stats.viewers} / ${stats.peakViewers}`;
}

/**
 * A failed call in words for the operator: the service's message (with its code where the operator acts on one
 * room's chat), never a stack.
 */
export function describeFailure(failure: unknown, { withCode = false } = {}): string {
  if (!(failure instanceof ApiFailure)) return '出错了 Something went wrong';
  if (failure.kind === 'network') return '无法连接服务,请检查服务是否在运行 (service unreachable)';
  if (failure.status === 401) return '口令错误或已失效 (wrong or expired token)';
  if (withCode && failure.code) return `${failure.code}: ${failure.message}`;
  if (failure.status === 403) return `没有权限 Forbidden: ${failure.message}`;
  return failure.message;
}

/** A mute's end, or a held message's text. */
export function moderationDetail(a: ModerationAction): string {
  if (a.action === 'mute' && a.until !== null) return `至 until ${formatTime(a.until)}`;
  if (a.action === 'held' && a.detail) {
    try {
      const held = JSON.parse(a.detail) as { text?: string };
      return held.text ?? '';
    } catch {
      return '';
    }
  }
  return '';
}
