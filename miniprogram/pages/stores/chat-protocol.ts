/**
 * What the live service sends into a room, and how the app tells it apart from anything else: chat lines and the
 * "comments off/on" notice arrive as ZEGO broadcast messages, mutes as custom commands, all from the service's own
 * sender identity (the contract's SERVICE_USER_ID, a user ID no real user has). A line from anyone else (a modified app calling
 * the SDK's sendBroadcastMessage straight to ZEGO) is dropped, never shown.
 */
import {
  decodeModerationCommand as decodeCommand,
  decodeServiceBroadcast,
  type GiftContent,
  decodeWarningCommand,
} from '@zego-live/contract';
import type { RtcRoomMessage, RtcUser } from '../../services/rtc-types';
import { isServiceCode, SERVICE_ERROR_CATALOG } from '../../utils/error-catalog';

/** A broadcast message from the service, decoded. */
export type ServiceMessage =
  | { t: 'chat'; messageID: string; userID: string; nickname: string; text: string }
  | { t: 'chat-state'; commentsOff: boolean }
  | { t: 'announcement'; text: string | null; at: number }
  | { t: 'admins'; ids: string[] }
  | GiftContent;

/** A kept line's ID on screen: the live line and the same line in the history share it (shown once). */
export const keptLineID = (line: number): string => `line-${line}`;

/** A moderation command to this viewer from the service. */
export interface ModerationCommand {
  e: 'muted' | 'unmuted';
  /** Epoch ms when a mute ends (null for unmuted). */
  until: number | null;
}

/** The service's message, or null for anything not from the service or not in its format (the contract decides). */
export function decodeServiceMessage(m: RtcRoomMessage): ServiceMessage | null {
  const body = decodeServiceBroadcast(m.fromUser.userID, m.message);
  if (body === null || body.t !== 'chat') return body;
  const messageID = body.i === undefined ? m.messageID : keptLineID(body.i);
  return { t: 'chat', messageID, userID: body.u, nickname: body.n, text: body.text };
}

/** A moderation command from the service, or null. */
export function decodeModerationCommand(fromUser: RtcUser, command: string): ModerationCommand | null {
  const body = decodeCommand(fromUser.userID, command);
  return body && { e: body.e, until: body.until };
}

/** An operator's warning relayed by the service, as the anchor reads it (「运营提醒：…」), or null for anything else. */
export function operatorWarning(fromUser: RtcUser, command: string): string | null {
  const body = decodeWarningCommand(fromUser.userID, command);
  return body && `运营提醒：${body.text}`;
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
