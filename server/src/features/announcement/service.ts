/** The room's pinned announcement (公告): checked like chat, kept by the service, signalled to the room. */
import type { FastifyBaseLogger } from 'fastify';
import { ANNOUNCEMENT_MAX_LENGTH, announcementSignal } from '@zego-live/contract';
import { ApiError } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { Announcement, Room } from '../../store/types';
import { checkContent, signalRoom } from '../chat/service';
import type { Manager } from '../rooms/service';

/** The announcement as it will be kept (trimmed; '' takes it down: null), or 400 ANNOUNCEMENT_TOO_LONG. */
export function announcementText(raw: string): string | null {
  const text = raw.trim();
  if (text.length > ANNOUNCEMENT_MAX_LENGTH) {
    throw new ApiError(
      400,
      'ANNOUNCEMENT_TOO_LONG',
      `An announcement has at most ${ANNOUNCEMENT_MAX_LENGTH} characters (this one has ${text.length})`,
    );
  }
  return text === '' ? null : text;
}

/**
 * Puts up (or takes down) the room's announcement. The anchor's text passes WeChat's content check as a chat line
 * does; the operator's is the console's own word and is not checked (it has no openid to check it with).
 */
export async function setAnnouncement(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  manager: Manager,
  raw: string,
): Promise<{ announcement: Announcement | null; signalled: boolean }> {
  const text = announcementText(raw);
  if (text !== null && manager.kind !== 'operator') {
    const user = await live.store.users.get(manager.userId);
    if (user !== null) await checkContent(live, log, room, user, text);
  }
  const at = live.now();
  const announcement = await live.store.social.setAnnouncement(room.id, text, at);
  const signalled = await signalRoom(live, log, room, announcementSignal(text, at), 'announcement');
  return { announcement, signalled };
}
