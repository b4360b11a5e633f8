/**
 * Chat through the service: what goes into ZEGO's room messages, and telling the room or one viewer about a
 * moderation decision. The service sends every chat line under its own sender identity (SERVICE_USER_ID), which no
 * real user has: the apps show only lines from it, so a line a modified app sends straight to ZEGO is never shown.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Caller } from '../../http/auth';
import { BoundFullError } from '../../lib/bound';
import { ApiError } from '../../lib/errors';
import type { ChatMessageView, ChatView, RoomCatchUpView } from '@zego-live/contract/schemas';
import type { LiveContext } from '../../plugins/app/live';
import type { Room, User } from '../../store/types';
import { WeChatError } from '../../wechat/access-token';
import type { ChatOrder } from './order';
import { chatText, requireLiveRoom, requireMayChat } from './rules';
import {
  CHAT_MAX_LENGTH,
  chatLine,
  chatState,
  moderationCommand,
  SERVICE_USER_ID,
  type ModerationCommand,
} from '@zego-live/contract';
import { zegoFailure } from '../../zego/server-api';

/** The name ZEGO shows as the sender of the service's messages. */
export const CHAT_SENDER_NAME = '直播间';
/** Shortest and longest mute an anchor or operator may give (1 minute to 24 hours). */
export const MUTE_MIN_SECONDS = 60;
export const MUTE_MAX_SECONDS = 24 * 3600;
/** How many of a room's newest delivered lines the service keeps for the anchor and the operator to moderate from. */
export const CHAT_LINES_KEPT = 100;

/** How many lines a viewer who just came in reads before the live ones. */
export const HISTORY_LINES = 20;

/** The room's last HISTORY_LINES lines (public fields only), its announcement and its admins' IDs. */
export async function catchUp(live: LiveContext, room: Room): Promise<RoomCatchUpView> {
  const [lines, announcement, admins] = await Promise.all([
    live.store.chat.history(room.id, HISTORY_LINES),
    live.store.social.announcement(room.id),
    live.store.social.admins(room.id),
  ]);
  return {
    // Named field by field: nothing else of a line (or of its sender) leaves the service.
    lines: lines.map(({ id, userId, nickname, text, sentAt }) => ({ id, userId, nickname, text, sentAt })),
    announcement,
    admins: admins.map((a) => a.userId),
  };
}

/** Comments on or off, and (for a signed-in user) the caller's own mute or removal. */
export async function chatView(live: LiveContext, room: Room, caller: Caller): Promise<ChatView> {
  if (caller.kind !== 'user') {
    return {
      commentsOff: await live.store.chat.commentsOff(room.id),
      mutedUntil: null,
      removed: false,
      maxLength: CHAT_MAX_LENGTH,
    };
  }
  const standing = await live.store.chat.standing(room.id, caller.user.id, live.now());
  return { ...standing, maxLength: CHAT_MAX_LENGTH };
}

/**
 * Sends a chat line to a live room: the rules (chat/rules.ts), WeChat's content check when WeChat is configured,
 * delivery by ZEGO's server API under the service's identity, then the count and the kept line. Lines accepted into
 * a room go to ZEGO in the order they were accepted (`order`), their checks running at once.
 */
export async function sendChat(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  user: User,
  raw: string,
  order: ChatOrder,
): Promise<ChatMessageView> {
  requireLiveRoom(room, ': chat needs a live room');
  const text = chatText(raw);
  requireMayChat(await live.store.chat.standing(room.id, user.id, live.now()), user.id === room.ownerId);
  if (live.zegoServerApi === null) {
    throw new ApiError(
      503,
      'CHAT_UNAVAILABLE',
      "Chat is unavailable: the service has no ZEGO server API (set ZEGO_SERVER_API=on and ZEGO's credentials)",
    );
  }
  const ticket = order.accept(room.id);
  let sentAt: number;
  let line: Awaited<ReturnType<typeof live.store.chat.keepLine>>;
  let delivered: Promise<{ messageId: number | null }>;
  try {
    await checkContent(live, log, room, user, text);
    sentAt = live.now();
    // Kept before delivery (the line's number travels with it, so a late joiner's history and the live line agree),
    // but written while the earlier lines are still going out: the room's order never waits on the database.
    const kept = live.store.chat.keepLine(
      { roomId: room.id, userId: user.id, nickname: user.nickname, text, sentAt },
      CHAT_LINES_KEPT,
    );
    kept.catch(() => undefined);
    await ticket.turn;
    line = await kept;
    // The call takes its place in ZEGO's bound as it starts: the next line of the room may follow at once.
    delivered = deliverChat(live, room, user, text, line);
  } finally {
    ticket.done();
  }
  let messageId: number | null;
  try {
    ({ messageId } = await delivered);
  } catch (error) {
    await live.store.chat.dropLine(line);
    log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO SendBroadcastMessage (chat) failed');
    throw new ApiError(
      503,
      'CHAT_UNAVAILABLE',
      error instanceof BoundFullError
        ? 'The service is sending as many messages as ZEGO takes; try again shortly'
        : 'ZEGO did not take the message; try again',
    );
  }
  await live.counters.count(room.id, { kind: 'message' });
  return { id: messageId, text, sentAt };
}

/**
 * WeChat's content check (msgSecCheck v2, scene 2) of what a user shows the room (a chat line, an announcement) when WeChat is configured: 403 CHAT_NEEDS_WECHAT without the
 * sender's openid, 503 CONTENT_CHECK_UNAVAILABLE, 400 MESSAGE_REJECTED (risky), 403 MESSAGE_HELD (review: the line
 * is recorded for the operator, not shown to the room).
 */
export async function checkContent(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  user: User,
  text: string,
): Promise<void> {
  if (live.wechat === null) return;
  const openid = await live.store.users.wechatOpenid(user.id);
  // WeChat checks text only with a WeChat user's openid: without one the text cannot be checked, so it is not shown.
  if (openid === null) {
    throw new ApiError(
      403,
      'CHAT_NEEDS_WECHAT',
      "Chat needs a WeChat sign-in here: the content check (msgSecCheck) needs the sender's openid",
    );
  }
  let verdict;
  try {
    verdict = await live.wechat.contentCheck.check({
      content: text,
      openid,
      scene: 2,
      nickname: user.nickname,
    });
  } catch (error) {
    if (error instanceof BoundFullError) {
      throw new ApiError(
        503,
        'CONTENT_CHECK_UNAVAILABLE',
        "The service is checking as many messages as WeChat's content check takes; try again shortly",
      );
    }
    const reason = error instanceof WeChatError ? error.message : 'unexpected failure';
    log.warn({ room: room.id, reason }, 'msgSecCheck failed: the message is not delivered');
    throw new ApiError(
      503,
      'CONTENT_CHECK_UNAVAILABLE',
      "WeChat's content check is unavailable; try again shortly",
    );
  }
  const { label, traceId } = verdict;
  if (verdict.suggest === 'risky') {
    log.info({ room: room.id, user: user.id, label, traceId }, 'chat refused by msgSecCheck');
    throw new ApiError(
      400,
      'MESSAGE_REJECTED',
      `WeChat's content check refused this message (label ${label})`,
    );
  }
  if (verdict.suggest === 'review') {
    // WeChat advises a person to look: the line is held (not shown to the room) and listed for the operator.
    await live.store.chat.record({
      roomId: room.id,
      action: 'held',
      actorKind: 'content_check',
      actorId: null,
      targetId: user.id,
      until: null,
      detail: JSON.stringify({ text, label, traceId }),
      at: live.now(),
    });
    log.info({ room: room.id, user: user.id, label }, 'chat held for review');
    throw new ApiError(
      403,
      'MESSAGE_HELD',
      "WeChat's content check asks for a manual review: the message is held, not shown to the room",
    );
  }
}

/** Delivers a chat line to the room (SendBroadcastMessage, category 2); throws ZEGO's failure. */
export async function deliverChat(
  live: LiveContext,
  room: Room,
  sender: { id: string; nickname: string },
  text: string,
  line?: number,
): Promise<{ messageId: number | null }> {
  const api = live.zegoServerApi;
  if (api === null) throw new Error('deliverChat needs ZEGO server API');
  return api.sendBroadcastMessage({
    roomId: room.id,
    userId: SERVICE_USER_ID,
    userName: CHAT_SENDER_NAME,
    category: 2,
    content: chatLine(sender, text, line),
  });
}

/** Tells the whole room that comments went off or on (a system broadcast); true if ZEGO took it. */
export function announceChatState(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  commentsOff: boolean,
): Promise<boolean> {
  return signalRoom(live, log, room, chatState(commentsOff), 'chat state');
}

/**
 * Tells the whole room something under the service's identity (category 1, a system message: comments off, the
 * announcement, the admins; 2, a room event: a gift); true if ZEGO took it. Best effort: what the service keeps, a
 * phone that missed the message reads on entry.
 */
export async function signalRoom(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  content: string,
  what: string,
  category: 1 | 2 = 1,
): Promise<boolean> {
  const api = live.zegoServerApi;
  if (api === null) return false;
  try {
    await api.sendBroadcastMessage({
      roomId: room.id,
      userId: SERVICE_USER_ID,
      userName: CHAT_SENDER_NAME,
      category,
      content,
    });
    return true;
  } catch (error) {
    log.warn({ room: room.id, ...zegoFailure(error) }, `ZEGO SendBroadcastMessage (${what}) failed`);
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
      content: moderationCommand(command),
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
