/**
 * What the live service sends into a room, and how the app tells it apart from anything else: chat lines and the
 * "comments off/on" notice arrive as ZEGO broadcast messages, mutes as custom commands, all from the service's own
 * sender identity (SERVICE_SENDER_ID, a user ID no real user has). A line from anyone else (a modified app calling
 * the SDK's sendBroadcastMessage straight to ZEGO) is dropped, never shown.
 */
import type { RtcRoomMessage, RtcUser } from '../../services/rtc-types';

/** The service's sender identity in ZEGO rooms (server/src/lib/cohosts.ts SERVICE_USER_ID). */
export const SERVICE_SENDER_ID = 'live-service';

/** A broadcast message from the service, decoded. */
export type ServiceMessage =
  | { t: 'chat'; messageID: string; userID: string; nickname: string; text: string }
  | { t: 'chat-state'; commentsOff: boolean };

/** A moderation command to this viewer from the service. */
export interface ModerationCommand {
  e: 'muted' | 'unmuted';
  /** Epoch ms when a mute ends (null for unmuted). */
  until: number | null;
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The service's message, or null for anything not from the service or not in its format. */
export function decodeServiceMessage(m: RtcRoomMessage): ServiceMessage | null {
  if (m.fromUser.userID !== SERVICE_SENDER_ID) return null;
  const body = parse(m.message);
  if (body === null) return null;
  if (
    body.t === 'chat' &&
    typeof body.u === 'string' &&
    typeof body.n === 'string' &&
    typeof body.text === 'string' &&
    body.text !== ''
  ) {
    return { t: 'chat', messageID: m.messageID, userID: body.u, nickname: body.n, text: body.text };
  }
  if (body.t === 'chat-state' && typeof body.commentsOff === 'boolean') {
    return { t: 'chat-state', commentsOff: body.commentsOff };
  }
  return null;
}

/** A moderation command from the service, or null. */
export function decodeModerationCommand(fromUser: RtcUser, command: string): ModerationCommand | null {
  if (fromUser.userID !== SERVICE_SENDER_ID) return null;
  const body = parse(command);
  if (body === null || body.t !== 'moderation') return null;
  if (body.e === 'muted' && typeof body.until === 'number') return { e: 'muted', until: body.until };
  if (body.e === 'unmuted') return { e: 'unmuted', until: null };
  return null;
}

/** Why the service refused a chat line, in Chinese (by the service's error code). */
export const CHAT_REFUSALS: Readonly<Record<string, string>> = {
  MESSAGE_EMPTY: '说点什么吧',
  MESSAGE_TOO_LONG: '消息太长了',
  MESSAGE_REJECTED: '消息含有不适合发布的内容，换个说法吧',
  MESSAGE_HELD: '消息需要审核，暂时没有发出',
  COMMENTS_OFF: '评论已关闭',
  CHAT_MUTED: '你已被禁言，暂时不能发言',
  REMOVED_FROM_ROOM: '你已被移出这个直播间',
  CHAT_UNAVAILABLE: '聊天暂不可用',
  CHAT_NEEDS_WECHAT: '请用微信登录后再聊天',
  CONTENT_CHECK_UNAVAILABLE: '消息检查暂时不可用，请稍后再发',
  RATE_LIMITED: '发得太快了，歇一下再发',
  ROOM_NOT_LIVE: '直播还没开始或已经结束',
  NETWORK: '网络不可用',
};

/** The Chinese reason for a refused chat line (a generic one for codes the catalog does not know). */
export function chatRefusal(code: string): string {
  return CHAT_REFUSALS[code] ?? '消息没有发出去，请重试';
}

/** How long the anchor mutes a viewer from a long-press (10 minutes). */
export const MUTE_SECONDS = 600;
