/**
 * Going live from OBS: a room's RTMP push address and key (its stream ID while it pushes from OBS), and what ZEGO's
 * publish_start / publish_stop callbacks do. ZEGO documents no signed RTMP URL, so the key is a fresh random stream
 * ID: a new key renames the room's stream (the old key then names no room) and ZEGO is asked to refuse the old one.
 */
import type { FastifyBaseLogger } from 'fastify';
import { SERVICE_USER_ID } from '@zego-live/contract';
import { ApiError } from '../../lib/errors';
import { randomId } from '../../lib/ids';
import type { LiveContext } from '../../plugins/app/live';
import type { Room } from '../../store/types';
import { zegoFailure } from '../../zego/server-api';

/** How long ZEGO says a dispatched push node stays valid. */
export const RTMP_ADDRESS_TTL_MS = 2 * 3600 * 1000;

/** What OBS needs: 服务器 (server) and 串流密钥 (stream key), and until when the server address holds. */
export interface RtmpAddress {
  server: string;
  streamKey: string;
  validUntil: number;
}

/** A new OBS key of a room: its stream ID while pushing from OBS (ZEGO: [A-Za-z0-9_-], unique per AppID). */
export const newObsStreamId = (live: LiveContext, roomId: string): string =>
  `${roomId}_obs_${randomId(live.random, 12)}`;

/** Splits ZEGO's push URL `rtmp://host:port/app/streamId` into OBS's server (`rtmp://host:port/app/`) and key. */
export function splitPushUrl(url: string, streamId: string): { server: string; streamKey: string } {
  const server = url.endsWith(`/${streamId}`)
    ? url.slice(0, -streamId.length)
    : `${url.replace(/\/+$/, '')}/`;
  return { server, streamKey: streamId };
}

/**
 * The room's push address for OBS: its current key (a first one made now) or, with renew, a new key that
 * invalidates the old. 503 RTMP_UNAVAILABLE when ZEGO's server API is off or its dispatch fails (ZEGO's code logged).
 */
export async function rtmpAddress(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  renew: boolean,
): Promise<RtmpAddress> {
  const api = live.zegoServerApi;
  if (api === null)
    throw new ApiError(503, 'RTMP_UNAVAILABLE', "ZEGO's server API is not configured (ZEGO_SERVER_API)");
  const current = await live.store.rtmp.get(room.id);
  let key = current;
  if (key === null || renew) {
    key = await live.store.rtmp.issue(room.id, newObsStreamId(live, room.id), live.now());
    if (current !== null) {
      try {
        await api.forbidRTCStream(current.streamId, live.now());
      } catch (error) {
        log.warn(
          { room: room.id, ...zegoFailure(error) },
          'ZEGO ForbidRTCStream of a revoked OBS key failed',
        );
      }
    }
  }
  try {
    const [url] = await api.rtmpDispatch(key.streamId, live.now());
    return { ...splitPushUrl(url, key.streamId), validUntil: live.now() + RTMP_ADDRESS_TTL_MS };
  } catch (error) {
    log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO RTMPDispatchV2 failed');
    throw new ApiError(
      503,
      'RTMP_UNAVAILABLE',
      'ZEGO gave no RTMP push node (is RTMP push enabled by ZEGO support?)',
    );
  }
}

/**
 * publish_start / publish_stop of a stream: the room whose current OBS key it is (null: none) is publishing or not,
 * and its stream is added to (taken out of) the room so that viewers are told of it. Stopping ends the heartbeat:
 * the sweeper then pauses and ends the room.
 */
export async function obsPublishing(
  live: LiveContext,
  log: FastifyBaseLogger,
  streamId: string,
  publishing: boolean,
): Promise<string | null> {
  const key = streamId === '' ? null : await live.store.rtmp.setPublishing(streamId, publishing);
  if (key === null) return null;
  const stream = { roomId: key.roomId, userId: SERVICE_USER_ID, streamId };
  try {
    if (publishing) await live.zegoServerApi?.addStream(stream);
    else await live.zegoServerApi?.deleteStream(stream);
  } catch (error) {
    const action = publishing ? 'AddStream' : 'DeleteStream';
    log.warn({ room: key.roomId, ...zegoFailure(error) }, `ZEGO ${action} failed`);
  }
  return key.roomId;
}

/** The sweeper's part: a room whose OBS stream is publishing has a heartbeat (the stream is its presence). */
export async function obsHeartbeats(live: LiveContext, now: number): Promise<void> {
  for (const roomId of await live.store.rtmp.publishingRooms()) await live.store.rooms.heartbeat(roomId, now);
}
