/** Whether a chat line may be sent, decided without a database: the room's status, the text, the sender's standing. */
import { CHAT_MAX_LENGTH } from '@zego-live/contract';
import { ApiError, removedFromRoom } from '../../lib/errors';
import type { ChatStanding, Room } from '../../store/types';

/** 409 unless the room is live or paused: chat and likes need a live room. */
export function requireLiveRoom(room: Pick<Room, 'id' | 'status'>, why = ''): void {
  if (room.status !== 'live' && room.status !== 'paused') {
    throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${room.id} is not live${why}`);
  }
}

/** The line as it will be sent (trimmed), or 400 MESSAGE_EMPTY / MESSAGE_TOO_LONG. */
export function chatText(raw: string): string {
  const text = raw.trim();
  if (text === '') throw new ApiError(400, 'MESSAGE_EMPTY', 'body/text must not be blank');
  if (text.length > CHAT_MAX_LENGTH) {
    throw new ApiError(
      400,
      'MESSAGE_TOO_LONG',
      `A chat message has at most ${CHAT_MAX_LENGTH} characters (this one has ${text.length})`,
    );
  }
  return text;
}

/**
 * 403 unless the sender may speak: REMOVED_FROM_ROOM, CHAT_MUTED (until when), COMMENTS_OFF for a viewer (the
 * anchor may still speak, e.g. to say why, while the viewers' comments are off).
 */
export function requireMayChat(standing: ChatStanding, anchor: boolean): void {
  if (standing.removed) throw removedFromRoom();
  if (standing.mutedUntil !== null) {
    throw new ApiError(
      403,
      'CHAT_MUTED',
      `You are muted in this room until ${new Date(standing.mutedUntil).toISOString()}`,
    );
  }
  if (standing.commentsOff && !anchor)
    throw new ApiError(403, 'COMMENTS_OFF', 'Comments are off in this room');
}
