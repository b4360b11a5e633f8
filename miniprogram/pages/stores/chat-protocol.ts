/**
 * What the live service sends into a room, and how the app tells it apart from anything else: chat lines and the
 * "comments off/on" notice arrive as ZEGO broadcast messages, mutes as custom commands, all from the service's own
 * sender identity (SERVICE_SENDER_ID, a user ID no real user has). A line from anyone else (a modified app calling
 * the SDK's sendBroadcastMessage straight to ZEGO) is dropped, never shown.
 */
import type { RtcRoomMessage, RtcUser } from '../../services/rtc-types';
import { isServiceCode, SERVICE_ERROR_CATALOG } from '../../utils/error-catalog';

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

/** What some service codes mean for a chat line (the others read as the error catalog's row). */
export const CHAT_REFUSALS: Readonly<Record<string, string>> = {
  REMOVED_FROM_ROOM: '你已被移出这个直播间',
  RATE_LIMITED: '发得太快了，歇一下再发',
  NETWORK: '网络不可用',
};

/** The Chinese reason for a refused chat line (a generic one for codes the catalog does not know). */
export function chatRefusal(code: string): string {
  return (
    CHAT_REFUSALS[code] ??
    (isServiceCode(code) ? SERVICE_ERROR_CATALOG[code].message : '消息没有发出去，请重试')
  );
}

/** How long the anchor mutes a viewer from a long-press (10 minutes). */
export const MUTE_SECONDS = 600;
