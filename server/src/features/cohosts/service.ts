/**
 * Co-hosting (连麦) beyond the database: telling the people concerned (ZEGO custom commands), stopping a removed
 * co-host's stream, keeping the room's mix task in line with its co-hosts, and ending it all when the room stops
 * being live. Every call to ZEGO's server API is best effort: the decision already stands in the database, so a
 * failure is logged (with ZEGO's code) and never fails the user's request.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { CohostKey, Room } from '../../store/types';
import { ApiError, forbidden } from '../../lib/errors';
import { zegoFailure as failure, type MixInput } from '../../zego/server-api';
import { cohostCommand, SERVICE_USER_ID, type CohostSignal } from '@zego-live/contract';
import type { LiveContext } from '../../plugins/app/live';
import { cohostStreamId as streamOfCohost } from '@zego-live/contract';
import { mixStreamIdForRoom, mixTaskIdForRoom } from '../../lib/ids';
import { requireNotRemoved } from '../rooms/service';

/** The mix output canvas (portrait, like the anchor's camera). */
export const MIX_WIDTH = 720;
export const MIX_HEIGHT = 1280;
const MIX_BITRATE_BPS = 1_500_000;
const MIX_FPS = 15;

/** Requests made at or before this moment have lapsed. */
export const lapsedBefore = (live: LiveContext): number => live.now() - live.config.cohost.requestTtlMs;

/**
 * Sends `{"t":"cohost","e":event,"u":userId}` through ZEGO's SendCustomCommand: requested/cancelled to the
 * anchor, accepted/declined to the requester, ended to the whole room. True when ZEGO delivered it to every
 * target; false when the server API is off or the delivery failed (then the app sends the command itself).
 */
export async function signalCohost(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  event: CohostSignal,
  userId: string,
): Promise<boolean> {
  const api = live.zegoServerApi;
  if (api === null) return false;
  let toUserIds: string[] | undefined;
  if (event === 'requested' || event === 'cancelled') {
    if (room.ownerId === null) return false;
    toUserIds = [room.ownerId];
  } else if (event === 'accepted' || event === 'declined') {
    toUserIds = [userId];
  }
  try {
    const { failUsers } = await api.sendCustomCommand({
      roomId: room.id,
      fromUserId: SERVICE_USER_ID,
      toUserIds,
      content: cohostCommand(event, userId),
    });
    if (failUsers.length === 0) return true;
    log.info({ room: room.id, event, failUsers }, 'co-host command not delivered to every target');
    return false;
  } catch (error) {
    log.warn(
      { room: room.id, event, ...failure(error) },
      'ZEGO SendCustomCommand failed: the decision stands, the app sends the command itself',
    );
    return false;
  }
}

/**
 * The mix layout: the anchor full frame, the co-hosts in a column of 9:16 tiles on the right, top down, every
 * coordinate even (ZEGO wants even sizes).
 */
export function mixLayout(anchorStreamId: string, cohostStreamIds: readonly string[]): MixInput[] {
  const even = (value: number): number => 2 * Math.floor(value / 2);
  const margin = 24;
  const top = 160;
  const gap = 16;
  const n = cohostStreamIds.length;
  const room = MIX_HEIGHT - top - margin - gap * Math.max(0, n - 1);
  const height = even(Math.min(384, n > 0 ? room / n : 384));
  const width = even((height * 9) / 16);
  const right = MIX_WIDTH - margin;
  return [
    { StreamId: anchorStreamId, RectInfo: { Top: 0, Left: 0, Bottom: MIX_HEIGHT, Right: MIX_WIDTH } },
    ...cohostStreamIds.map((streamId, i) => {
      const tileTop = top + i * (height + gap);
      return {
        StreamId: streamId,
        RectInfo: { Top: tileTop, Left: right - width, Bottom: tileTop + height, Right: right },
      };
    }),
  ];
}

/**
 * Brings the room's mix task in line with its current co-hosts: StartMix (the same TaskId updates the layout)
 * while there are any and the room is live or paused, StopMix once there are none. A failure is a warning and
 * leaves no mix recorded (viewers then play the separate streams).
 */
export async function updateMix(live: LiveContext, log: FastifyBaseLogger, room: Room): Promise<void> {
  const api = live.zegoServerApi;
  if (api === null) return;
  const taskId = mixTaskIdForRoom(room.id);
  const running = await live.store.cohosts.mix(room.id);
  const cohosts = (await live.store.cohosts.list(room.id, lapsedBefore(live))).filter(
    (c) => c.state === 'cohost',
  );
  const stop = async (why: string): Promise<void> => {
    if (running === null) return;
    try {
      await api.stopMix({ TaskId: taskId, UserId: SERVICE_USER_ID });
      log.info({ room: room.id, taskId }, `mix stopped: ${why}`);
    } catch (error) {
      log.warn({ room: room.id, taskId, ...failure(error) }, 'ZEGO StopMix failed');
    }
    await live.store.cohosts.setMix(room.id, null, live.now());
  };
  if (cohosts.length === 0 || (room.status !== 'live' && room.status !== 'paused')) {
    await stop(cohosts.length === 0 ? 'no co-hosts' : 'the room is not live');
    return;
  }
  const output = mixStreamIdForRoom(room.id);
  try {
    await api.startMix({
      TaskId: taskId,
      UserId: SERVICE_USER_ID,
      MixInput: mixLayout(
        room.streamId,
        cohosts.map((c) => streamOfCohost(room.id, c.user.id)),
      ),
      MixOutput: [
        {
          StreamId: output,
          VideoBitrate: MIX_BITRATE_BPS,
          Fps: MIX_FPS,
          Width: MIX_WIDTH,
          Height: MIX_HEIGHT,
        },
      ],
    });
    await live.store.cohosts.setMix(room.id, output, live.now());
  } catch (error) {
    log.warn(
      { room: room.id, taskId, cohosts: cohosts.length, ...failure(error) },
      'ZEGO StartMix failed: no mixed stream, viewers play the separate streams',
    );
    // A task left running with the old layout would keep billing: stop it too.
    await stop('StartMix failed');
  }
}

/**
 * ForbidRTCStream for a co-host the service ended, so a modified app cannot keep publishing, or ResumeRTCStream
 * before a previously stopped co-host publishes again; recorded on success, a warning on failure (the decision stands).
 */
export async function setCohostStream(
  live: LiveContext,
  log: FastifyBaseLogger,
  roomId: string,
  userId: string,
  to: 'forbidden' | 'resumed',
): Promise<void> {
  const api = live.zegoServerApi;
  if (api === null) return;
  const streamId = streamOfCohost(roomId, userId);
  const forbid = to === 'forbidden';
  try {
    if (forbid) await api.forbidRTCStream(streamId, live.now());
    else await api.resumeRTCStream(streamId, live.now());
    await live.store.cohosts.setStreamForbidden(roomId, userId, forbid);
  } catch (error) {
    const action = forbid ? 'ForbidRTCStream' : 'ResumeRTCStream';
    log.warn({ room: roomId, streamId, ...failure(error) }, `ZEGO ${action} failed: the decision stands`);
  }
}

/** After one co-host ended: a removed one's stream is forbidden (it ended itself: no need), the mix loses its tile. */
export async function afterCohostEnded(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  userId: string,
  how: 'ended' | 'removed',
): Promise<void> {
  log.info({ room: room.id, cohost: userId, how }, 'co-host ended');
  if (how === 'removed') await setCohostStream(live, log, room.id, userId, 'forbidden');
  await updateMix(live, log, room);
}

/** The room stopped being live (ended, or its anchor stream closed): co-hosts end, requests drop, the mix stops. */
export async function endCohosting(live: LiveContext, log: FastifyBaseLogger, roomId: string): Promise<void> {
  const ended = await live.store.cohosts.endRoom(roomId);
  const room = await live.store.rooms.get(roomId);
  if (room === null) return;
  if (ended.length > 0) log.info({ room: roomId, cohosts: ended }, 'room not live: co-hosting ended');
  await updateMix(live, log, room);
  for (const userId of ended) await signalCohost(live, log, room, 'ended', userId);
}

/** The sweeper's part: co-hosts silent for COHOST_SILENCE_MS end (once, whichever instance gets there first). */
export async function endSilentCohosts(
  live: LiveContext,
  log: FastifyBaseLogger,
  now: number,
): Promise<CohostKey[]> {
  const ended = await live.store.cohosts.endSilent(now - live.config.cohost.silenceMs);
  if (ended.length === 0) return ended;
  log.info({ cohosts: ended }, 'no heartbeat: co-hosts ended');
  for (const roomId of new Set(ended.map((c) => c.roomId))) {
    const room = await live.store.rooms.get(roomId);
    if (room === null) continue;
    const mine = ended.filter((c) => c.roomId === roomId);
    for (const c of mine) await setCohostStream(live, log, roomId, c.userId, 'forbidden');
    await updateMix(live, log, room);
    for (const c of mine) await signalCohost(live, log, room, 'ended', c.userId);
  }
  return ended;
}

/** The co-host stream a user may publish in this room, or 403 NOT_COHOST unless the service has it accepted. */
export async function cohostStreamId(
  live: LiveContext,
  room: Pick<Room, 'id'>,
  userId: string,
): Promise<string> {
  const record = await live.store.cohosts.get(room.id, userId);
  if (record?.state !== 'cohost') {
    throw new ApiError(
      403,
      'NOT_COHOST',
      'You are not a co-host of this room (not accepted, removed or ended)',
    );
  }
  return streamOfCohost(room.id, userId);
}

/** A co-host's heartbeat (POST /rooms/:id/heartbeat from someone other than the anchor): 409 ended, 403 not one. */
export async function cohostHeartbeat(live: LiveContext, room: Room, userId: string): Promise<Room> {
  if (room.status === 'ended') throw new ApiError(409, 'ROOM_ENDED', `Room ${room.id} has ended`);
  await requireNotRemoved(live, room.id, userId);
  if (!(await live.store.cohosts.seen(room.id, userId, live.now()))) {
    throw forbidden('Only the anchor or a co-host of this room may send its heartbeat');
  }
  return room;
}

/** The sweeper's step: co-hosting ends in the rooms this pass ended, and silent co-hosts end. */
export async function sweepCohosts(
  live: LiveContext,
  log: FastifyBaseLogger,
  now: number,
  endedRooms: readonly string[],
): Promise<void> {
  for (const roomId of endedRooms) await endCohosting(live, log, roomId);
  await endSilentCohosts(live, log, now);
}
