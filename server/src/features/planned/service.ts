import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from '../../lib/errors';
import type { ReminderAnswer } from '@zego-live/contract/schemas';
import type { LiveContext } from '../../plugins/app/live';
import type { Room, RoomPlan } from '../../store/types';

/** Largest accepted cover (bytes): wx.chooseMedia's compressed photo of a phone screen stays below this. */
export const COVER_MAX_BYTES = 1024 * 1024;

/** Stored cover names: `<roomID>-<16 random>.<ext>`; anything else is refused before touching the disk. */
export const COVER_FILE = /^([A-Za-z0-9_]{1,128})-[A-Za-z0-9]{16}\.(png|jpg|webp)$/;

/** 409: the room went live (or ended): its plan and cover are final, and reminding of its start is too late. */
export const notUpcoming = (room: Room): ApiError =>
  new ApiError(
    409,
    'ROOM_NOT_UPCOMING',
    `Room ${room.id} is ${room.status}: only a room not yet live can be planned`,
  );

/** Applies a plan to an idle room (one conditional UPDATE); 409 when it went live or ended meanwhile. */
export async function applyPlan(live: LiveContext, room: Room, plan: RoomPlan): Promise<Room> {
  if (room.status !== 'idle') throw notUpcoming(room);
  const updated = await live.store.rooms.updatePlan(room.id, plan);
  if (updated === null) throw notUpcoming((await live.store.rooms.get(room.id)) ?? room);
  return updated;
}

/** Deletes the room's previous cover file once the new one is recorded (URLs are per upload: no cache serves it). */
export async function dropOldCover(
  dir: string,
  room: Room,
  newFile: string,
  log: FastifyBaseLogger,
): Promise<void> {
  const old = /\/covers\/([^/?#]+)$/.exec(room.coverUrl ?? '')?.[1];
  if (old === undefined || COVER_FILE.exec(old)?.[1] !== room.id || old === newFile) return;
  await unlink(path.join(dir, old)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') log.warn({ err: error, file: old }, 'old cover not removed');
  });
}

/** The caller's reminder for a room as the API shows it. */
export async function reminderAnswer(
  live: LiveContext,
  roomId: string,
  userId: string,
): Promise<ReminderAnswer> {
  const reminder = await live.store.reminders.get(roomId, userId);
  return { roomId, subscribed: reminder !== null, state: reminder?.state ?? null };
}

/** 503 unless the service can send start reminders (WeChat credentials and WECHAT_LIVE_TEMPLATE_ID). */
export function requireReminders(templateId: string | null): void {
  if (templateId === null) {
    throw new ApiError(
      503,
      'REMINDERS_UNAVAILABLE',
      'Start reminders are not configured: set WECHAT_APPID, WECHAT_SECRET and WECHAT_LIVE_TEMPLATE_ID on the server',
    );
  }
}
