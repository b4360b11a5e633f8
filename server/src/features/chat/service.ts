/**
 * Chat through the service: what goes into ZEGO's room messages, and telling the room or one viewer about a
 * moderation decision. The service sends every chat line under its own sender identity (SERVICE_USER_ID), which no
 * real user has: the apps show only lines from it, so a line a modified app sends straight to ZEGO is never shown.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Room } from '../../store/types';
import type { LiveContext } from '../../plugins/app/live';
import { failure, SERVICE_USER_ID } from '../cohosts/service';

/** Longest chat message in UTF-16 units (the app's CHAT_MAX_LENGTH is the same figure). */
export const CHAT_MAX_LENGTH = 100;
/** The name ZEGO shows as the sender of the service's messages. */
export const CHAT_SENDER_NAME = '直播间';
/** Shortest and longest mute an anchor or operator may give (1 minute to 24 hours). */
export const MUTE_MIN_SECONDS = 60;
export const MUTE_MAX_SECONDS = 24 * 3600;
/** How many of a room's newest delivered lines the service keeps for the anchor and the operator to moderate from. */
export const CHAT_LINES_KEPT = 100;

/** The JSON content of a chat line: `{"t":"chat","u":sender ID,"n":nickname,"text":...}`. */
export interface ChatContent {
  t: 'chat';
  u: string;
  n: string;
  text: string;
}

/** The JSON content of a system message about the room's chat (category 1): comments off or on. */
export interface ChatStateContent {
  t: 'chat-state';
  commentsOff: boolean;
}

/** The JSON content of a custom command to one viewer: muted (until) or unmuted. */
export interface ModerationCommand {
  t: 'moderation';
  e: 'muted' | 'unmuted';
  until: number | null;
}

/** The fields of a failed server API call worth a log line (never the URL or the secret). */
export const zegoFailure = failure;

/** Delivers a chat line to the room (SendBroadcastMessage, category 2); throws ZEGO's failure. */
export async function deliverChat(
  live: LiveContext,
  room: Room,
  sender: { id: string; nickname: string },
  text: string,
): Promise<{ messageId: number | null }> {
  const api = live.zegoServerApi;
  if (api === null) throw new Error('deliverChat needs ZEGO server API');
  const content: ChatContent = { t: 'chat', u: sender.id, n: sender.nickname, text };
  return api.sendBroadcastMessage({
    roomId: room.id,
    userId: SERVICE_USER_ID,
    userName: CHAT_SENDER_NAME,
    category: 2,
    content: JSON.stringify(content),
  });
}

/** Tells the whole room that comments went off or on (a system broadcast); true if ZEGO took it. */
export async function announceChatState(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  commentsOff: boolean,
): Promise<boolean> {
  const api = live.zegoServerApi;
  if (api === null) return false;
  const content: ChatStateContent = { t: 'chat-state', commentsOff };
  try {
    await api.sendBroadcastMessage({
      roomId: room.id,
      userId: SERVICE_USER_ID,
      userName: CHAT_SENDER_NAME,
      category: 1,
      content: JSON.stringify(content),
    });
    return true;
  } catch (error) {
    log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO SendBroadcastMessage (chat state) failed');
    return false;
  }
}

/** Tells one viewer it was muted or unmuted (a custom command); true if ZEGO delivered it. */
export async function tellViewer(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  userId: string,
  command: Omit<ModerationCommand, 't'>,
): Promise<boolean> {
  const api = live.zegoServerApi;
  if (api === null) return false;
  try {
    const { failUsers } = await api.sendCustomCommand({
      roomId: room.id,
      fromUserId: SERVICE_USER_ID,
      toUserIds: [userId],
      content: JSON.stringify({ t: 'moderation', ...command } satisfies ModerationCommand),
    });
    return failUsers.length === 0;
  } catch (error) {
    log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO SendCustomCommand (moderation) failed');
    return false;
  }
}

/** Removes a viewer from the ZEGO room (KickoutUser); true if ZEGO did it. The refusal of tokens stands anyway. */
export async function kickViewer(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  userId: string,
): Promise<boolean> {
  const api = live.zegoServerApi;
  if (api === null) return false;
  try {
    await api.kickoutUser({ roomId: room.id, userIds: [userId], reason: 'removed' });
    return true;
  } catch (error) {
    log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO KickoutUser failed: the removal stands');
    return false;
  }
}
