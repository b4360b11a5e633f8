/** The monitoring wall: every live room at once, and the operator's warning to an anchor (through the service). */
import type { FastifyBaseLogger } from 'fastify';
import type { WallRoomView } from '@zego-live/contract/operators';
import { SERVICE_USER_ID, warningCommand } from '@zego-live/contract';
import type { LiveContext } from '../../plugins/app/live';
import type { Room } from '../../store/types';
import { zegoFailure } from '../../zego/server-api';
import { liveDurationMs } from '../stats/service';

/** The most rooms the wall shows (the newest live first); a deployment with more needs paging. */
export const WALL_LIMIT = 200;

/** Every live and paused live room with its figures, co-hosts and the age of its anchor's last heartbeat. */
export async function wallRooms(live: LiveContext): Promise<WallRoomView[]> {
  const [onAir, paused] = await Promise.all([
    live.store.rooms.list({ status: 'live', limit: WALL_LIMIT }),
    live.store.rooms.list({ status: 'paused', limit: WALL_LIMIT }),
  ]);
  // With their live figures: the likes, messages and viewers not yet written to the rows.
  const rooms = await live.counters.live([...onAir.rooms, ...paused.rooms].slice(0, WALL_LIMIT));
  const ownerIds = [...new Set(rooms.flatMap((r) => (r.ownerId === null ? [] : [r.ownerId])))];
  const [owners, facts] = await Promise.all([
    live.store.users.getMany(ownerIds),
    live.store.wall.facts(rooms.map((r) => r.id)),
  ]);
  const nicknames = new Map(owners.map((u) => [u.id, u.nickname]));
  const now = live.now();
  return rooms.map((room) => {
    const fact = facts.get(room.id);
    const heartbeatAt = fact?.heartbeatAt ?? null;
    return {
      id: room.id,
      title: room.title,
      status: room.status === 'paused' ? 'paused' : 'live',
      anchor:
        room.ownerId === null ? null : { id: room.ownerId, nickname: nicknames.get(room.ownerId) ?? '' },
      viewers: room.stats.viewers,
      peakViewers: room.stats.peakViewers,
      likes: room.stats.likes,
      messages: room.stats.messages,
      cohosts: fact?.cohosts ?? 0,
      liveMs: liveDurationMs(room, now),
      startedAt: room.startedAt,
      heartbeatAgeMs: heartbeatAt === null ? null : Math.max(0, now - heartbeatAt),
    };
  });
}

/**
 * Relays an operator's warning to the room's anchor as a custom command from the service's identity (the app shows
 * 「运营提醒：…」); true when ZEGO delivered it, false when it could not (no server API, anchor not in the room).
 */
export async function warnAnchor(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  text: string,
): Promise<boolean> {
  const api = live.zegoServerApi;
  if (api === null || room.ownerId === null) return false;
  try {
    const { failUsers } = await api.sendCustomCommand({
      roomId: room.id,
      fromUserId: SERVICE_USER_ID,
      toUserIds: [room.ownerId],
      content: warningCommand(text),
    });
    return failUsers.length === 0;
  } catch (error) {
    log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO SendCustomCommand (warning) failed');
    return false;
  }
}
