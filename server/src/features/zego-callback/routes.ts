import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Room } from '../../store/types';
import type { LiveContext } from '../../plugins/app/live';
import { endCohosting } from '../cohosts/service';
import { startRecording } from '../replays/service';
import { obsPublishing } from '../obs/service';
import { acceptZegoCallback } from './service';

export { CALLBACK_WINDOW_MS, verifyZegoCallback, zegoCallbackSignature } from './service';

const Scalar = Type.Union([Type.String({ maxLength: 256 }), Type.Number()]);

/**
 * The fields we use of ZEGO's stream_create / stream_close (and, for OBS, publish_start / publish_stop) callbacks.
 * ZEGO decides the payload, so fields we do not read are ignored here (the one body that is not exact).
 */
const CallbackBody = Type.Object(
  {
    event: Type.Optional(Type.String({ maxLength: 64 })),
    timestamp: Scalar,
    nonce: Scalar,
    signature: Type.String({ minLength: 1, maxLength: 128 }),
    room_id: Type.Optional(Type.String({ maxLength: 256 })),
    channel_id: Type.Optional(Type.String({ maxLength: 256 })),
    stream_id: Type.Optional(Type.String({ maxLength: 256 })),
    stream_alias: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true },
);

/** The room a callback is about: by its anchor stream ID first, then by room ID. */
async function roomOf(
  live: LiveContext,
  streamId: string | undefined,
  roomId: string | undefined,
): Promise<Room | null> {
  const byStream = streamId ? await live.store.rooms.findByStreamId(streamId) : null;
  if (byStream) return byStream;
  if (!roomId) return null;
  const room = await live.store.rooms.get(roomId);
  // Only the room's own anchor stream moves its status (not a stray stream in the same room).
  return room && (!streamId || streamId === room.streamId) ? room : null;
}

/** Moves the callback's room (a live room's anchor stream only) and answers which room it was. */
async function applyCallback(
  live: LiveContext,
  log: FastifyBaseLogger,
  status: 'live' | 'idle',
  body: Static<typeof CallbackBody>,
): Promise<{ ok: boolean; roomID: string | null }> {
  const streamId = body.stream_id ?? body.stream_alias;
  const room = await roomOf(live, streamId, body.room_id ?? body.channel_id);
  if (!room) return { ok: true, roomID: null };
  // A call's status follows its members (second join: live; hang-up: ended), not one member's stream.
  if (room.kind === 'call') return { ok: true, roomID: room.id };
  // An OBS stream's end is the sweeper's, as a dropped phone's is (publish_stop only stops its heartbeat).
  if (status === 'idle' && (await live.store.rtmp.get(room.id))?.streamId === streamId) {
    return { ok: true, roomID: room.id };
  }
  if (status === 'live' || room.status === 'live' || room.status === 'paused') {
    const moved = await live.store.rooms.setStatus(room.id, status, live.now());
    // The anchor's stream is gone: co-hosting with it ends (the co-hosts would face an empty room).
    if (status === 'idle') await endCohosting(live, log, room.id);
    // The anchor's stream exists now: the room's recording may start (after the answer).
    if (status === 'live' && moved !== null) live.later.run(() => startRecording(live, log, moved));
  }
  return { ok: true, roomID: room.id };
}

/** ZEGO server callbacks: stream created -> room live, stream closed -> room idle; OBS publish start/stop. */
const zegoCallbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const Answer = Type.Object({ ok: Type.Boolean(), roomID: Type.Union([Type.String(), Type.Null()]) });
  const schema = { body: CallbackBody, response: { 200: Answer } };

  for (const [path, status] of [
    ['/zego/callback/stream-create', 'live'],
    ['/zego/callback/stream-close', 'idle'],
  ] as const) {
    /** POST /api/zego/callback/stream-create | stream-close: verified with ZEGO_CALLBACK_SECRET. */
    app.post(path, { schema }, async (request) =>
      acceptZegoCallback(live, request.body, () => applyCallback(live, request.log, status, request.body)),
    );
  }

  /**
   * POST /api/zego/callback/publish-start | publish-stop: an RTMP tool (OBS) started or stopped pushing a room's
   * OBS key (ZEGO support configures these callbacks). Start: the room goes live as by stream_create and its stream
   * is added to the room; stop: the heartbeat stops, so the sweeper pauses then ends the room as for a phone.
   */
  app.post('/zego/callback/publish-start', { schema }, async (request) =>
    acceptZegoCallback(live, request.body, async () => {
      const streamId = request.body.stream_id ?? request.body.stream_alias ?? '';
      const roomId = await obsPublishing(live, request.log, streamId, true);
      if (roomId === null) return { ok: true, roomID: null };
      return applyCallback(live, request.log, 'live', { ...request.body, stream_id: streamId });
    }),
  );
  app.post('/zego/callback/publish-stop', { schema }, async (request) =>
    acceptZegoCallback(live, request.body, async () => ({
      ok: true,
      roomID: await obsPublishing(
        live,
        request.log,
        request.body.stream_id ?? request.body.stream_alias ?? '',
        false,
      ),
    })),
  );
};

export default zegoCallbackRoutes;
